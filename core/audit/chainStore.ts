import type { Collection, Document } from 'mongodb';
import { isDuplicateKey } from '../persistence/writes';
import { RecentMap } from '../recentMap';
import { GENESIS_HASH, seal } from './chain';

/** Where a case's chain ends, as last recorded. Entries after it may exist (a crash between the two writes). */
export interface ChainHeadDoc {
  _id: string;
  seq: number;
  hash: string;
  familySeq: number;
  at: Date;
}

export interface ChainTip {
  seq: number;
  hash: string;
  familySeq: number;
}

/** Entry IDs sort by case, then position: `<caseId>:<seq, 10 digits>`. */
export const entryId = (caseId: string, seq: number): string => `${caseId}:${String(seq).padStart(10, '0')}`;

/** Positions per `_id: {$in}` read: the embedded FerretDB serves up to 1,000 from its index (docs/database.md). */
const POSITIONS_PER_READ = 500;

/** The entries of a case's chain at these positions that exist, in no particular order: indexed `_id: {$in}` reads. */
export async function entriesAtPositions<D extends Document>(entries: Collection<D>, caseId: string, seqs: readonly number[]): Promise<D[]> {
  const found: D[] = [];
  for (let i = 0; i < seqs.length; i += POSITIONS_PER_READ) {
    const ids = seqs.slice(i, i + POSITIONS_PER_READ).map((seq) => entryId(caseId, seq));
    found.push(...((await entries.find({ _id: { $in: ids } } as never).toArray()) as D[]));
  }
  return found;
}

export interface ChainEntryBase extends Document {
  _id: string;
  caseId: string;
  seq: number;
  key: string;
  familySeq: number;
  contentHash: string;
  prevHash: string;
  hash: string;
}

const MAX_ATTEMPTS = 50;
/** Chains whose end this process remembers from its own last append (the oldest is forgotten first). */
const KNOWN_TIPS = 10_000;

/**
 * Appends to per-case hash chains without transactions: the right to write position N+1 is won
 * by inserting `<caseId>:<N+1>` first (a unique `_id` insert is atomic everywhere), and an entry
 * is appended once per key (a unique index on `key`). Appends from this process to one case
 * queue up, so they do not race each other; other instances' appends are retried.
 */
export class ChainStore<E extends ChainEntryBase> {
  private readonly queues = new Map<string, Promise<unknown>>();
  /**
   * Where this process's last append left each chain. The next append starts there without
   * reading the head: if another instance appended meanwhile, the position is taken, the insert
   * is refused, and the chain is read again (so a stale entry costs a retry, never a fork).
   */
  private readonly known = new RecentMap<string, ChainTip>(KNOWN_TIPS);

  constructor(
    readonly entries: Collection<E>,
    private readonly heads: Collection<ChainHeadDoc>,
    private readonly split: (entry: Omit<E, 'contentHash' | 'prevHash' | 'hash' | '_id' | 'seq' | 'familySeq'> & { familySeq: number }) => { envelope: Record<string, unknown>; content: Record<string, unknown> },
  ) {}

  /**
   * Appends `draft` (once per key) and returns the stored entry and whether this call stored it.
   * A repeated key is not looked up first: the unique index on `key` refuses the insert, and only
   * then is the stored entry read (most appends are new, so this saves a read on each).
   */
  append(caseId: string, draft: Omit<E, 'contentHash' | 'prevHash' | 'hash' | '_id' | 'seq' | 'familySeq' | 'caseId'>, familyVisible: boolean): Promise<{ entry: E; appended: boolean }> {
    const previous = this.queues.get(caseId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.appendNow(caseId, draft, familyVisible));
    this.queues.set(caseId, next);
    void next
      .finally(() => {
        if (this.queues.get(caseId) === next) this.queues.delete(caseId);
      })
      .catch(() => undefined);
    return next;
  }

