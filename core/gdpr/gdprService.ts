import { splitAccess, type AccessEntry, type AccessLog } from '../audit/accessLog';
import { hashOf } from '../audit/canonical';
import { draft, versionKey, type CaseEvent } from '../audit/events';
import { splitEvent, type EventStore } from '../audit/eventStore';
import type { Actor, Case } from '../domain/case';
import { copenhagenDate } from '../domain/dates';
import { DomainError } from '../domain/errors';
import { cleanText } from '../domain/text';
import { ERASURES_COLLECTION, NOT_SCRUBBED, type ChainName, type ErasureCounts, type ErasureJob, type GdprRepository } from '../persistence/gdprRepository';
import { caseIdFrom, type CaseAccess } from '../services/access';
import type { Clock } from '../services/caseService';
import { buildPersonExport, membersOf, personMatcher, type CaseData, type PersonExport } from './personExport';
import { canonicalId, learnFrom, personIdFrom, pseudonymOf, Redactor, type PersonNeedles } from './pseudonym';
import { erasureBlockers, isDueForReview, reviewDueOn } from './rules';
import { renderPersonExportHtml } from './summaryHtml';

/** A stored document, as erasure reads and rewrites it (any collection). */
type Document = Record<string, unknown>;

/** The controller's settings (app/config.ts): GDPR_EXPORT_PROFESSIONAL_CONTENT and RETENTION_YEARS. */
export interface GdprSettings {
  professionalContent: boolean;
  retentionYears: number;
}

export const DEFAULT_GDPR_SETTINGS: GdprSettings = { professionalContent: false, retentionYears: 5 };

/** The controller's staff at the server's console (app/cli.ts `operator`). */
export interface Operator {
  id: string;
  name: string;
}

export interface PersonExportResult {
  export: PersonExport;
  /** The Danish summary, with the export as JSON at its end. */
  html: string;
  pseudonym: string;
  /** A file name for the download (the tab). */
  fileName: string;
}

export interface DueCase {
  caseId: string;
  closedAt: Date;
  /** The day it became due for review (YYYY-MM-DD, Copenhagen). */
  reviewDueOn: string;
  coordinatorName: string;
  coordinatorId: string;
  hold: { reason: string; at: Date; byName: string } | null;
}

export type ErasureOutcome =
  | { status: 'erased'; pseudonym: string; jobId: string; resumed: boolean; counts: ErasureCounts }
  | { status: 'nothing'; pseudonym: string; previous: ErasureJob[] };

const HOLD_REASON_MAX = 300;
const INSTRUCTION_MAX = 200;
/** Rounds of erase-and-look-again before a run gives up (something keeps writing the person's data). */
const ERASURE_ROUNDS = 3;

/** What the chains hold about the person, and how far each chain was read. */
interface ChainHits {
  /** Per case: positions in the history whose content names the person. */
  events: Map<string, number[]>;
  access: Map<string, number[]>;
  /** Per chain and case, the newest position read: what comes later is looked up by position. */
  tips: Record<ChainName, Map<string, number>>;
}

interface Hits extends ChainHits {
  /** Cases whose own document names the person. */
  caseDocs: Set<string>;
  /** Other documents naming the person, as read, per collection. */
  docs: Map<string, Document[]>;
  /** Every case any of this touches (holds are checked on these). */
  cases: Set<string>;
  total: number;
}

const emptyChainHits = (): ChainHits => ({ events: new Map(), access: new Map(), tips: { events: new Map(), accessLog: new Map() } });
const CHAINS: readonly ChainName[] = ['events', 'accessLog'];
/** Detecting needs no real pseudonym. */
const DETECT = 'P-detect';

/**
 * A person's rights under GDPR, for the municipality as data controller (docs/audit.md):
 * - access (art. 15): everything about a person, for an operator or, for one case, its coordinator;
 * - erasure on the controller's instruction: the person's identifying data replaced by a stable
 *   pseudonym everywhere, the history's hash chains kept verifiable;
 * - retention: a legal hold on a case, and the report of closed cases due for deletion review.
 * Every one of these is audited: exports and reports in the access log, holds and erasures as events.
 */
export class GdprService {
  constructor(
    private readonly repo: GdprRepository,
    private readonly events: EventStore,
    private readonly accessLog: AccessLog,
    private readonly access: CaseAccess,
    private readonly now: Clock,
    private readonly settings: GdprSettings = DEFAULT_GDPR_SETTINGS,
  ) {}

