import fc from 'fast-check';
import { AGREEMENT_STATUSES } from '../domain/agreement';
import type { CaseFacts } from '../domain/leaderOverview';
import { MEETING_STATUSES } from '../domain/meeting';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS } from '../domain/scales';
import { decodeFacts, encodeFacts, FACTS_FORMAT } from './leaderFactsRepository';

const date = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms));
const day = date.map((d) => d.toISOString().slice(0, 10));
const facts: fc.Arbitrary<CaseFacts> = fc.record({
  _id: fc.uuid(),
  teamId: fc.option(fc.constant('19:team@thread.tacv2'), { nil: null }),
  conversationId: fc.constant('19:chat@thread.v2'),
  status: fc.constantFrom('open' as const, 'closed' as const),
  createdAt: date,
  closedAt: fc.option(date, { nil: null }),
  lastActivityAt: date,
  seq: fc.nat(),
  agreements: fc.array(fc.record({ status: fc.constantFrom(...AGREEMENT_STATUSES), dueDate: day, createdAt: date, acceptedAt: fc.option(date, { nil: null }) }), { maxLength: 10 }),
  rounds: fc.array(fc.record({ number: fc.integer({ min: 1, max: 99 }), closedAt: date, levels: fc.dictionary(fc.constantFrom(...ASSESSMENT_AREAS), fc.constantFrom(...WELLBEING_LEVELS)) }), { maxLength: 4 }),
  warnings: fc.array(fc.record({ raisedAt: date, status: fc.constantFrom('open' as const, 'dismissed' as const, 'acted' as const), answered: fc.boolean(), timeToActionMs: fc.option(fc.nat(), { nil: null }) }), { maxLength: 4 }),
  pendingConsent: fc.array(date, { maxLength: 3 }),
  memberIds: fc.array(fc.uuid(), { maxLength: 6 }),
  meetings: fc.array(
    fc.record({
      startsAt: date,
      status: fc.constantFrom(...MEETING_STATUSES),
      invited: fc.integer({ min: 1, max: 40 }),
      answered: fc.integer({ min: 0, max: 40 }),
      // Minutes of notice; negative when someone cancelled after the start.
      cancellationNotices: fc.array(fc.integer({ min: -600, max: 600_000 }), { maxLength: 5 }),
      attendance: fc.option(fc.record({ present: fc.nat({ max: 40 }), absent: fc.nat({ max: 40 }) }), { nil: null }),
    }),
    { maxLength: 6 },
  ),
  refreshedAt: date,
});

test('a case’s facts come back from their compact stored form exactly as they went in', () => {
  fc.assert(fc.property(facts, (f) => expect(decodeFacts(encodeFacts(f))).toEqual(f)));
});

test('the stored form is one string beside the fields the overview selects by and moves on', () => {
  const stored = encodeFacts({
    _id: 'c',
    teamId: 't',
    conversationId: 'x',
    status: 'open',
    createdAt: new Date(0),
    closedAt: null,
    lastActivityAt: new Date(5),
    seq: 3,
    agreements: [{ status: 'accepted', dueDate: '2026-01-02', createdAt: new Date(1), acceptedAt: null }],
    rounds: [{ number: 2, closedAt: new Date(2), levels: { social: 'red' } }],
    warnings: [],
    pendingConsent: [],
    memberIds: ['a', 'b'],
    meetings: [
      { startsAt: new Date(7), status: 'scheduled', invited: 3, answered: 2, cancellationNotices: [1500, 30], attendance: { present: 2, absent: 1 } },
      { startsAt: new Date(8), status: 'cancelled', invited: 2, answered: 0, cancellationNotices: [], attendance: null },
    ],
    refreshedAt: new Date(9),
  });
  expect(stored).toEqual({ _id: 'c', teamId: 't', conversationId: 'x', seq: 3, lastActivityAt: new Date(5), facts: 'open|0|#accepted|2026-01-02|1|#2|2|--r-###a,b#9#7|scheduled|3|2|1500,30|2,1;8|cancelled|2|0||', format: FACTS_FORMAT });
});

test('facts stored before meetings were added read as having none (and are rebuilt: their format is older)', () => {
  const old = { _id: 'c', teamId: 't', conversationId: 'x', seq: 3, lastActivityAt: new Date(5), facts: 'open|0|#accepted|2026-01-02|1|#2|2|--r-###a,b#9' };
  expect(decodeFacts(old).meetings).toEqual([]);
  expect(decodeFacts(old).memberIds).toEqual(['a', 'b']);
  expect(FACTS_FORMAT).toBe(2);
});
