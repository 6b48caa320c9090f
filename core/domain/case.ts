import type { Role } from './roles';

export type CaseStatus = 'open' | 'closed';
export type MemberStatus = 'active' | 'pending' | 'declined' | 'removed';

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

export interface Case {
  _id: string;
  title: string;
  /** Initials or a pseudonym. Never a CPR number. */
  childRef: string;
  status: CaseStatus;
  coordinatorId: string;
  members: Member[];
  conversation: CaseConversation;
  createdAt: Date;
  updatedAt: Date;
  /** Optimistic concurrency: every update matches on and increments it. */
  version: number;
}

export interface Actor {
  userId: string;
  aadObjectId?: string;
  name: string;
}

export const TITLE_MAX = 120;
export const CHILD_REF_MAX = 40;

export function activeMember(kase: Case, userId: string): Member | undefined {
  return kase.members.find((m) => m.userId === userId && m.status === 'active');
}
