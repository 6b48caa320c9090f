import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { channelId, channelMessage, cardAction, groupChatMessage, installInTeam, makeUser, personalMessage, TEAM } from '../harness/activities';
import { rosterEntry } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

let t: TestApp;
const coordinator = makeUser('Mette Lærer');
const stranger = makeUser('Ukendt Person');

beforeAll(async () => {
  t = await startTestApp(__filename);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => t.connector.reset());

const serviceUrl = () => t.connector.url;
const cardOf = (activity: Record<string, any>) => activity.attachments?.[0]?.content as Record<string, any>;
const cardText = (card: unknown) => JSON.stringify(card);

const roomOf = (id: string) => id.split(';messageid=')[0];

/** Sends an activity and returns the bot's first answer in the same conversation. */
async function say(activity: Record<string, any>) {
  const before = t.connector.sentActivities.length;
  const result = await t.post(activity);
  expect(result.status).toBe(200);
  const here = roomOf(activity.conversation.id);
  await t.connector.waitFor(() => t.connector.sentActivities.slice(before).find((c) => roomOf(c.conversationId ?? '') === here));
  return t.connector.sentActivities.slice(before).find((c) => roomOf(c.conversationId ?? '') === here)!.activity as Record<string, any>;
}

/** A group chat whose only reader is the coordinator: what the bot posts may show the case. */
function coordinatorsChat(label: string): string {
  const chatId = `19:${label}-${Date.now()}@thread.v2`;
  t.connector.setRoster(chatId, [rosterEntry(coordinator)]);
  return chatId;
}

describe('server basics', () => {
  test('healthz reports that the database answers', async () => {
    const response = await fetch(`${t.app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'up' });
  });

  test('/tab serves a Danish placeholder page by default and English on request', async () => {
    const da = await (await fetch(`${t.app.url}/tab`)).text();
    expect(da).toContain('lang="da"');
    expect(da).toContain('Samspil – sagsoverblik');
    const en = await (await fetch(`${t.app.url}/tab?locale=en-US`)).text();
    expect(en).toContain('Samspil – case overview');
  });
});

describe('help', () => {
  test('answers in a personal chat with a valid Adaptive Card 1.5 listing the commands, in Danish by default', async () => {
    const reply = await say(personalMessage('hjælp', { serviceUrl: serviceUrl(), from: coordinator }));
    const card = cardOf(reply);
    expect(reply.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(cardText(card)).toContain('ny sag «titel»');
    expect(cardText(card)).toContain('Samspil – kommandoer');
  });

  test('answers in English when the client locale is English', async () => {
    const reply = await say(personalMessage('help', { serviceUrl: serviceUrl(), from: coordinator, locale: 'en-US' }));
    expect(cardText(cardOf(reply))).toContain('new case «title»');
    expect(cardText(cardOf(reply))).toContain('Samspil – commands');
  });

  test('strips the @mention in a channel and replies into the thread', async () => {
    const channel = channelId('help');
    const activity = channelMessage('help', { serviceUrl: serviceUrl(), from: coordinator, channel, threadRoot: '1700000000001' });
    const reply = await say(activity);
    expect(cardOf(reply)).toBeDefined();
    const call = t.connector.sentActivities.at(-1)!;
    expect(call.conversationId).toBe(`${channel};messageid=1700000000001`);
    expect(call.replyToId).toBe(activity.id);
  });

  test('an unknown command gets a short hint in the user language', async () => {
    const reply = await say(personalMessage('lav kaffe', { serviceUrl: serviceUrl(), from: coordinator }));
    expect(reply.text).toBe('Den kommando kender jeg ikke: "lav kaffe". Skriv "hjælp" for at se, hvad jeg kan.');
    const en = await say(personalMessage('make coffee', { serviceUrl: serviceUrl(), from: coordinator, locale: 'en-GB' }));
    expect(en.text).toContain('I do not know the command "make coffee"');
  });
});

describe('cases', () => {
  test('new case in a group chat of its members creates a case with the sender as coordinator and posts its card', async () => {
    const chatId = coordinatorsChat('newcase');
    const reply = await say(groupChatMessage('ny sag Trivsel i 4.b / AB', { serviceUrl: serviceUrl(), from: coordinator, chatId }));
    expect(reply.text).toBe('Sagen "Trivsel i 4.b" er oprettet. Du er tovholder.');
    const card = cardOf(reply);
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Sag: Trivsel i 4.b');
    expect(cardText(card)).toContain('"value":"AB"');
    expect(cardText(card)).toContain(coordinator.name);
    expect((await t.app.internals.caseRepository.byConversation(chatId))!.conversation).toMatchObject({ conversationId: chatId, kind: 'groupChat' });
  });

  test('new case in a standard channel: the whole team reads it, so it gets a neutral card, and the coordinator is told privately why', async () => {
    const channel = channelId('newcase');
    const reply = await say(channelMessage('ny sag Trivsel i 4.b / AB', { serviceUrl: serviceUrl(), from: coordinator, channel }));
    expect(reply.text).toBe('Sagen er oprettet, og du er tovholder. Kun sagens aktive medlemmer kan se dens indhold her.');
    const card = cardOf(reply);
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).not.toContain('Trivsel i 4.b');
    expect(cardText(card)).not.toContain('"AB"');
    expect(cardText(card)).not.toContain(coordinator.name);
    expect(card.refresh.userIds).toEqual([coordinator.id]);
    const warning = t.connector.sentActivities.find((c) => c.conversationId !== roomOf(channel) && String(c.activity.text).includes('standardkanal'));
    expect(warning?.activity.text).toContain('Bemærk om sagen "Trivsel i 4.b"');
    expect(warning?.activity.text).toContain('Overvej en privat sagskanal');

    const stored = await t.app.internals.caseRepository.byConversation(channel);
    expect(stored).toMatchObject({ title: 'Trivsel i 4.b', childRef: 'AB', status: 'open', coordinatorId: coordinator.id, version: 1 });
    expect(stored!.conversation).toMatchObject({ conversationId: channel, teamId: TEAM.id, kind: 'channel' });
    const events = await t.app.internals.events.forCase(stored!._id);
    expect(events.map((e) => e.type)).toEqual(['case.created']);
    expect(events[0]).toMatchObject({ actorId: coordinator.id, actorName: coordinator.name });
  });

  test('case in any thread of a channel gives its member their own view through the card, and records the read', async () => {
    const channel = channelId('show');
    await say(channelMessage('new case Støtte til OL / K.J.', { serviceUrl: serviceUrl(), from: coordinator, channel, locale: 'en-US' }));
    const reply = await say(channelMessage('case', { serviceUrl: serviceUrl(), from: coordinator, channel, threadRoot: '999', locale: 'en-US' }));
    expect(cardText(cardOf(reply))).not.toContain('Støtte til OL');
    const kase = await t.app.internals.caseRepository.byConversation(channel);
    const own = await t.post(cardAction('case.refresh', { caseId: kase!._id }, { serviceUrl: serviceUrl(), from: coordinator, conversationId: `${channel};messageid=999`, locale: 'en-US' }));
    expect(cardText((own.body as Record<string, any>).value)).toContain('Case: Støtte til OL');
    // The history holds the change; both reads are in the access log, apart from it.
    expect((await t.app.internals.events.forCase(kase!._id)).map((e) => e.type)).toEqual(['case.created']);
    expect((await t.app.internals.accessLog.all(kase!._id)).map((e) => [e.action, e.part, e.actorId])).toEqual([
      ['read', 'case', coordinator.id],
      ['read', 'case', coordinator.id],
    ]);
  });

  test('a non-member asking for the case is refused, sees nothing of it, and the refusal is audited', async () => {
    const channel = channelId('stranger');
    await say(channelMessage('ny sag Hemmelig / XY', { serviceUrl: serviceUrl(), from: coordinator, channel }));
    const reply = await say(channelMessage('sag', { serviceUrl: serviceUrl(), from: stranger, channel }));
    expect(reply.text).toBe('Du er ikke medlem af denne sag og kan ikke se den.');
    expect(reply.attachments ?? []).toHaveLength(0);
    const kase = await t.app.internals.caseRepository.byConversation(channel);
    const access = await t.app.internals.accessLog.all(kase!._id);
    expect(access.at(-1)).toMatchObject({ action: 'refused', part: 'case.read', reason: 'not_member', actorId: stranger.id });
  });

  test('case where there is none tells how to create one', async () => {
    const reply = await say(channelMessage('sag', { serviceUrl: serviceUrl(), from: coordinator, channel: channelId('empty') }));
    expect(reply.text).toBe('Der er ingen sag i denne samtale endnu. Opret en med "ny sag «titel»".');
  });

  test('a group chat can hold a case; a personal chat cannot', async () => {
    const chatId = coordinatorsChat('groupchat');
    const reply = await say(groupChatMessage('ny sag Familien i gruppechat', { serviceUrl: serviceUrl(), from: coordinator, chatId }));
    expect(reply.text).toContain('er oprettet');
    expect((await t.app.internals.caseRepository.byConversation(chatId))?.conversation.kind).toBe('groupChat');

    const personal = await say(personalMessage('ny sag Privat', { serviceUrl: serviceUrl(), from: coordinator }));
    expect(personal.text).toContain('En sag hører til en kanal eller en gruppechat');
  });

  test('a second new case in the same channel is refused and keeps the first', async () => {
    const channel = channelId('twice');
    await say(channelMessage('ny sag Første', { serviceUrl: serviceUrl(), from: coordinator, channel }));
    const reply = await say(channelMessage('ny sag Anden', { serviceUrl: serviceUrl(), from: coordinator, channel }));
    expect(reply.text).toBe('Der findes allerede en sag i denne samtale: "Første". Skriv "sag" for at se den.');
    expect((await t.app.internals.caseRepository.byConversation(channel))?.title).toBe('Første');
  });

  test('new case without a title explains the syntax', async () => {
    const reply = await say(channelMessage('ny sag', { serviceUrl: serviceUrl(), from: coordinator, channel: channelId('notitle') }));
    expect(reply.text).toContain('Skriv en titel efter "ny sag"');
  });

  test.each([
    ['in the title', 'ny sag Barn 010203-1234 trives ikke'],
    ['in the child reference', 'ny sag Trivsel / 0102031234'],
    ['with a space', 'ny sag Trivsel / 311299 1234'],
  ])('text that looks like a CPR number %s is refused and nothing is stored', async (_label, text) => {
    const channel = channelId('cpr');
    const db = t.app.database.db;
    const before = { cases: await db.collection('cases').countDocuments(), events: await db.collection('events').countDocuments() };
    const reply = await say(channelMessage(text, { serviceUrl: serviceUrl(), from: coordinator, channel }));
    expect(reply.text).toContain('Teksten ligner et CPR-nummer');
    expect(await t.app.internals.caseRepository.byConversation(channel)).toBeNull();
    expect({ cases: await db.collection('cases').countDocuments(), events: await db.collection('events').countDocuments() }).toEqual(before);
  });

  test('an oversized title is refused with its limit and nothing is stored', async () => {
    const channel = channelId('long');
    const reply = await say(channelMessage(`ny sag ${'x'.repeat(500)}`, { serviceUrl: serviceUrl(), from: coordinator, channel }));
    expect(reply.text).toBe('Titlen må højst være 120 tegn. Intet er gemt.');
    expect(await t.app.internals.caseRepository.byConversation(channel)).toBeNull();
  });

  test('the same activity delivered twice creates one case and one reply', async () => {
    const channel = channelId('dup');
    const activity = channelMessage('ny sag Dobbelt', { serviceUrl: serviceUrl(), from: coordinator, channel });
    const [a, b] = await Promise.all([t.post(activity), t.post(activity)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await t.connector.waitFor(() => t.connector.sentActivities.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.connector.sentActivities.filter((c) => roomOf(c.conversationId ?? '') === channel)).toHaveLength(1);
    expect(await t.app.database.db.collection('cases').countDocuments({ 'conversation.conversationId': channel })).toBe(1);
  });

  test('a case survives a restart of the server', async () => {
    const chatId = coordinatorsChat('restart');
    await say(groupChatMessage('ny sag Overlever genstart / RS', { serviceUrl: serviceUrl(), from: coordinator, chatId }));
    await t.restart();
    const reply = await say(groupChatMessage('sag', { serviceUrl: serviceUrl(), from: coordinator, chatId }));
    expect(cardText(cardOf(reply))).toContain('Sag: Overlever genstart');
  });

  test('the Refresh button (adaptiveCard/action invoke) returns the current case card', async () => {
    const channel = channelId('invoke');
    await say(channelMessage('ny sag Opdater mig', { serviceUrl: serviceUrl(), from: coordinator, channel }));
    const kase = await t.app.internals.caseRepository.byConversation(channel);
    const result = await t.post(cardAction('case.refresh', { caseId: kase!._id }, { serviceUrl: serviceUrl(), from: coordinator, conversationId: `${channel};messageid=1` }));
    expect(result.status).toBe(200);
    const body = result.body as Record<string, any>;
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardProblems(body.value)).toEqual([]);
    expect(cardText(body.value)).toContain('Sag: Opdater mig');

    const refused = await t.post(cardAction('case.refresh', { caseId: kase!._id }, { serviceUrl: serviceUrl(), from: stranger, conversationId: channel }));
    expect((refused.body as Record<string, any>).statusCode).toBe(403);
    expect(cardText(refused.body)).not.toContain('Opdater mig');
  });
});

describe('conversation references', () => {
  test('install stores the team name and aadGroupId; later messages keep them', async () => {
    const channel = channelId('install');
    await t.post(installInTeam({ serviceUrl: serviceUrl(), from: coordinator, channel }));
    await say(channelMessage('hjælp', { serviceUrl: serviceUrl(), from: coordinator, channel }));
    const record = await t.app.core.conversations.get(channel);
    expect(record).toMatchObject({ kind: 'channel', teamId: TEAM.id, teamName: TEAM.name, aadGroupId: TEAM.aadGroupId, serviceUrl: serviceUrl() });
    expect((record!.reference as Record<string, any>).conversation.id).toBe(channel);
  });

  test('a personal chat is remembered per user, for reminders later', async () => {
    const user = makeUser('Sofie Sundhedsplejerske');
    await say(personalMessage('hjælp', { serviceUrl: serviceUrl(), from: user }));
    const record = await t.app.core.conversations.personalChatOf(user.id);
    expect(record).toMatchObject({ kind: 'personal', userId: user.id, aadObjectId: user.aadObjectId });
  });
});

describe('malformed input', () => {
  test.each([
    ['invalid JSON', '{"type": "message", '],
    ['an array', '[1,2,3]'],
    ['an object that is no activity', '{"hello":"world"}'],
    ['a type of the wrong type', JSON.stringify({ type: 42, channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', from: { id: 'x' }, conversation: { id: 'y' }, recipient: { id: 'z' } })],
    ['a conversation without id', JSON.stringify({ type: 'message', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', from: { id: 'x' }, conversation: {}, recipient: { id: 'z' } })],
  ])('%s gets a 4xx and the server keeps serving', async (_label, body) => {
    const result = await t.postRaw(body);
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    const health = await fetch(`${t.app.url}/healthz`);
    expect(health.status).toBe(200);
  });

  test('a body over the size limit is refused with 413', async () => {
    const result = await t.postRaw(JSON.stringify({ type: 'message', text: 'x'.repeat(400 * 1024) }));
    expect(result.status).toBe(413);
  });
});
