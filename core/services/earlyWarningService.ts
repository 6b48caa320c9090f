import { createHash } from 'node:crypto';
import type { EventBus } from '../audit/bus';
import { draft, SAMSPIL_ACTOR, versionKey, type CaseEvent } from '../audit/events';
import type { AssessmentRound } from '../domain/assessment';
import { coordinatorOf, type Actor, type Case, type Member } from '../domain/case';
import { DomainError } from '../domain/errors';
import { UUID_PATTERN } from '../domain/ids';
import {
  DEFAULT_EARLY_WARNING_RULES,
  evaluateEarlyWarning,
  levelOfAverage,
  newSignals,
  signalInputs,
  signalKey,
  type AreaWorsening,
  type EarlyWarningRule,
  type EarlyWarningRules,
  type EarlyWarningSignal,
} from '../domain/earlyWarning';
import type { Observation } from '../domain/observation';
import { decide } from '../domain/policy';
import type { Role } from '../domain/roles';
import type { AssessmentArea, WellbeingLevel } from '../domain/scales';
import { cleanText } from '../domain/text';
import type { AssessmentRepository } from '../persistence/assessmentRepository';
import type { CaseRepository } from '../persistence/caseRepository';
import type { EarlyWarningAction, EarlyWarningRecord, EarlyWarningRepository, EarlyWarningStatus, WarningDetails } from '../persistence/earlyWarningRepository';
import type { FormRecord } from '../persistence/formRepository';
import type { ObservationRepository } from '../persistence/observationRepository';
import type { CaseAccess } from './access';
import type { AssessmentService } from './assessmentService';
import { CaseQueue } from './caseQueue';
import type { Clock } from './caseService';
import type { FormService } from './formService';

/**
 * Early warning inside a case (issue #14, docs/early-warning.md): the pure rules of
 * core/domain/earlyWarning.ts, wired to the case's history.
 *
 * - **When**: after an observation is created and after an assessment round is closed. The service
 *   follows the history (the event bus): every way a change can be made (bot, tab, a repair after a
 *   crash) ends in the history, each change once, and the rules read the case as it is then.
 * - **Once**: a warning's `_id` is the case and a hash of its rule and inputs, stored with a unique
 *   insert, and a signal is told only when it names an input no earlier warning of its rule named
 *   (`newSignals`). Redeliveries, repeated evaluations, restarts and a second instance store nothing new.
 * - **Audited**: raising, dismissing and acting are each an event in the case's history, visible to
 *   professionals only, written with the change (core/audit/auditedWrites.ts).
 * - **Time to action**: the first agreement accepted after the first warning of an episode (the
 *   warnings not dismissed and not yet answered) records how long it took, on that first warning.
 */

export interface EarlyWarningOptions {
  enabled: boolean;
  rules: EarlyWarningRules;
}

export const DEFAULT_EARLY_WARNING_OPTIONS: EarlyWarningOptions = { enabled: true, rules: DEFAULT_EARLY_WARNING_RULES };

/** The observations the rules look at: the newest ones of a case (older ones never start a warning alone). */
const OBSERVATION_LIMIT = 1000;
/** An evaluation reads up to OBSERVATION_LIMIT observations: a case's next one starts at least this long after the last. */
export const EVALUATION_MIN_GAP_MS = 1000;
/** Card deliveries: attempts before giving up (the warning stays in the tab), and the backoff. */
export const DELIVERY_MAX_ATTEMPTS = 8;
/** While a case has no coordinator, a waiting card is looked at again this often. */
const WAIT_FOR_COORDINATOR_MS = 60 * 60_000;
const DELIVERY_LEASE_MS = 2 * 60_000;
const backoffMs = (attempts: number) => Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));

/** A warning's ID: its case's UUID and 32 hex digits of a hash (`warningIdOf`). */
const WARNING_ID = new RegExp(`^${UUID_PATTERN}:[0-9a-f]{32}$`, 'i');

export function warningIdFrom(raw: unknown): string {
  if (typeof raw !== 'string' || !WARNING_ID.test(raw)) throw new DomainError('error.warningNotFound', {}, 'not_found');
  return raw;
}

