import fc from 'fast-check';
import { isDomainError } from './errors';
import {
  agendaFor,
  answerCounts,
  buildAgenda,
  checkStart,
  copenhagenClock,
  copenhagenInstant,
  durationFrom,
  meetingMeasures,
  meetingStart,
  parseWhen,
  teamsLinkFrom,
  timeOfDay,
  type Meeting,
  type MeetingParticipant,
} from './meeting';
import { copenhagenDate } from './dates';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (isDomainError(error)) return error.key;
    throw error;
  }
  throw new Error('no refusal');
};

describe('meeting time in Copenhagen', () => {
  test('a winter and a summer date give the instant Copenhagen shows', () => {
    expect(meetingStart('2026-01-15', '10:00').toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(meetingStart('2026-06-15', '10:00').toISOString()).toBe('2026-06-15T08:00:00.000Z');
    expect(meetingStart('2026-06-15', '9.05').toISOString()).toBe('2026-06-15T07:05:00.000Z');
  });

  test('the hour that does not exist when summer time starts is refused; the repeated autumn hour is accepted', () => {
    // 29 March 2026: clocks go from 02:00 to 03:00.
    expect(refusal(() => meetingStart('2026-03-29', '02:30'))).toBe('meeting.error.timeDoesNotExist');
    expect(meetingStart('2026-03-29', '03:00').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // 25 October 2026: 02:30 happens twice; either is a correct reading of the wall clock.
    const autumn = meetingStart('2026-10-25', '02:30');
    expect(copenhagenDate(autumn)).toBe('2026-10-25');
    expect(copenhagenClock(autumn)).toBe('02:30');
  });

  test('bad dates and times are refused with their own message', () => {
    expect(refusal(() => meetingStart('2026-02-30', '10:00'))).toBe('error.invalidDate');
    expect(refusal(() => meetingStart('12-03-2026', '10:00'))).toBe('error.invalidDate');
    expect(refusal(() => meetingStart('2026-03-12', '24:00'))).toBe('meeting.error.invalidTime');
    expect(refusal(() => meetingStart('2026-03-12', '10:60'))).toBe('meeting.error.invalidTime');
    expect(refusal(() => meetingStart('2026-03-12', { $gt: '' }))).toBe('meeting.error.invalidTime');
    expect(timeOfDay(' 7:05 ')).toBe('07:05');
  });

  test('a start must be in the future and at most a year ahead', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    expect(refusal(() => checkStart(new Date('2026-03-02T09:00:00Z'), now))).toBe('meeting.error.inPast');
    expect(refusal(() => checkStart(new Date('2027-03-05T09:00:00Z'), now))).toBe('meeting.error.tooFarAhead');
    expect(() => checkStart(new Date('2026-03-02T09:01:00Z'), now)).not.toThrow();
  });

  test('durations: whole 5 minutes from 15 to 480, as a number or the string a card sends', () => {
    expect(durationFrom(60)).toBe(60);
    expect(durationFrom('90')).toBe(90);
    for (const bad of [10, 481, 62, 60.5, '60 min', null, {}]) expect(refusal(() => durationFrom(bad))).toBe('meeting.error.invalidDuration');
  });

  test('property: every wall-clock time of every day reads back as itself, or is the one missing spring hour', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (day, h, m) => {
        const date = day.toISOString().slice(0, 10);
        const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        const at = copenhagenInstant(date, hhmm);
        if (!at) {
          // Only 02:xx on the last Sunday of March is missing.
          expect(h).toBe(2);
          expect(date.slice(5, 7)).toBe('03');
          expect(new Date(`${date}T00:00:00Z`).getUTCDay()).toBe(0);
          return;
        }
        expect(copenhagenDate(at)).toBe(date);
        expect(copenhagenClock(at)).toBe(hhmm);
      }),
      { numRuns: 500 },
    );
  });
});

