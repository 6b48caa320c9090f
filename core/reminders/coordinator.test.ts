import type { Case, Member } from '../domain/case';
import type { Role } from '../domain/roles';
import { copenhagenTime } from './calendar';
import { movedReminders, routeCoordinatorReminders, vacancySubject } from './coordinator';
import type { PlannedReminder, ReminderItem } from './rules';

const at = new Date('2025-03-03T09:00:00Z');
const member = (userId: string, role: Role, status: Member['status'] = 'active'): Member => ({ userId, name: `N ${userId}`, role, status, addedBy: 'k', addedAt: at, consent: { state: 'not_needed' } });

function kase(id: string, vacantSince?: Date): Case {
  return {
    _id: id,
    title: `Sag ${id}`,
    childRef: 'AB',
    status: 'open',
    coordinatorId: vacantSince ? '' : 'k',
    ...(vacantSince ? { coordinatorState: 'vacant' as const, vacancy: { id: `v-${id}`, since: vacantSince, previousId: 'k', previousName: 'N k', reason: 'operator' as const } } : {}),
    members: [member('k', 'caseworker', vacantSince ? 'removed' : 'active'), member('t', 'teacher'), member('p', 'school_psychologist'), member('m', 'parent'), member('x', 'pedagogue', 'pending')],
    conversation: { conversationId: `19:${id}`, kind: 'groupChat' },
    createdAt: at,
    updatedAt: at,
    version: 3,
  };
}

const followUp = (caseId: string, recipientId: string, agreementId = 'a1'): PlannedReminder => {
  const item: ReminderItem = { kind: 'followup', subject: `agreement:${agreementId}`, caseId, caseTitle: 'x', agreementId, what: 'Opfølgning på skolestart' };
  return { key: `agreement:${agreementId}|followup|2025-03-04`, subject: item.subject, kind: 'followup', recipientId, recipientName: 'N', caseId, at: copenhagenTime('2025-03-04', '08:00'), items: [item] };
};
const window = (day: string) => ({ day, after: '2025-03-03' });

describe('a case without a coordinator', () => {
  const vacant = kase('v', copenhagenTime('2025-03-03', '10:00'));

  test('its coordinator reminders ride on one card per active professional per working day', () => {
    const planned = routeCoordinatorReminders([followUp('v', ''), followUp('other', 'k')], new Map(), [vacant], window('2025-03-04'));
    const cards = planned.filter((p) => p.kind === 'vacancy');
    expect(cards.map((c) => c.recipientId).sort()).toEqual(['p', 't']);
    for (const card of cards) {
      expect(card.key).toBe(`${vacancySubject('v', 'v-v')}|2025-03-04|${card.recipientId}`);
      expect(card.items.map((i) => i.kind)).toEqual(['vacancy', 'followup']);
      expect(card.items[0]).toMatchObject({ vacancyId: 'v-v', memberName: 'N k', caseTitle: 'Sag v' });
    }
    // Other cases are left as they are.
    expect(planned.filter((p) => p.kind === 'followup').map((p) => p.caseId)).toEqual(['other']);
    // Planning the same day again yields the same keys (exactly once through the ledger's unique IDs).
    const again = routeCoordinatorReminders([followUp('v', '')], new Map(), [vacant], window('2025-03-04'));
    expect(again.map((p) => p.key).sort()).toEqual(cards.map((p) => p.key).sort());
  });

  test('the day it became vacant there is a card only if there is something to carry', () => {
    expect(routeCoordinatorReminders([], new Map(), [vacant], window('2025-03-03'))).toEqual([]);
    expect(routeCoordinatorReminders([followUp('v', '')], new Map(), [vacant], window('2025-03-03'))).toHaveLength(2);
    expect(routeCoordinatorReminders([], new Map(), [vacant], window('2025-03-05'))).toHaveLength(2);
  });

  test('a closed case or a case that has a coordinator again gets no vacancy card', () => {
    expect(routeCoordinatorReminders([], new Map(), [{ ...vacant, status: 'closed' }], window('2025-03-05'))).toEqual([]);
    const planned = [followUp('c', 'k')];
    expect(routeCoordinatorReminders(planned, new Map([['c', kase('c')]]), [], window('2025-03-05'))).toEqual(planned);
  });
});

describe('moving pending coordinator reminders', () => {
  test('to the new coordinator, once per item, keyed by day and recipient', () => {
    const next = { ...kase('n'), coordinatorId: 't' };
    const items = [followUp('n', 'k').items[0]!, followUp('n', 'k').items[0]!, { ...followUp('n', 'k', 'a2').items[0]!, kind: 'due' as const }];
    const moved = movedReminders(items, next, { day: '2025-03-04', notBefore: copenhagenTime('2025-03-04', '10:15') });
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ recipientId: 't', kind: 'followup', key: 'agreement:a1|followup|moved|2025-03-04|to:t' });
    expect(moved[0]!.at).toEqual(copenhagenTime('2025-03-04', '10:15'));
  });

  test('nothing pending moves nothing, unless the professionals are still to be asked (an operator recorded the vacancy)', () => {
    const vacant = kase('v', copenhagenTime('2025-03-04', '07:45'));
    expect(movedReminders([], vacant, { day: '2025-03-04' })).toEqual([]);
    const asked = movedReminders([], vacant, { day: '2025-03-04' }, { announce: true });
    expect(asked.map((m) => [m.recipientId, m.key])).toEqual([
      ['t', `${vacancySubject('v', 'v-v')}|2025-03-04|t`],
      ['p', `${vacancySubject('v', 'v-v')}|2025-03-04|p`],
    ]);
    expect(movedReminders([], { ...kase('n'), coordinatorId: 't' }, { day: '2025-03-04' }, { announce: true })).toEqual([]);
  });

  test('into the professionals’ vacancy cards while nobody coordinates', () => {
    const vacant = kase('v', copenhagenTime('2025-03-04', '07:45'));
    const moved = movedReminders(followUp('v', 'k').items, vacant, { day: '2025-03-04' });
    expect(moved.map((m) => [m.recipientId, m.kind, m.items.length])).toEqual([
      ['t', 'vacancy', 2],
      ['p', 'vacancy', 2],
    ]);
  });
});
