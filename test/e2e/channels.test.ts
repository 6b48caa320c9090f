import { randomUUID } from 'node:crypto';
import { cardProblems } from '../harness/cards';
import { cardAction, channelId, channelMessage, installInTeam, makeUser, TENANT_ID, type TestUser } from '../harness/activities';
import { FakeGraph } from '../harness/fakeGraph';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * Case channels against a local Microsoft Graph + Entra ID (test/harness/fakeGraph.ts). The app
 * keeps its real https authority; only msal-node's network client and GRAPH_BASE_URL point here.
 */

const GRAPH_APP = { clientId: '5e7d0c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6', clientSecret: 'graph-test-secret' };

interface Team {
  id: string;
  name: string;
  aadGroupId: string;
}

const newTeam = (label: string): Team => ({ id: `19:${label}-${randomUUID().slice(0, 8)}@thread.tacv2`, name: `Team ${label}`, aadGroupId: randomUUID() });

const coordinator = makeUser('Mette Lærer');
const teacher = makeUser('Lars Lærer');
const parent = makeUser('Anne Forælder');
const pedagogue = makeUser('Pia Pædagog');
const outsider = makeUser('Ole Udenfor');

let graph: FakeGraph;

beforeAll(async () => {
  graph = await new FakeGraph().start();
  graph.registerApp(GRAPH_APP);
});
afterAll(async () => {
  await graph.stop();
});

const asFake = (users: TestUser[]) => users.map((u) => ({ aadObjectId: u.aadObjectId, displayName: u.name }));

/** Teams only tells the bot a team's aadGroupId in install events; everything else carries the team ID. */
function inTeam(activity: Record<string, any>, team: Team, { withGroupId = false } = {}): Record<string, any> {
  activity.channelData = { ...activity.channelData, team: withGroupId ? { id: team.id, name: team.name, aadGroupId: team.aadGroupId } : { id: team.id } };
  return activity;
}

async function startApp(mode: string, extraEnv: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp(__filename, {
    env: {
      CASE_CHANNELS: mode,
      GRAPH_BASE_URL: graph.graphBaseUrl,
      TAB_CLIENT_ID: GRAPH_APP.clientId,
      TAB_CLIENT_SECRET: GRAPH_APP.clientSecret,
      TAB_ALLOWED_TENANTS: TENANT_ID,
      ...extraEnv,
    },
    options: { graph: { networkClient: graph.networkClient() } },
  });
}

function helpers(get: () => TestApp) {
  const serviceUrl = () => get().connector.url;
  const install = async (team: Team) => {
    const result = await get().post(inTeam(installInTeam({ serviceUrl: serviceUrl(), from: coordinator, channel: team.id }), team, { withGroupId: true }));
    expect(result.status).toBe(200);
  };
  /** Posts a channel message and returns what the bot sent into that channel while handling it. */
  const say = async (text: string, team: Team, channel: string, { from = coordinator, locale = 'da-DK', expect: count = 1 } = {}) => {
    const t = get();
    const before = t.connector.sentActivities.length;
    const result = await t.post(inTeam(channelMessage(text, { serviceUrl: serviceUrl(), from, channel, locale }), team));
    expect(result.status).toBe(200);
    const here = () => t.connector.sentActivities.slice(before).filter((s) => (s.conversationId ?? '').split(';messageid=')[0] === channel);
    await t.connector.waitFor(() => here().length >= count);
    return here().map((s) => s.activity as Record<string, any>);
  };
  /** What the bot sent to someone's own chat (not into a channel) since `before`. */
  const privately = (before = 0) =>
    get()
      .connector.sentActivities.slice(before)
      .filter((s) => !(s.conversationId ?? '').includes('@thread'))
      .map((s) => s.activity as Record<string, any>);
  return { serviceUrl, install, say, privately };
}

const cardOf = (activity: Record<string, any>) => activity.attachments?.[0]?.content as Record<string, any>;

