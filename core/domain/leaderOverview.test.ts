import fc from 'fast-check';
import { aggregate, attentionOf, lastMonths, median, meetingFactsOf, meetingTotals, monthsOf, periodFrom, suppress, suppressGroup, SUPPRESSED, type CaseFacts, type MeetingFacts } from './leaderOverview';
import { meetingMeasures, type Meeting, type MeetingAnswer } from './meeting';

const NOW = new Date('2026-06-15T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

let seq = 0;
function facts(over: Partial<CaseFacts> = {}): CaseFacts {
  return {
    _id: `case-${++seq}`,
    teamId: 'team',
    conversationId: `conv-${seq}`,
    status: 'open',
    createdAt: ago(100),
    closedAt: null,
    lastActivityAt: ago(1),
    seq: 1,
    agreements: [],
    rounds: [],
    warnings: [],
    pendingConsent: [],
    memberIds: [],
    meetings: [],
    refreshedAt: NOW,
    ...over,
  };
}
const settings = { now: NOW, period: { from: '2025-07', to: '2026-06' }, inactiveWeeks: 4, consentPendingDays: 14 };
const many = (n: number, over: Partial<CaseFacts> = {}) => Array.from({ length: n }, () => facts(over));

describe('counts under 5 never leave as numbers', () => {
  test('0 to 4 become "< 5"; 5 and up stay', () => {
    expect([0, 1, 4, 5, 6, 1000].map(suppress)).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED, 5, 6, 1000]);
  });

  test('one hidden cell beside a shown total hides the next smallest too, so it cannot be subtracted out', () => {
    expect(suppressGroup({ open: 5, closed: 2 }, 7)).toEqual({ open: SUPPRESSED, closed: SUPPRESSED });
    expect(suppressGroup({ a: 9, b: 6, c: 3 }, 18)).toEqual({ a: 9, b: SUPPRESSED, c: SUPPRESSED });
    // Two hidden cells already: their sum is known, each of them is not.
    expect(suppressGroup({ a: 9, b: 2, c: 3 }, 14)).toEqual({ a: 9, b: SUPPRESSED, c: SUPPRESSED });
    // A hidden total gives nothing away.
    expect(suppressGroup({ a: 3, b: 0 }, 3)).toEqual({ a: SUPPRESSED, b: SUPPRESSED });
    expect(suppressGroup({ a: 5, b: 6 }, 11)).toEqual({ a: 5, b: 6 });
  });

  test('property: no group ever shows a number under 5, and never exactly one hidden cell beside a shown total', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 6 }), (values) => {
        const counts = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
        const total = values.reduce((a, b) => a + b, 0);
        const shown = suppressGroup(counts, total);
        const cells = Object.values(shown);
        for (const cell of cells) expect(cell === SUPPRESSED || (typeof cell === 'number' && cell >= 5)).toBe(true);
        if (total >= 5 && values.length > 1) expect(cells.filter((c) => c === SUPPRESSED).length).not.toBe(1);
      }),
    );
  });

  test('a median needs 5 values', () => {
    expect(median([1, 2, 3, 4])).toBeNull();
    expect(median([5, 1, 4, 2, 3])).toBe(3);
    expect(median([1, 2, 3, 4, 5, 6])).toBe(3.5);
  });
});

