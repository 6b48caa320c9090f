import { randomUUID } from 'node:crypto';
import { cardAction, groupChatMessage, makeUser } from '../harness/activities';
import { rosterEntry } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * Two Samspil instances on one database, as behind a load balancer: Teams may deliver any
 * activity to either. Whatever one instance does, the other sees at once, because all state
 * lives in MongoDB.
 */

let a: TestApp;
let b: TestApp;
const coordinator = makeUser('Mette Lærer');

beforeAll(async () => {
  a = await startTestApp(__filename);
  b = await startTestApp(__filename, { env: { MONGODB_DB: a.dbName } });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});
beforeEach(() => {
  a.connector.reset();
  b.connector.reset();
});

const sent = () => [...a.connector.sentActivities, ...b.connector.sentActivities].map((s) => s.activity as Record<string, any>);

/** A group chat of the case's one member, as both instances' connectors list it. */
function chat(label: string): string {
  const chatId = `19:${label}-${randomUUID().slice(0, 8)}@thread.v2`;
  for (const instance of [a, b]) instance.connector.setRoster(chatId, [rosterEntry(coordinator)]);
  return chatId;
}

const message = (instance: TestApp, text: string, chatId: string) => groupChatMessage(text, { serviceUrl: instance.connector.url, from: coordinator, chatId });

async function say(instance: TestApp, text: string, channel: string, extra: Record<string, unknown> = {}) {
  const before = instance.connector.sentActivities.length;
  const result = await instance.post({ ...message(instance, text, channel), ...extra });
  expect(result.status).toBe(200);
  await instance.connector.waitFor(() => instance.connector.sentActivities.length > before);
  return instance.connector.sentActivities.at(-1)!.activity as Record<string, any>;
}

test('the two instances are separate servers on the same database', () => {
  expect(a.app.url).not.toBe(b.app.url);
  expect(b.app.database.db.databaseName).toBe(a.app.database.db.databaseName);
});

test('a case created through one instance is served by the other', async () => {
  const channel = chat('skala');
  await say(a, 'ny sag Fælles sag på tværs / AB', channel);
  const card = await say(b, 'sag', channel);
  expect(JSON.stringify(card.attachments[0].content)).toContain('Sag: Fælles sag på tværs');

  // The card's Refresh button may reach either instance too.
  const kase = await a.app.internals.caseRepository.byConversation(channel);
  const refreshed = await b.post(cardAction('case.refresh', { caseId: kase!._id }, { serviceUrl: b.connector.url, from: coordinator, conversationId: channel, conversationType: 'groupChat' }));
  expect((refreshed.body as Record<string, any>).statusCode).toBe(200);
  expect(JSON.stringify(refreshed.body)).toContain('Sag: Fælles sag på tværs');
});

test('a change made through one instance is seen by the other at once (no cache in memory)', async () => {
  const channel = chat('luk');
  await say(a, 'ny sag Lukkes via B / CD', channel);
  const closed = await say(b, 'luk sag', channel);
  expect(closed.text).toBe('Sagen "Lukkes via B" er lukket. Den kan nu kun læses.');
  const again = await say(a, 'luk sag', channel);
  expect(again.text).toBe('Sagen "Lukkes via B" er allerede lukket.');
});

test('the same activity redelivered to both instances is handled once', async () => {
  const channel = chat('dobbelt');
  const activity = message(a, 'ny sag Leveret to gange / EF', channel);
  const [first, second] = await Promise.all([a.post(activity), b.post(activity)]);
  expect([first.status, second.status]).toEqual([200, 200]);
  await a.connector.waitFor(() => sent().length >= 1);
  await new Promise((r) => setTimeout(r, 300));
  expect(sent()).toHaveLength(1);
  expect(await a.app.database.db.collection('cases').countDocuments({ 'conversation.conversationId': channel })).toBe(1);
});

test('two different `new case` commands racing on the two instances leave one case, and the other user is told', async () => {
  const channel = chat('kapløb');
  const [one, two] = await Promise.all([
    a.post(message(a, 'ny sag Først til mølle / GH', channel)),
    b.post(message(b, 'ny sag Også først / IJ', channel)),
  ]);
  expect([one.status, two.status]).toEqual([200, 200]);
  await a.connector.waitFor(() => sent().length >= 2);
  expect(await a.app.database.db.collection('cases').countDocuments({ 'conversation.conversationId': channel })).toBe(1);
  const winner = (await b.app.internals.caseRepository.byConversation(channel))!;
  const texts = sent().map((s) => s.text as string);
  expect(texts).toContain(`Sagen "${winner.title}" er oprettet. Du er tovholder.`);
  expect(texts).toContain(`Der findes allerede en sag i denne samtale: "${winner.title}". Skriv "sag" for at se den.`);
});
