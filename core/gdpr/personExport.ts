import type { AccessEntry, Surface } from '../audit/accessLog';
import type { CaseEvent } from '../audit/events';
import type { Agreement, AgreementStatus } from '../domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../domain/assessment';
import type { Case, ConsentState, Member, MemberStatus } from '../domain/case';
import type { Observation } from '../domain/observation';
import type { Role } from '../domain/roles';
import type { AssessmentArea, IcsArea, SosColumn, WellbeingLevel } from '../domain/scales';
import type { MeetingRecord } from '../persistence/meetingRepository';
import { isGuid } from './pseudonym';

/**
 * A person's access export (GDPR art. 15), assembled from what the database holds about them.
 * Pure: the service loads each case's documents, history and access log, and this decides what
 * the person gets. Dates leave as ISO strings, so the export is plain, readable JSON.
 */

export const EXPORT_FORMAT = 'samspil-gdpr-access/1';

/** Everything stored about one case that an export may draw on. */
export interface CaseData {
  kase: Case;
  events: CaseEvent[];
  access: AccessEntry[];
  observations: Observation[];
  agreements: Agreement[];
  rounds: AssessmentRound[];
  answers: AssessmentAnswer[];
  meetings: MeetingRecord[];
}

export interface ExportContext {
  at: Date;
  /** Who made the export: an operator, or the case's coordinator in the tab. */
  by: string;
  /** The controller's setting GDPR_EXPORT_PROFESSIONAL_CONTENT. */
  professionalContent: boolean;
  /** Every case of the person (operator), or one case (the coordinator in the tab). */
  scope: 'all-cases' | 'one-case';
}

export interface PersonExport {
  format: typeof EXPORT_FORMAT;
  generatedAt: string;
  generatedBy: string;
  scope: ExportContext['scope'];
  professionalContent: { included: boolean; setting: 'GDPR_EXPORT_PROFESSIONAL_CONTENT' };
  person: { userIds: string[]; aadObjectIds: string[]; names: string[] };
  cases: CaseSection[];
}

export interface CaseSection {
  caseId: string;
  title: string;
  childRef: string;
  status: Case['status'];
  createdAt: string;
  closedAt: string | null;
  coordinatorName: string | null;
  retentionHold: { reason: string; at: string } | null;
  membership: MembershipView[];
  consentHistory: Array<{ at: string; event: CaseEvent['type']; byName: string; role?: Role; status?: MemberStatus; reason?: string }>;
  wrote: {
    observations: Array<{ id: string; at: string; area: IcsArea; level: WellbeingLevel; sosColumn?: SosColumn; text: string; professionalsOnly: boolean }>;
    agreementProposals: Array<{ id: string; at: string; what: string; status: AgreementStatus }>;
    assessmentAnswers: Array<{ round: number | null; at: string; ratings: Record<AssessmentArea, WellbeingLevel>; comment?: string }>;
    minutes: Array<{ id: string; at: string; decisions: number }>;
    consentDecisions: Array<{ at: string; about: string; role?: Role; decision: CaseEvent['type']; reason?: string }>;
    legalBases: Array<{ at: string; about: string; text: string }>;
  };
  agreements: {
    owned: Array<{ id: string; what: string; status: AgreementStatus; dueDate: string; followUpDate: string; proposedByName: string }>;
    decided: Array<{ id: string; what: string; at: string; from: AgreementStatus; to: AgreementStatus; reason?: string }>;
  };
  /** Who read the case (data about the person and their child), from the case's access log. */
  accessLog: Array<{ at: string; byName: string; byRole: Role | 'operator' | null; part: string; surface: Surface }>;
}

export interface MembershipView {
  userId: string;
  aadObjectId?: string;
  name: string;
  role: Role;
  status: MemberStatus;
  coordinator: boolean;
  addedAt: string;
  addedBy: { id: string; name: string };
  consent: { state: ConsentState; byName?: string; at?: string; reason?: string };
  legalBasis?: { text: string; at: string; byName: string };
}

const iso = (at: Date | string): string => new Date(at).toISOString();

