import fc from 'fast-check';
import { atLeast, mayShow, memberClearance, outsidersIn, placeView, roomClearance, type Clearance, type Reader, type Room } from './audience';
import type { Case, Member, MemberStatus } from './case';
import { ROLES, type Role } from './roles';

const at = new Date('2026-03-02T09:00:00Z');
const member = (userId: string, role: Role, status: MemberStatus = 'active', consent: Member['consent']['state'] = 'not_needed'): Member => ({
  userId,
  aadObjectId: `00000000-0000-4000-8000-${userId.replace(/\D/g, '').padStart(12, '0')}`,
  name: `Navn ${userId}`,
  role,
  status,
  addedBy: '29:1',
  addedAt: at,
  consent: { state: consent },
});

const kase: Case = {
  _id: 'c',
  title: 'Sag',
  childRef: 'AB',
  status: 'open',
  coordinatorId: '29:1',
  members: [
    member('29:1', 'caseworker'),
    member('29:2', 'teacher'),
    member('29:3', 'parent'),
    member('29:4', 'network', 'active', 'approved'),
    member('29:5', 'pedagogue', 'pending', 'pending'),
    member('29:6', 'doctor', 'removed', 'withdrawn'),
    member('29:7', 'health_visitor', 'declined', 'declined'),
    member('29:8', 'leader', 'removed'),
  ],
  conversation: { conversationId: '19:x@thread.v2', kind: 'groupChat' },
  createdAt: at,
  updatedAt: at,
  version: 1,
};

const reader = (userId: string): Reader => ({ userId });
const chat = (...ids: string[]): Room => ({ kind: 'groupChat', conversationId: '19:x@thread.v2', readers: ids.map(reader) });

describe('who may read what in a room', () => {
  test('a room of active professionals may see everything', () => {
    expect(roomClearance(kase, chat('29:1', '29:2'))).toBe('professional');
  });

  test('a parent or a network member in the room keeps professionals-only content out', () => {
    expect(roomClearance(kase, chat('29:1', '29:3'))).toBe('member');
    expect(roomClearance(kase, chat('29:1', '29:4'))).toBe('member');
  });

  test.each([
    ['a pending professional', '29:5'],
    ['a withdrawn professional', '29:6'],
    ['a declined professional', '29:7'],
    ['a removed member', '29:8'],
    ['someone who is not in the case', '29:99'],
  ])('%s in the room makes it neutral', (_label, id) => {
    expect(roomClearance(kase, chat('29:1', '29:2', id))).toBe('outsider');
  });

  test('a standard channel, an unknown roster and an empty roster are neutral whatever they hold', () => {
    expect(roomClearance(kase, { kind: 'standardChannel', conversationId: '19:c@thread.tacv2', readers: null })).toBe('outsider');
    expect(roomClearance(kase, { kind: 'standardChannel', conversationId: '19:c@thread.tacv2', readers: [reader('29:1')] })).toBe('outsider');
    expect(roomClearance(kase, { kind: 'groupChat', conversationId: 'x', readers: null })).toBe('outsider');
    expect(roomClearance(kase, { kind: 'groupChat', conversationId: 'x', readers: [] })).toBe('outsider');
    expect(roomClearance(null, chat('29:1'))).toBe('outsider');
  });

  test('a private channel lists its members by Entra object ID only; they are recognised', () => {
    const byAad = (id: string): Reader => ({ aadObjectId: kase.members.find((m) => m.userId === id)!.aadObjectId!.toUpperCase() });
    expect(roomClearance(kase, { kind: 'privateChannel', conversationId: 'p', readers: [byAad('29:1'), byAad('29:2')] })).toBe('professional');
    expect(roomClearance(kase, { kind: 'privateChannel', conversationId: 'p', readers: [byAad('29:1'), byAad('29:5')] })).toBe('outsider');
  });

  test('the coordinator is told who reads along without access, and why', () => {
    const outsiders = outsidersIn(kase, chat('29:1', '29:3', '29:5', '29:6', '29:99'));
    expect(outsiders.map((o) => [o.reader.userId, o.reason])).toEqual([
      ['29:5', 'pending'],
      ['29:6', 'withdrawn'],
      ['29:99', 'notMember'],
    ]);
  });

  test('professionals-only content needs a room of professionals; family-visible content a room of members', () => {
    expect([mayShow('outsider', 'all'), mayShow('member', 'all'), mayShow('professional', 'all')]).toEqual([false, true, true]);
    expect([mayShow('outsider', 'professionals'), mayShow('member', 'professionals'), mayShow('professional', 'professionals')]).toEqual([false, false, true]);
  });

  test('a personal view goes into the room only when the room may see all of it, and never across cases', () => {
    expect(placeView(chat('29:1'), 'professional', { needs: 'professional' })).toBe('room');
    expect(placeView(chat('29:1', '29:3'), 'member', { needs: 'professional' })).toBe('personal');
    expect(placeView(chat('29:1', '29:3'), 'member', { needs: 'member' })).toBe('room');
    expect(placeView(chat('29:1'), 'professional', { needs: 'member', crossCase: true })).toBe('personal');
    expect(placeView({ kind: 'personal', conversationId: 'a:1', readers: [reader('29:1')] }, 'outsider', { needs: 'professional', crossCase: true })).toBe('room');
  });
});

describe('properties', () => {
  const ids = kase.members.map((m) => m.userId).concat(['29:98', '29:99']);
  const readers = fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: 12 });
  const RANK: Record<Clearance, number> = { outsider: 0, member: 1, professional: 2 };

  test('a room is as cleared as its least-cleared reader, and one more reader never raises it', () => {
    fc.assert(
      fc.property(readers, fc.constantFrom(...ids), (room, extra) => {
        const level = roomClearance(kase, chat(...room));
        const lowest = room.map((id) => memberClearance(kase.members.find((m) => m.userId === id))).sort((a, b) => RANK[a] - RANK[b])[0]!;
        expect(level).toBe(lowest);
        expect(RANK[roomClearance(kase, chat(...room, extra))]).toBeLessThanOrEqual(RANK[level]);
      }),
      { numRuns: 500 },
    );
  });

  test('nothing is shown in a room that one of its readers may not see', () => {
    fc.assert(
      fc.property(readers, fc.constantFrom<'all' | 'professionals'>('all', 'professionals'), (room, visibility) => {
        if (!mayShow(roomClearance(kase, chat(...room)), visibility)) return;
        for (const id of room) expect(mayShow(memberClearance(kase.members.find((m) => m.userId === id)), visibility)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('every role maps to a clearance: professionals see everything, family and network what the family sees', () => {
    for (const role of ROLES) {
      const level = memberClearance(member('29:50', role));
      expect(atLeast(level, 'member')).toBe(true);
      expect(memberClearance(member('29:50', role, 'pending'))).toBe('outsider');
    }
  });
});
