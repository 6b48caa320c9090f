import type { Collection } from 'mongodb';
import type { AccessLog } from './accessLog';
import { hashOf } from './canonical';
import type { ChainBreak, ChainVerdict } from './chain';
import { entryId } from './chainStore';
import type { EventStore } from './eventStore';

export type AuditLogName = 'events' | 'accessLog';

/** The first broken entry of one case's chain: enough to find it in the database. */
export interface BrokenChain {
  caseId: string;
  log: AuditLogName;
  /** `_id` of the first entry that does not verify (or, for a gap or lost tail, of the one missing). */
  entryId: string;
  seq: number;
  reason: ChainBreak;
}

/** One run of the verifier, kept as a record: verification is itself audited (#12). */
export interface VerificationRecord {
  _id: string;
  startedAt: Date;
  finishedAt: Date;
  /** Who ran it: `app` for the scheduled run, `operator:<login>` for the CLI, and so on. */
  by: string;
  /** Every case, or the one named. */
  scope: { caseId: string } | 'all';
  cases: number;
  entries: number;
  ok: boolean;
  broken: BrokenChain[];
  /**
   * One hash over the newest hash of every chain verified. It is logged at every run, so a copy
   * lives outside the database: a history rewritten wholesale, hashes and all, no longer matches it.
   */
  digest: string;
}

/** Walks every hash chain (history and access log) and keeps the outcome of each run. */
export class AuditVerifier {
  constructor(
    private readonly events: EventStore,
    private readonly accessLog: AccessLog,
    private readonly runs: Collection<VerificationRecord>,
    private readonly now: () => Date,
    /** Every case there is: a case whose whole history was deleted (head and all) shows as broken. */
    private readonly knownCaseIds: () => Promise<string[]> = async () => [],
  ) {}

  async verify(options: { caseId?: string; by: string }): Promise<VerificationRecord> {
    const startedAt = this.now();
    const known = new Set(await this.knownCaseIds());
    const logs: Array<{ log: AuditLogName; caseIds: string[]; verify: (caseId: string) => Promise<ChainVerdict> }> = [
      { log: 'events', caseIds: options.caseId ? [options.caseId] : union(await this.events.caseIds(), [...known]), verify: (id) => this.verifyHistory(id, known) },
      { log: 'accessLog', caseIds: options.caseId ? [options.caseId] : await this.accessLog.caseIds(), verify: (id) => this.accessLog.verify(id) },
    ];
    const broken: BrokenChain[] = [];
    const cases = new Set<string>();
    const tips: Array<[AuditLogName, string, number, string]> = [];
    let entries = 0;
    for (const { log, caseIds, verify } of logs) {
      for (const caseId of caseIds) {
        const verdict = await verify(caseId);
        if (verdict.entries > 0 || !verdict.ok) cases.add(caseId);
        entries += verdict.entries;
        if (verdict.lastHash) tips.push([log, caseId, verdict.entries, verdict.lastHash]);
        if (verdict.firstBreak) broken.push({ caseId, log, seq: verdict.firstBreak.seq, entryId: entryId(caseId, verdict.firstBreak.seq), reason: verdict.firstBreak.reason });
      }
    }
    const record: VerificationRecord = {
      _id: `${startedAt.toISOString()}:${Math.random().toString(36).slice(2, 10)}`,
      startedAt,
      finishedAt: this.now(),
      by: options.by,
      scope: options.caseId ? { caseId: options.caseId } : 'all',
      cases: cases.size,
      entries,
      ok: broken.length === 0,
      broken,
      digest: hashOf(tips),
    };
    await this.runs.insertOne(record);
    return record;
  }

  /** Every case begins with `case.created`: a case with no history at all lost it. */
  private async verifyHistory(caseId: string, known: Set<string>): Promise<ChainVerdict> {
    const verdict = await this.events.verify(caseId);
    if (verdict.ok && verdict.entries === 0 && known.has(caseId)) return { ok: false, entries: 0, firstBreak: { seq: 1, reason: 'head' } };
    return verdict;
  }

  /** The newest run, for `/healthz/audit`. */
  async last(): Promise<VerificationRecord | null> {
    return this.runs.find({}).sort({ _id: -1 }).limit(1).next();
  }
}

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])].sort();