/** Compares IDs as the person is matched: GUIDs in any case, the tab's `aad:<GUID>` as the GUID. */
export function personMatcher(ids: Iterable<string>): (id: unknown) => boolean {
  const known = new Set([...ids].map((id) => id.toLowerCase().replace(/^aad:/, '')));
  return (id) => typeof id === 'string' && known.has(id.toLowerCase().replace(/^aad:/, ''));
}

/** The members of a case that are this person (normally one). */
export function membersOf(kase: Pick<Case, 'members'>, isPerson: (id: unknown) => boolean): Member[] {
  return kase.members.filter((m) => isPerson(m.userId) || isPerson(m.aadObjectId));
}

const MEMBER_EVENTS = new Set(['member.added', 'member.removed', 'member.consent.approved', 'member.consent.declined', 'member.consent.withdrawn']);
const CONSENT_DECISIONS = new Set(['member.consent.approved', 'member.consent.declined', 'member.consent.withdrawn']);

export function buildPersonExport(personIds: string[], cases: CaseData[], context: ExportContext): PersonExport {
  const isPerson = personMatcher(personIds);
  const userIds = new Set<string>();
  const aadObjectIds = new Set<string>(personIds.filter(isGuid).map((id) => id.toLowerCase()));
  const names = new Set<string>();
  for (const { kase } of cases) {
    for (const m of membersOf(kase, isPerson)) {
      userIds.add(m.userId);
      if (m.aadObjectId) aadObjectIds.add(m.aadObjectId.toLowerCase());
      names.add(m.name);
    }
  }
  for (const id of personIds) if (!isGuid(id)) userIds.add(id);
  // Whatever ID the person was named by, everything under any of their IDs is theirs.
  const isThem = personMatcher([...personIds, ...userIds, ...aadObjectIds]);
  return {
    format: EXPORT_FORMAT,
    generatedAt: iso(context.at),
    generatedBy: context.by,
    scope: context.scope,
    professionalContent: { included: context.professionalContent, setting: 'GDPR_EXPORT_PROFESSIONAL_CONTENT' },
    person: { userIds: [...userIds].sort(), aadObjectIds: [...aadObjectIds].sort(), names: [...names].sort() },
    cases: cases.map((data) => caseSection(data, isThem, context.professionalContent)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  };
}

function caseSection(data: CaseData, isPerson: (id: unknown) => boolean, professional: boolean): CaseSection {
  const { kase, events } = data;
  const visible = (visibility: 'all' | 'professionals') => professional || visibility === 'all';
  const byId = new Map(kase.members.map((m) => [m.userId, m]));
  const mine = membersOf(kase, isPerson);
  const isMe = isPerson;
  const closing = events.filter((e) => e.type === 'case.closed').at(-1);
  const addedEvent = (userId: string) => events.find((e) => e.type === 'member.added' && e.data.userId === userId);
  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  const rounds = new Map(data.rounds.map((r) => [r._id, r.number]));

  return {
    caseId: kase._id,
    title: kase.title,
    childRef: kase.childRef,
    status: kase.status,
    createdAt: iso(kase.createdAt),
    closedAt: kase.status === 'closed' && closing ? iso(closing.at) : null,
    coordinatorName: byId.get(kase.coordinatorId)?.name ?? null,
    retentionHold: kase.retentionHold ? { reason: kase.retentionHold.reason, at: iso(kase.retentionHold.at) } : null,
    membership: mine.map((m) => ({
      userId: m.userId,
      aadObjectId: m.aadObjectId,
      name: m.name,
      role: m.role,
      status: m.status,
      coordinator: kase.coordinatorId === m.userId,
      addedAt: iso(m.addedAt),
      addedBy: { id: m.addedBy, name: byId.get(m.addedBy)?.name ?? addedEvent(m.userId)?.actorName ?? m.addedBy },
      consent: { state: m.consent.state, byName: m.consent.byName ?? undefined, at: m.consent.at ? iso(m.consent.at) : undefined, reason: m.consent.reason ?? undefined },
      legalBasis: m.legalBasis ? { text: m.legalBasis.text, at: iso(m.legalBasis.at), byName: nameOf(m.legalBasis.by) } : undefined,
    })),
    consentHistory: events
      .filter((e) => MEMBER_EVENTS.has(e.type) && isMe((e.data as { userId?: string }).userId) && visible(e.visibility))
      .map((e) => {
        const d = e.data as { role?: Role; status?: MemberStatus; reason?: string };
        return { at: iso(e.at), event: e.type, byName: e.actorName, role: d.role, status: d.status, reason: d.reason ?? undefined };
      }),
    wrote: {
      observations: data.observations
        .filter((o) => isMe(o.authorId) && visible(o.visibility))
        .sort(byTime((o) => o.createdAt))
        .map((o) => ({ id: o._id, at: iso(o.createdAt), area: o.area, level: o.level, sosColumn: o.sosColumn, text: o.text, professionalsOnly: o.visibility === 'professionals' })),
      agreementProposals: data.agreements
        .filter((a) => isMe(a.proposedBy))
        .sort(byTime((a) => a.createdAt))
        .map((a) => ({ id: a._id, at: iso(a.createdAt), what: a.what, status: a.status })),
      assessmentAnswers: data.answers
        .filter((a) => isMe(a.userId))
        .sort(byTime((a) => a.submittedAt))
        .map((a) => ({ round: rounds.get(a.roundId) ?? null, at: iso(a.submittedAt), ratings: a.ratings, comment: a.comment ?? undefined })),
      minutes: data.meetings
        .filter((m) => isMe(m.by))
        .sort(byTime((m) => m.at))
        .map((m) => ({ id: m._id, at: iso(m.at), decisions: m.decisions })),
      consentDecisions: events
        .filter((e) => CONSENT_DECISIONS.has(e.type) && isMe(e.actorId) && visible(e.visibility))
        .map((e) => {
          const d = e.data as { name?: string; role?: Role; reason?: string };
          return { at: iso(e.at), about: d.name ?? '', role: d.role, decision: e.type, reason: d.reason ?? undefined };
        }),
      legalBases: events
        .filter((e) => e.type === 'member.added' && isMe(e.actorId) && typeof (e.data as { legalBasis?: string }).legalBasis === 'string' && visible(e.visibility))
        .map((e) => {
          const d = e.data as { name?: string; legalBasis?: string };
          return { at: iso(e.at), about: d.name ?? '', text: d.legalBasis ?? '' };
        }),
    },
    agreements: {
      owned: data.agreements
        .filter((a) => isMe(a.ownerId))
        .sort(byTime((a) => a.createdAt))
        .map((a) => ({ id: a._id, what: a.what, status: a.status, dueDate: a.dueDate, followUpDate: a.followUpDate, proposedByName: a.proposedByName })),
      decided: data.agreements
        .flatMap((a) => a.history.filter((step) => isMe(step.by)).map((step) => ({ id: a._id, what: a.what, at: iso(step.at), from: step.from, to: step.to, reason: step.reason ?? undefined })))
        .sort((x, y) => x.at.localeCompare(y.at)),
    },
    accessLog: data.access
      .filter((e) => e.action === 'read')
      .sort((a, b) => a.seq - b.seq)
      .map((e) => ({ at: iso(e.at), byName: e.actorName, byRole: roleOfReader(kase, e.actorId), part: e.part, surface: e.surface })),
  };
}

/** The reader's role in the case, `operator` for the controller's staff at the server, else null. */
function roleOfReader(kase: Case, actorId: string): Role | 'operator' | null {
  if (actorId.startsWith('operator:')) return 'operator';
  const oid = /^aad:(.+)$/.exec(actorId)?.[1]?.toLowerCase();
  const member = kase.members.find((m) => m.userId === actorId || (!!oid && m.aadObjectId?.toLowerCase() === oid));
  return member?.role ?? null;
}

const byTime =
  <T>(at: (item: T) => Date) =>
  (a: T, b: T): number =>
    new Date(at(a)).getTime() - new Date(at(b)).getTime();
