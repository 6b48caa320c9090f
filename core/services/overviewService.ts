import { isOpen, isOverdue, type Agreement, type AgreementStatus } from '../domain/agreement';
import { defaultAgreementDates } from '../reminders/calendar';
import type { AssessmentSummary } from '../domain/assessment';
import { activeMember, coordinatorOf, isSamePerson, type Actor, type Case, type ConsentState, type Member, type MemberStatus } from '../domain/case';
import { copenhagenDate } from '../domain/dates';
import { DomainError } from '../domain/errors';
import type { Observation } from '../domain/observation';
import { decide, mayTakeStep, seesProfessionalOnly } from '../domain/policy';
import { roleGroup, type Role, type RoleGroup } from '../domain/roles';
import { ICS_AREA_KEYS, WELLBEING_LEVELS, type IcsArea, type SosColumn, type WellbeingLevel } from '../domain/scales';
import type { AgreementRepository } from '../persistence/agreementRepository';
import type { AssessmentRepository } from '../persistence/assessmentRepository';
import type { CaseRepository } from '../persistence/caseRepository';
import { draft } from '../audit/events';
import type { MeetingRecord, MeetingRepository } from '../persistence/meetingRepository';
import type { ObservationRepository } from '../persistence/observationRepository';
import type { CaseAccess } from './access';
import { PositionCache } from '../persistence/positionCache';
import type { EarlyWarningView } from './earlyWarningService';
import type { Clock } from './caseService';
import { formIdFrom } from './formService';
import { oneOf } from './observationService';

/**
 * Read models for the tab: the case overview, the meeting agenda, the meeting stage and the
 * minutes. Assembled straight from the collections (one case read for the access check, then the
 * rest in parallel) and filtered by the same policy as every other read: family and network
 * members never receive professionals-only content, and the stage and the minutes, which the
 * whole family sees, carry only family-visible content whoever asks.
 *
 * Dates leave here as ISO strings so that the views are plain JSON.
 */

/** Posted minutes mark a meeting: "since the last meeting" means since the last minutes. */
export const MINUTES_EVENT = 'meeting.minutes';

export const OVERVIEW_OBSERVATION_LIMIT = 50;
export const AGENDA_OBSERVATION_LIMIT = 20;
const AGREEMENT_LIMIT = 500;

export type Audience = 'viewer' | 'everyone';

export interface MemberView {
  userId: string;
  aadObjectId?: string;
  name: string;
  role: Role;
  group: RoleGroup;
  status: MemberStatus;
  consent: ConsentState;
  coordinator: boolean;
  me: boolean;
}

export interface AgreementView {
  id: string;
  what: string;
  ownerId: string;
  ownerName: string;
  dueDate: string;
  followUpDate: string;
  status: AgreementStatus;
  overdue: boolean;
  proposedByName: string;
  createdAt: string;
  updatedAt: string;
  lastChange?: { to: AgreementStatus; byName: string; at: string; reason?: string };
  /** Hints for the buttons; the agreement service decides again when one is pressed. */
  canMarkDone: boolean;
  canAccept: boolean;
  canDecline: boolean;
}

export interface ObservationView {
  id: string;
  authorName: string;
  authorRole: Role;
  area: IcsArea;
  level: WellbeingLevel;
  sosColumn?: SosColumn;
  text: string;
  professionalsOnly: boolean;
  createdAt: string;
}

export interface RoundView extends AssessmentSummary {
  closedAt: string | null;
}

export interface CaseHeader {
  id: string;
  title: string;
  childRef: string;
  status: Case['status'];
  coordinatorName: string;
  createdAt: string;
  conversationKind: Case['conversation']['kind'];
}

export interface Viewer {
  name: string;
  role: Role;
  group: RoleGroup;
  coordinator: boolean;
  seesProfessionalOnly: boolean;
  canPropose: boolean;
  canPostMinutes: boolean;
}

