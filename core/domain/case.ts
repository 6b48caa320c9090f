import type { Coordination } from './handover';
import { isGuardian, isProfessional, type Role } from './roles';

export type CaseStatus = 'open' | 'closed';
export type MemberStatus = 'active' | 'pending' | 'declined' | 'removed';

/**
 * Whether the family has said yes to this person. Family members themselves, the coordinator
 * and people added on a stated legal basis need no consent.
 */
export type ConsentState = 'not_needed' | 'pending' | 'approved' | 'declined' | 'withdrawn';

export interface ConsentRecord {
  state: ConsentState;
  /** The guardian who decided, and when. */
  by?: string;
  byName?: string;
  at?: Date;
  reason?: string;
}

export interface LegalBasis {
  text: string;
  by: string;
  at: Date;
}

export interface Member {
  /** The Teams user ID (29:…) the bot sees in activities. */
  userId: string;
  /** The Entra (AAD) object ID, when Teams gives it; the tab identifies users by it. */
  aadObjectId?: string;
  name: string;
  role: Role;
  status: MemberStatus;
  addedBy: string;
  addedAt: Date;
  consent: ConsentRecord;
  legalBasis?: LegalBasis;
}

/** Where a case lives in Teams: a channel or a group chat. Kept free of botbuilder types. */
export interface CaseConversation {
  /** The conversation ID without any `;messageid=` suffix. */
  conversationId: string;
  tenantId?: string;
  teamId?: string;
  channelId?: string;
  kind: 'channel' | 'groupChat' | 'personal';
}

/** `Coordination`: an open handover proposal, or a vacancy when the coordinator left (core/domain/handover.ts). */
export interface Case extends Coordination {
  _id: string;
  title: string;
  /** Initials or a pseudonym. Never a CPR number. */
  childRef: string;
  status: CaseStatus;
  /** The coordinator's user ID; empty while the role is vacant (`coordinatorState: 'vacant'`). */
  coordinatorId: string;
  members: Member[];
  conversation: CaseConversation;
  createdAt: Date;
  updatedAt: Date;
  /** Optimistic concurrency: every update matches on and increments it. */
  version: number;
  /** Reminder lead times for this case (core/reminders/rules.ts); defaults apply when absent. */
  reminderSettings?: { leadWorkingDays?: number };
  /** A legal retention hold (core/gdpr): while it stands, nobody's data in the case is erased. */
  retentionHold?: RetentionHold;
}

export interface RetentionHold {
  reason: string;
  /** Who placed it (the controller's operator) and when. */
  by: string;
  byName: string;
  at: Date;
}

export interface Actor {
  userId: string;
  aadObjectId?: string;
  name: string;
}

export const TITLE_MAX = 120;
export const LEGAL_BASIS_MAX = 300;
export const CHILD_REF_MAX = 40;

/** The bot knows people by Teams user ID, the tab by Entra object ID; either identifies a member. */
export function isSamePerson(member: Pick<Member, 'userId' | 'aadObjectId'>, actor: Pick<Actor, 'userId' | 'aadObjectId'>): boolean {
  return member.userId === actor.userId || (!!actor.aadObjectId && !!member.aadObjectId && member.aadObjectId.toLowerCase() === actor.aadObjectId.toLowerCase());
}

export function memberOf(kase: Case, actor: Pick<Actor, 'userId' | 'aadObjectId'>): Member | undefined {
  return kase.members.find((m) => isSamePerson(m, actor));
}

export function coordinatorOf(kase: Pick<Case, 'members' | 'coordinatorId'>): Member | undefined {
  return kase.members.find((m) => m.userId === kase.coordinatorId);
}

export function activeMember(kase: Case, actor: Pick<Actor, 'userId' | 'aadObjectId'>): Member | undefined {
  return kase.members.find((m) => m.status === 'active' && isSamePerson(m, actor));
}

/** The guardians who decide about consent and agreements: active parents. */
export const activeGuardians = (kase: Pick<Case, 'members'>): Member[] => kase.members.filter((m) => m.status === 'active' && isGuardian(m.role));
export const activeProfessionals = (kase: Pick<Case, 'members'>): Member[] => kase.members.filter((m) => m.status === 'active' && isProfessional(m.role));
