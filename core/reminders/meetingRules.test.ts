import type { Case, Member } from '../domain/case';
import type { Meeting, MeetingParticipant } from '../domain/meeting';
import { copenhagenTime } from './calendar';
import { meetingReminderKey, planMeeting } from './meetingRules';
import { foldDigests, type PlannedReminder } from './rules';

// Week of Monday 2 March 2026 (winter time, UTC+1).
const member = (userId: string, role: Member['role'], status: Member['status'] = 'active'): Member => ({ userId, name: userId, role, status, addedBy: 'c', addedAt: new Date('2026-01-01'), consent: { state: 'not_needed' } });
const kase: Case = {
  _id: 'case-1',
  title: 'Trivsel',
  childRef: 'AB',
  status: 'open',
  coordinatorId: 'coord',
  members: [member('coord', 'caseworker'), member('parent', 'parent'), member('teacher', 'teacher'), member('gone', 'teacher', 'removed')],
  conversation: { conversationId: '19:x@thread.v2', kind: 'groupChat' },
  createdAt: new Date('2026-01-01'),
  updatedAt: new Date('2026-01-01'),
  version: 1,
};
const person = (userId: string, answer: MeetingParticipant['answer'] = 'pending', epoch = 1): MeetingParticipant => ({ userId, name: userId, role: 'teacher', answer, epoch });

function meeting(date: string, time: string, fields: Partial<Meeting> = {}): Meeting {
  const startsAt = copenhagenTime(date, time);
  return {
    _id: 'meeting-1',
    caseId: kase._id,
    startsAt,
    durationMinutes: 60,
    endsAt: new Date(startsAt.getTime() + 3_600_000),
    place: 'Skolen',
    teams: false,
    participants: [person('coord', 'accepted'), person('parent'), person('teacher', 'declined', 2), person('gone')],
    agenda: [],
    status: 'scheduled',
    proposals: [],
    cancellations: [],
    revision: 1,
    scheduledAt: new Date('2026-02-20T09:00:00Z'),
    moves: [],
    scheduledBy: 'coord',
    scheduledByName: 'coord',
    createdAt: new Date('2026-02-20T09:00:00Z'),
    updatedAt: new Date('2026-02-20T09:00:00Z'),
    version: 1,
    ...fields,
  };
}

const plan = (m: Meeting, day: string, now = copenhagenTime(day, '07:00'), extra: { after?: string; notBefore?: Date } = {}) => planMeeting(m, kase, { day, ...extra }, now);
const summary = (planned: PlannedReminder[]) => planned.map((p) => [p.kind, p.recipientId, p.at.toISOString()]);