export interface CaseOverview {
  /** Early warnings with their reasons, for professionals only (and never on the stage); absent for anyone else. */
  earlyWarnings?: EarlyWarningView[];
  case: CaseHeader;
  viewer: Viewer;
  audience: Audience;
  today: string;
  lastMeetingAt: string | null;
  members: MemberView[];
  wellbeing: RoundView[];
  agreements: AgreementView[];
  observations: ObservationView[];
}

export interface MeetingAgenda {
  case: CaseHeader;
  viewer: Viewer;
  today: string;
  lastMeetingAt: string | null;
  overdue: AgreementView[];
  open: AgreementView[];
  observationsSince: ObservationView[];
  pendingConsent: MemberView[];
  /** Who can own a new agreement: the active members. */
  owners: Array<{ userId: string; name: string; role: Role }>;
  /** Dates the decision form starts with: working days, the follow-up after the due date. */
  defaults: { dueDate: string; followUpDate: string };
}

export interface MinutesDecision {
  agreementId: string;
  what: string;
  ownerName: string;
  dueDate: string;
  change: AgreementStatus;
  byName: string;
  at: string;
  reason?: string;
}

export interface Minutes {
  case: CaseHeader;
  since: string | null;
  until: string;
  decisions: MinutesDecision[];
  open: AgreementView[];
  newObservations: number;
  consentChanges: Array<{ name: string; role: Role; state: ConsentState; at: string }>;
  canPost: boolean;
}

export interface CaseSummary {
  id: string;
  title: string;
  childRef: string;
  status: Case['status'];
  conversationId: string;
  conversationKind: Case['conversation']['kind'];
}

const iso = (date: Date | undefined | null): string | null => (date ? new Date(date).toISOString() : null);

/** Where the overview gets a case's early warnings for a member (core/services/earlyWarningService.ts); undefined when they may not see them. */
export type EarlyWarningSource = (actor: Actor, kase: Case) => Promise<EarlyWarningView[] | undefined>;

/** What the overview reads of a case besides the case document, for one of its two audiences. */
interface OverviewData {
  agreements: Agreement[];
  observations: Observation[];
  rounds: RoundView[];
  lastMeeting: MeetingRecord | null;
}

/** Cases whose overview reads are kept (a meeting opens the same case on many screens). */
const OVERVIEW_CACHE_CASES = 50;

export class OverviewService {
  private earlyWarnings?: EarlyWarningSource;
  /** Kept by the case's position in its history: reused until a change moves it. */
  private readonly reads = new PositionCache<OverviewData>(2 * OVERVIEW_CACHE_CASES);

  /** Shows early warnings in the overview (issue #14). */
  useEarlyWarnings(source: EarlyWarningSource): void {
    this.earlyWarnings = source;
  }

  constructor(
    private readonly agreements: AgreementRepository,
    private readonly observationRepository: ObservationRepository,
    private readonly assessments: AssessmentRepository,
    private readonly meetings: MeetingRepository,
    private readonly cases: CaseRepository,
    private readonly access: CaseAccess,
    private readonly now: Clock,
    /** The case's position in its history (core/audit/eventStore.ts). */
    private readonly position: (caseId: string) => Promise<number>,
  ) {}

  /** The cases a person is an active member of, for the configuration page's picker. */
  async casesOf(actor: Actor): Promise<CaseSummary[]> {
    const cases = await this.cases.byMember([actor.userId], actor.aadObjectId);
    return cases.filter((kase) => decide(kase, actor, 'case.read').allowed).map(summaryOf);
  }

  /** The case bound to a channel or chat, if the person may read it; null when there is none. */
  async caseOfConversation(actor: Actor, conversationId: string): Promise<CaseSummary | null> {
    if (!/^[\w:.@;=-]{1,300}$/.test(conversationId)) return null;
    const kase = await this.cases.byConversation(conversationId.split(';messageid=')[0] ?? conversationId);
    if (!kase) return null;
    const { kase: allowed } = await this.access.check(actor, kase, 'case.read');
    return summaryOf(allowed);
  }

