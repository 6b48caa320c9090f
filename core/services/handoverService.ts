import { randomUUID } from 'node:crypto';
import { draft, SAMSPIL_ACTOR, versionKey, type EventDraft } from '../audit/events';
import { isOpen, isOverdue, type AgreementStatus } from '../domain/agreement';
import { activeGuardians, coordinatorOf, isSamePerson, type Actor, type Case, type ConsentState, type Member, type MemberStatus } from '../domain/case';
import { copenhagenDate } from '../domain/dates';
import { DomainError } from '../domain/errors';
import {
  coordinatorCandidates,
  HANDOVER_REASON_MAX,
  isVacant,
  judgeDecision,
  judgeTakeOver,
  mayCoordinate,
  planAcceptance,
  planClosing,
  planProposal,
  planTakeOver,
  planVacancy,
  type CoordinationChange,
  type CoordinatorVacancy,
  type HandoverOffer,
  type HandoverOutcome,
  type VacancyOutcome,
  type VacancyReason,
} from '../domain/handover';
import { USER_ID, UUID } from '../domain/ids';
import { decide, seesProfessionalOnly, type CaseAction } from '../domain/policy';
import type { Role } from '../domain/roles';
import type { AssessmentArea, IcsArea, WellbeingLevel } from '../domain/scales';
import { cleanText } from '../domain/text';
import type { AgreementRepository } from '../persistence/agreementRepository';
import type { AssessmentRepository } from '../persistence/assessmentRepository';
import type { HandoverRepository } from '../persistence/handoverRepository';
import type { ObservationRepository } from '../persistence/observationRepository';
import type { CaseAccess } from './access';
import type { Clock } from './caseService';

/** A meeting coming up, as the summary shows it (core/services/meetingService.ts provides them). */
export interface UpcomingMeeting {
  id: string;
  title: string;
  /** ISO instant. */
  startsAt: string;
  place?: string;
  online?: boolean;
}

/**
 * Where the summary's upcoming meetings come from. The meetings service plugs in here; until it
 * does, the default answers with none (the summary says so).
 */
export type UpcomingMeetingsHook = (caseId: string, from: Date) => Promise<UpcomingMeeting[]>;
export const NO_MEETINGS: UpcomingMeetingsHook = async () => [];

export interface HandoverServiceOptions {
  upcomingMeetings?: UpcomingMeetingsHook;
}

/** The coordination of a case as one member sees it (the tab's section, the bot's `tovholder`). */
export interface CoordinationView {
  caseId: string;
  caseTitle: string;
  coordinator: { userId: string; name: string; role: Role } | null;
  vacancy: { id: string; since: string; previousName: string } | null;
  proposal: { id: string; fromName: string; toId: string; toName: string; at: string } | null;
  /** Who the coordinator may propose: the other active professionals. Empty for everyone else. */
  candidates: Array<{ userId: string; name: string; role: Role }>;
  viewer: { coordinator: boolean; canPropose: boolean; canCancel: boolean; canAnswer: boolean; canTakeOver: boolean };
}

export interface HandoverSummary {
  caseId: string;
  caseTitle: string;
  childRef: string;
  coordinatorName: string;
  today: string;
  openAgreements: Array<{ id: string; what: string; ownerName: string; dueDate: string; followUpDate: string; status: AgreementStatus; overdue: boolean }>;
  openAgreementsTotal: number;
  lastAssessment: { roundNumber: number; closedAt: string | null; respondents: number; areas: Array<{ area: AssessmentArea; average: number | null; disagreement: boolean }> } | null;
  openRound: { number: number; openedAt: string; answers: number } | null;
  observations: Array<{ id: string; authorName: string; authorRole: Role; area: IcsArea; level: WellbeingLevel; text: string; professionalsOnly: boolean; createdAt: string }>;
  upcomingMeetings: UpcomingMeeting[];
  consent: Array<{ userId: string; name: string; role: Role; status: MemberStatus; state: ConsentState; legalBasis: boolean }>;
}

export interface HandoverResult<T> {
  kase: Case;
  /** False for a repeat (a double click, a redelivery): nothing was written. */
  changed: boolean;
  value: T;
}

