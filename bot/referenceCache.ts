import { RecentMap, type ConversationRecord } from '../core';

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers which conversation references this instance stored recently, so that every turn in a
 * busy conversation does not rewrite the same document. Only an optimisation: a miss just writes.
 */
export class ReferenceCache {
  private readonly entries = new RecentMap<string, { fingerprint: string; at: number }>(MAX_ENTRIES);

  isFresh(record: ConversationRecord): boolean {
    const entry = this.entries.get(record._id);
    return !!entry && entry.fingerprint === fingerprint(record) && Date.now() - entry.at < TTL_MS;
  }

  add(record: ConversationRecord): void {
    this.entries.set(record._id, { fingerprint: fingerprint(record), at: Date.now() });
  }
}

const fingerprint = ({ updatedAt: _updatedAt, ...rest }: ConversationRecord): string => JSON.stringify(rest);
