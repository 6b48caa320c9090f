import { AGREEMENT_TRANSITIONS, type Agreement, type AgreementStatus } from './agreement';
import { activeMember, type Actor, type Case, type Member } from './case';
import { isGuardian, isProfessional, roleGroup } from './roles';

/** Everything a person can do in a case. One table decides who may, for bot and tab alike. */
export const CASE_ACTIONS = [
  'case.read',
  'case.close',
  'member.list',
  'member.add',
  'member.remove',
  'consent.decide',
  'consent.withdraw',
  'observation.create',
  'observation.createProfessionalOnly',
  'observation.read',
  'assessment.open',
  'assessment.answer',
  'assessment.close',
  'agreement.propose',
  'agreement.accept',
  'agreement.decline',
  'agreement.done',
  'agreement.cancel',
  'agreement.read',
  'timeline.read',
  'person.export',
  'meeting.minutes',
  'meeting.read',
  'meeting.schedule',
  'meeting.manage',
  'meeting.answer',
  'earlyWarning.read',
  'earlyWarning.decide',
  'coordinator.handover',
  'coordinator.answer',
  'coordinator.takeOver',
  'coordinator.summary',
  'childVoice.record',
  'childVoice.read',
  'childVoice.settings',
  'childVoice.youthConsent',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** Actions that change a case: refused once the case is closed. */
export const WRITE_ACTIONS: ReadonlySet<CaseAction> = new Set<CaseAction>([
  'case.close',
  'member.add',
  'member.remove',
  'consent.decide',
  'consent.withdraw',
  'observation.create',
  'observation.createProfessionalOnly',
  'assessment.open',
  'assessment.answer',
  'assessment.close',
  'agreement.propose',
  'agreement.accept',
  'agreement.decline',
  'agreement.done',
  'agreement.cancel',
  'meeting.minutes',
  'meeting.schedule',
  'meeting.manage',
  'meeting.answer',
  'earlyWarning.decide',
  'coordinator.handover',
  'coordinator.answer',
  'coordinator.takeOver',
  'childVoice.record',
  'childVoice.settings',
  'childVoice.youthConsent',
]);

const isCoordinator = (kase: Case, member: Member) => kase.coordinatorId === member.userId;

/**
 * Role rules. Object-level rules (only the owner marks an agreement done) are checked
 * by the service that knows the object, on top of this.
 */
const RULES: Record<CaseAction, (kase: Case, member: Member) => boolean> = {
  'case.read': () => true,
  'case.close': isCoordinator,
  'member.list': () => true,
  'member.add': isCoordinator,
  'member.remove': isCoordinator,
  'consent.decide': (_k, m) => isGuardian(m.role),
  'consent.withdraw': (_k, m) => isGuardian(m.role),
  'observation.create': (_k, m) => roleGroup(m.role) !== 'family' || m.role === 'parent',
  'observation.createProfessionalOnly': (_k, m) => isProfessional(m.role),
  'observation.read': () => true,
  'assessment.open': isCoordinator,
  'assessment.answer': (_k, m) => isProfessional(m.role) || isGuardian(m.role),
  'assessment.close': isCoordinator,
  'agreement.propose': (_k, m) => isProfessional(m.role) || isGuardian(m.role),
  'agreement.accept': (_k, m) => isGuardian(m.role),
  'agreement.decline': (_k, m) => isGuardian(m.role),
  'agreement.done': () => true,
  'agreement.cancel': isCoordinator,
  'agreement.read': () => true,
  'timeline.read': () => true,
  // A person's data for their access request (GDPR art. 15): the coordinator answers it for a member (core/gdpr).
  'person.export': isCoordinator,
  // The people who can propose agreements can also record what a meeting decided.
  'meeting.minutes': (_k, m) => isProfessional(m.role) || isGuardian(m.role),
  // Case meetings (core/services/meetingService.ts): the coordinator schedules and manages; whether
  // someone may answer an invitation is decided by the meeting (only its participants).
  'meeting.read': () => true,
  'meeting.schedule': isCoordinator,
  'meeting.manage': isCoordinator,
  'meeting.answer': () => true,
  // Early warnings may rest on professionals-only observations (docs/early-warning.md); the coordinator answers them.
  'earlyWarning.read': (_k, m) => isProfessional(m.role),
  'earlyWarning.decide': isCoordinator,
  // Coordinator handover (core/domain/handover.ts): the service also checks who a proposal is for.
  'coordinator.handover': isCoordinator,
  'coordinator.answer': (_k, m) => isProfessional(m.role),
  'coordinator.takeOver': (_k, m) => isProfessional(m.role),
  'coordinator.summary': isCoordinator,
  // The child's voice (core/domain/childVoice.ts): which entries a reader sees is decided per entry.
  'childVoice.record': (_k, m) => isProfessional(m.role) || isGuardian(m.role) || m.role === 'child',
  'childVoice.read': (_k, m) => roleGroup(m.role) !== 'network',
  'childVoice.settings': isCoordinator,
  'childVoice.youthConsent': (_k, m) => m.role === 'child',
};

export type Decision = { allowed: true; member: Member } | { allowed: false; reason: 'not_member' | 'role' | 'closed' };

export function decide(kase: Case, actor: Pick<Actor, 'userId' | 'aadObjectId'>, action: CaseAction): Decision {
  const member = activeMember(kase, actor);
  if (!member) return { allowed: false, reason: 'not_member' };
  if (kase.status !== 'open' && WRITE_ACTIONS.has(action)) return { allowed: false, reason: 'closed' };
  if (!RULES[action](kase, member)) return { allowed: false, reason: 'role' };
  return { allowed: true, member };
}

/** Family and network members never see professionals-only content. */
export const seesProfessionalOnly = (member: Member): boolean => isProfessional(member.role);

export type AgreementStep = Exclude<AgreementStatus, 'proposed'>;

export const AGREEMENT_STEP_ACTION: Record<AgreementStep, CaseAction> = {
  accepted: 'agreement.accept',
  declined: 'agreement.decline',
  done: 'agreement.done',
  cancelled: 'agreement.cancel',
};

/**
 * Whether a person may move an agreement to `to` now: the lifecycle allows the step, the role
 * allows the action, and only the owner marks it done. Bot cards, the tab and the service share it.
 */
export function mayTakeStep(kase: Case, agreement: Pick<Agreement, 'status' | 'ownerId'>, actor: Pick<Actor, 'userId' | 'aadObjectId'>, to: AgreementStep): boolean {
  if (!AGREEMENT_TRANSITIONS[agreement.status].includes(to)) return false;
  const decision = decide(kase, actor, AGREEMENT_STEP_ACTION[to]);
  return decision.allowed && (to !== 'done' || decision.member.userId === agreement.ownerId);
}