describe('reading a date and time typed after "møde"', () => {
  const today = '2026-03-02'; // a Monday
  test.each([
    ['12.3 kl. 14', { date: '2026-03-12', time: '14:00' }],
    ['12/3 14:30', { date: '2026-03-12', time: '14:30' }],
    ['2026-04-01 9.15', { date: '2026-04-01', time: '09:15' }],
    ['12. marts 10', { date: '2026-03-12', time: '10:00' }],
    ['1. februar', { date: '2027-02-01' }],
    ['i morgen kl 9', { date: '2026-03-03', time: '09:00' }],
    ['tomorrow at 9:30', { date: '2026-03-03', time: '09:30' }],
    ['tirsdag 13:00', { date: '2026-03-03', time: '13:00' }],
    ['mandag 8', { date: '2026-03-09', time: '08:00' }],
    ['14.30', { time: '14:30' }],
    ['1.3.2027 kl. 10.30', { date: '2027-03-01', time: '10:30' }],
    ['', {}],
    ['med forældrene', {}],
    ['31/2', {}],
  ])('"%s"', (text, expected) => {
    expect(parseWhen(text, today)).toEqual(expected);
  });

  test('property: a date written as d.m or d/m, with a time, reads back (next occurrence of the day)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('.', '/'), (offset, h, m, sep) => {
        const day = new Date(Date.UTC(2026, 2, 2 + offset));
        const date = day.toISOString().slice(0, 10);
        const text = `${day.getUTCDate()}${sep}${day.getUTCMonth() + 1} kl. ${h}.${String(m).padStart(2, '0')}`;
        expect(parseWhen(text, today)).toEqual({ date, time: `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}` });
      }),
    );
  });
});

describe('Teams links', () => {
  test('only https links on a Teams host', () => {
    const link = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d';
    expect(teamsLinkFrom(link)).toBe(link);
    expect(teamsLinkFrom('https://teams.live.com/meet/123')).toBe('https://teams.live.com/meet/123');
    for (const bad of ['http://teams.microsoft.com/l/x', 'https://teams.microsoft.com.evil.example/l/x', 'https://user:pw@teams.microsoft.com/x', 'javascript:alert(1)', 'teams.microsoft.com/l/x', 42]) {
      expect(refusal(() => teamsLinkFrom(bad))).toBe('meeting.error.invalidLink');
    }
  });
});

describe('the agenda built from the case', () => {
  const agreements = [
    { _id: 'a1', what: 'Lektiehjælp', ownerName: 'Lise', dueDate: '2026-02-20', status: 'accepted' as const },
    { _id: 'a2', what: 'Henvisning til PPR', ownerName: 'Mette', dueDate: '2026-02-27', status: 'proposed' as const },
    { _id: 'a3', what: 'Samtale med klasselærer', ownerName: 'Jonas', dueDate: '2026-03-10', status: 'accepted' as const },
    { _id: 'a4', what: 'Fast sengetid', ownerName: 'Lise', dueDate: '2026-02-10', status: 'done' as const },
    { _id: 'a5', what: 'Skoleskift', ownerName: 'Mette', dueDate: '2026-03-30', status: 'accepted' as const },
    { _id: 'a6', what: 'Afvist', ownerName: 'Mette', dueDate: '2026-02-01', status: 'declined' as const },
  ];

  test('overdue agreements first (oldest due first), then open ones due by a week after the meeting, then the latest assessment and open warnings', () => {
    const agenda = buildAgenda({
      today: '2026-03-02',
      meetingDay: '2026-03-05',
      agreements,
      latestRound: { _id: 'r2', number: 2, closedAt: new Date('2026-02-15T10:00:00Z') },
      warnings: [
        { key: 'crossDiscipline|o1,o2', rule: 'crossDiscipline', visibility: 'professionals' },
        { key: 'crossDiscipline|o1,o2', rule: 'crossDiscipline', visibility: 'professionals' },
      ],
    });
    expect(agenda.map((item) => [item.kind, item.id])).toEqual([
      ['overdue', 'a:a1'],
      ['overdue', 'a:a2'],
      ['dueSoon', 'a:a3'],
      ['assessment', 'r:r2'],
      ['earlyWarning', 'w:crossDiscipline|o1,o2'],
    ]);
    // Family members do not see points that rest on professionals-only content.
    expect(agendaFor(agenda, false).map((i) => i.kind)).toEqual(['overdue', 'overdue', 'dueSoon', 'assessment']);
    expect(agendaFor(agenda, true)).toHaveLength(5);
  });

  test('without agreements, rounds or warnings the agenda is empty', () => {
    expect(buildAgenda({ today: '2026-03-02', meetingDay: '2026-03-05', agreements: [], latestRound: null, warnings: [] })).toEqual([]);
  });
});

