import fc from 'fast-check';
import type { Case, Member } from './case';
import { DomainError } from './errors';
import { isVacant, judgeDecision, judgeTakeOver, mayCoordinate, planAcceptance, planClosing, planProposal, planTakeOver, planVacancy, type CoordinationChange } from './handover';
import type { Role } from './roles';

const at = new Date('2026-03-02T09:00:00Z');

function member(userId: string, role: Role, status: Member['status'] = 'active'): Member {
  return { userId, name: `Name ${userId}`, role, status, addedBy: 'k', addedAt: at, consent: { state: 'not_needed' } };
}

function caseWith(members: Member[], coordinatorId = 'k'): Case {
  return {
    _id: 'case-1',
    title: 'Sag',
    childRef: 'AB',
    status: 'open',
    coordinatorId,
    members,
    conversation: { conversationId: '19:x', kind: 'groupChat' },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

const apply = (kase: Case, change: CoordinationChange): Case => {
  const next = { ...kase, ...change.set, version: kase.version + 1 } as Case;
  for (const field of change.unset) delete (next as unknown as Record<string, unknown>)[field];
  return next;
};

const errorKey = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.key;
    throw error;
  }
};

const people = () => [member('k', 'caseworker'), member('t', 'teacher'), member('p', 'school_psychologist'), member('m', 'parent'), member('n', 'network'), member('w', 'pedagogue', 'pending')];

describe('proposing a new coordinator', () => {
  test('only an active professional other than the coordinator can be proposed', () => {
    const kase = caseWith(people());
    const from = kase.members[0]!;
    expect(errorKey(() => planProposal(kase, from, from, 'h1', at))).toBe('handover.error.self');
    for (const id of ['m', 'n', 'w']) expect(errorKey(() => planProposal(kase, from, kase.members.find((m) => m.userId === id), 'h1', at))).toBe('handover.error.notProfessional');
    expect(errorKey(() => planProposal(kase, from, undefined, 'h1', at))).toBe('error.memberNotFound');
    const plan = planProposal(kase, from, kase.members[1], 'h1', at);
    expect(plan).toMatchObject({ kind: 'apply', offer: { id: 'h1', fromId: 'k', toId: 't' } });
  });

  test('proposing the same person again is a repeat; someone else waits until the open proposal is withdrawn', () => {
    const kase = caseWith(people());
    const from = kase.members[0]!;
    const first = planProposal(kase, from, kase.members[1], 'h1', at);
    if (first.kind !== 'apply') throw new Error('expected a change');
    const open = apply(kase, first.change);
    expect(planProposal(open, from, open.members[1], 'h2', at)).toEqual({ kind: 'repeat', offer: first.offer });
    expect(errorKey(() => planProposal(open, from, open.members[2], 'h2', at))).toBe('handover.error.openProposal');
  });

  test('an open proposal to someone who has since left is replaced, and reported', () => {
    const kase = caseWith(people());
    const first = planProposal(kase, kase.members[0]!, kase.members[1], 'h1', at);
    if (first.kind !== 'apply') throw new Error('expected a change');
    const gone = apply(kase, first.change);
    gone.members = gone.members.map((m) => (m.userId === 't' ? { ...m, status: 'removed' } : m));
    const second = planProposal(gone, gone.members[0]!, gone.members[2], 'h2', at);
    expect(second).toMatchObject({ kind: 'apply', offer: { toId: 'p' }, replaced: { id: 'h1', toId: 't' } });
  });
});

describe('answering a proposal', () => {
  const open = () => {
    const kase = caseWith(people());
    const plan = planProposal(kase, kase.members[0]!, kase.members[1], 'h1', at);
    if (plan.kind !== 'apply') throw new Error('expected a change');
    return apply(kase, plan.change);
  };

  test('only the proposed person answers; the coordinator withdraws', () => {
    const kase = open();
    expect(errorKey(() => judgeDecision(kase, 'h1', { userId: 'p' }, 'accepted'))).toBe('handover.error.notAddressee');
    expect(judgeDecision(kase, 'h1', { userId: 't' }, 'accepted')).toMatchObject({ kind: 'apply' });
    expect(judgeDecision(kase, 'h1', { userId: 'k' }, 'cancelled')).toMatchObject({ kind: 'apply' });
    expect(errorKey(() => judgeDecision(kase, 'other', { userId: 't' }, 'accepted'))).toBe('handover.error.notFound');
  });

  test('accepting makes them the coordinator; repeating is a repeat, a different answer afterwards is refused', () => {
    const kase = open();
    const judged = judgeDecision(kase, 'h1', { userId: 't' }, 'accepted');
    if (judged.kind !== 'apply') throw new Error('expected a change');
    const { change } = planAcceptance(kase, judged.offer, kase.members[1]!, at);
    const after = apply(kase, change);
    expect(after.coordinatorId).toBe('t');
    expect(after.handover).toBeUndefined();
    expect(judgeDecision(after, 'h1', { userId: 't' }, 'accepted')).toMatchObject({ kind: 'repeat', outcome: { status: 'accepted' } });
    expect(errorKey(() => judgeDecision(after, 'h1', { userId: 't' }, 'declined'))).toBe('handover.error.already.accepted');
    expect(errorKey(() => judgeDecision(after, 'h1', { userId: 'k' }, 'cancelled'))).toBe('handover.error.already.accepted');
  });

  test('a declined or withdrawn proposal ends with nothing moved', () => {
    for (const status of ['declined', 'cancelled'] as const) {
      const kase = open();
      const { change } = planClosing(kase.handover!, status, { userId: 't', name: 'T' }, at, 'for travlt');
      const after = apply(kase, change);
      expect(after.coordinatorId).toBe('k');
      expect(after.handover).toBeUndefined();
      expect(after.lastHandover).toMatchObject({ status, reason: 'for travlt' });
    }
  });
});

