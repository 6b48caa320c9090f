import fc from 'fast-check';
import { aggregate, attentionOf, lastMonths, median, monthsOf, periodFrom, suppress, suppressGroup, SUPPRESSED, type CaseFacts } from './leaderOverview';

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
          }),
        );
        const walk = (value: unknown, key = ''): void => {
          if (['weeks', 'days', 'medianDays', 'month'].includes(key)) return;
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
