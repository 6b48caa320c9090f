import { isSamePerson, type Actor, type Case, type Member } from './case';
import { DomainError } from './errors';
import { isProfessional } from './roles';

/**
 * Coordinator handover (Stafettloggen's "stafetholder", Familiedialog's "kun én tovholder"): there is
 * one coordinator at a time, the role changes hands only when the new coordinator says yes, and a
 * case whose coordinator left asks its professionals to take over. Pure: the service reads the
 * case, asks these functions what the change is, and writes it conditionally on the case's version.
 */

/** An open proposal: the coordinator asked `to` to take over. At most one per case. */
export interface HandoverOffer {
  id: string;
  fromId: string;
  fromName: string;
  toId: string;
  toName: string;
  at: Date;
}

export type HandoverStatus = 'accepted' | 'declined' | 'cancelled';

/** How the last proposal ended: a repeated click is answered from it. */
export interface HandoverOutcome extends HandoverOffer {
  status: HandoverStatus;
  decidedAt: Date;
  decidedBy: string;
  decidedByName: string;
  reason?: string;
}

/** Why a case has no coordinator. */
export type VacancyReason = 'left_conversation' | 'operator';

/** The case has no coordinator since `since`; every active professional is asked to take over. */
export interface CoordinatorVacancy {
  id: string;
  since: Date;
  previousId: string;
  previousName: string;
  reason: VacancyReason;
}

/** Who ended the last vacancy, so that a late click on an old "Jeg tager over" gets a clear answer. */
export interface VacancyOutcome extends CoordinatorVacancy {
  takenBy: string;
  takenByName: string;
  takenAt: Date;
}

/** The coordination fields of a case (stored on the case document, all optional). */
export interface Coordination {
  /** The open proposal, if any. */
  handover?: HandoverOffer;
  lastHandover?: HandoverOutcome;
  /** Set (to 'vacant') while the case has no coordinator: the reminder planner finds such cases by it. */
  coordinatorState?: 'vacant';
  vacancy?: CoordinatorVacancy;
  lastVacancy?: VacancyOutcome;
}

export const HANDOVER_REASON_MAX = 500;

/** Who may be the coordinator: an active professional member. */
export const mayCoordinate = (member: Member | undefined): boolean => !!member && member.status === 'active' && isProfessional(member.role);

export const isVacant = (kase: Pick<Case, 'coordinatorState' | 'coordinatorId'>): boolean => kase.coordinatorState === 'vacant' || !kase.coordinatorId;

/** The professionals who could take the role: active, professional, not the current coordinator. */
export function coordinatorCandidates(kase: Case): Member[] {
  return kase.members.filter((m) => mayCoordinate(m) && m.userId !== kase.coordinatorId);
}

/** A change to a case's coordination: fields to set and to remove, and which events it makes. */
export interface CoordinationChange {
  set: Partial<Case>;
  unset: Array<keyof Case>;
}

/**
 * The coordinator proposes `target`. Proposing the person already asked is a repeat (a double
 * click). An open proposal to someone else who can still take the role must be withdrawn first
 * ("only one open proposal"); one to someone who can no longer take it (they left, or lost the
 * family's consent) is replaced, and reported as cancelled.
 */
export function planProposal(
  kase: Case,
  from: Member,
  target: Member | undefined,
  id: string,
  at: Date,
): { kind: 'repeat'; offer: HandoverOffer } | { kind: 'apply'; offer: HandoverOffer; change: CoordinationChange; replaced?: HandoverOffer } {
  if (!target) throw new DomainError('error.memberNotFound', {}, 'not_found');
  if (target.userId === from.userId) throw new DomainError('handover.error.self');
  if (!mayCoordinate(target)) throw new DomainError('handover.error.notProfessional', { name: target.name });
  const open = kase.handover;
  if (open && open.toId === target.userId) return { kind: 'repeat', offer: open };
  if (open && mayCoordinate(kase.members.find((m) => m.userId === open.toId))) throw new DomainError('handover.error.openProposal', { name: open.toName }, 'conflict');
  const offer: HandoverOffer = { id, fromId: from.userId, fromName: from.name, toId: target.userId, toName: target.name, at };
  return { kind: 'apply', offer, change: { set: { handover: offer }, unset: [] }, replaced: open };
}

export type Decision = 'accepted' | 'declined' | 'cancelled';

/**
 * What a click on a proposal means now. `repeat`: the same thing happened already (a double click),
 * nothing changes. Anything else that no longer fits is refused with a sentence saying why.
 */
