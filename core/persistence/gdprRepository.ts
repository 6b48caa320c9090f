import type { Collection, Db, Document, Filter } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import { entriesAtPositions, entryId } from '../audit/chainStore';
import type { EventDraft } from '../audit/events';
import type { Agreement } from '../domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../domain/assessment';
import type { Case } from '../domain/case';
import type { Observation } from '../domain/observation';
import type { PersonNeedles } from '../gdpr/pseudonym';
import type { MeetingRecord } from './meetingRepository';
import { insertOnce, isDuplicateKey } from './writes';

/**
 * One erasure on the controller's instruction (core/gdpr). While it runs, the document holds what
 * it looks for (the person's IDs, names and text), so that a rerun after a crash can finish the
 * job even where the first run already replaced what identified the person. When it is done, that
 * is removed and what remains is the record: pseudonym, instruction, who, when and how much.
 */
export interface ErasureJob {
  /** `running:<pseudonym>` while it runs; `<pseudonym>:<started, ISO>` once done. */
  _id: string;
  status: 'running' | 'done';
  pseudonym: string;
  instruction: string;
  by: string;
  byName: string;
  startedAt: Date;
  finishedAt?: Date;
  /** The pseudonym of each of the person's IDs: a later run under any of them finds this record. */
  idDigests: string[];
  needles?: PersonNeedles;
  counts?: ErasureCounts;
}

export interface ErasureCounts {
  cases: number;
  historyEntries: number;
  accessEntries: number;
  documents: number;
}

export const ERASURES_COLLECTION = 'gdprErasures';

/** The two hash-chained logs, and where their heads are. */
export type ChainName = 'events' | 'accessLog';
const HEADS: Record<ChainName, string> = { events: 'eventHeads', accessLog: 'accessHeads' };

/** Collections erasure never rewrites as plain documents: the chains (rewritten through core/audit), their heads, verification runs, and its own records. */
export const NOT_SCRUBBED = new Set(['events', 'accessLog', 'eventHeads', 'accessHeads', 'auditRuns', 'cases', ERASURES_COLLECTION]);

/**
 * Storage for a person's rights (core/gdpr): the case data an access export reads, the retention
 * hold on a case, and the whole-database reads and rewrites that erasure needs. Erasure is rare
 * and run by an operator, so it reads every collection rather than keeping indexes for it.
 */
export class GdprRepository {
  private readonly cases: Collection<Case>;
  readonly jobs: Collection<ErasureJob>;

  constructor(
    private readonly db: Db,
    private readonly audited: AuditedWrites,
  ) {
    this.cases = db.collection<Case>('cases');
    this.jobs = db.collection<ErasureJob>(ERASURES_COLLECTION);
  }

  // ---- cases ----

  caseById(id: string): Promise<Case | null> {
    return this.cases.findOne({ _id: id });
  }

  /** Every case (operator commands only: an export looks for a person in all of them). */
  allCases(): Promise<Case[]> {
    return this.cases.find({}).toArray();
  }

  closedCases(): Promise<Case[]> {
    return this.cases.find({ status: 'closed' }).toArray();
  }

  /** When a case was closed: its newest `case.closed` event. */
  async closedAt(caseId: string): Promise<Date | null> {
    const [closing] = await this.db.collection('events').find({ caseId, type: 'case.closed' }).sort({ seq: -1 }).limit(1).toArray();
    return (closing?.at as Date | undefined) ?? null;
  }

  /** What an access export reads from one case, besides its history and access log. */
  async caseData(caseId: string): Promise<{ observations: Observation[]; agreements: Agreement[]; rounds: AssessmentRound[]; answers: AssessmentAnswer[]; meetings: MeetingRecord[] }> {
    const [observations, agreements, rounds, answers, meetings] = await Promise.all([
      this.db.collection<Observation>('observations').find({ caseId }).toArray(),
      this.db.collection<Agreement>('agreements').find({ caseId }).toArray(),
      this.db.collection<AssessmentRound>('assessmentRounds').find({ caseId }).toArray(),
      this.db.collection<AssessmentAnswer>('assessmentAnswers').find({ caseId }).toArray(),
      this.db.collection<MeetingRecord>('meetings').find({ caseId }).toArray(),
    ]);
    return { observations, agreements, rounds, answers, meetings };
  }

