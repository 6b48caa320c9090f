import { WorkerKilled } from '../../bot/reminders/worker';
import { makeUser, personalChatIdOf } from '../harness/activities';
import { personalChatId, reminderCards, seedAgreement, seedCase, TestClock, type SeededCase } from '../harness/reminderSeed';
import { startTestApp, type TestApp } from '../harness/testApp';

const WED = '2025-03-05';
const THU = '2025-03-06';

let t: TestApp;
let clock: TestClock;
let seeded: SeededCase;

beforeEach(async () => {
  clock = new TestClock(new Date('2025-03-03T05:00:00Z'));
  t = await startTestApp(__filename, { now: clock.now, env: { REMINDER_SWEEP_SECONDS: '0', REMINDER_RATE_PER_SECOND: '0', REMINDER_BATCH_SIZE: '10', REMINDER_MAX_ATTEMPTS: '4' } });
  seeded = await seedCase(t.app.database.db, t.connector.url, clock.now());
});
afterEach(async () => {
  await t.stop();
});

const db = () => t.app.database.db;
const keysSent = () => reminderCards(t.connector.sentActivities).map((c) => c.key);

/** `n` overdue agreements, each owned by its own new member with a personal chat. */
async function overdueAgreements(n: number): Promise<void> {
  const owners = Array.from({ length: n }, (_, i) => makeUser(`Ejer ${i}`));
  await db().collection('cases').updateOne({ _id: seeded.kase._id as never }, {
    $push: { members: { $each: owners.map((u) => ({ userId: u.id, aadObjectId: u.aadObjectId, name: u.name, role: 'teacher', status: 'active', addedBy: 'seed', addedAt: clock.now(), consent: { state: 'not_needed' } })) } as never },
  });
  await db().collection('conversations').insertMany(
    owners.map((u) => ({ _id: personalChatId(u), kind: 'personal', tenantId: 'tenant-kommune-0001', userId: u.id, serviceUrl: t.connector.url, reference: { channelId: 'msteams', serviceUrl: t.connector.url, conversation: { id: personalChatId(u), conversationType: 'personal' }, bot: { id: '28:samspil-bot' } }, updatedAt: clock.now() })) as never[],
  );
  for (const owner of owners) await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-04-01', createdAt: clock.now(), owner });
}

function expectEachOnce(expected: number) {
  const keys = keysSent();
  expect(new Set(keys).size).toBe(expected);
  expect(keys).toHaveLength(expected);
}

test('two sender workers against one database deliver every occurrence exactly once', async () => {
  await overdueAgreements(40);
  clock.at(THU, '08:00');
  const second = t.app.reminders.newWorker({ workerId: 'second' });
  const [a, b] = await Promise.all([t.app.reminders.worker.tick(), second.tick()]);
  expect(a.sent + b.sent).toBe(40);
  expect(a.sent).toBeGreaterThan(0);
  expect(b.sent).toBeGreaterThan(0);
  await Promise.all([t.app.reminders.worker.tick(), second.tick()]);
  expectEachOnce(40);
});

test('429 with Retry-After and 500 for a while: the reminders arrive late, once each, and botbuilder does not retry on its own', async () => {
  await overdueAgreements(6);
  t.connector.failNext({ status: 429, retryAfterSeconds: 600, times: 3 });
  t.connector.failNext({ status: 500, times: 3 });
  clock.at(THU, '08:00');
  const first = await t.app.reminders.worker.tick();
  // One HTTP request per attempt: six failures took six sends, not 6 × 4.
  expect(first).toMatchObject({ sent: 0, failed: 6 });
  expect(keysSent()).toHaveLength(0);

  clock.at(THU, '08:05');
  await t.app.reminders.worker.tick();
  // The 500s retry after a minute or two; the 429s not before their Retry-After of 10 minutes.
  expect(keysSent()).toHaveLength(3);
  clock.at(THU, '08:11');
  await t.app.reminders.worker.tick();
  expectEachOnce(6);
  const health = (await (await fetch(`${t.app.url}/healthz/reminders`)).json()) as Record<string, number>;
  expect(health).toMatchObject({ sent: 6, failedAttempts: 6, gaveUp: 0, given_up_total: 0 });
});

