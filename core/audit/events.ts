import type { AgreementStatus } from '../domain/agreement';
import type { AssessmentSummary } from '../domain/assessment';
import type { MemberStatus } from '../domain/case';
import type { MeetingEvents } from '../domain/meeting';
import type { Role } from '../domain/roles';
import type { IcsArea, SosColumn, WellbeingLevel } from '../domain/scales';

/**
 * Every kind of change in a case's history, with the data it carries. One entry per type: a
 * producer cannot invent a type, and a consumer switching on `type` gets the right data.
 */
export interface EventDataMap {
  'case.created': { title: string; childRef: string; coordinatorId: string };
  'case.closed': { title: string };
  'case.channelCreated': { channelId: string; displayName: string; membershipType: 'standard' | 'private' };
  'case.channelArchived': { channelId: string };
  'member.added': { userId: string; name: string; role: Role; status: MemberStatus; legalBasis?: string };
  'member.removed': { userId: string; name: string; role: Role };
  'member.consent.approved': { userId: string; name: string; role: Role; reason?: string };
  'member.consent.declined': { userId: string; name: string; role: Role; reason?: string };
  'member.consent.withdrawn': { userId: string; name: string; role: Role; reason?: string };
  /** Entra object IDs stored for members who had none (bookkeeping; not shown in the timeline). */
  'member.linked': { userIds: string[] };
  'observation.created': { observationId: string; area: IcsArea; level: WellbeingLevel; sosColumn?: SosColumn; text: string };
  'assessment.opened': { roundId: string; number: number };
  'assessment.answered': { roundId: string; number: number };
  'assessment.closed': { roundId: string; number: number; summary: AssessmentSummary };
  'agreement.proposed': { agreementId: string; what: string; ownerId: string; ownerName: string; dueDate: string; followUpDate: string };
  'agreement.accepted': AgreementStepData;
  'agreement.declined': AgreementStepData;
  'agreement.done': AgreementStepData;
  'agreement.cancelled': AgreementStepData;
  'reminder.snoozed': { agreementId: string; what: string; days: number; until: Date };
  'meeting.minutes': { formId: string; since: string | null; decisions: number; activityId?: string };
  /** Case meetings (core/services/meetingService.ts, docs/meetings.md). */
  'meeting.scheduled': MeetingEvents['meeting.scheduled'];
  'meeting.onlineMeeting': MeetingEvents['meeting.onlineMeeting'];
  'meeting.answered': MeetingEvents['meeting.answered'];
  'meeting.moveProposed': MeetingEvents['meeting.moveProposed'];
  'meeting.moved': MeetingEvents['meeting.moved'];
  'meeting.moveDeclined': MeetingEvents['meeting.moveDeclined'];
  'meeting.agendaEdited': MeetingEvents['meeting.agendaEdited'];
  'meeting.cancelled': MeetingEvents['meeting.cancelled'];
  'meeting.attendance': MeetingEvents['meeting.attendance'];
  'meeting.minutesLinked': MeetingEvents['meeting.minutesLinked'];
  /** Coordinator handover (core/services/handoverService.ts, docs/handover.md). */
  'coordinator.handover.proposed': HandoverEventData;
  'coordinator.handover.accepted': HandoverEventData & { followUps: number; openRounds: number };
  'coordinator.handover.declined': HandoverEventData & { reason?: string };
  'coordinator.handover.cancelled': HandoverEventData & { reason: 'withdrawn' | 'target_left' | 'coordinator_left' };
  'coordinator.vacated': { vacancyId: string; previousId: string; previousName: string; reason: 'left_conversation' | 'operator'; note?: string };
  'coordinator.takenOver': { vacancyId: string; previousId: string; previousName: string; toId: string; toName: string };
  /** The child's voice (core/services/childVoiceService.ts): the text stays in the entry; the event keeps its hash. */
  'childVoice.recorded': { entryId: string; house: 'worries' | 'good_things' | 'dreams'; how: 'with_child' | 'as_said' | 'by_child'; visibility: 'family' | 'professionals'; date: string; textSha256: string; length: number };
  'childVoice.youthAge': { youth15Plus: boolean };
  'childVoice.youthConsent': { allowedIds: string[]; allowedNames: string[] };
  /** Early warning (docs/early-warning.md): a rule fired; the data names the rule and its inputs, never content or a score. Professionals only. */
  'earlyWarning.raised': EarlyWarningData & { newInputs: string[] };
  'earlyWarning.dismissed': EarlyWarningData & { reason: string };
  'earlyWarning.acted': EarlyWarningData & { action: 'round' | 'agreement'; roundId?: string; formId?: string };
  /**
   * A person's identifying data in this case was replaced by a pseudonym, on the controller's
   * instruction (core/gdpr). `seqs`: the positions in this chain whose content it replaced; a
   * redacted entry verifies only if the erasure it names lists it.
   */
  'person.erased': { pseudonym: string; instruction: string; events: number; seqs?: number[] };
  /** A legal retention hold: the case may not be erased or deleted while it stands (core/gdpr). */
  'case.hold.placed': { reason: string };
  'case.hold.released': { reason: string; placedAt: Date };
}