describe('dedicated channels (CASE_CHANNELS=dedicated, RSC Channel.Create.Group)', () => {
  let t: TestApp;
  const team = newTeam('skole');
  const { install, say, privately } = helpers(() => t);

  beforeAll(async () => {
    graph.addTeam({ aadGroupId: team.aadGroupId, tenantId: TENANT_ID, members: asFake([coordinator, teacher, parent, outsider]), rsc: ['Channel.Create.Group'] });
    t = await startApp('dedicated');
    await install(team);
  });
  afterAll(async () => {
    await t.stop();
  });
  beforeEach(() => {
    t.connector.reset();
    graph.reset();
  });

  test('new case creates a standard channel through Graph, binds the case to it, and posts there only what the whole team may read', async () => {
    const planning = channelId('planlaegning');
    const [reply] = await say('ny sag Støtte i dansk: læsning & stavning / AB', team, planning);

    // Graph: one app-only token from the team's tenant, one channel with a name Teams accepts.
    expect(graph.tokenRequests).toHaveLength(1);
    expect(graph.tokenRequests[0]!.path).toBe(`/${TENANT_ID}/oauth2/v2.0/token`);
    expect(graph.tokenRequests[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: GRAPH_APP.clientId });
    const [created] = graph.graphCalls('POST', /\/channels$/);
    expect(created!.path).toBe(`/v1.0/teams/${team.aadGroupId}/channels`);
    expect(created!.body).toMatchObject({ displayName: 'Støtte i dansk læsning stavning', membershipType: 'standard' });
    const channel = graph.channels(team.aadGroupId).find((c) => c.displayName === 'Støtte i dansk læsning stavning')!;
    expect(channel).toBeDefined();

    // The case card went into the new channel, by the Bot Connector (no Graph call for posting).
    const [conversation] = t.connector.createdConversations;
    expect(conversation!.body).toMatchObject({ isGroup: true, channelData: { channel: { id: channel.id }, tenant: { id: TENANT_ID } } });
    // A standard channel is read by the whole team, guests and future members too: nothing names the case.
    const posted = conversation!.body.activity as Record<string, any>;
    expect(posted.text).toBe('Denne kanal hører til en sag i Samspil. Skriv "@Samspil hjælp" for at se, hvad I kan gøre her.');
    expect(cardProblems(cardOf(posted))).toEqual([]);
    expect(JSON.stringify(posted)).not.toContain('Støtte i dansk');
    expect(cardOf(posted).refresh.userIds).toEqual([coordinator.id]);

    // The channel the command was typed in learns nothing either; the coordinator gets the link privately, and a warning.
    expect(reply!.text).toBe('Sagen har fået sin egen kanal i teamet, og du er tovholder. Kun sagens medlemmer ser, hvad den hedder.');
    const own = privately().map((a) => a.text as string);
    expect(own).toContain(`Sagen "Støtte i dansk: læsning & stavning" har fået sin egen kanal: [${channel.displayName}](${channel.webUrl}). Du er tovholder. Sagskortet står i kanalen.`);
    expect(own.some((text) => text.includes('standardkanal'))).toBe(true);

    // The case belongs to the new channel, not to the one the command was typed in.
    expect(await t.app.internals.caseRepository.byConversation(planning)).toBeNull();
    const kase = await t.app.internals.caseRepository.byConversation(channel.id);
    expect(kase).toMatchObject({ title: 'Støtte i dansk: læsning & stavning', childRef: 'AB', conversation: { kind: 'channel', channelId: channel.id } });
    const events = await t.app.internals.events.forCase(kase!._id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['case.created', 'case.channelCreated']));

    // The channel is remembered for proactive messages, and `sag` works there.
    expect(await t.app.core.conversations.get(channel.id)).toMatchObject({ kind: 'channel', aadGroupId: team.aadGroupId, channelId: channel.id });
    const [card] = await say('sag', team, channel.id);
    expect(JSON.stringify(cardOf(card!))).not.toContain('Støtte i dansk');
    const mine = await t.post(cardAction('case.refresh', { caseId: kase!._id }, { serviceUrl: t.connector.url, from: coordinator, conversationId: `${channel.id};messageid=1` }));
    expect(JSON.stringify((mine.body as Record<string, any>).value)).toContain('Sag: Støtte i dansk: læsning & stavning');
  });

  test('answers in English for an English client', async () => {
    const [reply] = await say('new case Transition to year 7 / CD', team, channelId('english'), { locale: 'en-US' });
    expect(reply!.text).toBe("The case has its own channel in the team, and you are its coordinator. Only the case's members see its name.");
    expect(privately().map((a) => a.text).join('\n')).toMatch(/The case "Transition to year 7" has its own channel: \[Transition to year 7\]\(https:\/\/teams\.microsoft\.com\/l\/channel\//);
  });

  test('a taken channel name gets a number instead of failing', async () => {
    graph.addChannel(team.aadGroupId, 'Skoleskift');
    const [reply] = await say('ny sag Skoleskift / EF', team, channelId('navn'));
    const attempts = graph.graphCalls('POST', /\/channels$/);
    expect(attempts.map((c) => [(c.body as Record<string, string>).displayName, c.status])).toEqual([
      ['Skoleskift', 400],
      ['Skoleskift (2)', 201],
    ]);
    expect(reply!.text).toContain('har fået sin egen kanal');
    expect(privately().map((a) => a.text).join('\n')).toContain('har fået sin egen kanal: [Skoleskift (2)]');
  });

  test('Graph throttling (429 with Retry-After) is waited out, and the channel is created', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 1, times: 1, match: (method, path) => method === 'POST' && path.endsWith('/channels') });
    const [reply] = await say('ny sag Trivsel i frikvarteret / GH', team, channelId('throttle'));
    const attempts = graph.graphCalls('POST', /\/channels$/);
    expect(attempts.map((c) => c.status)).toEqual([429, 201]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(reply!.text).toContain('har fået sin egen kanal');
  });

  test('throttling that does not end gives up after a bounded number of tries, and creates nothing', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 0, times: 50, match: (method, path) => method === 'POST' && path.endsWith('/channels') });
    const channel = channelId('busy');
    const [reply] = await say('ny sag Travlt / IJ', team, channel);
    expect(graph.graphCalls('POST', /\/channels$/)).toHaveLength(4);
    expect(reply!.text).toBe('Microsoft Teams har travlt lige nu, så kanalen til sagen kunne ikke oprettes. Prøv igen om lidt – intet er oprettet.');
    expect(await t.app.internals.caseRepository.byConversation(channel)).toBeNull();
    expect(t.connector.createdConversations).toHaveLength(0);
  });

  test('a title that looks like a CPR number is refused before anything is created in Teams', async () => {
    const [reply] = await say('ny sag Barn 010203-1234 / KL', team, channelId('cpr'));
    expect(reply!.text).toContain('Teksten ligner et CPR-nummer');
    expect(graph.calls).toHaveLength(0);
  });

  test('close case: only the coordinator; summary card; the channel is archived; the case becomes read-only', async () => {
    await say('ny sag Afslutning af forløb / MN', team, channelId('luk'));
    const channel = graph.channels(team.aadGroupId).find((c) => c.displayName === 'Afslutning af forløb')!;
    const kase = (await t.app.internals.caseRepository.byConversation(channel.id))!;

    // Someone who is not the coordinator cannot close it.
    await t.app.core.members.add(
      { userId: coordinator.id, aadObjectId: coordinator.aadObjectId, name: coordinator.name },
      kase._id,
      { userId: teacher.id, aadObjectId: teacher.aadObjectId, name: teacher.name, role: 'teacher', legalBasis: 'Folkeskoleloven § 3' },
    );
    const [refusal] = await say('luk sag', team, channel.id, { from: teacher });
    expect(refusal!.text).toBe('Kun sagens tovholder kan gøre det. Intet er ændret.');
    expect((await t.app.internals.caseRepository.byId(kase._id))!.status).toBe('open');

    // Without the tenant-wide permission the channel cannot be archived: the coordinator is told what to do.
    graph.reset();
    const closing = await say('luk sag', team, channel.id, { expect: 2 });
    const summary = cardOf(closing[0]!);
    expect(cardProblems(summary)).toEqual([]);
    expect(JSON.stringify(closing[0])).not.toContain('Afslutning af forløb');
    // Its members read the summary in their own view; it offers nothing to change.
    const mine = await t.post(cardAction(summary.refresh.action.verb, summary.refresh.action.data, { serviceUrl: t.connector.url, from: coordinator, conversationId: channel.id }));
    const summaryText = JSON.stringify((mine.body as Record<string, any>).value);
    expect(summaryText).toContain('Afslutning af forløb');
    expect(summaryText).toContain('Lukket');
    expect(closing[1]!.text).toContain('Kanalen kunne ikke arkiveres, fordi Samspil ikke har tilladelsen ChannelSettings.ReadWrite.All');
    expect(graph.graphCalls('POST', /\/archive$/).map((c) => c.status)).toEqual([403]);

    const closed = (await t.app.internals.caseRepository.byId(kase._id))!;
    expect(closed.status).toBe('closed');
    expect(closed.version).toBe(kase.version + 2); // one member added, then closed
    const events = await t.app.internals.events.forCase(kase._id);
    expect(events.find((e) => e.type === 'case.closed')).toMatchObject({ actorId: coordinator.id, visibility: 'all' });

    // Later changes are refused; reading still works.
    const [again] = await say('luk sag', team, channel.id);
    expect(again!.text).toBe('Sagen "Afslutning af forløb" er allerede lukket.');
    const [observe] = await say('observation', team, channel.id);
    expect(observe!.text).toBe('Sagen er lukket og kan kun læses. Intet er ændret.');
    await expect(
      t.app.core.members.add({ userId: coordinator.id, aadObjectId: coordinator.aadObjectId, name: coordinator.name }, kase._id, {
        userId: parent.id,
        aadObjectId: parent.aadObjectId,
        name: parent.name,
        role: 'parent',
      }),
    ).rejects.toMatchObject({ key: 'error.caseClosed' });
    const [card] = await say('sag', team, channel.id);
    expect(JSON.stringify(cardOf(card!))).not.toContain('Afslutning af forløb');
  });

  test('close case archives the channel when the app has ChannelSettings.ReadWrite.All', async () => {
    graph.grantApplicationPermissions(GRAPH_APP.clientId, ['ChannelSettings.ReadWrite.All']);
    await say('ny sag Arkivering / OP', team, channelId('arkiv'));
    const channel = graph.channels(team.aadGroupId).find((c) => c.displayName === 'Arkivering')!;
    graph.reset();
    t.connector.reset();
    const closing = await say('close case', team, channel.id, { locale: 'en-US' });
    expect(JSON.stringify(closing[0])).toContain('There is a change in the case');
    expect(graph.graphCalls('POST', /\/archive$/).map((c) => [c.path, c.status])).toEqual([[`/v1.0/teams/${team.aadGroupId}/channels/${encodeURIComponent(channel.id)}/archive`, 202]]);
    expect(channel.isArchived).toBe(true);
    const kase = (await t.app.internals.caseRepository.byConversation(channel.id))!;
    expect((await t.app.internals.events.forCase(kase._id)).map((e) => e.type)).toEqual(expect.arrayContaining(['case.closed', 'case.channelArchived']));
    await new Promise((r) => setTimeout(r, 100));
    expect(t.connector.sentActivities).toHaveLength(1); // no hint: it worked
  });
});

