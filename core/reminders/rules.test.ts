import type { Agreement } from '../domain/agreement';
import type { Case, Member } from '../domain/case';
import type { Role } from '../domain/roles';
import { planAgreement } from './rules';

const at = new Date('2025-03-03T09:00:00Z');
const member = (userId: string, role: Role, status: Member['status'] = 'active'): Member => ({ userId, name: `N ${userId}`, role, status, addedBy: 'k', addedAt: at, consent: { state: 'not_needed' } });

function kase(owner: Member['status'] = 'active', coordinator: Member['status'] = 'active'): Case {
  return {
    _id: 'c1',
    title: 'Sag',
    childRef: 'AB',
    status: 'open',
    coordinatorId: 'k',
    members: [member('k', 'caseworker', coordinator), member('t', 'teacher', owner), member('m', 'parent')],
    conversation: { conversationId: '19:c1', kind: 'groupChat' },
    createdAt: at,
    updatedAt: at,
    version: 3,
  };
}

const agreement = (overrides: Partial<Agreement> = {}): Agreement => ({
  _id: 'a1',
  caseId: 'c1',
  what: 'Lektiehjælp',
  ownerId: 't',
  ownerName: 'N t',
  dueDate: '2025-03-05',
  followUpDate: '2025-03-20',
  status: 'accepted',
  proposedBy: 'k',
  proposedByName: 'N k',
  createdAt: at,
  updatedAt: at,
  history: [],
  version: 2,
  ...overrides,
});

const plan = (day: string, k: Case, a = agreement()) => planAgreement(a, k, { day }).map((p) => `${p.kind}→${p.recipientId}`);

describe('reminders of an accepted agreement', () => {
  test('the owner: a working day before (Tuesday), on the due date (Wednesday), and every working day after', () => {
    expect(plan('2025-03-03', kase())).toEqual([]);
    expect(plan('2025-03-04', kase())).toEqual(['upcoming→t']);
    expect(plan('2025-03-05', kase())).toEqual(['due→t']);
    expect(plan('2025-03-06', kase())).toEqual(['overdue→t']);
  });

  test('an owner who left the case (removed, or consent withdrawn) is told nothing more; the coordinator is, to find a new owner', () => {
    // Consent withdrawn leaves the member `removed`; a declined one never became active.
    for (const status of ['removed', 'declined', 'pending'] as const) {
      expect(plan('2025-03-05', kase(status))).toEqual(['due→k']);
      expect(plan('2025-03-06', kase(status))).toEqual(['overdue→k']);
    }
  });

  test('with neither the owner nor a coordinator in the case, nobody outside it is reminded', () => {
    expect(plan('2025-03-05', kase('removed', 'removed'))).toEqual([]);
  });

  test('the follow-up goes to the coordinator; a done agreement still has it; a closed case has none', () => {
    expect(plan('2025-03-20', kase())).toEqual(['overdue→t', 'followup→k']);
    expect(plan('2025-03-20', kase(), agreement({ status: 'done' }))).toEqual(['followup→k']);
    expect(plan('2025-03-20', { ...kase(), status: 'closed' })).toEqual([]);
  });
});