describe('periods', () => {
  test('the last 12 months up to this month, by default', () => {
    expect(lastMonths(NOW)).toEqual({ from: '2025-07', to: '2026-06' });
    expect(monthsOf({ from: '2025-11', to: '2026-02' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  test('months from the request are checked: the format, the order, at most 36 months', () => {
    expect(periodFrom(undefined, undefined, NOW)).toEqual({ from: '2025-07', to: '2026-06' });
    expect(periodFrom('2026-01', '2026-03', NOW)).toEqual({ from: '2026-01', to: '2026-03' });
    expect(periodFrom(undefined, '2026-03', NOW)).toEqual({ from: '2025-04', to: '2026-03' });
    for (const [from, to] of [['2026-13', '2026-12'], ['2026-03', '2026-01'], ['2020-01', '2026-01'], [{ $gt: '' }, undefined], ['2026-1', undefined]]) expect(periodFrom(from, to, NOW)).toBeNull();
  });
});

describe('the aggregates', () => {
  test('cases open at the end of the period and closed during it; a case closed after the period was open at its end', () => {
    const result = aggregate([...many(6), ...many(5, { status: 'closed', closedAt: ago(20) }), ...many(5, { status: 'closed', closedAt: ago(400) })], settings);
    expect(result.cases).toEqual({ total: 11, open: 6, closed: 5 });
    const earlier = aggregate([...many(6), ...many(5, { status: 'closed', closedAt: ago(20) })], { ...settings, period: { from: '2025-07', to: '2026-04' } });
    // None closed by then: a lone "< 5" beside the total would give the 0 away, so the 11 is hidden too.
    expect(earlier.cases).toEqual({ total: 11, open: SUPPRESSED, closed: SUPPRESSED });
  });

  test('overdue agreements of open cases by age, at the day boundaries', () => {
    const due = (daysAgo: number) => ({ status: 'accepted' as const, dueDate: new Date(NOW.getTime() - daysAgo * DAY).toISOString().slice(0, 10), createdAt: ago(200), acceptedAt: ago(199) });
    const cases = [1, 7, 8, 30, 31, 90, 91, 200].map((d) => facts({ agreements: Array.from({ length: 5 }, () => due(d)) }));
    const { overdue } = aggregate([...cases, facts({ status: 'closed', closedAt: ago(1), agreements: [due(3)] }), facts({ agreements: [{ ...due(3), status: 'done' }, due(0)] })], settings);
    expect(overdue.total).toBe(40);
    expect(overdue.byAge).toEqual({ '1-7': 10, '8-30': 10, '31-90': 10, '91+': 10 });
    expect(overdue.medianDays).toBe(30.5);
  });

  test('the latest closed round per case up to the end of the period, per area and level', () => {
    const round = (n: number, daysAgo: number, social: 'green' | 'yellow' | 'red') => ({ number: n, closedAt: ago(daysAgo), levels: { social, cognitive: 'green' as const } });
    const cases = [...many(5, { rounds: [round(1, 90, 'green'), round(2, 10, 'red')] }), ...many(6, { rounds: [round(1, 90, 'yellow')] }), ...many(7, { rounds: [round(1, 80, 'green')] })];
    const { assessment } = aggregate(cases, settings);
    expect(assessment.cases).toBe(18);
    expect(assessment.areas.social).toEqual({ rated: 18, levels: { green: 7, yellow: 6, red: 5 } });
    expect(assessment.areas.emotional).toEqual({ rated: SUPPRESSED, levels: { green: SUPPRESSED, yellow: SUPPRESSED, red: SUPPRESSED } });
    // At the end of April the newer rounds were not there yet: no red, so the smallest other level is hidden with it.
    const before = aggregate(cases, { ...settings, period: { from: '2025-07', to: '2026-04' } });
    expect(before.assessment.areas.social.levels).toEqual({ green: 12, yellow: SUPPRESSED, red: SUPPRESSED });
  });

  test('time to action: the median over episodes in the period, and warnings still waiting', () => {
    const w = (raised: number, ms: number | null, status: 'open' | 'dismissed' = 'open') => ({ raisedAt: ago(raised), status, answered: ms !== null, timeToActionMs: ms });
    const cases = [facts({ warnings: [w(10, 2 * DAY), w(9, null)] }), facts({ warnings: [w(20, 4 * DAY), w(21, DAY / 2)] }), facts({ warnings: [w(30, 6 * DAY), w(3, null), w(4, null, 'dismissed')] }), facts({ warnings: [w(400, DAY)] })];
    expect(aggregate(cases, settings).timeToAction).toEqual({ warnings: 7, episodes: SUPPRESSED, medianDays: null, awaiting: SUPPRESSED });
    const more = [...cases, facts({ warnings: [w(5, 3 * DAY), w(6, null), w(7, null), w(8, null)] })];
    expect(aggregate(more, settings).timeToAction).toEqual({ warnings: 11, episodes: 5, medianDays: 3, awaiting: 5 });
  });

  test('inactive open cases and consent waiting, each at their boundary', () => {
    const cases = [
      ...many(5, { lastActivityAt: ago(29) }),
      ...many(5, { lastActivityAt: ago(27) }),
      ...many(3, { status: 'closed', closedAt: ago(1), lastActivityAt: ago(60) }),
      ...many(5, { pendingConsent: [ago(15), ago(13)] }),
      facts({ status: 'closed', closedAt: ago(1), pendingConsent: [ago(30)] }),
    ];
    const result = aggregate(cases, settings);
    expect(result.inactive).toEqual({ weeks: 4, cases: 5 });
    expect(result.consentPending).toEqual({ days: 14, requests: 5, cases: 5 });
  });

  test('a trend per month of the period: cases opened, warnings, agreements accepted, rounds closed', () => {
    const cases = many(6, {
      createdAt: new Date('2026-05-10T10:00:00Z'),
      warnings: [{ raisedAt: new Date('2026-05-31T21:30:00Z'), status: 'open', answered: false, timeToActionMs: null }],
      agreements: [{ status: 'accepted', dueDate: '2026-09-01', createdAt: new Date('2026-05-10T10:00:00Z'), acceptedAt: new Date('2026-06-02T10:00:00Z') }],
    });
    const trend = aggregate(cases, { ...settings, period: { from: '2026-04', to: '2026-06' } }).trend;
    // 21:30 UTC on 31 May is 23:30 in Copenhagen: still May.
    expect(trend).toEqual([
      { month: '2026-04', casesOpened: SUPPRESSED, warnings: SUPPRESSED, agreementsAccepted: SUPPRESSED, roundsClosed: SUPPRESSED },
      { month: '2026-05', casesOpened: 6, warnings: 6, agreementsAccepted: SUPPRESSED, roundsClosed: SUPPRESSED },
      { month: '2026-06', casesOpened: SUPPRESSED, warnings: SUPPRESSED, agreementsAccepted: 6, roundsClosed: SUPPRESSED },
    ]);
  });

  test('property: whatever the cases, every count in the overview is "< 5" or at least 5', () => {
    const arbFacts = fc.record({
      open: fc.boolean(),
      createdDaysAgo: fc.integer({ min: 0, max: 500 }),
      agreements: fc.array(fc.record({ status: fc.constantFrom('proposed', 'accepted', 'declined', 'done', 'cancelled'), dueIn: fc.integer({ min: -200, max: 100 }) }), { maxLength: 6 }),
      warnings: fc.array(fc.record({ raised: fc.integer({ min: 0, max: 400 }), ms: fc.option(fc.nat({ max: 30 * DAY })) }), { maxLength: 4 }),
      level: fc.constantFrom('green', 'yellow', 'red'),
      meetings: fc.array(
        fc.record({ daysAgo: fc.integer({ min: -30, max: 400 }), cancelled: fc.boolean(), invited: fc.integer({ min: 1, max: 8 }), answered: fc.nat({ max: 8 }), notices: fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 3 }), present: fc.option(fc.nat({ max: 8 })) }),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(fc.array(arbFacts, { maxLength: 30 }), (specs) => {
        const cases = specs.map((f) =>
          facts({
            status: f.open ? 'open' : 'closed',
            closedAt: f.open ? null : ago(f.createdDaysAgo / 2),
            createdAt: ago(f.createdDaysAgo),
            agreements: f.agreements.map((a) => ({ status: a.status as never, dueDate: new Date(NOW.getTime() + a.dueIn * DAY).toISOString().slice(0, 10), createdAt: ago(f.createdDaysAgo), acceptedAt: a.status === 'accepted' ? ago(1) : null })),
            warnings: f.warnings.map((w) => ({ raisedAt: ago(w.raised), status: 'open' as const, answered: w.ms !== null, timeToActionMs: w.ms })),
            rounds: [{ number: 1, closedAt: ago(f.createdDaysAgo), levels: { social: f.level as never } }],
            meetings: f.meetings.map((m) => ({ startsAt: ago(m.daysAgo), status: m.cancelled ? 'cancelled' : 'scheduled', invited: m.invited, answered: Math.min(m.invited, m.answered), cancellationNotices: m.notices, attendance: m.present === null ? null : { present: m.present, absent: m.invited - Math.min(m.invited, m.present) } })),
          }),
        );
        const walk = (value: unknown, key = ''): void => {
          if (['weeks', 'days', 'medianDays', 'medianNoticeHours', 'month'].includes(key)) return;
          if (typeof value === 'number') expect(value).toBeGreaterThanOrEqual(5);
          else if (typeof value === 'string') expect(value).toBe(SUPPRESSED);
          else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
        };
        walk(aggregate(cases, settings));
      }),
      { numRuns: 200 },
    );
  });
});

describe('meetings (issue #15)', () => {
  const HOUR = 60 * 60 * 1000;
  const meeting = (over: Partial<MeetingFacts> = {}): MeetingFacts => ({ startsAt: ago(10), status: 'scheduled', invited: 3, answered: 3, cancellationNotices: [], attendance: null, ...over });

  test('meetings starting in the period: held, still to come, cancelled; invitations answered; attendance', () => {
    const cases = [
      ...many(6, { meetings: [meeting({ invited: 3, answered: 2, attendance: { present: 2, absent: 1 } }), meeting({ startsAt: new Date(NOW.getTime() + 2 * HOUR) })] }),
      facts({ meetings: [meeting({ startsAt: new Date(NOW.getTime() + 2 * DAY) })] }),
      ...many(2, { meetings: [meeting({ status: 'cancelled', invited: 2, answered: 1 })] }),
      // Before the period: not counted.
      facts({ meetings: [meeting({ startsAt: ago(400), attendance: { present: 3, absent: 0 } })] }),
    ];
    // 6 held, 7 to come, 2 cancelled of 15: the 2 is hidden, and beside the total so is the next smallest, the 6.
    expect(aggregate(cases, settings).meetings).toEqual({
      total: 15,
      held: SUPPRESSED,
      upcoming: 7,
      cancelled: SUPPRESSED,
      invitations: { sent: 43, answered: 35, unanswered: 8 },
      cancellations: { total: SUPPRESSED, byNotice: { under24h: SUPPRESSED, from24to72h: SUPPRESSED, over72h: SUPPRESSED }, medianNoticeHours: null },
      attendance: { meetings: 6, present: 12, absent: 6 },
    });
  });

  test('cancellations (afbud) by notice, at the bucket boundaries, with the median from 5 of them', () => {
    // Hours as the measures round them (one decimal): 23.9 → under 24 h; 24.0 and 72.0 → 24–72 h; 72.1 → over 72 h.
    const notices = [23 * 60 + 54, 24 * 60, 72 * 60, 72 * 60 + 2, 72 * 60 + 3, 100 * 60];
    const cases = notices.map((minutes) => facts({ meetings: [meeting({ cancellationNotices: [minutes] })] }));
    const { cancellations } = aggregate(cases, settings).meetings;
    // 1 under 24 h, 3 at 24–72 h (24.0, 72.0 and 72.03 → 72.0), 2 over 72 h (72.05 → 72.1, 100): all under 5.
    expect(cancellations).toEqual({ total: 6, byNotice: { under24h: SUPPRESSED, from24to72h: SUPPRESSED, over72h: SUPPRESSED }, medianNoticeHours: 72 });
    expect(meetingTotals(cases, settings).byNotice).toEqual({ under24h: 1, from24to72h: 3, over72h: 2 });
    const more = [...cases, ...many(5, { meetings: [meeting({ cancellationNotices: [2 * 60] })] })];
    // 6 under 24 h, 3 and 2: one hidden cell beside a shown total would not be enough, and two are hidden anyway.
    expect(aggregate(more, settings).meetings.cancellations).toEqual({ total: 11, byNotice: { under24h: 6, from24to72h: SUPPRESSED, over72h: SUPPRESSED }, medianNoticeHours: 23.9 });
    expect(aggregate(cases.slice(0, 4), settings).meetings.cancellations.medianNoticeHours).toBeNull();
  });

  test('one small cell beside the total hides the next smallest; a cell that must be 0 in the period does not count as hidden', () => {
    // 7 meetings, 5 held and 2 cancelled, in a past period: nothing can be still to come, so that 0 hides nothing, and the 5 goes too.
    const past = { ...settings, period: { from: '2025-07', to: '2026-05' } };
    const cases = [...many(5, { meetings: [meeting({ startsAt: ago(30) })] }), ...many(2, { meetings: [meeting({ startsAt: ago(30), status: 'cancelled' })] })];
    expect(aggregate(cases, past).meetings).toMatchObject({ total: 7, held: SUPPRESSED, upcoming: SUPPRESSED, cancelled: SUPPRESSED });
    // In a future period nothing can have been held: 5 to come and 2 cancelled are hidden together.
    const future = { ...settings, period: { from: '2026-08', to: '2026-09' } };
    const ahead = [...many(5, { meetings: [meeting({ startsAt: new Date('2026-08-10T08:00:00Z') })] }), ...many(2, { meetings: [meeting({ startsAt: new Date('2026-08-11T08:00:00Z'), status: 'cancelled' })] })];
    expect(aggregate(ahead, future).meetings).toMatchObject({ total: 7, held: SUPPRESSED, upcoming: SUPPRESSED, cancelled: SUPPRESSED });
    // 20 invitations, 18 answered: the 2 unanswered would follow from the total, so the 18 is hidden too.
    const invited = [0, 1, 2, 3, 4].map((i) => facts({ meetings: [meeting({ invited: 4, answered: i === 0 ? 2 : 4 })] }));
    expect(aggregate(invited, settings).meetings.invitations).toEqual({ sent: 20, answered: SUPPRESSED, unanswered: SUPPRESSED });
    // Attendance: 9 present, 1 not present: hidden together.
    const attended = [0, 1, 2, 3, 4].map((i) => facts({ meetings: [meeting({ attendance: i === 0 ? { present: 1, absent: 1 } : { present: 2, absent: 0 } })] }));
    expect(aggregate(attended, settings).meetings.attendance).toEqual({ meetings: 5, present: SUPPRESSED, absent: SUPPRESSED });
  });

  /** A stored meeting with what `meetingMeasures` reads of it. */
  function storedMeeting(i: number, spec: { startsAt: Date; cancelled: boolean; answers: MeetingAnswer[]; notices: number[]; attendance: Array<'present' | 'absent'> | null }): Meeting {
    return {
      _id: `m-${i}`,
      caseId: `case-${i % 7}`,
      startsAt: spec.startsAt,
      status: spec.cancelled ? 'cancelled' : 'scheduled',
      ...(spec.cancelled ? { cancelled: { at: ago(20), by: 'u0', byName: 'X', noticeMinutes: 600 } } : {}),
      participants: spec.answers.map((answer, k) => ({ userId: `u${k}`, name: `P${k}`, role: k === 0 ? 'caseworker' : 'parent', answer, epoch: 1, ...(spec.attendance ? { attendance: spec.attendance[k] ?? 'absent' } : {}) })),
      cancellations: spec.notices.map((noticeMinutes, k) => ({ userId: `u${k}`, group: 'family', at: ago(20), noticeMinutes, via: 'card' })),
      ...(spec.attendance ? { attendance: { source: 'coordinator', at: NOW, by: 'u0', byName: 'X' } } : {}),
    } as unknown as Meeting;
  }

  test('property: the overview counts what meetingMeasures counts, for the same meetings', () => {
    const spec = fc.record({
      // Within the period (July 2025 to the end of June 2026), before and after now.
      startsAt: fc.integer({ min: ago(340).getTime(), max: NOW.getTime() + 14 * DAY }).map((t) => new Date(t)),
      cancelled: fc.boolean(),
      answers: fc.array(fc.constantFrom<MeetingAnswer>('pending', 'accepted', 'declined'), { minLength: 1, maxLength: 6 }),
      notices: fc.array(fc.integer({ min: -120, max: 20_000 }), { maxLength: 4 }),
      attendance: fc.option(fc.array(fc.constantFrom<'present' | 'absent'>('present', 'absent'), { maxLength: 6 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 40 }), (specs) => {
        const meetings = specs.map((m, i) => storedMeeting(i, m));
        const measures = meetingMeasures(meetings, NOW, 7);
        const byCase = Array.from({ length: 7 }, (_, c) => facts({ meetings: meetings.filter((m) => m.caseId === `case-${c}`).map(meetingFactsOf) }));
        const totals = meetingTotals(byCase, settings);
        expect({
          meetings: totals.meetings,
          held: totals.held,
          cancelled: totals.cancelled,
          sent: totals.sent,
          answered: totals.answered,
          cancellations: totals.notices.length,
          byNotice: totals.byNotice,
          attendanceMeetings: totals.attendanceMeetings,
          present: totals.present,
          absent: totals.absent,
        }).toEqual({
          meetings: measures.meetings,
          held: measures.held,
          cancelled: measures.cancelledMeetings,
          sent: measures.invitations.sent,
          answered: measures.invitations.answered,
          cancellations: measures.cancellations.count,
          byNotice: { under24h: measures.cancellations.under24h, from24to72h: measures.cancellations.from24to72h, over72h: measures.cancellations.over72h },
          attendanceMeetings: measures.attendance.meetingsRecorded,
          present: measures.attendance.present,
          absent: measures.attendance.absent,
        });
        const shown = aggregate(byCase, settings).meetings;
        expect(shown.total).toBe(suppress(measures.meetings));
        expect(shown.invitations.sent).toBe(suppress(measures.invitations.sent));
        expect(shown.cancellations.total).toBe(suppress(measures.cancellations.count));
        // The median is the measures' median, given only from 5 cancellations.
        expect(shown.cancellations.medianNoticeHours).toBe(measures.cancellations.count >= 5 ? measures.cancellations.medianNoticeHours : null);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a case named to a leader who is in it', () => {
  test('says what needs attention, without numbers', () => {
    const quiet = facts();
    expect(attentionOf(quiet, NOW, settings)).toEqual({ overdueAgreements: false, inactive: false, consentPending: false, openWarnings: false });
    const busy = facts({
      lastActivityAt: ago(29),
      agreements: [{ status: 'proposed', dueDate: '2026-06-14', createdAt: ago(10), acceptedAt: null }],
      pendingConsent: [ago(15)],
      warnings: [{ raisedAt: ago(2), status: 'open', answered: false, timeToActionMs: null }],
    });
    expect(attentionOf(busy, NOW, settings)).toEqual({ overdueAgreements: true, inactive: true, consentPending: true, openWarnings: true });
    expect(attentionOf(facts({ warnings: [{ raisedAt: ago(2), status: 'open', answered: true, timeToActionMs: DAY }] }), NOW, settings).openWarnings).toBe(false);
  });
});