  async overview(actor: Actor, caseId: unknown, audience: Audience = 'viewer'): Promise<CaseOverview> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    const familyOnly = audience === 'everyone' || !seesProfessionalOnly(member);
    const [{ agreements, observations, rounds, lastMeeting }, earlyWarnings] = await Promise.all([
      this.overviewData(kase._id, familyOnly),
      audience === 'viewer' && this.earlyWarnings ? this.earlyWarnings(actor, kase) : Promise.resolve(undefined),
      this.access.recordRead(actor, kase, audience === 'everyone' ? 'tab.stage' : 'tab.overview'),
    ]);
    const today = copenhagenDate(this.now());
    const viewer = viewerOf(kase, actor, member, audience);
    return {
      case: headerOf(kase),
      viewer,
      audience,
      today,
      lastMeetingAt: iso(lastMeeting?.at),
      members: kase.members.filter((m) => m.status !== 'removed').map((m) => memberView(kase, m, actor)),
      wellbeing: rounds,
      agreements: agreements.map((a) => agreementView(a, today, kase, actor, member, audience)),
      observations: observations.map(observationView),
      ...(earlyWarnings ? { earlyWarnings } : {}),
    };
  }

  /** The observation timeline with the overview's filters (area, level). */
  async observations(actor: Actor, caseId: unknown, filter: { area?: unknown; level?: unknown } = {}): Promise<ObservationView[]> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'observation.read');
    const area = filter.area ? oneOf<IcsArea>(filter.area, ICS_AREA_KEYS, 'field.area') : undefined;
    const level = filter.level ? oneOf<WellbeingLevel>(filter.level, WELLBEING_LEVELS, 'field.level') : undefined;
    const [observations] = await Promise.all([
      this.observationsOf(kase._id, { familyOnly: !seesProfessionalOnly(member), area, level, limit: OVERVIEW_OBSERVATION_LIMIT }),
      this.access.recordRead(actor, kase, 'tab.observations'),
    ]);
    return observations.map(observationView);
  }

  /** The meeting side panel: open and overdue agreements, what was observed since the last meeting, pending consent. */
  async agenda(actor: Actor, caseId: unknown): Promise<MeetingAgenda> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    const lastMeeting = await this.lastMeeting(kase._id);
    const [agreements, observations] = await Promise.all([
      this.agreementsOf(kase._id),
      this.observationsOf(kase._id, { familyOnly: !seesProfessionalOnly(member), since: lastMeeting?.at, limit: AGENDA_OBSERVATION_LIMIT }),
      this.access.recordRead(actor, kase, 'tab.meeting'),
    ]);
    const today = copenhagenDate(this.now());
    const views = agreements.map((a) => agreementView(a, today, kase, actor, member, 'viewer'));
    const byDue = (a: AgreementView, b: AgreementView) => a.dueDate.localeCompare(b.dueDate);
    return {
      case: headerOf(kase),
      viewer: viewerOf(kase, actor, member, 'viewer'),
      today,
      lastMeetingAt: iso(lastMeeting?.at),
      overdue: views.filter((a) => a.overdue).sort(byDue),
      open: views.filter((a) => !a.overdue && isOpen(a.status)).sort(byDue),
      observationsSince: observations.map(observationView),
      pendingConsent: kase.members.filter((m) => m.consent.state === 'pending').map((m) => memberView(kase, m, actor)),
      owners: kase.members.filter((m) => m.status === 'active').map((m) => ({ userId: m.userId, name: m.name, role: m.role })),
      defaults: defaultAgreementDates(today),
    };
  }

  /**
   * What was decided since the last meeting. The minutes go to the case conversation, where the
   * family reads along, so they hold only family-visible content whoever asks for them.
   */
  async minutes(actor: Actor, caseId: unknown): Promise<Minutes> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    const lastMeeting = await this.lastMeeting(kase._id);
    const since = lastMeeting?.at;
    const [agreements, newObservations] = await Promise.all([
      this.agreementsOf(kase._id),
      this.observationRepository.countFamilyVisible(kase._id, since),
      this.access.recordRead(actor, kase, 'tab.minutes'),
    ]);
    const today = copenhagenDate(this.now());
    const after = (at: Date | undefined) => !!at && (!since || new Date(at) > since);
    const decisions: MinutesDecision[] = [];
    for (const a of agreements) {
      const base = { agreementId: a._id, what: a.what, ownerName: a.ownerName, dueDate: a.dueDate };
      if (after(a.createdAt)) decisions.push({ ...base, change: 'proposed', byName: a.proposedByName, at: iso(a.createdAt)! });
      for (const step of a.history) if (after(step.at)) decisions.push({ ...base, change: step.to, byName: step.byName, at: iso(step.at)!, reason: step.reason });
    }
    decisions.sort((x, y) => x.at.localeCompare(y.at));
    return {
      case: headerOf(kase),
      since: iso(since),
      until: this.now().toISOString(),
      decisions,
      open: agreements
        .filter((a) => isOpen(a.status))
        .map((a) => agreementView(a, today, kase, actor, member, 'everyone'))
        .sort((x, y) => x.dueDate.localeCompare(y.dueDate)),
      newObservations,
      consentChanges: kase.members
        .filter((m) => m.consent.state !== 'not_needed' && after(m.consent.at ?? m.addedAt))
        .map((m) => ({ name: m.name, role: m.role, state: m.consent.state, at: iso(m.consent.at ?? m.addedAt)! })),
      canPost: decide(kase, actor, 'meeting.minutes').allowed,
    };
  }

  /** Checks that the person may post minutes now; call before sending them anywhere. */
  async authorizeMinutes(actor: Actor, caseId: unknown, formId: unknown): Promise<{ kase: Case; formId: string }> {
    const { kase } = await this.access.caseFor(actor, caseId, 'meeting.minutes');
    return { kase, formId: formIdFrom(formId) };
  }

  /** Records that minutes were posted: this is what "the last meeting" means from now on. */
  async recordMinutesPosted(actor: Actor, kase: Case, minutes: Minutes, details: { formId: string; activityId?: string }): Promise<void> {
    const member = activeMember(kase, actor);
    if (!member) throw new DomainError('error.notMember', {}, 'forbidden');
    const at = new Date(minutes.until);
    const record: MeetingRecord = {
      _id: details.formId,
      caseId: kase._id,
      at,
      by: member.userId,
      byName: member.name,
      since: minutes.since ? new Date(minutes.since) : null,
      decisions: minutes.decisions.length,
      activityId: details.activityId,
      minutes,
    };
    const minutesEvent = draft('meeting.minutes', { formId: details.formId, since: minutes.since, decisions: minutes.decisions.length, activityId: details.activityId }, { key: `meeting:${details.formId}`, caseId: kase._id, at, actor: member });
    await this.meetings.insert(record, [minutesEvent]);
  }

  /** A meeting of a case without an actor: for drawing a posted minutes card again for its room's readers. */
  async findMeeting(caseId: string, meetingId: string): Promise<MeetingRecord | null> {
    const record = await this.meetings.byId(meetingId);
    return record?.caseId === caseId ? record : null;
  }

  /** A recorded meeting of a case, with the minutes that were posted, for one of its members. */
  async meeting(actor: Actor, caseId: unknown, meetingId: unknown): Promise<{ kase: Case; member: Member; meeting: MeetingRecord }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    const record = typeof meetingId === 'string' ? await this.meetings.byId(meetingId) : null;
    if (!record || record.caseId !== kase._id || !record.minutes) throw new DomainError('error.caseNotFound', {}, 'not_found');
    return { kase, member, meeting: record };
  }

  private agreementsOf(caseId: string): Promise<Agreement[]> {
    return this.agreements.forCase(caseId, AGREEMENT_LIMIT);
  }

  /** Agreements, observations, rounds and the last meeting: read again only after the case's history moved on. */
  private async overviewData(caseId: string, familyOnly: boolean): Promise<OverviewData> {
    const position = await this.position(caseId);
    return this.reads.get(`${caseId}|${familyOnly ? 'family' : 'all'}`, position, async () => {
      const [agreements, observations, rounds, lastMeeting] = await Promise.all([
        this.agreementsOf(caseId),
        this.observationsOf(caseId, { familyOnly, limit: OVERVIEW_OBSERVATION_LIMIT }),
        this.roundsOf(caseId),
        this.lastMeeting(caseId),
      ]);
      return { agreements, observations, rounds, lastMeeting };
    });
  }

  private observationsOf(caseId: string, f: { familyOnly: boolean; area?: IcsArea; level?: WellbeingLevel; since?: Date; limit: number }): Promise<Observation[]> {
    return this.observationRepository.forCase(caseId, { familyVisibleOnly: f.familyOnly, area: f.area, level: f.level, since: f.since, limit: f.limit });
  }

  private async roundsOf(caseId: string): Promise<RoundView[]> {
    const rounds = await this.assessments.closedRounds(caseId);
    return rounds.flatMap((r) => (r.summary ? [{ ...r.summary, closedAt: iso(r.closedAt) }] : []));
  }

  private lastMeeting(caseId: string): Promise<MeetingRecord | null> {
    return this.meetings.lastOf(caseId);
  }
}

