import type { Case, Member } from '../domain/case';
import { decide, WRITE_ACTIONS } from '../domain/policy';
import { personMatcher } from './personExport';
import { erasureBlockers, isDueForReview, reviewDueOn } from './rules';

const member = (userId: string, role: Member['role'], status: Member['status'] = 'active', aadObjectId?: string): Member => ({
  userId,
  aadObjectId,
  name: userId,
  role,
  status,
  addedBy: '29:coord',
  addedAt: new Date(0),
  consent: { state: 'not_needed' },
});

const kase = (id: string, status: Case['status'], members: Member[], extra: Partial<Case> = {}): Case =>
  ({ _id: id, title: 't', childRef: 'AB', status, coordinatorId: '29:coord', members, conversation: { conversationId: `19:${id}`, kind: 'groupChat' }, createdAt: new Date(0), updatedAt: new Date(0), version: 1, ...extra }) as Case;

const coord = member('29:coord', 'caseworker');
const AAD = '0a0a0a0a-1111-4222-8333-444444444444';

describe('when erasure is refused', () => {
  const isLise = personMatcher([AAD.toUpperCase()]);

  test('a case under a retention hold is named with its reason', () => {
    const held = kase('held', 'closed', [coord, member('29:lise', 'parent', 'removed', AAD)], { retentionHold: { reason: 'Klagesag ved Ankestyrelsen', by: 'operator:x', byName: 'X', at: new Date(0) } });
    expect(erasureBlockers([held, kase('free', 'closed', [coord])], isLise)).toEqual({ holds: [{ caseId: 'held', reason: 'Klagesag ved Ankestyrelsen' }], active: [] });
  });

  test('an open case in which the person is still active or proposed; removed, declined or closed does not block', () => {
    const cases = [
      kase('active', 'open', [coord, member('29:lise', 'parent', 'active', AAD)]),
      kase('pending', 'open', [coord, member('29:other', 'teacher', 'pending', AAD)]),
      kase('removed', 'open', [coord, member('29:lise', 'parent', 'removed', AAD)]),
      kase('declined', 'open', [coord, member('29:lise', 'network', 'declined', AAD)]),
      kase('closed', 'closed', [coord, member('29:lise', 'parent', 'active', AAD)]),
    ];
    expect(erasureBlockers(cases, isLise)).toEqual({ holds: [], active: ['active', 'pending'] });
  });
});

describe('deletion review', () => {
  test('a case is due its closing day (in Copenhagen) RETENTION_YEARS later, not a day before', () => {
    // Closed 23:30 UTC on 31 Dec 2020 is 1 Jan 2021 in Copenhagen.
    const closed = new Date('2020-12-31T23:30:00Z');
    expect(reviewDueOn(closed, 5)).toBe('2026-01-01');
    expect(isDueForReview(closed, 5, new Date('2025-12-31T22:59:00Z'))).toBe(false);
    expect(isDueForReview(closed, 5, new Date('2025-12-31T23:00:00Z'))).toBe(true);
    expect(isDueForReview(closed, 10, new Date('2026-06-01T12:00:00Z'))).toBe(false);
  });

  test('a case closed on 29 February is due on 1 March of a common year', () => {
    expect(reviewDueOn(new Date('2024-02-29T10:00:00Z'), 1)).toBe('2025-03-01');
    expect(reviewDueOn(new Date('2024-02-29T10:00:00Z'), 4)).toBe('2028-02-29');
  });
});

describe('the policy table', () => {
  const teacher = member('29:teacher', 'teacher');
  const parent = member('29:parent', 'parent');

  test("only the case's coordinator may fetch a member's data (art. 15), also once the case is closed", () => {
    for (const status of ['open', 'closed'] as const) {
      const c = kase('p', status, [coord, teacher, parent]);
      expect(decide(c, coord, 'person.export')).toMatchObject({ allowed: true });
      expect(decide(c, teacher, 'person.export')).toEqual({ allowed: false, reason: 'role' });
      expect(decide(c, parent, 'person.export')).toEqual({ allowed: false, reason: 'role' });
      expect(decide(c, { userId: '29:stranger' }, 'person.export')).toEqual({ allowed: false, reason: 'not_member' });
    }
    expect(WRITE_ACTIONS.has('person.export')).toBe(false);
  });

  test('a closed case is read-only: every write is refused for everyone, the coordinator too; reads stay allowed', () => {
    const closed = kase('c', 'closed', [coord, teacher, parent]);
    for (const action of WRITE_ACTIONS) for (const who of [coord, teacher, parent]) expect(decide(closed, who, action)).toEqual({ allowed: false, reason: 'closed' });
    for (const action of ['case.read', 'timeline.read', 'agreement.read', 'observation.read', 'member.list'] as const) expect(decide(closed, parent, action)).toMatchObject({ allowed: true });
  });
});