  // ---- access (art. 15) ----

  /**
   * Everything about a person in every case they are or were in, for an operator (npm run gdpr --
   * export). Professionals-only content only when the controller's setting says so.
   */
  async exportPerson(rawPersonId: unknown, operator: Operator, options: { professionalContent?: boolean } = {}): Promise<PersonExportResult> {
    const ids = [personIdFrom(rawPersonId)];
    const all = await this.repo.allCases();
    // A person may be known by their Teams ID in one case and their Entra ID in another: widen until stable.
    let cases: Case[] = [];
    for (let pass = 0; pass < 4; pass++) {
      cases = all.filter((kase) => membersOf(kase, personMatcher(ids)).length > 0);
      const before = ids.length;
      for (const kase of cases) for (const m of membersOf(kase, personMatcher(ids))) for (const id of [m.userId, m.aadObjectId]) if (id && !personMatcher(ids)(id)) ids.push(id);
      if (ids.length === before) break;
    }
    if (cases.length === 0) throw new DomainError('error.gdprPersonNotFound', {}, 'not_found');
    const professionalContent = options.professionalContent ?? this.settings.professionalContent;
    const at = this.now();
    const data = await Promise.all(cases.map((kase) => this.caseData(kase)));
    const exp = buildPersonExport(ids, data, { at, by: operator.name, professionalContent, scope: 'all-cases' });
    const pseudonym = pseudonymOf(canonicalId(ids));
    // Audited before anything leaves: an export that cannot be recorded is not handed out.
    for (const kase of cases) {
      await this.accessLog.record(kase._id, { at, actorId: operator.id, actorName: operator.name, action: 'read', part: exportPart(professionalContent), surface: 'gdpr', reason: `subject ${pseudonym}` });
    }
    return { export: exp, html: renderPersonExportHtml(exp), pseudonym, fileName: `samspil-indsigt-${pseudonym}-${copenhagenDate(at)}` };
  }

