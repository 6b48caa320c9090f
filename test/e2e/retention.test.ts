import { makeUser, groupChatMessage } from '../harness/activities';
import { rosterEntry } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

/** Bookkeeping that only grows is swept; what is still in use is kept, and so is all case data. */

let t: TestApp;
let now = new Date('2026-03-02T09:00:00Z');
beforeAll(async () => {
  t = await startTestApp(__filename, { now: () => now });
});
afterAll(async () => {
  await t.stop();
});

test('handled activity IDs after a week, unused forms after a month and stale rosters after three months are removed; cases and their history stay', async () => {
  const coordinator = makeUser('Karen Koordinator');
  const chat = `19:retention-${Date.now()}@thread.v2`;
  t.connector.setRoster(chat, [rosterEntry(coordinator)]);
  const say = (text: string) => t.post(groupChatMessage(text, { serviceUrl: t.connector.url, from: coordinator, chatId: chat }));
  await say('ny sag Gammel sag / GS');
  await say('observation');
  const db = t.app.database.db;
  const count = async () => ({
    inbox: await db.collection('inbox').countDocuments({}),
    forms: await db.collection('forms').countDocuments({}),
    rooms: await db.collection('rooms').countDocuments({}),
    cases: await db.collection('cases').countDocuments({}),
    events: await db.collection('events').countDocuments({}),
  });
  // The inbox keeps its own wall-clock time; age it as if the messages came eight days ago.
  await db.collection('inbox').updateMany({}, { $set: { receivedAt: new Date('2026-02-22T09:00:00Z') } });
  await db.collection('inbox').insertOne({ _id: 'fresh|1', receivedAt: now } as never);
  const before = await count();
  expect(before).toMatchObject({ inbox: 3, forms: 1, rooms: 1, cases: 1 });

  // Three days on: only the week-old inbox entries go.
  now = new Date('2026-03-05T09:00:00Z');
  expect(await t.app.core.maintenance.retention.sweep()).toEqual({ inbox: 2, forms: 0, rooms: 0 });
  // Forty days on: the unused form goes too; ninety-five days on, the roster.
  now = new Date('2026-04-11T09:00:00Z');
  expect(await t.app.core.maintenance.retention.sweep()).toMatchObject({ forms: 1, rooms: 0 });
  now = new Date('2026-06-05T09:00:00Z');
  expect(await t.app.core.maintenance.retention.sweep()).toMatchObject({ rooms: 1 });
  const after = await count();
  expect(after).toMatchObject({ forms: 0, rooms: 0, cases: before.cases, events: before.events });

  // The chat still works: its roster is read again, and the expired form is refused as unknown.
  expect((await say('sag')).status).toBe(200);
  expect(await db.collection('rooms').countDocuments({})).toBe(1);
});