describe('when dedicated channels are not possible, the case stays in the current channel', () => {
  let t: TestApp;
  const { install, say } = helpers(() => t);

  beforeAll(async () => {
    t = await startApp('dedicated');
  });
  afterAll(async () => {
    await t.stop();
  });
  beforeEach(() => {
    t.connector.reset();
    graph.reset();
  });

  test('the team has not granted Channel.Create.Group (Graph answers 403): the user is told how to enable it', async () => {
    const team = newTeam('uden-rsc');
    graph.addTeam({ aadGroupId: team.aadGroupId, tenantId: TENANT_ID, members: asFake([coordinator]) });
    await install(team);
    const channel = channelId('her');
    const sent = await say('ny sag Sprogstøtte / QR', team, channel, { expect: 2 });
    expect(graph.graphCalls('POST', /\/channels$/).map((c) => c.status)).toEqual([403]);
    expect(sent[0]!.text).toBe('Sagen er oprettet, og du er tovholder. Kun sagens aktive medlemmer kan se dens indhold her.');
    expect(JSON.stringify(sent[0])).not.toContain('Sprogstøtte');
    expect(sent[1]!.text).toContain('Samspil må ikke oprette kanaler i dette team, så sagen hører til denne kanal.');
    expect(sent[1]!.text).toContain('godkende tilladelsen til at oprette kanaler');
    expect(await t.app.internals.caseRepository.byConversation(channel)).toMatchObject({ title: 'Sprogstøtte' });
    // No channel conversation was started (only the coordinator's own chat, for the warning).
    expect(t.connector.createdConversations.filter((c) => c.body.isGroup)).toHaveLength(0);
  });

  test('the bot never saw the team installed (no aadGroupId): no Graph call, and a hint in English', async () => {
    const team = newTeam('ukendt');
    const channel = channelId('her');
    const sent = await say('new case Reading support / ST', team, channel, { locale: 'en-US', expect: 2 });
    expect(graph.graphCalls()).toHaveLength(0);
    expect(sent[1]!.text).toBe("Samspil does not know the team's ID yet, so the case belongs to this channel. Remove Samspil from the team and add the app again; then new cases can get their own channel.");
    expect(await t.app.internals.caseRepository.byConversation(channel)).toMatchObject({ title: 'Reading support' });
  });

  test('no Graph credentials configured: the case stays here with a hint', async () => {
    const bare = await startTestApp(__filename, { env: { CASE_CHANNELS: 'dedicated' } });
    try {
      const team = newTeam('uden-graph');
      await bare.post(inTeam(installInTeam({ serviceUrl: bare.connector.url, from: coordinator, channel: team.id }), team, { withGroupId: true }));
      const channel = channelId('her');
      await bare.post(inTeam(channelMessage('ny sag Uden Graph / UV', { serviceUrl: bare.connector.url, from: coordinator, channel }), team));
      const sent = await bare.connector.waitFor(() => bare.connector.sentActivities.length >= 2 && bare.connector.sentActivities.filter((s) => s.conversationId?.startsWith(channel)).map((s) => s.activity as Record<string, any>));
      expect(sent[1]!.text).toContain('Samspil er ikke sat op til at oprette kanaler (adgangen til Microsoft Graph mangler)');
      expect(await bare.app.internals.caseRepository.byConversation(channel)).toMatchObject({ title: 'Uden Graph' });
    } finally {
      await bare.stop();
    }
  });

  test('the app secret is wrong (Entra ID refuses the token): the case stays here with a hint', async () => {
    const wrong = await startApp('dedicated', { TAB_CLIENT_SECRET: 'not-the-secret' });
    const { install: installWrong, say: sayWrong } = helpers(() => wrong);
    try {
      const team = newTeam('forkert-hemmelighed');
      graph.addTeam({ aadGroupId: team.aadGroupId, tenantId: TENANT_ID, members: asFake([coordinator]), rsc: ['Channel.Create.Group'] });
      await installWrong(team);
      graph.reset();
      const sent = await sayWrong('ny sag Forkert nøgle / WX', team, channelId('her'), { expect: 2 });
      expect(graph.tokenRequests.map((c) => c.status)).toEqual([401]);
      expect(graph.graphCalls()).toHaveLength(0);
      expect(sent[1]!.text).toContain('Samspil må ikke oprette kanaler i dette team');
    } finally {
      await wrong.stop();
    }
  });
});