test('a reminder that keeps failing is given up after the last attempt, logged in health, and reported to the coordinator', async () => {
  const owner = personalChatId(seeded.owner);
  await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-04-01', createdAt: clock.now() });
  t.connector.failNext({ status: 503, times: 100, match: (call) => call.conversationId === owner });
  for (const time of ['08:00', '09:00', '10:00', '11:00', '12:00']) {
    clock.at(THU, time);
    await t.app.reminders.worker.tick();
  }
  expect(keysSent()).toHaveLength(0);
  const health = (await (await fetch(`${t.app.url}/healthz/reminders`)).json()) as Record<string, number>;
  expect(health).toMatchObject({ gaveUp: 1, given_up_total: 1, failedAttempts: 3 });

  t.connector.reset();
  clock.at('2025-03-07', '08:00');
  await t.app.reminders.worker.tick();
  const toCoordinator = reminderCards(t.connector.sentActivities).filter((c) => c.conversationId === personalChatId(seeded.coordinator));
  expect(toCoordinator).toHaveLength(1);
  expect(toCoordinator[0]!.text).toContain('En påmindelse kunne ikke leveres');
  expect(toCoordinator[0]!.text).toContain(seeded.owner.name);
});

test('a worker killed in the middle of a batch: another finishes it after the lease, and nothing is sent twice', async () => {
  await overdueAgreements(12);
  clock.at(THU, '08:00');
  const doomed = t.app.reminders.newWorker({ workerId: 'doomed', concurrency: 1 });
  let sends = 0;
  doomed.beforeSend = () => {
    if (++sends > 5) {
      doomed.kill();
      throw new WorkerKilled();
    }
  };
  await doomed.tick();
  expect(keysSent()).toHaveLength(5);

  const survivor = t.app.reminders.newWorker({ workerId: 'survivor' });
  // The dead worker had claimed its batch and, while sending it, the next one: those claims
  // still hold, so nothing happens yet.
  expect((await survivor.tick()).sent).toBe(0);
  expect(keysSent()).toHaveLength(5);
  clock.at(THU, '08:03');
  expect((await survivor.tick()).sent).toBe(7);
  expectEachOnce(12);
});

test('a claimed reminder whose lease is nearly spent before its turn is given back unsent, then sent once by the next sweep', async () => {
  await overdueAgreements(3);
  clock.at(THU, '08:00');
  // Batches of one, claimed one ahead: the first send takes 50 of the 60 lease seconds, so the
  // second claim (taken at 08:00:00) is nearly spent when its turn comes.
  const slow = t.app.reminders.newWorker({ workerId: 'slow', leaseMs: 60_000, batchSize: 1, concurrency: 1 });
  let first = true;
  slow.beforeSend = () => {
    if (first) clock.advance(50_000);
    first = false;
  };
  const report = await slow.tick();
  expect(report).toMatchObject({ claimed: 3, sent: 2, failed: 0 });
  expect(keysSent()).toHaveLength(2);

  // Given back, not expired: the next sweep sends it at once, as a normal attempt, not a resend.
  expect((await slow.tick()).sent).toBe(1);
  expectEachOnce(3);
  expect(slow.stats).toMatchObject({ sent: 3, failedAttempts: 0, resentAfterCrash: 0 });
});

