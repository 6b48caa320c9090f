import { cardAction, groupChatMessage, makeUser } from '../harness/activities';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
import type { ConnectorCall } from '../harness/fakeConnector';
import { rosterEntry } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * A request that changed something is never answered "nothing was changed" (#13): when Teams does
 * not take the post that follows a saved change, the user is told it is saved, the post is sent
 * when Teams answers again, a refused card update is drawn again, and a redelivery of the same
 * activity gets the original outcome.
 */

let t: TestApp;
const now = new Date('2026-03-02T09:00:00Z');
beforeAll(async () => {
  t = await startTestApp(__filename, { now: () => now });
});
afterAll(async () => {
  await t.stop();
});

const coordinator = makeUser('Karen Koordinator');
const teacher = makeUser('Lærer Lis');
const parent = makeUser('Forælder Frida');
const later = () => new Date(Date.now() + 60 * 60_000);
/** Teams refuses every card posted into the chat (plain text still gets through). */
const cardsTo = (chat: string) => (call: ConnectorCall) => call.method === 'POST' && call.conversationId === chat && Array.isArray(call.body.attachments);
const sentTo = (chat: string) => t.connector.sentActivities.filter((c) => c.conversationId === chat).map((c) => c.activity as Record<string, any>);
const ROLE_TEACHER = 'Lærer';
const pendingPosts = () => t.app.database.db.collection('pendingPosts').countDocuments({});

test('new case while Teams refuses its card: saved, the user is told so, and the card arrives when Teams answers again', async () => {
  const chat = `19:honest-new-${Date.now()}@thread.v2`;
  t.connector.setRoster(chat, [rosterEntry(coordinator)]);
  // Every try of the card is refused; the note after it gets through.
  t.connector.failNext({ status: 502, times: 1000, match: cardsTo(chat) });
  const activity = groupChatMessage('ny sag Trivsel for Emil / EH', { serviceUrl: t.connector.url, from: coordinator, chatId: chat });
  expect((await t.post(activity)).status).toBe(200);

  expect(await t.app.internals.caseRepository.byConversation(chat)).toMatchObject({ title: 'Trivsel for Emil' });
  expect(textOf(sentTo(chat))).toBe('Det er gemt. Teams tog ikke imod kortet lige nu – det kommer af sig selv, så snart Teams svarer igen.');
  expect(textOf(sentTo(chat))).not.toContain('intet er ændret');
  expect(await pendingPosts()).toBe(1);

  // Teams answers again: the catch-up posts the case card, drawn for the room as it is now.
  t.connector.clearFailures();
  expect(await t.app.resendPending(later())).toEqual({ posted: 1, redrawn: 0 });
  const card = cardsOf(sentTo(chat)).find((c) => JSON.stringify(c).includes('Trivsel for Emil'));
  expect(card).toBeDefined();
  expect(await pendingPosts()).toBe(0);

  // Teams redelivers the same activity: the answer is what was done, never "already has a case".
  const before = sentTo(chat).length;
  expect((await t.post(activity)).status).toBe(200);
  const repeat = sentTo(chat).slice(before);
  expect(textOf(repeat)).toBe('Sagen "Trivsel for Emil" er oprettet. Du er tovholder.');
  expect(await t.app.database.db.collection('cases').countDocuments({ 'conversation.conversationId': chat })).toBe(1);
});

test('a redelivered "add person" says who was added, and adds nobody twice', async () => {
  const d = await new CaseDriver(t, coordinator, 'honest-add').create('Sag honest / HA');
  await d.say(coordinator, 'tilføj som forælder', { mentions: [parent] });
  const activity = groupChatMessage(`tilføj <at>${teacher.name}</at> som lærer`, { serviceUrl: t.connector.url, from: coordinator, chatId: d.channel });
  (activity.entities as unknown[]).push({ type: 'mention', text: `<at>${teacher.name}</at>`, mentioned: { id: teacher.id, name: teacher.name } });
  t.connector.setRoster(d.channel, [coordinator, parent].map((u) => rosterEntry(u)));
  await t.post(activity);
  await t.app.settled();
  const before = sentTo(d.channel).length;
  await t.post(activity);
  await t.app.settled();
  expect(textOf(sentTo(d.channel).slice(before))).toBe(`${teacher.name} er foreslået som ${ROLE_TEACHER} og venter på samtykke fra familien. Indtil da ser ${teacher.name} intet i sagen.`);
  const kase = await d.kase();
  expect(kase.members.filter((m) => m.userId === teacher.id)).toHaveLength(1);
});

test('an observation whose room card Teams refuses is saved, the submitter sees it saved, and the card follows', async () => {
  const d = await new CaseDriver(t, coordinator, 'honest-obs').create('Sag obs / OB');
  await d.say(coordinator, 'tilføj som lærer hjemmel Folkeskoleloven', { mentions: [teacher] });
  const form = await d.openForm(teacher, 'observation');
  t.connector.failNext({ status: 500, times: 1000, match: cardsTo(d.channel) });
  const result = await d.click(teacher, 'observation.submit', { ...form.actions[0].data, area: 'child_school', level: 'yellow', text: 'Sidder alene i frikvarteret' });
  expect(result.statusCode).toBe(200);
  expect(JSON.stringify(result.card)).toContain('Sidder alene i frikvarteret');
  expect(await t.app.database.db.collection('observations').countDocuments({ caseId: d.caseId })).toBe(1);
  expect(await pendingPosts()).toBe(1);

  t.connector.clearFailures();
  await t.app.resendPending(later());
  expect(cardsOf(sentTo(d.channel)).some((c) => JSON.stringify(c).includes('Sidder alene i frikvarteret'))).toBe(true);
  expect(await pendingPosts()).toBe(0);
});

test('an accepted agreement whose card update Teams refuses is drawn again until Teams takes it', async () => {
  const d = await new CaseDriver(t, coordinator, 'honest-card').create('Sag kort / KO');
  await d.say(coordinator, 'tilføj som forælder', { mentions: [parent] });
  const form = await d.openForm(coordinator, 'aftale');
  const proposed = await d.click(coordinator, 'agreement.submit', { ...form.actions[0].data, what: 'Lektiehjælp', ownerId: coordinator.id, dueDate: '2026-03-20', followUpDate: '2026-03-30' });
  const agreementId = proposed.card.refresh.action.data.agreementId as string;

  t.connector.failNext({ status: 503, times: 1000, match: (call) => call.method === 'PUT' && call.conversationId === d.channel });
  const accepted = await d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId });
  expect(accepted.statusCode).toBe(200);
  expect(await t.app.database.db.collection('postedCards').countDocuments({ caseId: d.caseId, 'spec.agreementId': agreementId, stale: 'pending' })).toBe(1);

  t.connector.clearFailures();
  const updatesBefore = t.connector.updatedActivities.length;
  expect(await t.app.resendPending(later())).toMatchObject({ redrawn: 1 });
  const update = t.connector.updatedActivities.slice(updatesBefore).find((c) => c.conversationId === d.channel);
  expect(JSON.stringify(update?.body)).toContain('accepteret');
  expect(await t.app.database.db.collection('postedCards').countDocuments({ caseId: d.caseId, stale: 'pending' })).toBe(0);
});