  private async appendNow(caseId: string, draft: Omit<E, 'contentHash' | 'prevHash' | 'hash' | '_id' | 'seq' | 'familySeq' | 'caseId'>, familyVisible: boolean): Promise<{ entry: E; appended: boolean }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // Our last append's end, else the head (the tip after every append that finished); only after
      // a refused insert is the chain walked past it (another writer, or a crash between an insert
      // and its head update).
      const tip = attempt === 0 ? (this.known.get(caseId) ?? (await this.headTip(caseId))) : await this.tip(caseId);
      const seq = tip.seq + 1;
      const familySeq = tip.familySeq + (familyVisible ? 1 : 0);
      const base = { ...draft, caseId, familySeq } as Omit<E, 'contentHash' | 'prevHash' | 'hash' | '_id' | 'seq' | 'familySeq'> & { familySeq: number };
      const { envelope, content } = this.split(base);
      const { contentHash, hash } = seal(caseId, seq, envelope, content, tip.hash);
      const entry = { ...base, _id: entryId(caseId, seq), seq, contentHash, prevHash: tip.hash, hash } as unknown as E;
      try {
        await this.entries.insertOne(entry as never);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        this.known.delete(caseId);
        // Either the same change was appended meanwhile (its key), or another writer took this position.
        const same = await this.byKey(draft.key as string);
        if (same) return { entry: same, appended: false };
        await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
        continue;
      }
      await this.advanceHead(caseId, tip, { seq, hash, familySeq, at: new Date() });
      this.known.set(caseId, { seq, hash, familySeq });
      return { entry, appended: true };
    }
    throw new Error(`could not append to the chain of case ${caseId}: too much contention`);
  }

  byKey(key: string): Promise<E | null> {
    return this.entries.findOne({ key } as never) as Promise<E | null>;
  }

  async head(caseId: string): Promise<ChainHeadDoc | null> {
    return this.heads.findOne({ _id: caseId });
  }

  /** The recorded head: the tip unless an append is under way or was cut short. */
  private async headTip(caseId: string): Promise<ChainTip> {
    const head = await this.heads.findOne({ _id: caseId });
    return head ? { seq: head.seq, hash: head.hash, familySeq: head.familySeq } : { seq: 0, hash: GENESIS_HASH, familySeq: 0 };
  }

  /** The chain's real end: the recorded head, moved forward past entries appended after it. */
  async tip(caseId: string): Promise<ChainTip> {
    let tip = await this.headTip(caseId);
    const start = tip;
    for (;;) {
      const next = (await this.entries.findOne({ _id: entryId(caseId, tip.seq + 1) } as never)) as E | null;
      if (!next) break;
      tip = { seq: next.seq, hash: next.hash, familySeq: next.familySeq };
    }
    if (tip.seq !== start.seq) await this.advanceHead(caseId, start, { ...tip, at: new Date() });
    return tip;
  }

  private async advanceHead(caseId: string, from: ChainTip, to: Omit<ChainHeadDoc, '_id'>): Promise<void> {
    if (from.seq === 0) {
      try {
        await this.heads.insertOne({ _id: caseId, ...to });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    // Conditional: a head that moved on meanwhile is left alone (the next tip() walks forward anyway).
    await this.heads.updateOne({ _id: caseId, seq: { $lt: to.seq } }, { $set: to });
  }

  /** The entries at these positions that exist, in the order asked for. */
  async entriesAt(caseId: string, seqs: readonly number[]): Promise<E[]> {
    const bySeq = new Map((await entriesAtPositions(this.entries, caseId, seqs)).map((e) => [e.seq, e]));
    return seqs.flatMap((seq) => bySeq.get(seq) ?? []);
  }

  /** Every entry of a case, oldest first (for verification and exports). */
  async all(caseId: string): Promise<E[]> {
    const found = (await this.entries.find({ caseId } as never).toArray()) as E[];
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** The cases that have a chain (from their heads). */
  async caseIds(): Promise<string[]> {
    return (await this.heads.find({}, { projection: { _id: 1 } }).toArray()).map((h) => h._id);
  }
}

/** Links entries into a chain in memory (seeding histories in bulk); `split` is the chain's own. */
export function linkEntries<D extends { key: string }>(
  caseId: string,
  drafts: D[],
  split: (entry: D & { caseId: string; familySeq: number }) => { envelope: Record<string, unknown>; content: Record<string, unknown> },
  familyVisible: (draft: D) => boolean,
): { entries: Array<D & ChainEntryBase>; head: ChainHeadDoc } {
  let prevHash = GENESIS_HASH;
  let familySeq = 0;
  const entries = drafts.map((draft, i) => {
    const seq = i + 1;
    if (familyVisible(draft)) familySeq += 1;
    const base = { ...draft, caseId, familySeq };
    const { envelope, content } = split(base);
    const { contentHash, hash } = seal(caseId, seq, envelope, content, prevHash);
    prevHash = hash;
    return { ...base, _id: entryId(caseId, seq), seq, contentHash, prevHash: i === 0 ? GENESIS_HASH : (undefined as unknown as string), hash } as D & ChainEntryBase;
  });
  // prevHash of each entry is the hash before it.
  for (let i = 1; i < entries.length; i++) entries[i]!.prevHash = entries[i - 1]!.hash;
  return { entries, head: { _id: caseId, seq: entries.length, hash: prevHash, familySeq, at: new Date() } };
}
