import { cardAction, personalMessage, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { cardsOf } from '../harness/caseDriver';
import { FakeGraph } from '../harness/fakeGraph';
import { GRAPH_APP, meetingCase, newPeople, personalTo, scheduleMeeting, startMeetingApp, TestClock, verbOf } from '../harness/meetingSeed';
import { reminderCards } from '../harness/reminderSeed';
import type { TestApp } from '../harness/testApp';
import { meetingMeasures } from '../../core/domain/meeting';

/**
 * Meeting reminders through the existing reminder machinery (docs/meetings.md, docs/reminders.md):
 * one working day before and two hours before, in sending hours only, exactly once across two
 * workers, never to someone who declined; a cancellation (afbud) from the reminder, with the
 * coordinator told at once; the two-hour reminder of an 08:30 meeting; the digest; a move.
 */

const TUE = '2025-03-04';
const WED = '2025-03-05';
const THU = '2025-03-06';
const FRI = '2025-03-07';

let graph: FakeGraph;
let t: TestApp;
let clock: TestClock;

beforeAll(async () => {
  graph = await new FakeGraph().start();
  graph.registerApp(GRAPH_APP);
});
afterAll(async () => {
  await graph.stop();
});
beforeEach(async () => {
  clock = new TestClock(new Date('2025-03-03T08:00:00Z'));
  t = await startMeetingApp(__filename, graph, clock, { REMINDER_BATCH_SIZE: '2' });
});
afterEach(async () => {
  await t.stop();
});

const meetingReminders = (since = 0) => reminderCards(t.connector.sentActivities.slice(since)).filter((c) => c.key.startsWith('meeting:'));
const to = (user: TestUser, since = 0) => meetingReminders(since).filter((c) => c.activity.recipient?.id === user.id);

/** Both workers of two instances sweep at the same moment. */
async function sweepBoth(date: string, hhmm: string) {
  clock.at(date, hhmm);
  const second = t.app.reminders.newWorker({ workerId: `second-${date}-${hhmm}` });
  const [a, b] = await Promise.all([t.app.reminders.worker.tick(), second.tick()]);
  await t.app.settled();
  return { sent: a.sent + b.sent, a, b };
}

/** A click in the recipient's own chat, where the reminder arrived. */
async function clickInChat(user: TestUser, conversationId: string, verb: string, data: Record<string, unknown>) {
  const activity = cardAction(verb, data, { serviceUrl: t.connector.url, from: user, conversationId, conversationType: 'personal' });
  (activity.conversation as Record<string, unknown>).isGroup = false;
  const result = await t.post(activity);
  await t.app.settled();
  return result.body as Record<string, any>;
}

const expectValid = (card: unknown) => {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
};

test('one working day before and two hours before, exactly once across two workers; a cancellation from the reminder reaches the coordinator at once and stops that person\'s reminders', async () => {
  const p = newPeople('rem');
  const d = await meetingCase(t, p, 'rem');
  const { meetingId } = await scheduleMeeting(d, p.coordinator, { date: THU, time: '13:00', participants: [p.parent, p.teacher, p.coach] });

  expect((await sweepBoth(TUE, '08:00')).sent).toBe(0);
  await sweepBoth(WED, '07:00');
  expect(meetingReminders()).toHaveLength(0);
  const wednesday = await sweepBoth(WED, '08:00');
  // Which worker claims which reminder is a race; together they send each one once.
  expect(wednesday.sent).toBe(4);
  await sweepBoth(WED, '08:05');
  const before = meetingReminders();
  expect(new Set(before.map((c) => c.key)).size).toBe(4);
  expect(before).toHaveLength(4);
  for (const who of [p.coordinator, p.parent, p.teacher, p.coach]) expect(to(who)).toHaveLength(1);
  for (const { card } of before) {
    expectValid(card);
    expect(JSON.stringify(card)).toContain('Påmindelse: møde torsdag den 6. marts 2025 kl. 13.00');
    expect(JSON.stringify(card)).toContain('Skovbakkeskolen');
  }

  // The parent cannot come after all: "Jeg kan ikke komme" on the reminder, with a reason.
  const [reminder] = to(p.parent);
  const cancel = verbOf(reminder!.card, 'meeting.reminder.cancel')!;
  expect(cancel.type).toBe('Action.Execute');
  expect(cancel.fallback.type).toBe('Action.Submit');
  const toCoordinator = t.connector.sentActivities.length;
  const answered = await clickInChat(p.parent, reminder!.conversationId!, 'meeting.reminder.cancel', { ...cancel.data, reason: 'Lillebror er syg' });
  expect(answered.statusCode).toBe(200);
  expectValid(answered.value);
  expect(JSON.stringify(answered.value)).toContain('Dit afbud er sendt til tovholderen.');
  expect(JSON.stringify(answered.value)).not.toContain('meeting.reminder.cancel');
  const [note] = cardsOf(personalTo(t, p.coordinator, toCoordinator));
  expectValid(note);
  expect(JSON.stringify(note)).toContain(`${p.parent.name} har meldt afbud til mødet torsdag den 6. marts 2025 kl. 13.00 (29 timer før).`);
  expect(JSON.stringify(note)).toContain('Begrundelse: Lillebror er syg');
  // A second click is the same answer: no second note.
  const noteCount = personalTo(t, p.coordinator).length;
  await clickInChat(p.parent, reminder!.conversationId!, 'meeting.reminder.cancel', { ...cancel.data, reason: 'Lillebror er syg' });
  expect(personalTo(t, p.coordinator)).toHaveLength(noteCount);

  // Thursday: the two-hour reminder at 11:00, not before, to everyone but the parent, once.
  const since = t.connector.sentActivities.length;
  expect((await sweepBoth(THU, '08:00')).sent).toBe(0);
  expect((await sweepBoth(THU, '10:59')).sent).toBe(0);
  expect((await sweepBoth(THU, '11:00')).sent).toBe(3);
  await sweepBoth(THU, '11:30');
  const soon = meetingReminders(since);
  expect(soon.map((c) => c.activity.recipient.id).sort()).toEqual([p.coordinator.id, p.teacher.id, p.coach.id].sort());
  for (const { card } of soon) {
    expectValid(card);
    expect(JSON.stringify(card)).toContain('Påmindelse: møde i dag kl. 13.00');
  }

  // The cancellation is measured with its notice (given at 08:05: 28 hours 55 minutes); nobody's name is in the aggregates.
  const measures = meetingMeasures(await t.app.internals.scheduledMeetings.forCases([d.caseId]), t.app.core.now(), [d.caseId].length);
  expect(measures).toMatchObject({ meetings: 1, invitations: { sent: 4 }, cancellations: { count: 1, medianNoticeHours: 28.9, byFamily: 1, from24to72h: 1 } });
  expect(measures.perMeeting[0]).toMatchObject({ meetingId, cancellations: [{ noticeHours: 28.9, group: 'family', via: 'reminder' }] });
  expect(JSON.stringify(measures)).not.toContain(p.parent.name);
});

test('quiet hours: a meeting at 08:30 gets its two-hour reminder at 08:00, not at 06:30; the digest takes the day-before reminder but never the two-hour one', async () => {
  const p = newPeople('early');
  const d = await meetingCase(t, p, 'early');
  await scheduleMeeting(d, p.coordinator, { date: FRI, time: '08:30', participants: [p.teacher] });
  // The teacher wants one card a day.
  await t.post(personalMessage('påmindelser samle til', { serviceUrl: t.connector.url, from: p.teacher }));
  await t.app.settled();

  await sweepBoth(THU, '08:00');
  const [digest] = reminderCards(t.connector.sentActivities).filter((c) => c.activity.recipient?.id === p.teacher.id);
  expect(digest!.key).toBe(`digest|${p.teacher.id}|${THU}`);
  expectValid(digest!.card);
  expect(JSON.stringify(digest!.card)).toContain('møde snart');
  expect(JSON.stringify(digest!.card)).toContain('fredag den 7. marts 2025 kl. 08.30');

  const since = t.connector.sentActivities.length;
  expect((await sweepBoth(FRI, '06:30')).sent).toBe(0);
  expect((await sweepBoth(FRI, '07:59')).sent).toBe(0);
  await sweepBoth(FRI, '08:00');
  const soon = meetingReminders(since);
  expect(soon.map((c) => c.activity.recipient.id).sort()).toEqual([p.coordinator.id, p.teacher.id].sort());
  // The teacher's two-hour reminder came as a card of its own, not in a digest.
  expect(soon.find((c) => c.activity.recipient.id === p.teacher.id)!.key).toMatch(/\|meeting_soon\|/);
});

test('a move after the day was planned: the old time is never reminded, the new one is', async () => {
  const p = newPeople('moved');
  const d = await meetingCase(t, p, 'moved');
  const { meetingId } = await scheduleMeeting(d, p.coordinator, { date: THU, time: '13:00', participants: [p.parent] });
  await sweepBoth(WED, '07:30'); // planned: tomorrow's day-before reminders are in today's ledger

  clock.at(WED, '07:45');
  await t.app.core.meetings.move({ userId: p.coordinator.id, aadObjectId: p.coordinator.aadObjectId, name: p.coordinator.name }, d.caseId, meetingId, { date: FRI, time: '10:00' });
  await t.app.settled();
  expect((await sweepBoth(WED, '08:00')).sent).toBe(0);

  await sweepBoth(THU, '08:00');
  const thursday = meetingReminders();
  expect(thursday).toHaveLength(2);
  for (const { card } of thursday) expect(JSON.stringify(card)).toContain('fredag den 7. marts 2025 kl. 10.00');
  await sweepBoth(FRI, '08:00');
  expect(meetingReminders().filter((c) => c.key.includes('|meeting_soon|'))).toHaveLength(2);
  expect(meetingReminders()).toHaveLength(4);
});

test('someone removed from the case after the day was planned is not reminded of its meetings', async () => {
  const p = newPeople('removed');
  const d = await meetingCase(t, p, 'removed');
  const { meetingId } = await scheduleMeeting(d, p.coordinator, { date: THU, time: '13:00', participants: [p.parent, p.teacher] });
  await sweepBoth(WED, '07:30');
  clock.at(WED, '07:40');
  await d.say(p.coordinator, 'fjern', { mentions: [p.teacher] });
  const ledger = t.app.database.db.collection('reminders_20250305');
  const subject = `meeting:${meetingId}:${p.teacher.id}`;
  for (let i = 0; i < 100 && !(await ledger.findOne({ t: 'k', subject } as never)); i++) await new Promise((r) => setTimeout(r, 20));
  await sweepBoth(WED, '08:00');
  expect(to(p.teacher)).toHaveLength(0);
  expect(meetingReminders().map((c) => c.activity.recipient.id).sort()).toEqual([p.coordinator.id, p.parent.id].sort());
});