export const SUMMARY_AGREEMENTS = 10;
export const SUMMARY_OBSERVATIONS = 5;
const MUTATE_ATTEMPTS = 30;

const iso = (date: Date | undefined | null): string | null => (date ? new Date(date).toISOString() : null);

function idFrom(raw: unknown, key: 'handover.error.notFound' | 'handover.error.noVacancy'): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw new DomainError(key, {}, key === 'handover.error.notFound' ? 'not_found' : 'conflict');
  return raw;
}

interface Step<T> {
  /** Nothing to write: answer with this. */
  repeat?: T;
  change?: CoordinationChange;
  events?: (key: string, at: Date) => EventDraft[];
  value?: T;
}

/**
 * Coordinator handover (docs/handover.md): the coordinator proposes a professional, who accepts or
 * declines; a proposal can be withdrawn; a case whose coordinator left asks its professionals, and
 * the first to say "Jeg tager over" is the coordinator. Every step is one conditional write of the
 * case with its typed event; a repeated click writes nothing and gets the same answer.
 *
 * What moves with the role: follow-up reminders and failure notices are addressed to the case's
 * coordinator when planned (core/reminders), the coordinator's actions (open and close assessment
 * rounds, cancel agreements, add members …) follow `coordinatorId` in the policy, and the day's
 * already planned coordinator reminders are re-addressed when the `accepted`/`takenOver`/`vacated`
 * event arrives (ReminderService.coordinatorChanged).
 */
export class HandoverService {
  private readonly upcomingMeetings: UpcomingMeetingsHook;

  constructor(
    private readonly repository: HandoverRepository,
    private readonly access: CaseAccess,
    private readonly agreements: AgreementRepository,
    private readonly assessments: AssessmentRepository,
    private readonly observations: ObservationRepository,
    private readonly now: Clock,
    options: HandoverServiceOptions = {},
  ) {
    this.upcomingMeetings = options.upcomingMeetings ?? NO_MEETINGS;
  }