function summaryOf(kase: Case): CaseSummary {
  return { id: kase._id, title: kase.title, childRef: kase.childRef, status: kase.status, conversationId: kase.conversation.conversationId, conversationKind: kase.conversation.kind };
}

function headerOf(kase: Case): CaseHeader {
  return {
    id: kase._id,
    title: kase.title,
    childRef: kase.childRef,
    status: kase.status,
    coordinatorName: coordinatorOf(kase)?.name ?? '',
    createdAt: iso(kase.createdAt)!,
    conversationKind: kase.conversation.kind,
  };
}

function viewerOf(kase: Case, actor: Actor, member: Member, audience: Audience): Viewer {
  const readOnly = audience === 'everyone';
  return {
    name: member.name,
    role: member.role,
    group: roleGroup(member.role),
    coordinator: kase.coordinatorId === member.userId,
    seesProfessionalOnly: !readOnly && seesProfessionalOnly(member),
    canPropose: !readOnly && decide(kase, actor, 'agreement.propose').allowed,
    canPostMinutes: !readOnly && decide(kase, actor, 'meeting.minutes').allowed,
  };
}

function memberView(kase: Case, m: Member, actor: Actor): MemberView {
  return {
    userId: m.userId,
    aadObjectId: m.aadObjectId,
    name: m.name,
    role: m.role,
    group: roleGroup(m.role),
    status: m.status,
    consent: m.consent.state,
    coordinator: kase.coordinatorId === m.userId,
    me: isSamePerson(m, actor),
  };
}

function agreementView(a: Agreement, today: string, kase: Case, actor: Actor, member: Member, audience: Audience): AgreementView {
  const last = a.history.at(-1);
  return {
    id: a._id,
    what: a.what,
    ownerId: a.ownerId,
    ownerName: a.ownerName,
    dueDate: a.dueDate,
    followUpDate: a.followUpDate,
    status: a.status,
    overdue: isOverdue(a, today),
    proposedByName: a.proposedByName,
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
    lastChange: last ? { to: last.to, byName: last.byName, at: iso(last.at)!, reason: last.reason } : undefined,
    canMarkDone: audience === 'viewer' && mayTakeStep(kase, a, actor, 'done'),
    canAccept: audience === 'viewer' && mayTakeStep(kase, a, actor, 'accepted'),
    canDecline: audience === 'viewer' && mayTakeStep(kase, a, actor, 'declined'),
  };
}

function observationView(o: Observation): ObservationView {
  return {
    id: o._id,
    authorName: o.authorName,
    authorRole: o.authorRole,
    area: o.area,
    level: o.level,
    sosColumn: o.sosColumn,
    text: o.text,
    professionalsOnly: o.visibility === 'professionals',
    createdAt: iso(o.createdAt)!,
  };
}