  /**
   * The same for one member of one case, asked for by the case's coordinator in the tab. Anyone
   * else is refused by the policy (`person.export`), and the refusal is audited; so is a person who
   * is not in the case. The export covers that case only.
   */
  async exportMemberForCoordinator(actor: Actor, caseId: unknown, rawUserId: unknown): Promise<PersonExportResult> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'person.export');
    let subject: string;
    try {
      subject = personIdFrom(rawUserId);
    } catch (error) {
      await this.access.refuse(actor, kase, 'person.export', 'invalid_person');
      throw error;
    }
    const targets = membersOf(kase, personMatcher([subject]));
    if (targets.length === 0) {
      await this.access.refuse(actor, kase, 'person.export', 'not_in_case');
      throw new DomainError('error.gdprNotInCase', {}, 'not_found');
    }
    const ids = [...new Set(targets.flatMap((m) => [m.userId, ...(m.aadObjectId ? [m.aadObjectId] : [])]))];
    const at = this.now();
    const exp = buildPersonExport(ids, [await this.caseData(kase)], { at, by: member.name, professionalContent: this.settings.professionalContent, scope: 'one-case' });
    const pseudonym = pseudonymOf(canonicalId(ids));
    await this.access.recordRead(actor, kase, exportPart(this.settings.professionalContent), 'gdpr');
    return { export: exp, html: renderPersonExportHtml(exp), pseudonym, fileName: `samspil-indsigt-${pseudonym}-${copenhagenDate(at)}` };
  }

  private async caseData(kase: Case): Promise<CaseData> {
    const [events, access, rest] = await Promise.all([this.events.all(kase._id), this.accessLog.all(kase._id), this.repo.caseData(kase._id)]);
    return { kase, events, access, ...rest };
  }

  // ---- retention hold ----

  /** Places a legal retention hold on a case (idempotent for the same reason). While it stands, erasure touching the case is refused. */
  async placeHold(rawCaseId: unknown, rawReason: unknown, operator: Operator): Promise<{ kase: Case; changed: boolean }> {
    const reason = cleanText(rawReason, 'field.holdReason', HOLD_REASON_MAX);
    return this.changeHold(rawCaseId, (kase, at) => {
      if (kase.retentionHold?.reason === reason) return null;
      if (kase.retentionHold) throw new DomainError('error.gdprHoldExists', { reason: kase.retentionHold.reason }, 'conflict');
      const hold = { reason, by: operator.id, byName: operator.name, at };
      return { set: { retentionHold: hold }, unset: [], event: draft('case.hold.placed', { reason }, { key: versionKey('case', kase._id, kase.version + 1), caseId: kase._id, at, actor: { userId: operator.id, name: operator.name }, visibility: 'professionals' }) };
    });
  }

  /** Releases a case's hold, with the reason (a repeat changes nothing). */
  async releaseHold(rawCaseId: unknown, rawReason: unknown, operator: Operator): Promise<{ kase: Case; changed: boolean }> {
    const reason = cleanText(rawReason, 'field.holdReason', HOLD_REASON_MAX);
    return this.changeHold(rawCaseId, (kase, at) => {
      if (!kase.retentionHold) return null;
      return {
        set: {},
        unset: ['retentionHold'],
        event: draft('case.hold.released', { reason, placedAt: kase.retentionHold.at }, { key: versionKey('case', kase._id, kase.version + 1), caseId: kase._id, at, actor: { userId: operator.id, name: operator.name }, visibility: 'professionals' }),
      };
    });
  }

  private async changeHold(
    rawCaseId: unknown,
    change: (kase: Case, at: Date) => { set: Record<string, unknown>; unset: string[]; event: ReturnType<typeof draft> } | null,
  ): Promise<{ kase: Case; changed: boolean }> {
    const caseId = caseIdFrom(rawCaseId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const kase = await this.repo.caseById(caseId);
      if (!kase) throw new DomainError('error.caseNotFound', {}, 'not_found');
      const at = this.now();
      const planned = change(kase, at);
      if (!planned) return { kase, changed: false };
      if (await this.repo.updateCase(kase, planned.set, planned.unset, [planned.event])) return { kase: (await this.repo.caseById(caseId)) ?? kase, changed: true };
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  // ---- retention review ----

  /**
   * Closed cases whose retention period (RETENTION_YEARS after closing) has run out, for the
   * controller's deletion review. Nothing is deleted. Each listed case's access log records the report.
   */
  async dueForReview(operator: Operator, options: { retentionYears?: number } = {}): Promise<{ due: DueCase[]; unfinishedErasures: ErasureJob[] }> {
    const years = options.retentionYears ?? this.settings.retentionYears;
    const now = this.now();
    const due: DueCase[] = [];
    for (const kase of await this.repo.closedCases()) {
      const closedAt = (await this.repo.closedAt(kase._id)) ?? kase.updatedAt;
      if (!isDueForReview(closedAt, years, now)) continue;
      const coordinator = kase.members.find((m) => m.userId === kase.coordinatorId);
      due.push({
        caseId: kase._id,
        closedAt,
        reviewDueOn: reviewDueOn(closedAt, years),
        coordinatorName: coordinator?.name ?? '',
        coordinatorId: kase.coordinatorId,
        hold: kase.retentionHold ? { reason: kase.retentionHold.reason, at: kase.retentionHold.at, byName: kase.retentionHold.byName } : null,
      });
    }
    due.sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime() || a.caseId.localeCompare(b.caseId));
    for (const item of due) {
      await this.accessLog.record(item.caseId, { at: now, actorId: operator.id, actorName: operator.name, action: 'read', part: 'gdpr.due', surface: 'gdpr', reason: `retention ${years} years` });
    }
    const unfinishedErasures = (await this.repo.runningJobs()).map(({ needles: _n, ...job }) => job);
    return { due, unfinishedErasures };
  }

  // ---- erasure ----

  /**
   * Replaces a person's identifying data (IDs, names, the text they wrote) with a stable pseudonym
   * everywhere in the database, on the controller's instruction (docs/audit.md, "Erasure"):
   *
   * 1. Find the person: their IDs (Teams and Entra), every name they appear under, and what they
   *    wrote, reading the whole database until no new ID turns up.
   * 2. Refuse, changing nothing, if a case it would touch is under a retention hold, or if the
   *    person still takes part in an open case.
   * 3. Record the job, with what it looks for, before changing anything.
   * 4. Per case: the case document and a `person.erased` event listing the history entries it
   *    redacts (one audited write), then those entries' content; an erasure marker in the access
   *    log listing the entries it redacts, then those. The chains' hashes are left as they are.
   * 5. Every other document that names the person is rewritten.
   * 6. Look again; once nothing names the person, the job drops what it looked for and is done.
   *
   * Each step can be repeated: a crash at any point is finished by running the command again, which
   * resumes the unfinished job. A run that finds nothing changes nothing.
   */
  async erase(rawPersonId: unknown, rawInstruction: unknown, operator: Operator): Promise<ErasureOutcome> {
    const personId = personIdFrom(rawPersonId);
    const instruction = cleanText(rawInstruction, 'field.instruction', INSTRUCTION_MAX);
    const resumed = (await this.repo.runningJobs()).find((job) => job.needles && personMatcher(job.needles.ids)(personId));
    const needles: PersonNeedles = resumed?.needles ? structuredClone(resumed.needles) : { ids: [personId], names: [], texts: [] };
    const chainHits = await this.learn(needles);
    let pseudonym = resumed?.pseudonym ?? pseudonymOf(canonicalId(needles.ids));
    let redactor = new Redactor(needles, pseudonym);
    let hits = await this.find(redactor, chainHits);
    if (!resumed && hits.total === 0) return { status: 'nothing', pseudonym: pseudonymOf(personId), previous: await this.repo.doneJobsFor(pseudonymOf(personId)) };

    const touched = (await Promise.all([...hits.cases].map((id) => this.repo.caseById(id)))).filter((c): c is Case => !!c);
    const blockers = erasureBlockers(touched, personMatcher(needles.ids));
    if (blockers.holds.length) throw new DomainError('error.gdprHold', { holds: blockers.holds.map((h) => `${h.caseId} (${h.reason})`).join('; ') }, 'conflict');
    if (blockers.active.length && !resumed) throw new DomainError('error.gdprStillActive', { cases: blockers.active.join(', ') }, 'conflict');
    if (redactor.contains(instruction)) throw new DomainError('error.gdprInstructionIdentifies');

    let job: ErasureJob;
    if (resumed) {
      job = { ...resumed, needles };
      await this.repo.updateNeedles(job._id, needles);
    } else {
      job = { _id: `running:${pseudonym}`, status: 'running', pseudonym, instruction, by: operator.id, byName: operator.name, startedAt: this.now(), idDigests: [...new Set(needles.ids.map(pseudonymOf))], needles };
      if (!(await this.repo.startJob(job))) {
        // Another run for the same person started meanwhile: carry on with its record.
        job = (await this.repo.runningJobs()).find((j) => j._id === job._id) ?? job;
        pseudonym = job.pseudonym;
        redactor = new Redactor(needles, pseudonym);
      }
    }

    const counts: ErasureCounts = { cases: 0, historyEntries: 0, accessEntries: 0, documents: 0 };
    const erasedIn = new Set<string>();
    for (let round = 0; round < ERASURE_ROUNDS && hits.total > 0; round++) {
      await this.apply(job, redactor, hits, operator, counts, erasedIn);
      // Look again: the documents in full (they are small), the chains where they may have changed.
      hits = await this.find(redactor, await this.recheckChains(redactor, hits));
    }
    if (hits.total > 0) throw new Error(`erasure ${job._id}: ${hits.total} entries or documents still name the person after ${ERASURE_ROUNDS} rounds; run the command again`);
    counts.cases = erasedIn.size;
    const done = await this.repo.finishJob(job, this.now(), counts);
    return { status: 'erased', pseudonym: job.pseudonym, jobId: done._id, resumed: !!resumed, counts };
  }

  /**
   * Reads the whole database, learning the person's IDs, names and text, until no new ID turns up,
   * and returns where the chains name them. IDs are linked (Teams ID with Entra ID) on cases,
   * conversations and rosters, so those small collections are read to a fixed point first; the large
   * chains are read once, finding what names the person on the way, and once more only if they held
   * an ID, a name or a text nothing else did.
   */
  private async learn(needles: PersonNeedles): Promise<ChainHits> {
    const rest = (await this.repo.collectionNames()).filter((name) => !CHAINS.includes(name as ChainName) && !['eventHeads', 'accessHeads', 'auditRuns', ERASURES_COLLECTION].includes(name));
    for (let round = 0; round < 5; round++) {
      for (let pass = 0; pass < 5 && (await this.learnFrom(rest, needles)); pass++);
      const known = size(needles);
      const chains = await this.readChains(new Redactor(needles, DETECT), needles);
      if (size(needles) === known) return chains.hits;
      if (!chains.newId) return (await this.readChains(new Redactor(needles, DETECT))).hits;
    }
    return (await this.readChains(new Redactor(needles, DETECT))).hits;
  }

  /** One pass over some collections; true when it learnt a new ID. */
  private async learnFrom(collections: string[], needles: PersonNeedles): Promise<boolean> {
    let newId = false;
    for (const name of collections) await this.repo.forEach(name, (doc) => void (newId = learnFrom(doc, needles) || newId));
    return newId;
  }

  /** Reads both chains of every case: what names the person (and, given `needles`, learns from them). */
  private async readChains(redactor: Redactor, needles?: PersonNeedles): Promise<{ hits: ChainHits; newId: boolean }> {
    const hits = emptyChainHits();
    let newId = false;
    for (const log of CHAINS) {
      await this.repo.forEach(log, (doc) => {
        if (needles) newId = learnFrom(contentOf(log, doc), needles, { eventType: doc.type as string }) || newId;
        this.checkEntry(log, doc, redactor, hits);
      });
    }
    return { hits, newId };
  }

  /** Records a chain entry's position, and whether it names the person. Erasure entries are never rewritten. */
  private checkEntry(log: ChainName, doc: Document, redactor: Redactor, hits: ChainHits): void {
    const caseId = doc.caseId as string;
    const seq = doc.seq as number;
    if ((hits.tips[log].get(caseId) ?? 0) < seq) hits.tips[log].set(caseId, seq);
    if (doc.type === 'person.erased' || doc.action === 'erased') return;
    if (!redactor.redact(contentOf(log, doc), { eventType: doc.type as string }).changed) return;
    const map = log === 'events' ? hits.events : hits.access;
    if (!map.get(caseId)?.includes(seq)) map.set(caseId, [...(map.get(caseId) ?? []), seq]);
  }

  /**
   * After a round of rewrites, the chains are not read in full again: only the entries appended
   * since they were read, and the entries just rewritten (a write that did not land shows here).
   */
  private async recheckChains(redactor: Redactor, previous: ChainHits): Promise<ChainHits> {
    const hits: ChainHits = { events: new Map(), access: new Map(), tips: { events: new Map(previous.tips.events), accessLog: new Map(previous.tips.accessLog) } };
    for (const log of CHAINS) {
      for (const doc of await this.repo.entriesAfter(log, previous.tips[log])) this.checkEntry(log, doc, redactor, hits);
      for (const [caseId, seqs] of log === 'events' ? previous.events : previous.access) {
        for (const doc of await this.repo.entriesAt(log, caseId, seqs)) this.checkEntry(log, doc, redactor, hits);
      }
    }
    return hits;
  }

  /** Reads every other collection for what still names the person, and adds the chains' hits. */
  private async find(redactor: Redactor, chains: ChainHits): Promise<Hits> {
    const hits: Hits = { ...chains, caseDocs: new Set(), docs: new Map(), cases: new Set(), total: 0 };
    for (const [caseId, seqs] of [...chains.events, ...chains.access]) {
      seqs.sort((a, b) => a - b);
      hits.cases.add(caseId);
      hits.total += seqs.length;
    }
    for (const name of await this.repo.collectionNames()) {
      if (name === 'cases') {
        await this.repo.forEach(name, (doc) => {
          if (!redactor.redact(withoutOutbox(doc)).changed) return;
          hits.caseDocs.add(doc._id as string);
          hits.cases.add(doc._id as string);
          hits.total += 1;
        });
      } else if (!NOT_SCRUBBED.has(name)) {
        const docs: Document[] = [];
        await this.repo.forEach(name, (doc) => {
          if (!redactor.redact(doc).changed) return;
          docs.push(doc);
          if (typeof doc.caseId === 'string') hits.cases.add(doc.caseId);
          hits.total += 1;
        });
        if (docs.length) hits.docs.set(name, docs);
      }
    }
    return hits;
  }

  private async apply(job: ErasureJob, redactor: Redactor, hits: Hits, operator: Operator, counts: ErasureCounts, erasedIn: Set<string>): Promise<void> {
    const actor = { userId: operator.id, name: operator.name };
    for (const caseId of new Set([...hits.caseDocs, ...hits.events.keys(), ...hits.access.keys()])) {
      const at = this.now();
      const seqs = hits.events.get(caseId) ?? [];
      const erasure = draft('person.erased', { pseudonym: job.pseudonym, instruction: job.instruction, events: seqs.length, seqs }, { key: `erasure:${job._id}:${caseId}:${hashOf(seqs).slice(0, 16)}`, caseId, at, actor });
      // The case's own document and the erasure event in one audited write; else the event alone.
      let erasureId: string | undefined;
      if (hits.caseDocs.has(caseId)) {
        const key = await this.rewriteCase(caseId, redactor, (kase) => ({ ...erasure, key: versionKey('case', caseId, kase.version + 1) }));
        if (key) {
          erasureId = (await this.events.byKey(key))?._id;
          counts.documents += 1;
        }
      }
      if (!erasureId && seqs.length) erasureId = (await this.events.append(erasure))._id;
      if (erasureId) erasedIn.add(caseId);
      if (erasureId && seqs.length) {
        const bySeq = new Map(((await this.repo.entriesAt('events', caseId, seqs)) as CaseEvent[]).map((e) => [e.seq, e]));
        for (const seq of seqs) {
          const event = bySeq.get(seq);
          if (!event) continue;
          const { value } = redactor.redact(splitEvent(event).content, { eventType: event.type });
          await this.events.redact(caseId, seq, value as Pick<CaseEvent, 'key' | 'actorId' | 'actorName' | 'data'>, erasureId);
          counts.historyEntries += 1;
        }
      }
      const accessSeqs = hits.access.get(caseId) ?? [];
      if (accessSeqs.length) {
        const marker = await this.accessLog.recordErasure(caseId, { key: `erasure:${job._id}:${caseId}:${hashOf(accessSeqs).slice(0, 16)}`, at, actorId: operator.id, actorName: operator.name, redacts: accessSeqs, reason: job.instruction });
        erasedIn.add(caseId);
        const bySeq = new Map(((await this.repo.entriesAt('accessLog', caseId, accessSeqs)) as AccessEntry[]).map((e) => [e.seq, e]));
        for (const seq of accessSeqs) {
          const entry = bySeq.get(seq);
          if (!entry) continue;
          const { value } = redactor.redact(splitAccess(entry).content);
          await this.accessLog.redact(caseId, seq, value as Pick<AccessEntry, 'actorId' | 'actorName' | 'reason'>, marker._id);
          counts.accessEntries += 1;
        }
      }
    }
    for (const [name, docs] of hits.docs) {
      for (const doc of docs) {
        if (await this.repo.replace(name, doc, redactor.redact(doc).value)) counts.documents += 1;
      }
    }
  }

  /**
   * Rewrites a case document (members, coordinator, anything naming the person) with its erasure
   * event, conditional on the version read; returns the event's key, or null when there was nothing to do.
   */
  private async rewriteCase(caseId: string, redactor: Redactor, event: (kase: Case) => ReturnType<typeof draft>): Promise<string | null> {
    await this.repo.settleCase(caseId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const kase = await this.repo.caseById(caseId);
      if (!kase) return null;
      const { value, changed } = redactor.redact(withoutOutbox(kase as unknown as Document));
      if (!changed) return null;
      const set: Record<string, unknown> = {};
      for (const [field, item] of Object.entries(value)) if (field !== '_id' && field !== 'version' && hashOf(item) !== hashOf((kase as unknown as Record<string, unknown>)[field])) set[field] = item;
      const erasure = event(kase);
      if (await this.repo.updateCase(kase, set, [], [erasure])) return erasure.key;
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }
}

const exportPart = (professional: boolean) => (professional ? 'gdpr.export.professional' : 'gdpr.export');

/** A document without its outbox bookkeeping (settled before a case is rewritten). */
function withoutOutbox<T extends Document>(doc: T): T {
  const { outbox: _o, outboxToken: _t, pendingEvents: _p, ...rest } = doc as Document;
  return rest as T;
}

/** The part of a chain entry that erasure may replace. */
const contentOf = (log: ChainName, doc: Document): Record<string, unknown> => (log === 'events' ? splitEvent(doc as unknown as CaseEvent).content : splitAccess(doc as unknown as AccessEntry).content);

const size = (n: PersonNeedles): number => n.ids.length + n.names.length + n.texts.length;