  /** Who coordinates, what is open, and what this member may do about it. */
  async status(actor: Actor, caseId: unknown): Promise<CoordinationView> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    await this.access.recordRead(actor, kase, 'coordination');
    return viewOf(kase, member);
  }

  /** The coordinator asks `target` (an active professional member) to take over. */
  async propose(actor: Actor, caseId: unknown, rawTarget: unknown): Promise<HandoverResult<HandoverOffer>> {
    const targetId = typeof rawTarget === 'string' && USER_ID.test(rawTarget) ? rawTarget : undefined;
    return this.mutate(actor, caseId, 'coordinator.handover', (kase, member) => {
      const target = targetId ? kase.members.find((m) => m.userId === targetId || isSamePerson(m, { userId: targetId })) : undefined;
      const plan = planProposal(kase, member, target, randomUUID(), this.now());
      if (plan.kind === 'repeat') return { repeat: plan.offer };
      const { offer, replaced } = plan;
      return {
        change: plan.change,
        value: offer,
        events: (key, at) => [
          ...(replaced ? [draft('coordinator.handover.cancelled', { ...handoverData(replaced), reason: 'target_left' }, { key: `${key}:replaced`, caseId: kase._id, at, actor: member })] : []),
          draft('coordinator.handover.proposed', handoverData(offer), { key, caseId: kase._id, at, actor: member }),
        ],
      };
    });
  }

  /** The coordinator withdraws their open proposal. */
  async cancel(actor: Actor, caseId: unknown, rawHandoverId: unknown): Promise<HandoverResult<HandoverOutcome>> {
    const handoverId = idFrom(rawHandoverId, 'handover.error.notFound');
    return this.mutate(actor, caseId, 'coordinator.handover', (kase, member, at) => {
      const judged = judgeDecision(kase, handoverId, actor, 'cancelled');
      if (judged.kind === 'repeat') return { repeat: judged.outcome };
      const { outcome, change } = planClosing(judged.offer, 'cancelled', member, at);
      return {
        change,
        value: outcome,
        events: (key) => [draft('coordinator.handover.cancelled', { ...handoverData(outcome), reason: 'withdrawn' }, { key, caseId: kase._id, at, actor: member })],
      };
    });
  }

  /** The proposed person says yes: the role is theirs, and everything addressed to the coordinator follows. */
  async accept(actor: Actor, caseId: unknown, rawHandoverId: unknown): Promise<HandoverResult<HandoverOutcome>> {
    const handoverId = idFrom(rawHandoverId, 'handover.error.notFound');
    return this.mutate(actor, caseId, 'coordinator.answer', async (kase, member, at) => {
      const judged = judgeDecision(kase, handoverId, actor, 'accepted');
      if (judged.kind === 'repeat') return { repeat: judged.outcome };
      const { outcome, change } = planAcceptance(kase, judged.offer, member, at);
      const moved = await this.whatMoves(kase._id, at);
      return {
        change,
        value: outcome,
        events: (key) => [draft('coordinator.handover.accepted', { ...handoverData(outcome), ...moved }, { key, caseId: kase._id, at, actor: member })],
      };
    });
  }

  /** The proposed person says no, with an optional reason (told to the coordinator only). */
  async decline(actor: Actor, caseId: unknown, rawHandoverId: unknown, rawReason?: unknown): Promise<HandoverResult<HandoverOutcome>> {
    const handoverId = idFrom(rawHandoverId, 'handover.error.notFound');
    const reason = cleanText(rawReason, 'field.reason', HANDOVER_REASON_MAX, { required: false });
    return this.mutate(actor, caseId, 'coordinator.answer', (kase, member, at) => {
      const judged = judgeDecision(kase, handoverId, actor, 'declined');
      if (judged.kind === 'repeat') return { repeat: judged.outcome };
      const { outcome, change } = planClosing(judged.offer, 'declined', member, at, reason || undefined);
      return {
        change,
        value: outcome,
        // The reason may be personal: the family's timeline leaves the declined proposal out.
        events: (key) => [draft('coordinator.handover.declined', { ...handoverData(outcome), reason: reason || undefined }, { key, caseId: kase._id, at, actor: member, visibility: 'professionals' })],
      };
    });
  }

  /**
   * The coordinator is gone: their account left the case's conversation, or an operator records
   * that they left. They leave the case, and every active professional is asked to take over.
   * No role check: the bot calls it for what Teams reported, an operator from the console.
   * Returns null when there was nothing to do (not the coordinator, or already vacant).
   */
  async vacate(by: { userId: string; name: string }, caseId: string, userId: string, reason: VacancyReason, note?: string): Promise<HandoverResult<CoordinatorVacancy> | null> {
    const cleanNote = cleanText(note, 'field.reason', HANDOVER_REASON_MAX, { required: false });
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const kase = await this.repository.byId(caseId);
      if (!kase) throw new DomainError('error.caseNotFound', {}, 'not_found');
      if (kase.status !== 'open') return null;
      const at = this.now();
      const plan = planVacancy(kase, userId, reason, randomUUID(), at);
      if (!plan) return null;
      const key = versionKey('case', kase._id, kase.version + 1);
      const actor = { userId: by.userId, name: by.name };
      const events: EventDraft[] = [
        ...(plan.previous.status === 'active' ? [draft('member.removed', { userId: plan.previous.userId, name: plan.previous.name, role: plan.previous.role }, { key, caseId: kase._id, at, actor })] : []),
        ...(plan.cancelled ? [draft('coordinator.handover.cancelled', { ...handoverData(plan.cancelled), reason: 'coordinator_left' }, { key: `${key}:cancelled`, caseId: kase._id, at, actor })] : []),
        draft('coordinator.vacated', { vacancyId: plan.vacancy.id, previousId: plan.previous.userId, previousName: plan.previous.name, reason, ...(cleanNote ? { note: cleanNote } : {}) }, { key: `${key}:vacated`, caseId: kase._id, at, actor }),
      ];
      if (await this.repository.apply(kase, plan.change, at, events)) return { kase: applied(kase, plan.change, at), changed: true, value: plan.vacancy };
      await jitter(attempt);
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  /**
   * Teams reported people leaving a conversation: if the coordinator of the case that lives there is
   * among them, the case has lost its coordinator. Other members keep their membership (the tab works
   * without the chat).
   */
  async leftConversation(conversationId: string, left: Array<{ userId?: string; aadObjectId?: string }>): Promise<HandoverResult<CoordinatorVacancy> | null> {
    const kase = await this.repository.byConversation(conversationId);
    if (!kase || kase.status !== 'open' || isVacant(kase)) return null;
    const coordinator = coordinatorOf(kase);
    if (!coordinator || !left.some((who) => isSamePerson(coordinator, { userId: who.userId ?? '', aadObjectId: who.aadObjectId }))) return null;
    return this.vacate(SAMSPIL_ACTOR, kase._id, coordinator.userId, 'left_conversation');
  }

  /** "Jeg tager over": the first professional to press it becomes the coordinator. */
  async takeOver(actor: Actor, caseId: unknown, rawVacancyId: unknown): Promise<HandoverResult<VacancyOutcome>> {
    const vacancyId = idFrom(rawVacancyId, 'handover.error.noVacancy');
    return this.mutate(actor, caseId, 'coordinator.takeOver', (kase, member, at) => {
      const judged = judgeTakeOver(kase, vacancyId, member);
      if (judged.kind === 'repeat') return { repeat: judged.outcome };
      const { outcome, change } = planTakeOver(judged.vacancy, member, at);
      return {
        change,
        value: outcome,
        events: (key) => [
          draft('coordinator.takenOver', { vacancyId: outcome.id, previousId: outcome.previousId, previousName: outcome.previousName, toId: member.userId, toName: member.name }, { key, caseId: kase._id, at, actor: member }),
        ],
      };
    });
  }

  /**
   * What a new coordinator needs to know: open agreements, the last assessment (and an open round),
   * the recent observations they may see (a professional sees professionals-only ones too), upcoming
   * meetings and who the family has said yes to. Only the coordinator reads it; the read is logged.
   */
  async summary(actor: Actor, caseId: unknown): Promise<HandoverSummary> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'coordinator.summary');
    const at = this.now();
    const today = copenhagenDate(at);
    const [agreements, closed, open, observations, meetings] = await Promise.all([
      this.agreements.forCase(kase._id),
      this.assessments.closedRounds(kase._id),
      this.assessments.openRound(kase._id),
      this.observations.forCase(kase._id, { familyVisibleOnly: !seesProfessionalOnly(member), limit: SUMMARY_OBSERVATIONS }),
      this.upcomingMeetings(kase._id, at),
      this.access.recordRead(actor, kase, 'handover.summary'),
    ]);
    const openAgreements = agreements.filter((a) => isOpen(a.status)).sort((a, b) => a.dueDate.localeCompare(b.dueDate));
    const last = closed.at(-1);
    const answers = open ? await this.assessments.answersFor(open._id) : [];
    return {
      caseId: kase._id,
      caseTitle: kase.title,
      childRef: kase.childRef,
      coordinatorName: member.name,
      today,
      openAgreements: openAgreements.slice(0, SUMMARY_AGREEMENTS).map((a) => ({ id: a._id, what: a.what, ownerName: a.ownerName, dueDate: a.dueDate, followUpDate: a.followUpDate, status: a.status, overdue: isOverdue(a, today) })),
      openAgreementsTotal: openAgreements.length,
      lastAssessment: last?.summary
        ? { roundNumber: last.summary.roundNumber, closedAt: iso(last.closedAt), respondents: last.summary.respondents, areas: last.summary.areas.map((a) => ({ area: a.area, average: a.average, disagreement: a.disagreement })) }
        : null,
      openRound: open ? { number: open.number, openedAt: iso(open.openedAt)!, answers: answers.length } : null,
      observations: observations.map((o) => ({ id: o._id, authorName: o.authorName, authorRole: o.authorRole, area: o.area, level: o.level, text: o.text, professionalsOnly: o.visibility === 'professionals', createdAt: iso(o.createdAt)! })),
      upcomingMeetings: meetings,
      consent: kase.members
        .filter((m) => m.status !== 'removed' && (m.consent.state !== 'not_needed' || m.legalBasis))
        .map((m) => ({ userId: m.userId, name: m.name, role: m.role, status: m.status, state: m.consent.state, legalBasis: !!m.legalBasis })),
    };
  }

  /** The case as stored, for delivering what a change means (who to tell); never to show it to someone. */
  find(caseId: string): Promise<Case | null> {
    return this.repository.byId(caseId);
  }

  /** Who is told that the coordinator changed: the case's guardians. */
  familyOf(kase: Case): Member[] {
    return activeGuardians(kase);
  }

  /** Who is asked to take over a vacant case: its active professionals. */
  askedToTakeOver(kase: Case): Member[] {
    return kase.members.filter((m) => mayCoordinate(m));
  }

  /** Counted into the `accepted` event: the follow-ups still ahead and the open round that move with the role. */
  private async whatMoves(caseId: string, at: Date): Promise<{ followUps: number; openRounds: number }> {
    const today = copenhagenDate(at);
    const [agreements, round] = await Promise.all([this.agreements.forCase(caseId), this.assessments.openRound(caseId)]);
    return { followUps: agreements.filter((a) => (a.status === 'accepted' || a.status === 'done') && a.followUpDate >= today).length, openRounds: round ? 1 : 0 };
  }

  /**
   * Read (through the access gate), decide, and write only if nobody changed the case in between;
   * a lost race runs the whole step again on fresh data.
   */
  private async mutate<T>(actor: Actor, caseId: unknown, action: CaseAction, step: (kase: Case, member: Member, at: Date) => Step<T> | Promise<Step<T>>): Promise<HandoverResult<T>> {
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const { kase, member } = await this.access.caseFor(actor, caseId, action);
      const at = this.now();
      const result = await step(kase, member, at);
      if (result.repeat !== undefined) return { kase, changed: false, value: result.repeat };
      const change = result.change!;
      const events = result.events!(versionKey('case', kase._id, kase.version + 1), at);
      if (await this.repository.apply(kase, change, at, events)) return { kase: applied(kase, change, at), changed: true, value: result.value as T };
      await jitter(attempt);
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }
}