export function judgeDecision(kase: Case, handoverId: string, actor: Pick<Actor, 'userId' | 'aadObjectId'>, decision: Decision): { kind: 'apply'; offer: HandoverOffer } | { kind: 'repeat'; outcome: HandoverOutcome } {
  const open = kase.handover;
  if (open && open.id === handoverId) {
    const addressee = kase.members.find((m) => m.userId === open.toId);
    if (decision === 'cancelled') return { kind: 'apply', offer: open };
    if (!addressee || !isSamePerson(addressee, actor)) throw new DomainError('handover.error.notAddressee', { name: open.toName }, 'forbidden');
    return { kind: 'apply', offer: open };
  }
  const last = kase.lastHandover;
  if (!last || last.id !== handoverId) throw new DomainError('handover.error.notFound', {}, 'not_found');
  if (last.status === decision) return { kind: 'repeat', outcome: last };
  throw new DomainError(`handover.error.already.${last.status}` as const, { name: last.toName }, 'conflict');
}

/** The proposed person says yes: they are the coordinator from now on. */
export function planAcceptance(kase: Case, offer: HandoverOffer, by: Member, at: Date): { outcome: HandoverOutcome; change: CoordinationChange } {
  if (!mayCoordinate(by)) throw new DomainError('handover.error.notProfessional', { name: by.name });
  const outcome: HandoverOutcome = { ...offer, toName: by.name, status: 'accepted', decidedAt: at, decidedBy: by.userId, decidedByName: by.name };
  return { outcome, change: { set: { coordinatorId: by.userId, lastHandover: outcome }, unset: ['handover'] } };
}

export function planClosing(offer: HandoverOffer, status: 'declined' | 'cancelled', by: { userId: string; name: string }, at: Date, reason?: string): { outcome: HandoverOutcome; change: CoordinationChange } {
  const outcome: HandoverOutcome = { ...offer, status, decidedAt: at, decidedBy: by.userId, decidedByName: by.name, ...(reason ? { reason } : {}) };
  return { outcome, change: { set: { lastHandover: outcome }, unset: ['handover'] } };
}

/**
 * The coordinator left (their account left the case's conversation, or an operator recorded that they
 * left): they are no longer a member, the case has no coordinator, and an open proposal of theirs ends.
 * Returns null when `userId` is not the coordinator (nothing to do).
 */
export function planVacancy(kase: Case, userId: string, reason: VacancyReason, id: string, at: Date): { vacancy: CoordinatorVacancy; previous: Member; change: CoordinationChange; cancelled?: HandoverOffer } | null {
  if (!kase.coordinatorId || kase.coordinatorId !== userId || kase.coordinatorState === 'vacant') return null;
  const previous = kase.members.find((m) => m.userId === userId);
  if (!previous) return null;
  const vacancy: CoordinatorVacancy = { id, since: at, previousId: previous.userId, previousName: previous.name, reason };
  const members = kase.members.map((m) => (m === previous && m.status === 'active' ? { ...m, status: 'removed' as const } : m));
  return {
    vacancy,
    previous,
    change: { set: { members, coordinatorId: '', coordinatorState: 'vacant', vacancy }, unset: ['handover'] },
    cancelled: kase.handover,
  };
}

/**
 * A professional presses "Jeg tager over". The first click wins (the write is conditional on the
 * case's version); a second click by the same person is a repeat, anyone else learns who took over.
 */
export function judgeTakeOver(kase: Case, vacancyId: string, member: Member): { kind: 'apply'; vacancy: CoordinatorVacancy } | { kind: 'repeat'; outcome: VacancyOutcome } {
  const vacancy = kase.vacancy;
  if (kase.coordinatorState === 'vacant' && vacancy && vacancy.id === vacancyId) {
    if (!mayCoordinate(member)) throw new DomainError('handover.error.onlyProfessionals', {}, 'forbidden');
    return { kind: 'apply', vacancy };
  }
  const last = kase.lastVacancy;
  if (last && last.id === vacancyId) {
    if (last.takenBy === member.userId) return { kind: 'repeat', outcome: last };
    throw new DomainError('handover.error.alreadyTaken', { name: last.takenByName }, 'conflict');
  }
  throw new DomainError('handover.error.noVacancy', {}, 'conflict');
}

export function planTakeOver(vacancy: CoordinatorVacancy, member: Member, at: Date): { outcome: VacancyOutcome; change: CoordinationChange } {
  const outcome: VacancyOutcome = { ...vacancy, takenBy: member.userId, takenByName: member.name, takenAt: at };
  return { outcome, change: { set: { coordinatorId: member.userId, lastVacancy: outcome }, unset: ['coordinatorState', 'vacancy'] } };
}