  /**
   * Changes a case's fields with their event, through the audited write (the event rides in the
   * case's outbox): conditional on the version read, so a concurrent change is never overwritten.
   */
  updateCase(kase: Case, set: Record<string, unknown>, unset: string[], events: EventDraft[]): Promise<boolean> {
    const update: Record<string, unknown> = { $inc: { version: 1 } };
    if (Object.keys(set).length) update.$set = set;
    if (unset.length) update.$unset = Object.fromEntries(unset.map((field) => [field, '']));
    return this.audited.update(this.cases, { _id: kase._id, version: kase.version }, update as never, events);
  }

  /** Appends what a crash may have left in a case's outbox, so that a rewrite starts from a settled case. */
  async settleCase(caseId: string): Promise<void> {
    await this.audited.flush(this.cases, caseId);
  }

  // ---- every collection (erasure) ----

  async collectionNames(): Promise<string[]> {
    const all = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return all.map((c) => c.name).filter((name) => !name.startsWith('system.')).sort();
  }

  /** Calls `visit` for every document of a collection. */
  async forEach(name: string, visit: (doc: Document) => void): Promise<void> {
    for await (const doc of this.db.collection(name).find({}, { batchSize: 2000 })) visit(doc);
  }

  /**
   * Writes a rewritten document in place of the one read: conditional on its version where it has
   * one, and by insert-then-delete when its `_id` changed (a rerun finishes a half-done move).
   * False when the document changed meanwhile (the next round reads it again).
   */
  async replace(name: string, original: Document, replaced: Document): Promise<boolean> {
    const collection = this.db.collection(name);
    if (original._id === replaced._id) {
      const filter: Filter<Document> = { _id: original._id };
      if (typeof original.version === 'number') filter.version = original.version;
      const { _id: _ignored, ...fields } = replaced;
      return (await collection.replaceOne(filter, fields)).matchedCount === 1;
    }
    try {
      await collection.insertOne(replaced);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    await collection.deleteOne({ _id: original._id });
    return true;
  }

  /**
   * Chain entries appended after the given positions (per case), found from the chains' heads and
   * then by position: each case costs a lookup by `_id`, not a read of its chain.
   */
  async entriesAfter(log: ChainName, tips: Map<string, number>): Promise<Document[]> {
    const entries = this.db.collection<Document & { _id: string }>(log);
    const found: Document[] = [];
    for (const head of await this.db.collection<{ _id: string; seq: number }>(HEADS[log]).find({}).toArray()) {
      // The head may lag behind its chain (a crash between the two writes): walk on from what was read.
      for (let seq = (tips.get(head._id) ?? 0) + 1; ; seq++) {
        const entry = await entries.findOne({ _id: entryId(head._id, seq) });
        if (!entry) break;
        found.push(entry);
      }
    }
    return found;
  }

  /** Chain entries of one case by position (in no particular order). */
  async entriesAt(log: ChainName, caseId: string, seqs: number[]): Promise<Document[]> {
    return entriesAtPositions(this.db.collection<Document & { _id: string }>(log), caseId, seqs);
  }

  // ---- erasure records ----

  async runningJobs(): Promise<ErasureJob[]> {
    return this.jobs.find({ status: 'running' }).toArray();
  }

  /** Starts a job; false when one for this pseudonym is already running (resume that one). */
  startJob(job: ErasureJob): Promise<boolean> {
    return insertOnce(this.jobs, job);
  }

  async updateNeedles(jobId: string, needles: PersonNeedles): Promise<void> {
    await this.jobs.updateOne({ _id: jobId }, { $set: { needles } });
  }

  /** Keeps the record of a finished job without what identified the person, then drops the running one. */
  async finishJob(running: ErasureJob, finishedAt: Date, counts: ErasureCounts): Promise<ErasureJob> {
    const { needles: _needles, ...kept } = running;
    const done: ErasureJob = { ...kept, _id: `${running.pseudonym}:${running.startedAt.toISOString()}`, status: 'done', finishedAt, counts };
    await insertOnce(this.jobs, done);
    await this.jobs.deleteOne({ _id: running._id });
    return done;
  }

  /** Finished erasures of a person, found by the pseudonym of any of their IDs. */
  async doneJobsFor(digest: string): Promise<ErasureJob[]> {
    const done = await this.jobs.find({ status: 'done' }).toArray();
    return done.filter((job) => job.idDigests.includes(digest)).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  }
}