function handoverData(offer: HandoverOffer): { handoverId: string; fromId: string; fromName: string; toId: string; toName: string } {
  return { handoverId: offer.id, fromId: offer.fromId, fromName: offer.fromName, toId: offer.toId, toName: offer.toName };
}

/** The case as it is after a change was written. */
function applied(kase: Case, change: CoordinationChange, at: Date): Case {
  const next = { ...kase, ...change.set, updatedAt: at, version: kase.version + 1 } as Case;
  for (const field of change.unset) delete (next as unknown as Record<string, unknown>)[field];
  return next;
}

const jitter = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * (attempt + 1))));

function viewOf(kase: Case, member: Member): CoordinationView {
  const coordinator = coordinatorOf(kase);
  const isCoordinator = !isVacant(kase) && kase.coordinatorId === member.userId;
  const open = kase.handover;
  const mayPropose = decide(kase, member, 'coordinator.handover').allowed;
  return {
    caseId: kase._id,
    caseTitle: kase.title,
    coordinator: coordinator && !isVacant(kase) ? { userId: coordinator.userId, name: coordinator.name, role: coordinator.role } : null,
    vacancy: kase.coordinatorState === 'vacant' && kase.vacancy ? { id: kase.vacancy.id, since: iso(kase.vacancy.since)!, previousName: kase.vacancy.previousName } : null,
    proposal: open ? { id: open.id, fromName: open.fromName, toId: open.toId, toName: open.toName, at: iso(open.at)! } : null,
    candidates: mayPropose ? coordinatorCandidates(kase).map((m) => ({ userId: m.userId, name: m.name, role: m.role })) : [],
    viewer: {
      coordinator: isCoordinator,
      canPropose: mayPropose && !open,
      canCancel: mayPropose && !!open,
      canAnswer: !!open && open.toId === member.userId && decide(kase, member, 'coordinator.answer').allowed,
      canTakeOver: kase.coordinatorState === 'vacant' && decide(kase, member, 'coordinator.takeOver').allowed,
    },
  };
}