export type HandoverEventData = { handoverId: string; fromId: string; fromName: string; toId: string; toName: string };

export type AgreementStepData = {
  agreementId: string;
  what: string;
  from: AgreementStatus;
  to: AgreementStatus;
  reason?: string;
};

/** What every early-warning event names: the warning and its rule (core/services/earlyWarningService.ts). */
export type EarlyWarningData = {
  warningId: string;
  rule: string;
  observationIds?: string[];
  roundId?: string;
  /** Not `area`: the timeline reads `area` as an ICS area. */
  assessmentArea?: string;
};

export type EventType = keyof EventDataMap;

export const AGREEMENT_STEP_EVENTS = {
  accepted: 'agreement.accepted',
  declined: 'agreement.declined',
  done: 'agreement.done',
  cancelled: 'agreement.cancelled',
} as const satisfies Record<Exclude<AgreementStatus, 'proposed'>, EventType>;

export const CONSENT_EVENTS = {
  approved: 'member.consent.approved',
  declined: 'member.consent.declined',
  withdrawn: 'member.consent.withdrawn',
} as const satisfies Record<string, EventType>;

/** Events about who is in a case: they change who may read the case's rooms. */
export const MEMBERSHIP_EVENTS: readonly EventType[] = ['member.added', 'member.removed', 'member.consent.approved', 'member.consent.declined', 'member.consent.withdrawn'];
export const AGREEMENT_EVENTS: readonly EventType[] = ['agreement.proposed', ...Object.values(AGREEMENT_STEP_EVENTS)];
/** Bookkeeping kept in the chain but not told as the case's story. */
export const NOT_IN_TIMELINE: readonly EventType[] = ['member.linked'];

/** What a producer hands over: the change, who made it, and the key that makes it happen once. */
export interface EventDraftBase {
  /** Deterministic: the same change always has the same key, so a retry appends nothing new. */
  key: string;
  caseId: string;
  at: Date;
  actorId: string;
  actorName: string;
  /** `professionals` hides the entry from family and network members. */
  visibility: 'all' | 'professionals';
}

export type EventDraft<T extends EventType = EventType> = { [K in T]: EventDraftBase & { type: K; data: EventDataMap[K] } }[T];

/** One entry of a case's history, as stored: a link in the case's hash chain. */
export type CaseEvent<T extends EventType = EventType> = {
  [K in T]: EventDraftBase & {
    /** `<caseId>:<seq, 10 digits>`. */
    _id: string;
    type: K;
    data: EventDataMap[K];
    /** Position in the case's chain, from 1. */
    seq: number;
    /** How many family-visible events the chain holds up to and including this one (the family's timeline). */
    familySeq: number;
    /** sha256 of the content (actor and data), kept apart so that erasure can replace content and keep the chain. */
    contentHash: string;
    prevHash: string;
    hash: string;
    /** Set when erasure replaced the content: which erasure event did it. */
    redactedBy?: string;
  };
}[T];

export const isType = <T extends EventType>(event: CaseEvent, type: T): event is Extract<CaseEvent, { type: T }> => event.type === type;

/** Builds an event draft; `key` names the change (e.g. `agreement:<id>:v3`), so a retry appends nothing new. */
export function draft<T extends EventType>(
  type: T,
  data: EventDataMap[T],
  change: { key: string; caseId: string; at: Date; actor: { userId: string; name: string }; visibility?: 'all' | 'professionals' },
): EventDraft<T> {
  return {
    key: change.key,
    caseId: change.caseId,
    at: change.at,
    actorId: change.actor.userId,
    actorName: change.actor.name,
    visibility: change.visibility ?? 'all',
    type,
    data,
  } as EventDraft<T>;
}

/** The app itself as the actor of a change no person made (a warning raised, members linked, a coordinator who left). */
export const SAMSPIL_ACTOR = { userId: 'samspil', name: 'Samspil' };

/** The key of the change that takes a document to `version`. */
export const versionKey = (kind: string, id: string, version: number): string => `${kind}:${id}:v${version}`;
