import type { ConversationRecord } from '../core';

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers which conversation references this instance stored recently, so that every turn in a
 * busy conversation does not rewrite the same document. Only an optimisation: a miss just writes.
 */
export class ReferenceCache {
  private readonly entries = new Map<string, { fingerprint: string; at: number }>();

  isFresh(record: ConversationRecord): boolean {
    const entry = this.entries.get(record._id);
    return !!entry && entry.fingerprint === fingerprint(record) && Date.now() - entry.at < TTL_MS;
  }

  add(record: ConversationRecord): void {
    this.entries.delete(record._id);
    this.entries.set(record._id, { fingerprint: fingerprint(record), at: Date.now() });
    // Maps keep insertion order, so the first key is the least recently stored.
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}

const fingerprint = ({ updatedAt: _updatedAt, ...rest }: ConversationRecord): string => JSON.stringify(rest);