describe('measures', () => {
  const person = (userId: string, answer: MeetingParticipant['answer'], extra: Partial<MeetingParticipant> = {}): MeetingParticipant => ({ userId, name: userId, role: 'teacher', answer, epoch: 1, ...extra });
  const meeting = (id: string, fields: Partial<Meeting>): Meeting => ({
    _id: id,
    caseId: 'c1',
    startsAt: new Date('2026-03-05T09:00:00Z'),
    durationMinutes: 60,
    endsAt: new Date('2026-03-05T10:00:00Z'),
    teams: false,
    participants: [],
    agenda: [],
    status: 'scheduled',
    proposals: [],
    cancellations: [],
    revision: 1,
    scheduledAt: new Date('2026-03-01T09:00:00Z'),
    moves: [],
    scheduledBy: 'c',
    scheduledByName: 'C',
    createdAt: new Date('2026-03-01T09:00:00Z'),
    updatedAt: new Date('2026-03-01T09:00:00Z'),
    version: 1,
    ...fields,
  });

  test('invitations answered, cancellations with their notice, attendance per meeting: counts only', () => {
    const held = meeting('m1', {
      participants: [person('a', 'accepted', { attendance: 'present' }), person('b', 'declined', { attendance: 'absent' }), person('c', 'pending', { attendance: 'absent' }), person('d', 'accepted', { attendance: 'present' })],
      cancellations: [
        { userId: 'b', group: 'family', at: new Date('2026-03-04T09:00:00Z'), noticeMinutes: 1440, via: 'reminder' },
        { userId: 'c', group: 'professional', at: new Date('2026-03-05T07:00:00Z'), noticeMinutes: 120, via: 'invitation' },
      ],
      attendance: { source: 'coordinator', at: new Date('2026-03-05T10:00:00Z'), by: 'c', byName: 'C' },
    });
    const cancelled = meeting('m2', { status: 'cancelled', participants: [person('a', 'accepted'), person('b', 'pending')], cancelled: { at: new Date('2026-03-02T09:00:00Z'), by: 'c', byName: 'C', noticeMinutes: 4320 } });
    const measures = meetingMeasures([held, cancelled], new Date('2026-03-06T09:00:00Z'), 1);
    expect(measures).toMatchObject({
      cases: 1,
      meetings: 2,
      held: 1,
      cancelledMeetings: 1,
      invitations: { sent: 6, answered: 4, answeredShare: 0.667 },
      cancellations: { count: 2, medianNoticeHours: 13, under24h: 1, from24to72h: 1, over72h: 0, byFamily: 1, byProfessionals: 1, byNetwork: 0 },
      attendance: { meetingsRecorded: 1, present: 2, absent: 2, presentShare: 0.5 },
    });
    expect(measures.perMeeting[1]).toMatchObject({ meetingCancelledNoticeHours: 72, attendance: null });
    // No names or user IDs in the aggregates.
    expect(JSON.stringify(measures)).not.toMatch(/"(userId|name)"/);
    expect(answerCounts(held)).toEqual({ invited: 4, accepted: 2, declined: 1, pending: 1 });
  });

  test('no meetings: shares are null, not a division by zero', () => {
    expect(meetingMeasures([], new Date(), 3)).toMatchObject({ cases: 3, meetings: 0, invitations: { answeredShare: null }, cancellations: { medianNoticeHours: null }, attendance: { presentShare: null } });
  });
});