describe('private channels (CASE_CHANNELS=private, tenant-wide Channel.Create and ChannelMember.ReadWrite.All)', () => {
  let t: TestApp;
  const team = newTeam('privat');
  const { install, say, privately } = helpers(() => t);
  const asActor = (u: TestUser) => ({ userId: u.id, aadObjectId: u.aadObjectId, name: u.name });

  beforeAll(async () => {
    graph.addTeam({ aadGroupId: team.aadGroupId, tenantId: TENANT_ID, members: asFake([coordinator, teacher, parent, pedagogue, outsider]), rsc: ['Channel.Create.Group'] });
    t = await startApp('private');
    await install(team);
  });
  afterAll(async () => {
    await t.stop();
  });

  test('without the tenant-wide permission, the case stays in the current channel with a hint for IT', async () => {
    const [, hint] = await say('ny sag Privat uden tilladelse / YZ', team, channelId('privat-nej'), { expect: 2 });
    expect(hint!.text).toContain('Private kanaler pr. sag kræver, at IT giver Samspil tilladelserne Channel.Create og ChannelMember.ReadWrite.All');
  });

  test('the channel is created with the coordinator as owner, and its members follow the case: consent, withdrawal, removal', async () => {
    graph.grantApplicationPermissions(GRAPH_APP.clientId, ['Channel.Create', 'ChannelMember.ReadWrite.All']);
    const [reply] = await say('ny sag Fælles indsats / AB', team, channelId('privat'));
    const created = graph.graphCalls('POST', /\/channels$/).at(-1)!;
    expect(created.body).toMatchObject({
      membershipType: 'private',
      members: [{ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['owner'], 'user@odata.bind': `${graph.graphBaseUrl}/users('${coordinator.aadObjectId}')` }],
    });
    const channel = graph.channels(team.aadGroupId).find((c) => c.displayName === 'Fælles indsats')!;
    expect(channel.membershipType).toBe('private');
    expect(reply!.text).toContain('har fået sin egen kanal');
    expect(privately().map((a) => a.text).join('\n')).toContain('har fået sin egen private kanal');
    const kase = (await t.app.internals.caseRepository.byConversation(channel.id))!;
    const inChannel = () => channel.members.map((m) => m.displayName).sort();
    const waitForMembers = (names: string[]) => graph.waitFor(() => JSON.stringify(inChannel()) === JSON.stringify([...names].sort()));

    // A teacher added on a legal basis (no guardian yet) becomes active and joins the channel.
    await t.app.core.members.add(asActor(coordinator), kase._id, { ...asActor(teacher), role: 'teacher', legalBasis: 'Folkeskoleloven § 3' });
    await waitForMembers([coordinator.name, teacher.name]);

    // A parent joins; a pedagogue then needs the family's consent and stays out while it is pending.
    await t.app.core.members.add(asActor(coordinator), kase._id, { ...asActor(parent), role: 'parent' });
    await waitForMembers([coordinator.name, teacher.name, parent.name]);
    await t.app.core.members.add(asActor(coordinator), kase._id, { ...asActor(pedagogue), role: 'pedagogue' });
    await new Promise((r) => setTimeout(r, 300));
    expect(inChannel()).toEqual([coordinator.name, teacher.name, parent.name].sort());

    // The parent says yes: the pedagogue joins. The parent withdraws it: the pedagogue leaves.
    await t.app.core.members.decideConsent(asActor(parent), kase._id, pedagogue.id, 'approve');
    await waitForMembers([coordinator.name, teacher.name, parent.name, pedagogue.name]);
    await t.app.core.members.withdrawConsent(asActor(parent), kase._id, pedagogue.id);
    await waitForMembers([coordinator.name, teacher.name, parent.name]);

    // Removed from the case: removed from the channel. Someone who is not in the case is taken out too.
    await t.app.core.members.remove(asActor(coordinator), kase._id, teacher.id);
    await waitForMembers([coordinator.name, parent.name]);
    channel.members.push({ id: 'sneaked-in', userId: outsider.aadObjectId, displayName: outsider.name, roles: [] });
    await t.app.core.members.add(asActor(coordinator), kase._id, { ...asActor(teacher), role: 'teacher' });
    await new Promise((r) => setTimeout(r, 200));
    await waitForMembers([coordinator.name, parent.name]); // the teacher now needs consent (pending); the outsider is gone
    expect(channel.members.find((m) => m.userId === coordinator.aadObjectId)!.roles).toEqual(['owner']);
  });
});
