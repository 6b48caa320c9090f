import { hashOf, sha256 } from './canonical';

/**
 * A hash chain per case, for the history and for the access log alike. Each entry stores the hash
 * of its predecessor and its own hash. Its own hash covers the envelope (case, position, time,
 * type, visibility, the content's hash and the predecessor's hash); the content (who, the data and,
 * in the history, the key) is hashed on its own, so erasure can replace a person's data with a pseudonym without
 * breaking the chain: the content hash stays, and the entry records which erasure replaced it.
 */

export const GENESIS_HASH = sha256('samspil:chain:genesis');

/** The hashed parts of an entry. `content` is whatever an entry carries that erasure may replace. */
export interface Linkable {
  caseId: string;
  seq: number;
  envelope: Record<string, unknown>;
  content: Record<string, unknown>;
  contentHash: string;
  prevHash: string;
  hash: string;
  /** Erasure replaced the content; the ID of the erasure entry that did it. */
  redactedBy?: string;
}

export function seal(caseId: string, seq: number, envelope: Record<string, unknown>, content: Record<string, unknown>, prevHash: string): { contentHash: string; hash: string } {
  const contentHash = hashOf(content);
  return { contentHash, hash: hashOf({ caseId, seq, ...envelope, contentHash, prevHash }) };
}

export type ChainBreak =
  | 'gap'
  | 'link'
  | 'envelope'
  | 'content'
  | 'redaction'
  | 'head';

export interface ChainVerdict {
  ok: boolean;
  /** How many entries were checked. */
  entries: number;
  /** The first broken entry (its position), and why. */
  firstBreak?: { seq: number; reason: ChainBreak };
  /** The hash of the newest entry of an intact chain: what a later run, or an outside copy, can compare. */
  lastHash?: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Walks one case's chain from its first entry. `entries` must be sorted by `seq`. `isErasure`
 * says whether an entry ID is an erasure entry of this chain that accounts for the redacted entry
 * at `seq` (redacted content must point at one).
 */
export function verifyChain(entries: Linkable[], head: ChainHead | null, isErasure: (id: string, seq: number) => boolean): ChainVerdict {
  let prevHash = GENESIS_HASH;
  let expected = 1;
  for (const entry of entries) {
    const broken = (reason: ChainBreak): ChainVerdict => ({ ok: false, entries: entries.length, firstBreak: { seq: entry.seq, reason } });
    if (entry.seq !== expected) return { ok: false, entries: entries.length, firstBreak: { seq: expected, reason: 'gap' } };
    if (entry.prevHash !== prevHash) return broken('link');
    if (hashOf({ caseId: entry.caseId, seq: entry.seq, ...entry.envelope, contentHash: entry.contentHash, prevHash: entry.prevHash }) !== entry.hash) return broken('envelope');
    if (entry.redactedBy) {
      if (!isErasure(entry.redactedBy, entry.seq)) return broken('redaction');
    } else if (hashOf(entry.content) !== entry.contentHash) {
      return broken('content');
    }
    prevHash = entry.hash;
    expected += 1;
  }
  // The head remembers how far the chain went: a deleted tail, or a rewritten last entry, shows here.
  const last = entries.at(-1);
  if (head && (head.seq > (last?.seq ?? 0) || (last && head.seq === last.seq && head.hash !== last.hash))) {
    return { ok: false, entries: entries.length, firstBreak: { seq: Math.min(head.seq, (last?.seq ?? 0) + 1), reason: 'head' } };
  }
  return { ok: true, entries: entries.length, lastHash: last?.hash };
}
