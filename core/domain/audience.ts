import { isSamePerson, type Case, type Member } from './case';
import { isProfessional } from './roles';

/**
 * A conversation is a room: whatever is posted into it is read by everyone who can read it, not
 * only by the person who asked. This module decides, from who can read a room, what may be posted
 * there. It is the only place that makes that decision (domain.md, "a conversation is a room").
 */

/**
 * How much of a case a reader may see, lowest first:
 * - `outsider`: not an active member of the case (a non-member, or pending, declined, withdrawn or
 *   removed): neutral text only, nothing that names the case's content or its people.
 * - `member`: an active family or network member: everything but professionals-only content.
 * - `professional`: an active professional member: everything.
 */
export type Clearance = 'outsider' | 'member' | 'professional';

const RANK: Record<Clearance, number> = { outsider: 0, member: 1, professional: 2 };

export const atLeast = (have: Clearance, need: Clearance): boolean => RANK[have] >= RANK[need];
export const lowest = (a: Clearance, b: Clearance): Clearance => (RANK[a] <= RANK[b] ? a : b);

/** Someone who can read a room: Teams gives a user ID (29:…) and/or an Entra object ID. */
export interface Reader {
  userId?: string;
  aadObjectId?: string;
  name?: string;
}

/**
 * - `personal`: a 1:1 chat with the bot; its one reader is the person.
 * - `groupChat`: its roster.
 * - `privateChannel`: a private channel's members.
 * - `standardChannel`: the whole team, guests and future members included: the least trusted room.
 */
export type RoomKind = 'personal' | 'groupChat' | 'privateChannel' | 'standardChannel';

export interface Room {
  kind: RoomKind;
  conversationId: string;
  /** Who can read it; `null` when that is not known or not bounded (a standard channel). */
  readers: Reader[] | null;
}

/** The clearance a member's role and status give them. */
export function memberClearance(member: Member | undefined): Clearance {
  if (!member || member.status !== 'active') return 'outsider';
  return isProfessional(member.role) ? 'professional' : 'member';
}

/** The member a reader is in this case, whatever their status. */
export function memberForReader(kase: Case, reader: Reader): Member | undefined {
  if (!reader.userId && !reader.aadObjectId) return undefined;
  return kase.members.find((m) => isSamePerson(m, { userId: reader.userId ?? '', aadObjectId: reader.aadObjectId }));
}

export function readerClearance(kase: Case | null, reader: Reader): Clearance {
  return kase ? memberClearance(memberForReader(kase, reader)) : 'outsider';
}

/**
 * What may be posted into a room: what its least-privileged reader may see. An unknown or
 * unbounded audience is treated as containing an outsider.
 */
export function roomClearance(kase: Case | null, room: Room): Clearance {
  if (!kase || room.readers === null || room.kind === 'standardChannel' || room.readers.length === 0) return 'outsider';
  let clearance: Clearance = 'professional';
  for (const reader of room.readers) {
    clearance = lowest(clearance, readerClearance(kase, reader));
    if (clearance === 'outsider') break;
  }
  return clearance;
}

export type OutsiderReason = 'pending' | 'declined' | 'withdrawn' | 'removed' | 'notMember';

export interface Outsider {
  reader: Reader;
  name: string;
  reason: OutsiderReason;
}

/** The readers of a room who may not see the case: for the coordinator's warning. */
export function outsidersIn(kase: Case, room: Room): Outsider[] {
  if (!room.readers) return [];
  const outsiders: Outsider[] = [];
  for (const reader of room.readers) {
    const member = memberForReader(kase, reader);
    if (memberClearance(member) !== 'outsider') continue;
    const reason: OutsiderReason = !member
      ? 'notMember'
      : member.consent.state === 'withdrawn'
        ? 'withdrawn'
        : member.status === 'pending' || member.status === 'declined' || member.status === 'removed'
          ? member.status
          : 'notMember';
    outsiders.push({ reader, name: member?.name ?? reader.name ?? reader.userId ?? '', reason });
  }
  return outsiders;
}

/** Whether content with this visibility may be shown to a reader with this clearance. */
export function mayShow(clearance: Clearance, visibility: 'all' | 'professionals'): boolean {
  return visibility === 'all' ? atLeast(clearance, 'member') : atLeast(clearance, 'professional');
}

/**
 * Where a view for one person goes when they ask in a room: the room when everyone there may see
 * all of it, otherwise the person's own chat with the bot (with a note in the room). Views that
 * span cases always go to the personal chat from a shared room.
 */
export function placeView(room: Room, roomLevel: Clearance, view: { needs: Clearance; crossCase?: boolean }): 'room' | 'personal' {
  if (room.kind === 'personal') return 'room';
  if (view.crossCase) return 'personal';
  return atLeast(roomLevel, view.needs) ? 'room' : 'personal';
}