describe('meeting reminders', () => {
  test('one working day before at 08:00 and two hours before, to everyone who has not declined and is still a member', () => {
    const m = meeting('2026-03-05', '13:00'); // Thursday 13:00
    expect(plan(m, '2026-03-03')).toEqual([]);
    expect(summary(plan(m, '2026-03-04'))).toEqual([
      ['meeting_before', 'coord', '2026-03-04T07:00:00.000Z'],
      ['meeting_before', 'parent', '2026-03-04T07:00:00.000Z'],
    ]);
    expect(summary(plan(m, '2026-03-05'))).toEqual([
      ['meeting_soon', 'coord', '2026-03-05T10:00:00.000Z'],
      ['meeting_soon', 'parent', '2026-03-05T10:00:00.000Z'],
    ]);
    const [first] = plan(m, '2026-03-05');
    expect(first!.items[0]).toMatchObject({ kind: 'meeting_soon', meetingId: 'meeting-1', startsAt: m.startsAt.toISOString(), place: 'Skolen', caseTitle: 'Trivsel' });
    expect(first!.key).toBe(meetingReminderKey(m, { userId: 'coord', epoch: 1 }, 'meeting_soon'));
  });

  test('a Monday meeting is reminded on Friday; nothing on the weekend', () => {
    const m = meeting('2026-03-09', '10:00');
    expect(summary(plan(m, '2026-03-06')).map(([kind, who]) => [kind, who])).toEqual([
      ['meeting_before', 'coord'],
      ['meeting_before', 'parent'],
    ]);
    expect(plan(m, '2026-03-07')).toEqual([]);
  });

  test('quiet hours: a meeting at 08:30 gets its two-hour reminder at 08:00; one at 08:10 gets none; one on a Saturday none', () => {
    expect(summary(plan(meeting('2026-03-05', '08:30'), '2026-03-05')).map(([k, , at]) => [k, at])).toEqual([
      ['meeting_soon', '2026-03-05T07:00:00.000Z'],
      ['meeting_soon', '2026-03-05T07:00:00.000Z'],
    ]);
    expect(plan(meeting('2026-03-05', '08:10'), '2026-03-05')).toEqual([]);
    expect(plan(meeting('2026-03-05', '08:15'), '2026-03-05')).toHaveLength(2);
    // Saturday 10:00: 08:00 on Saturday is no sending time, and Monday is after the meeting.
    expect(plan(meeting('2026-03-07', '10:00'), '2026-03-06').map((p) => p.kind)).toEqual(['meeting_before', 'meeting_before']);
    expect(plan(meeting('2026-03-07', '10:00'), '2026-03-09')).toEqual([]);
  });

  test('a meeting set up on the day before gets no day-before reminder; one set up less than two hours ahead no two-hour reminder', () => {
    const lateSetup = meeting('2026-03-05', '13:00', { scheduledAt: copenhagenTime('2026-03-04', '10:00') });
    expect(plan(lateSetup, '2026-03-04', copenhagenTime('2026-03-04', '10:00'), { notBefore: copenhagenTime('2026-03-04', '10:00') })).toEqual([]);
    expect(plan(lateSetup, '2026-03-05')).toHaveLength(2);
    const sameDay = meeting('2026-03-05', '13:00', { scheduledAt: copenhagenTime('2026-03-05', '11:30') });
    expect(plan(sameDay, '2026-03-05', copenhagenTime('2026-03-05', '11:30'), { notBefore: copenhagenTime('2026-03-05', '11:30') })).toEqual([]);
  });

  test('a same-day re-plan never goes before now, and a passed or cancelled meeting gives nothing', () => {
    const m = meeting('2026-03-05', '13:00');
    const now = copenhagenTime('2026-03-05', '11:20');
    expect(summary(plan(m, '2026-03-05', now, { notBefore: now })).map(([, , at]) => at)).toEqual([now.toISOString(), now.toISOString()]);
    expect(plan(m, '2026-03-05', copenhagenTime('2026-03-05', '13:00'))).toEqual([]);
    expect(plan({ ...m, status: 'cancelled' }, '2026-03-05')).toEqual([]);
    expect(planMeeting(m, { ...kase, status: 'closed' }, { day: '2026-03-05' }, copenhagenTime('2026-03-05', '07:00'))).toEqual([]);
  });

  test('after days without planning (an outage), what is still ahead is planned; the day before is never sent on the meeting day', () => {
    const m = meeting('2026-03-06', '13:00');
    // The 4th was not planned (last plan: the 3rd); the 5th plans the day-before reminder as usual.
    expect(plan(m, '2026-03-05', undefined, { after: '2026-03-03' }).map((p) => p.kind)).toEqual(['meeting_before', 'meeting_before']);
    // The 5th was not planned either: on the meeting day only the two-hour reminder comes.
    expect(plan(m, '2026-03-06', undefined, { after: '2026-03-04' }).map((p) => p.kind)).toEqual(['meeting_soon', 'meeting_soon']);
  });

  test('a move (new revision) and a yes after a no (new epoch) give new keys; `only` plans one person', () => {
    const m = meeting('2026-03-05', '13:00');
    const moved = { ...m, revision: 2 };
    expect(plan(m, '2026-03-05')[0]!.key).not.toBe(plan(moved, '2026-03-05')[0]!.key);
    const again = { ...m, participants: m.participants.map((p) => (p.userId === 'teacher' ? { ...p, answer: 'accepted' as const } : p)) };
    const teacher = planMeeting(again, kase, { day: '2026-03-05' }, copenhagenTime('2026-03-05', '07:00'), new Set(['teacher']));
    expect(teacher.map((p) => [p.recipientId, p.key])).toEqual([['teacher', 'meeting:meeting-1:teacher|meeting_soon|r1e2']]);
  });

  test('the digest takes the day-before reminder but never the two-hour one', () => {
    const m = meeting('2026-03-05', '13:00');
    const window = { day: '2026-03-05' };
    const soon = planMeeting(m, kase, window, copenhagenTime('2026-03-05', '07:00'));
    const before = planMeeting(meeting('2026-03-06', '09:00'), kase, window, copenhagenTime('2026-03-05', '07:00'));
    const folded = foldDigests([...soon, ...before], new Set(['parent']), window);
    const forParent = folded.filter((p) => p.recipientId === 'parent');
    expect(forParent.map((p) => p.kind).sort()).toEqual(['digest', 'meeting_soon']);
    expect(forParent.find((p) => p.kind === 'digest')!.items.map((i) => i.kind)).toEqual(['meeting_before']);
  });
});