export const warningIdOf = (caseId: string, key: string): string => `${caseId}:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

export const DISMISS_REASON_MAX = 500;

/** One input of a warning, described by facts that are not its content: when, who (role), which level. */
export type WarningInput =
  | { kind: 'observation'; id: string; at: string; role: Role; level: WellbeingLevel; professionalsOnly: boolean; isNew: boolean }
  | { kind: 'round'; id: string; number: number; area: AssessmentArea; isNew: boolean };

/** A warning as the coordinator's card and the tab show it: the rule and its reasons, never a number about the child. */
export interface EarlyWarningView {
  id: string;
  caseId: string;
  rule: EarlyWarningRule;
  status: EarlyWarningStatus;
  raisedAt: string;
  details: WarningDetails;
  area?: AssessmentArea;
  reasons?: AreaWorsening[];
  inputs: WarningInput[];
  dismissal?: { byName: string; at: string; reason: string };
  actions: Array<{ action: EarlyWarningAction; byName: string; at: string; roundId?: string; roundNumber?: number }>;
  /** The rule's window in weeks (crossDiscipline), for saying "within 8 weeks". */
  windowWeeks?: number;
}

/** What the bot needs to send a warning's card. */
export interface WarningDelivery {
  warning: EarlyWarningView;
  kase: Case;
  coordinator: Member;
}

export type WarningChange = { warning: EarlyWarningView; kase: Case; member: Member; changed: boolean };

export class EarlyWarningService {
  /**
   * One evaluation per case at a time in this process (other instances are kept apart by the unique
   * IDs), and at most a few a second: observations that come meanwhile are judged together.
   */
  private readonly background = new CaseQueue(EVALUATION_MIN_GAP_MS);
  /** The newest change an evaluation waiting to start judges at, per case. */
  private readonly judgeAt = new Map<string, Date>();
  private readonly changeListeners: Array<(caseId: string) => Promise<void>> = [];

  constructor(
    private readonly warnings: EarlyWarningRepository,
    private readonly cases: CaseRepository,
    private readonly observations: ObservationRepository,
    private readonly rounds: AssessmentRepository,
    private readonly assessments: AssessmentService,
    private readonly forms: FormService,
    private readonly access: CaseAccess,
    private readonly changes: Pick<EventBus, 'subscribe'>,
    private readonly now: Clock,
    private readonly options: EarlyWarningOptions = DEFAULT_EARLY_WARNING_OPTIONS,
  ) {}

  // ---- following the history ----

  /**
   * Starts following the case histories: the rules run after every new observation and every closed
   * round, and an accepted agreement records the time to action. Call once per process.
   */
  follow(onError: (error: unknown) => void): void {
    this.changes.subscribe((event) => this.background.track(this.onEvent(event)), onError);
  }

  /** Called after a change that has no event of its own (the time to action), e.g. to refresh a read model. */
  afterChange(listener: (caseId: string) => Promise<void>): void {
    this.changeListeners.push(listener);
  }

  /** Resolves when the evaluations started so far have finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.background.idle();
  }

  async onEvent(event: CaseEvent): Promise<void> {
    if (event.type === 'observation.created' || event.type === 'assessment.closed') await this.evaluateSoon(event.caseId, new Date(event.at));
    else if (event.type === 'agreement.accepted') await this.recordAcceptance(event.caseId, event.data.agreementId, new Date(event.at));
    // A new coordinator gets the cards that waited for one at the next sweep.
    else if (event.type === 'coordinator.takenOver' || event.type === 'coordinator.handover.accepted') await this.warnings.dueNow(event.caseId, new Date());
  }

  /**
   * Runs the rules over the case as it is now and stores the warnings that are news. Returns them
   * (empty when nothing new fired, the feature is off, or the case is closed). `at` is the moment
   * the rules judge (the change that set them off; now by default): the warning is raised then.
   */
  evaluate(caseId: string, at?: Date): Promise<EarlyWarningRecord[]> {
    return this.background.serialized(caseId, () => this.judge(caseId, at));
  }

  /**
   * As `evaluate`, for a change the service follows: changes that arrive while an evaluation of the
   * case waits to start join it (a burst of observations is judged once, at the newest of them).
   */
  private evaluateSoon(caseId: string, at: Date): Promise<unknown> {
    const latest = this.judgeAt.get(caseId);
    if (!latest || at > latest) this.judgeAt.set(caseId, at);
    return this.background.coalesced(caseId, () => {
      const when = this.judgeAt.get(caseId) ?? at;
      this.judgeAt.delete(caseId);
      return this.judge(caseId, when);
    });
  }


  private async judge(caseId: string, at?: Date): Promise<EarlyWarningRecord[]> {
    if (!this.options.enabled) return [];
    const kase = await this.cases.byId(caseId);
    if (!kase || kase.status !== 'open') return [];
    const [observations, rounds, existing] = await Promise.all([
      this.observations.forCase(caseId, { familyVisibleOnly: false, limit: OBSERVATION_LIMIT }),
      this.rounds.closedRounds(caseId),
      this.warnings.forCase(caseId),
    ]);
    const now = at ?? this.now();
    const signals = evaluateEarlyWarning({ now, observations, rounds }, this.options.rules);
    const raised: EarlyWarningRecord[] = [];
    for (const { signal, newInputs } of newSignals(signals, existing.map((w) => ({ rule: w.rule, inputs: w.inputs })))) {
      const record = recordOf(kase, signal, newInputs, observations, rounds, now);
      const event = draft('earlyWarning.raised', { ...eventData(record), newInputs }, { key: `earlyWarning:${record._id}:raised`, caseId, at: now, actor: SAMSPIL_ACTOR, visibility: 'professionals' });
      if (await this.warnings.insert(record, [event])) raised.push(record);
    }
    return raised;
  }

  /**
   * An agreement was accepted: the first warning of the case still waiting for action (not
   * dismissed, not answered, raised before the acceptance) records the time to action, and the
   * episode's later warnings are answered by the same agreement.
   */
  recordAcceptance(caseId: string, agreementId: string, at: Date): Promise<void> {
    return this.background.serialized(caseId, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const waiting = (await this.warnings.forCase(caseId))
          .filter((w) => !w.answered && w.status !== 'dismissed' && w.raisedAt.getTime() <= at.getTime())
          .sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime() || a._id.localeCompare(b._id));
        const first = waiting[0];
        if (!first) return;
        const ms = at.getTime() - first.raisedAt.getTime();
        // A measurement, derived from two events already in the history (the warning and the
        // acceptance): kept on the warning, where the leader's overview reads it, without an event of its own.
        if (!(await this.warnings.recordTimeToAction(first._id, { agreementId, at }, ms))) continue;
        for (const later of waiting.slice(1)) await this.warnings.markAnswered(later._id, { agreementId, at });
        for (const listener of this.changeListeners) void this.background.track(listener(caseId)).catch(() => undefined);
        return;
      }
    });
  }

  // ---- the coordinator's answers ----

  /** The coordinator dismisses a warning, with a reason. A repeat (double click) changes nothing. */
  async dismiss(actor: Actor, rawId: unknown, rawReason: unknown): Promise<WarningChange> {
    const id = warningIdFrom(rawId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const { warning, kase, member } = await this.decidable(actor, id);
      if (warning.status === 'dismissed') return { warning: await this.viewOf(warning), kase, member, changed: false };
      const reason = cleanText(rawReason, 'field.reason', DISMISS_REASON_MAX);
      const at = this.now();
      const dismissal = { by: member.userId, byName: member.name, at, reason };
      const event = draft('earlyWarning.dismissed', { ...eventData(warning), reason }, { key: versionKey('earlyWarning', warning._id, warning.version + 1), caseId: kase._id, at, actor: member, visibility: 'professionals' });
      if (await this.warnings.update(warning, { status: 'dismissed', dismissal }, [event])) {
        return { warning: await this.viewOf({ ...warning, status: 'dismissed', dismissal, version: warning.version + 1 }), kase, member, changed: true };
      }
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  /**
   * The coordinator acts on a warning: opens an assessment round (through the assessment service,
   * which checks again), or asks for an agreement form (a proposal the family still has to accept).
   * Each action is recorded once per warning; a repeat returns what the first one did.
   */
  async act(actor: Actor, rawId: unknown, rawAction: unknown): Promise<WarningChange & { action: EarlyWarningAction; round?: AssessmentRound; form?: FormRecord; repeated: boolean }> {
    const id = warningIdFrom(rawId);
    if (rawAction !== 'round' && rawAction !== 'agreement') throw new DomainError('error.invalidAction');
    const action: EarlyWarningAction = rawAction;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { warning, kase, member } = await this.decidable(actor, id);
      if (warning.status === 'dismissed') throw new DomainError('error.warningDismissed', {}, 'conflict');
      const done = warning.actions.find((a) => a.action === action);
      if (done) {
        const round = done.roundId ? ((await this.rounds.round(done.roundId)) ?? undefined) : undefined;
        const form = done.formId ? await this.forms.ownForm(member, kase, done.formId) : undefined;
        return { warning: await this.viewOf(warning), kase, member, changed: false, action, round, form, repeated: true };
      }
      const at = this.now();
      let round: AssessmentRound | undefined;
      let form: FormRecord | undefined;
      if (action === 'round') round = (await this.assessments.open(actor, kase._id)).round;
      else form = (await this.forms.open(actor, kase._id, 'agreement')).form;
      const entry = { action, by: member.userId, byName: member.name, at, roundId: round?._id, roundNumber: round?.number, formId: form?._id };
      const event = draft(
        'earlyWarning.acted',
        { ...eventData(warning), action, roundId: round?._id, formId: form?._id },
        { key: `earlyWarning:${warning._id}:act:${action}`, caseId: kase._id, at, actor: member, visibility: 'professionals' },
      );
      if (await this.warnings.update(warning, { status: 'acted' }, [event], { actions: entry })) {
        const updated = { ...warning, status: 'acted' as const, actions: [...warning.actions, entry], version: warning.version + 1 };
        return { warning: await this.viewOf(updated), kase, member, changed: true, action, round, form, repeated: false };
      }
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  /** One warning for the coordinator (its card drawn again). */
  async get(actor: Actor, rawId: unknown): Promise<{ warning: EarlyWarningView; kase: Case; member: Member }> {
    const { warning, kase, member } = await this.decidable(actor, warningIdFrom(rawId), 'earlyWarning.read');
    return { warning: await this.viewOf(warning), kase, member };
  }

  /**
   * A case's warnings for a member who may see them (professionals: a warning can rest on
   * professionals-only observations), newest first; undefined for anyone else.
   */
  async forMember(actor: Actor, kase: Case): Promise<EarlyWarningView[] | undefined> {
    if (!decide(kase, actor, 'earlyWarning.read').allowed) return undefined;
    const warnings = await this.warnings.forCase(kase._id, 100);
    const observations = await this.observationsById(kase._id, warnings);
    return warnings.map((w) => viewOf(w, observations, this.options.rules));
  }

  private async decidable(actor: Actor, id: string, action: 'earlyWarning.decide' | 'earlyWarning.read' = 'earlyWarning.decide'): Promise<{ warning: EarlyWarningRecord; kase: Case; member: Member }> {
    const warning = await this.warnings.byId(id);
    if (!warning) throw new DomainError('error.warningNotFound', {}, 'not_found');
    const { kase, member } = await this.access.caseFor(actor, warning.caseId, action);
    return { warning, kase, member };
  }

  // ---- delivery of the card (the bot sends it) ----

  /**
   * Claims the sending of a warning's card for this instance: it must be due, and exactly one
   * instance wins the claim. Null when there is nothing to send (sent, claimed elsewhere, not due).
   * A closed case has nobody to tell: the warning stays in the tab. An open case without an active
   * coordinator (the role is vacant) keeps the card waiting, checked hourly, and it goes out as soon
   * as someone takes the role over (onEvent).
   */
  async claimDelivery(rawId: string): Promise<WarningDelivery | null> {
    const warning = await this.warnings.byId(rawId);
    const wall = Date.now();
    if (!warning || !isDue(warning, wall)) return null;
    if (!(await this.warnings.claim(warning, new Date(wall + DELIVERY_LEASE_MS)))) return null;
    const kase = await this.cases.byId(warning.caseId);
    const coordinator = kase && coordinatorOf(kase);
    if (!kase || kase.status !== 'open') {
      await this.warnings.deliveryFailed(warning._id, { state: 'failed', at: new Date(wall) });
      return null;
    }
    if (!coordinator || coordinator.status !== 'active') {
      await this.warnings.waitForRecipient(warning._id, new Date(wall + WAIT_FOR_COORDINATOR_MS));
      return null;
    }
    return { warning: await this.viewOf(warning), kase, coordinator };
  }

  /** Records how a claimed send went: sent, or to be tried again later (given up after DELIVERY_MAX_ATTEMPTS). */
  async deliveryDone(id: string, outcome: { sent: true; to: string } | { sent: false }): Promise<void> {
    if (outcome.sent) return this.warnings.delivered(id, new Date(), outcome.to);
    const warning = await this.warnings.byId(id);
    const attempts = warning?.deliveryAttempts ?? DELIVERY_MAX_ATTEMPTS;
    const giveUp = attempts >= DELIVERY_MAX_ATTEMPTS;
    await this.warnings.deliveryFailed(id, { state: giveUp ? 'failed' : 'pending', at: new Date(Date.now() + backoffMs(attempts)) });
  }

  /** Warnings whose card is due to be sent: never sent yet, to be retried, or claimed by an instance that stopped. */
  async dueDeliveries(): Promise<string[]> {
    const wall = Date.now();
    return (await this.warnings.deliveries(new Date(wall))).filter((w) => isDue(w, wall)).map((w) => w._id);
  }

  // ---- plumbing ----

  private async viewOf(warning: EarlyWarningRecord): Promise<EarlyWarningView> {
    return viewOf(warning, await this.observationsById(warning.caseId, [warning]), this.options.rules);
  }

  private async observationsById(caseId: string, warnings: EarlyWarningRecord[]): Promise<Map<string, Observation>> {
    const wanted = new Set(warnings.flatMap((w) => ('observationIds' in w.signal ? w.signal.observationIds : [])));
    if (wanted.size === 0) return new Map();
    const found = await this.observations.byIds(caseId, [...wanted]);
    return new Map(found.map((o) => [o._id, o]));
  }
}

function isDue(warning: EarlyWarningRecord, wall: number): boolean {
  if (warning.deliveryState === 'pending') return warning.deliveryNextAt.getTime() <= wall;
  if (warning.deliveryState === 'sending') return (warning.deliveryLeaseUntil?.getTime() ?? 0) <= wall;
  return false;
}

function eventData(record: Pick<EarlyWarningRecord, '_id' | 'signal'>) {
  const s = record.signal;
  return {
    warningId: record._id,
    rule: s.rule,
    ...('observationIds' in s ? { observationIds: s.observationIds } : {}),
    ...('roundId' in s ? { roundId: s.roundId, assessmentArea: s.area } : {}),
  };
}

function recordOf(kase: Case, signal: EarlyWarningSignal, newInputs: string[], observations: Observation[], rounds: AssessmentRound[], now: Date): EarlyWarningRecord {
  const key = signalKey(signal);
  const details: WarningDetails = {};
  if (signal.rule === 'crossDiscipline') {
    const byId = new Map(observations.map((o) => [o._id, o]));
    details.disciplines = [...new Set(signal.observationIds.map((id) => byId.get(id)?.authorRole).filter((r): r is Role => !!r))];
  }
  if (signal.rule === 'areaWorsened' || signal.rule === 'disagreement') {
    const latest = rounds.find((r) => r._id === signal.roundId);
    details.roundNumber = latest?.number;
    if (signal.rule === 'areaWorsened') {
      const average = (round: AssessmentRound | undefined) => round?.summary?.areas.find((a) => a.area === signal.area)?.average;
      const before = average(rounds.find((r) => r._id === signal.previousRoundId));
      const after = average(latest);
      if (typeof before === 'number') details.from = levelOfAverage(before);
      if (typeof after === 'number') details.to = levelOfAverage(after);
    }
  }
  return {
    _id: warningIdOf(kase._id, key),
    caseId: kase._id,
    teamId: kase.conversation.teamId ?? null,
    conversationId: kase.conversation.conversationId,
    rule: signal.rule,
    key,
    signal,
    inputs: signalInputs(signal),
    newInputs,
    details,
    raisedAt: now,
    status: 'open',
    actions: [],
    // Due at once (wall clock, like every delivery time): the instance that raised it claims it first.
    deliveryState: 'pending',
    deliveryAttempts: 0,
    deliveryNextAt: new Date(),
    version: 1,
  };
}

const iso = (date: Date) => new Date(date).toISOString();

function viewOf(w: EarlyWarningRecord, observations: Map<string, Observation>, rules: EarlyWarningRules): EarlyWarningView {
  const isNew = (input: string) => w.newInputs.includes(input);
  const s = w.signal;
  const inputs: WarningInput[] =
    'observationIds' in s
      ? s.observationIds.flatMap((id): WarningInput[] => {
          const o = observations.get(id);
          // An observation that is gone (erased) is no longer linked.
          return o ? [{ kind: 'observation', id, at: iso(o.createdAt), role: o.authorRole, level: o.level, professionalsOnly: o.visibility === 'professionals', isNew: isNew(id) }] : [];
        })
      : [{ kind: 'round', id: s.roundId, number: w.details.roundNumber ?? 0, area: s.area, isNew: isNew(`${s.roundId}|${s.area}`) }];
  return {
    id: w._id,
    caseId: w.caseId,
    rule: w.rule,
    status: w.status,
    raisedAt: iso(w.raisedAt),
    details: w.details,
    area: 'area' in s ? s.area : undefined,
    reasons: s.rule === 'areaWorsened' ? s.reasons : undefined,
    inputs,
    dismissal: w.dismissal ? { byName: w.dismissal.byName, at: iso(w.dismissal.at), reason: w.dismissal.reason } : undefined,
    actions: w.actions.map((a) => ({ action: a.action, byName: a.byName, at: iso(a.at), roundId: a.roundId, roundNumber: a.roundNumber })),
    windowWeeks: s.rule === 'crossDiscipline' ? Math.round(rules.crossDiscipline.windowDays / 7) : undefined,
  };
}