test('twenty different people added at the same moment: all twenty are in the case, nobody is told "busy"', async () => {
  const d = await new CaseDriver(t, coordinator, 'honest-twenty').create('Sag tyve / TY');
  const people = Array.from({ length: 20 }, (_, i) => makeUser(`Lærer ${i + 1}`));
  t.connector.setRoster(d.channel, [coordinator, ...people].map((u) => rosterEntry(u)));
  const before = sentTo(d.channel).length;
  const results = await Promise.all(
    people.map((person) => {
      const activity = groupChatMessage(`tilføj <at>${person.name}</at> som lærer hjemmel Folkeskoleloven`, { serviceUrl: t.connector.url, from: coordinator, chatId: d.channel });
      (activity.entities as unknown[]).push({ type: 'mention', text: `<at>${person.name}</at>`, mentioned: { id: person.id, name: person.name } });
      return t.post(activity);
    }),
  );
  await t.app.settled();
  expect(results.map((r) => r.status)).toEqual(people.map(() => 200));
  const kase = await d.kase();
  expect(kase.members.filter((m) => m.role === 'teacher' && m.status === 'active')).toHaveLength(20);
  expect(textOf(sentTo(d.channel).slice(before))).not.toContain('samtidig');
});

test('a card action that is not one of ours gets 400 with a localized message', async () => {
  const chat = `19:honest-invoke-${Date.now()}@thread.v2`;
  const result = await t.post(cardAction('nonsense.verb', {}, { serviceUrl: t.connector.url, from: coordinator, conversationId: chat, conversationType: 'groupChat' }));
  expect(result.body).toMatchObject({ statusCode: 400, value: { message: 'Handlingen kunne ikke udføres: kortets data er ugyldige. Intet er ændret.' } });
});