describe('a coordinator who leaves', () => {
  test('leaves the case without a coordinator; only the coordinator leaving counts, once', () => {
    const kase = caseWith(people());
    expect(planVacancy(kase, 't', 'left_conversation', 'v1', at)).toBeNull();
    const plan = planVacancy(kase, 'k', 'left_conversation', 'v1', at)!;
    const after = apply(kase, plan.change);
    expect(after).toMatchObject({ coordinatorId: '', coordinatorState: 'vacant', vacancy: { id: 'v1', previousId: 'k' } });
    expect(after.members.find((m) => m.userId === 'k')?.status).toBe('removed');
    expect(isVacant(after)).toBe(true);
    expect(planVacancy(after, 'k', 'left_conversation', 'v2', at)).toBeNull();
  });

  test('the first professional to take over wins; a repeat is a repeat, and the others learn who won', () => {
    const kase = apply(caseWith(people()), planVacancy(caseWith(people()), 'k', 'operator', 'v1', at)!.change);
    const parent = kase.members.find((m) => m.userId === 'm')!;
    expect(errorKey(() => judgeTakeOver(kase, 'v1', parent))).toBe('handover.error.onlyProfessionals');
    const teacher = kase.members.find((m) => m.userId === 't')!;
    const judged = judgeTakeOver(kase, 'v1', teacher);
    if (judged.kind !== 'apply') throw new Error('expected a change');
    const after = apply(kase, planTakeOver(judged.vacancy, teacher, at).change);
    expect(after).toMatchObject({ coordinatorId: 't', lastVacancy: { takenBy: 't' } });
    expect(after.coordinatorState).toBeUndefined();
    expect(judgeTakeOver(after, 'v1', teacher)).toMatchObject({ kind: 'repeat' });
    expect(errorKey(() => judgeTakeOver(after, 'v1', after.members.find((m) => m.userId === 'p')!))).toBe('handover.error.alreadyTaken');
    expect(errorKey(() => judgeTakeOver(after, 'v9', teacher))).toBe('handover.error.noVacancy');
  });
});

describe('any sequence of steps', () => {
  type Step =
    | { kind: 'propose'; by: string; to: string }
    | { kind: 'answer'; by: string; decision: 'accepted' | 'declined' | 'cancelled' }
    | { kind: 'leave'; who: string }
    | { kind: 'takeOver'; by: string }
    | { kind: 'remove'; who: string };
  const ids = ['k', 't', 'p', 'm', 'n', 'w'];
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('propose' as const), by: fc.constantFrom(...ids), to: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('answer' as const), by: fc.constantFrom(...ids), decision: fc.constantFrom('accepted' as const, 'declined' as const, 'cancelled' as const) }),
    fc.record({ kind: fc.constant('leave' as const), who: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('takeOver' as const), by: fc.constantFrom(...ids) }),
    fc.record({ kind: fc.constant('remove' as const), who: fc.constantFrom('t', 'p', 'w') }),
  );

  test('there is always exactly one active professional coordinator or a recorded vacancy, and at most one open proposal, never to the coordinator', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let kase = caseWith(people());
        let n = 0;
        for (const s of steps) {
          const id = `id${n++}`;
          const find = (userId: string) => kase.members.find((m) => m.userId === userId && m.status === 'active');
          try {
            if (s.kind === 'propose') {
              const from = find(s.by);
              if (!from || from.userId !== kase.coordinatorId) continue; // the policy's isCoordinator
              const plan = planProposal(kase, from, kase.members.find((m) => m.userId === s.to), id, at);
              if (plan.kind === 'apply') kase = apply(kase, plan.change);
            } else if (s.kind === 'answer' && kase.handover) {
              const by = find(s.by);
              if (!by || (s.decision === 'cancelled' ? by.userId !== kase.coordinatorId : !mayCoordinate(by))) continue;
              const judged = judgeDecision(kase, kase.handover.id, by, s.decision);
              if (judged.kind === 'repeat') continue;
              kase = apply(kase, s.decision === 'accepted' ? planAcceptance(kase, judged.offer, by, at).change : planClosing(judged.offer, s.decision, by, at).change);
            } else if (s.kind === 'leave') {
              const plan = planVacancy(kase, s.who, 'left_conversation', id, at);
              if (plan) kase = apply(kase, plan.change);
            } else if (s.kind === 'takeOver' && kase.vacancy) {
              const by = find(s.by);
              if (!by) continue;
              const judged = judgeTakeOver(kase, kase.vacancy.id, by);
              if (judged.kind === 'apply') kase = apply(kase, planTakeOver(judged.vacancy, by, at).change);
            } else if (s.kind === 'remove' && s.who !== kase.coordinatorId) {
              kase = { ...kase, members: kase.members.map((m) => (m.userId === s.who ? { ...m, status: 'removed' as const } : m)) };
            }
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
          if (kase.coordinatorState === 'vacant') {
            expect(kase.coordinatorId).toBe('');
            expect(kase.vacancy).toBeDefined();
            expect(kase.handover).toBeUndefined();
          } else {
            expect(mayCoordinate(kase.members.find((m) => m.userId === kase.coordinatorId))).toBe(true);
            if (kase.handover) expect(kase.handover.toId).not.toBe(kase.coordinatorId);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