test('a personal chat that moved after the day was planned: the refused reminder follows the person to the current chat', async () => {
  const owner = seeded.owner;
  await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-04-01', createdAt: clock.now() });
  clock.at(THU, '07:00');
  expect(await t.app.reminders.worker.tick()).toMatchObject({ planned: 'planned', sendingTime: false, sent: 0 });

  // The plan holds the chat as it was; then the person's chat is replaced, and the old one is gone.
  const old = personalChatId(owner);
  const moved = `a:moved-${owner.id}`;
  const record = await db().collection('conversations').findOne({ _id: old as never });
  await db().collection('conversations').deleteOne({ _id: old as never });
  await db().collection('conversations').insertOne({ ...record, _id: moved as never, reference: { ...(record!.reference as object), conversation: { id: moved, conversationType: 'personal' } }, updatedAt: clock.now() });
  let refused = 0;
  t.connector.failNext({ status: 404, times: 100, match: (call) => call.conversationId === old && ++refused > 0 });

  clock.at(THU, '08:00');
  expect(await t.app.reminders.worker.tick()).toMatchObject({ sent: 1, failed: 0, gaveUp: 0 });
  const cards = reminderCards(t.connector.sentActivities);
  expect(cards.map((c) => c.conversationId)).toEqual([moved]);
  // It went to the planned chat first (the sweep read no chats), and only then to the current one.
  expect(refused).toBe(1);
});

test('someone without a personal chat when the day was planned, who writes to the bot before the send, gets the card in that chat', async () => {
  const owner = seeded.owner;
  const chat = await db().collection('conversations').findOne({ _id: personalChatId(owner) as never });
  await db().collection('conversations').deleteOne({ _id: personalChatId(owner) as never });
  await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-04-01', createdAt: clock.now() });
  clock.at(THU, '07:00');
  expect(await t.app.reminders.worker.tick()).toMatchObject({ planned: 'planned', sendingTime: false, sent: 0 });
  const entry = await db().collection('reminders_20250306').findOne({ t: 'e', recipientId: owner.id });
  expect(entry!.to).toBeUndefined();

  // The person opens a chat with the bot after planning: the sweep reads it for the entries planned without one.
  await db().collection('conversations').insertOne({ ...chat!, updatedAt: clock.now() });
  clock.at(THU, '08:00');
  expect(await t.app.reminders.worker.tick()).toMatchObject({ sent: 1, failed: 0, gaveUp: 0 });
  expect(reminderCards(t.connector.sentActivities).map((c) => c.conversationId)).toEqual([personalChatId(owner)]);
  expect(t.connector.createdConversations).toHaveLength(0);
});

test('without a personal chat the bot creates one; when that is refused it @mentions the person in the case channel', async () => {
  await db().collection('conversations').deleteMany({ kind: 'personal' });
  await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-04-01', createdAt: clock.now() });
  await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-04-01', createdAt: clock.now(), owner: seeded.guardian });
  t.connector.failNext({ status: 403, times: 1, match: (call) => call.path === '/v3/conversations' && JSON.stringify(call.body).includes(seeded.guardian.id) });
  clock.at(THU, '08:00');
  await t.app.reminders.worker.tick();
  expect(t.connector.createdConversations.length).toBeGreaterThanOrEqual(1);
  const cards = reminderCards(t.connector.sentActivities);
  expect(cards.map((c) => c.conversationId)).toEqual([personalChatIdOf(seeded.owner)]);
  // The case's channel is read by others: the guardian is @mentioned, and nothing of the reminder is shown there.
  const inChannel = t.connector.sentActivities.find((c) => c.conversationId === seeded.channel)!;
  expect(inChannel.activity.text).toContain(`<at>${seeded.guardian.name}</at>`);
  expect(inChannel.activity.text).toContain('Start en chat med Samspil');
  expect((inChannel.activity.entities as any[])[0].mentioned.id).toBe(seeded.guardian.id);
  expect(inChannel.activity.attachments ?? []).toHaveLength(0);
  const agreements = await db().collection('agreements').find({ caseId: seeded.kase._id }).toArray();
  for (const agreement of agreements) expect(JSON.stringify(inChannel.activity)).not.toContain(agreement.what);
  expect(JSON.stringify(inChannel.activity)).not.toContain(seeded.kase.title);

  // The created chat is remembered: the next day goes straight there.
  t.connector.reset();
  clock.at('2025-03-07', '08:00');
  await t.app.reminders.worker.tick();
  expect(t.connector.createdConversations.filter((c) => !JSON.stringify(c.body).includes(seeded.guardian.id))).toHaveLength(0);
});
