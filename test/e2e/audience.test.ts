import { randomUUID } from 'node:crypto';
import { channelId, channelMessage, installInTeam, makeUser, TEAM, TENANT_ID, type TestUser } from '../harness/activities';
import { CaseDriver, cardsOf } from '../harness/caseDriver';
import { rosterEntry, type ConnectorCall } from '../harness/fakeConnector';
import { FakeGraph } from '../harness/fakeGraph';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * The audience matrix (issue: a conversation is a room). The same case life — members and consent,
 * observations (one professionals-only), an agreement through its whole lifecycle, an assessment
 * round, every command, the tab's minutes and proposals, card refreshes and card updates — is played
 * in each kind of room. Then everything the bot posted into the room, and everything it sent to each
 * person privately, is searched for what that room's (or person's) least-privileged reader may not read.
 */

const GRAPH_APP = { clientId: '5e7d0c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6', clientSecret: 'graph-test-secret' };

interface Markers {
  title: string;
  childRef: string;
  family: string;
  professional: string;
  agreement: string;
  minutesDecision: string;
}

const markersFor = (label: string): Markers => ({
  title: `Sagstitel ${label}`,
  childRef: `Ref${label}`,
  family: `Familieobservation ${label}`,
  professional: `Fagligfortrolig ${label}`,
  agreement: `Aftaletekst ${label}`,
  minutesDecision: `Mødebeslutning ${label}`,
});
const allOf = (m: Markers) => Object.values(m);

interface People {
  coordinator: TestUser;
  teacher: TestUser;
  parent: TestUser;
  /** A professional proposed for the case who is still waiting for the family's consent. */
  pending: TestUser;
}

const newPeople = (label: string): People => ({
  coordinator: makeUser(`Karen Koordinator ${label}`),
  teacher: makeUser(`Mette Lærer ${label}`),
  parent: makeUser(`Anna Mor ${label}`),
  pending: makeUser(`Sofie Pædagog ${label}`),
});

const devToken = (user: TestUser) => `dev.${Buffer.from(JSON.stringify({ oid: user.aadObjectId, name: user.name, tid: TENANT_ID })).toString('base64url')}`;

/** What the bot put into one conversation: new messages and updates of earlier ones. */
function postedInto(t: TestApp, conversationId: string): ConnectorCall[] {
  const room = (id: string | undefined) => (id ?? '').split(';messageid=')[0];
  return [...t.connector.sentActivities, ...t.connector.updatedActivities].filter((c) => room(c.conversationId) === conversationId);
}

/** What the bot sent to one person's own chat with it. */
function sentPrivatelyTo(t: TestApp, user: TestUser): ConnectorCall[] {
  // A personal chat is any conversation that is not a channel or group chat thread.
  return t.connector.sentActivities.filter((c) => !(c.conversationId ?? '').includes('@thread') && (c.body.recipient as any)?.id === user.id);
}

const text = (calls: ConnectorCall[]) => JSON.stringify(calls.map((c) => c.body));

/**
 * Plays a case's life in the room `d` lives in. Returns the responses that only the clicker saw,
 * so that the test can check what outsiders were answered.
 */
async function playCase(t: TestApp, d: CaseDriver, p: People, m: Markers, { create = true } = {}) {
  const own: Array<{ who: TestUser; body: unknown }> = [];
  const click = async (who: TestUser, verb: string, data: Record<string, unknown>) => {
    const result = await d.click(who, verb, data);
    own.push({ who, body: result.body });
    return result;
  };
  if (create) await d.create(`${m.title} / ${m.childRef}`);
  await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
  await d.say(p.coordinator, 'tilføj som lærer', { mentions: [p.teacher] });
  await click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.teacher.id });
  await d.say(p.coordinator, 'tilføj som pædagog', { mentions: [p.pending] });

  const familyForm = await d.openForm(p.teacher, 'observation');
  await click(p.teacher, 'observation.submit', { ...familyForm.actions[0].data, area: 'child_school', level: 'yellow', text: m.family });
  const professionalForm = await d.openForm(p.teacher, 'observation');
  await click(p.teacher, 'observation.submit', { ...professionalForm.actions[0].data, area: 'family_housing', level: 'red', text: m.professional, professionalsOnly: 'true' });

  const agreementForm = await d.openForm(p.parent, 'aftale');
  const proposed = await click(p.parent, 'agreement.submit', { ...agreementForm.actions[0].data, what: m.agreement, ownerId: p.teacher.id, dueDate: '2026-03-16', followUpDate: '2026-03-30' });
  const agreementId = proposed.card.refresh.action.data.agreementId as string;
  await click(p.parent, 'agreement.accept', { caseId: d.caseId, agreementId });
  await click(p.teacher, 'agreement.done', { caseId: d.caseId, agreementId });

  const [round] = cardsOf(await d.say(p.coordinator, 'vurdering'));
  const roundId = round.actions[0].data.roundId as string;
  for (const who of [p.coordinator, p.teacher, p.parent]) {
    // Answers stay private until the round closes; the teacher's comment must never reach the room.
    const comment = who === p.teacher ? `${m.professional} kommentar` : 'ok';
    await click(who, 'assessment.submit', { caseId: d.caseId, roundId, rating_cognitive: 'green', rating_emotional: 'red', rating_social: 'yellow', rating_physical: 'green', comment });
  }
  await click(p.coordinator, 'assessment.close', { caseId: d.caseId, roundId });

  for (const [who, command] of [
    [p.coordinator, 'sag'],
    [p.coordinator, 'medlemmer'],
    [p.parent, 'aftaler'],
    [p.teacher, 'tidslinje'],
    [p.parent, 'tidslinje'],
    [p.teacher, 'opgaver'],
    [p.pending, 'sag'],
    [p.pending, 'tidslinje'],
  ] as const) {
    await d.say(who, command);
  }

  // The tab: a decision from the meeting side panel, and the minutes, posted into the room.
  const tab = async (who: TestUser, path: string, body: unknown) =>
    fetch(`${t.app.url}/tab/api/cases/${d.caseId}/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${devToken(who)}` }, body: JSON.stringify(body) });
  expect((await tab(p.coordinator, 'agreements', { formId: randomUUID(), what: m.minutesDecision, ownerId: p.parent.id, dueDate: '2026-03-20', followUpDate: '2026-04-01' })).status).toBe(200);
  expect((await tab(p.coordinator, 'minutes', { formId: randomUUID() })).status).toBe(200);
  await t.app.settled();

  // Someone waiting for consent presses "Vis mine muligheder" on each kind of card: refused, without content.
  const kase = await d.kase();
  for (const [verb, data] of [
    ['case.refresh', { caseId: kase._id }],
    ['agreement.refresh', { caseId: kase._id, agreementId }],
    ['assessment.view', { caseId: kase._id, roundId }],
    ['consent.view', { caseId: kase._id, userId: p.pending.id }],
    ['observation.view', { caseId: kase._id, observationId: (await t.app.database.db.collection('observations').findOne({ caseId: kase._id }))!._id }],
    ['form.open', familyForm.actions[0].data],
  ] as const) {
    const refused = await click(p.pending, verb, data as Record<string, unknown>);
    expect(refused.statusCode).toBe(403);
  }
  return own;
}

function checkPrivateChats(t: TestApp, p: People, m: Markers, own: Array<{ who: TestUser; body: unknown }>) {
  // A parent never gets professionals-only content, privately or as their own view.
  expect(text(sentPrivatelyTo(t, p.parent))).not.toContain(m.professional);
  for (const response of own.filter((r) => r.who === p.parent)) expect(JSON.stringify(response.body)).not.toContain(m.professional);
  // Someone waiting for consent learns nothing of the case, anywhere.
  const pendingSaw = text(sentPrivatelyTo(t, p.pending)) + JSON.stringify(own.filter((r) => r.who === p.pending).map((r) => r.body));
  for (const marker of allOf(m)) expect(pendingSaw).not.toContain(marker);
}

describe('the audience matrix', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(__filename, { env: { TAB_AUTH_MODE: 'dev' }, now: () => new Date('2026-03-02T09:00:00Z') });
  });
  afterAll(async () => {
    await t.stop();
  });

  test('a group chat with a parent: the family reads along, so nothing professionals-only is posted there', async () => {
    const p = newPeople('A');
    const m = markersFor('A');
    const d = new CaseDriver(t, p.coordinator, 'with-parent');
    const own = await playCase(t, d, p, m);
    const room = text(postedInto(t, d.channel));
    expect(room).not.toContain(m.professional);
    // It is not empty: what the family may read is there.
    for (const visible of [m.title, m.family, m.agreement, m.minutesDecision]) expect(room).toContain(visible);
    // The teacher's own timeline, which holds the professionals-only observation, went to her own chat.
    expect(text(sentPrivatelyTo(t, p.teacher))).toContain(m.professional);
    checkPrivateChats(t, p, m, own);
  });

  test('a group chat with a pending professional: the room gets only neutral messages', async () => {
    const p = newPeople('B');
    const m = markersFor('B');
    const d = new CaseDriver(t, p.coordinator, 'with-pending');
    await d.enter(p.pending);
    const own = await playCase(t, d, p, m);
    const room = text(postedInto(t, d.channel));
    for (const marker of allOf(m)) expect(room).not.toContain(marker);
    expect(room).toContain('åbn fanen eller skriv til mig privat');
    // Members still reach everything: their own views, and their private chats.
    expect(JSON.stringify(own.filter((r) => r.who === p.teacher).map((r) => r.body))).toContain(m.professional);
    expect(text(sentPrivatelyTo(t, p.parent))).toContain(m.family);
    // The coordinator was told who reads along without access, once.
    const warnings = sentPrivatelyTo(t, p.coordinator).filter((c) => String(c.body.text).includes('ikke er aktive medlemmer'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.body.text)).toContain(p.pending.name);
    expect(String(warnings[0]!.body.text)).not.toContain(p.parent.name);
    checkPrivateChats(t, p, m, own);
  });

  test('a standard channel with a guest: the whole team reads it, so the room gets only neutral messages', async () => {
    const p = newPeople('C');
    const m = markersFor('C');
    const d = new CaseDriver(t, p.coordinator, 'standard', { room: 'channel' });
    const own = await playCase(t, d, p, m);
    // A guest of the team who is not in the case presses "Vis mine muligheder" on the case card.
    const guest = makeUser('Gæst Udefra');
    const refused = await d.click(guest, 'case.refresh', { caseId: d.caseId });
    expect(refused.statusCode).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(m.title);
    const room = text(postedInto(t, d.channel));
    for (const marker of allOf(m)) expect(room).not.toContain(marker);
    expect(text(sentPrivatelyTo(t, p.coordinator))).toContain('standardkanal');
    checkPrivateChats(t, p, m, own);
  });

  test('a group chat of professionals only: professionals-only content may be posted there', async () => {
    const p = newPeople('D');
    const m = markersFor('D');
    const d = new CaseDriver(t, p.coordinator, 'professionals');
    await d.create(`${m.title} / ${m.childRef}`);
    await d.say(p.coordinator, 'tilføj som lærer hjemmel Folkeskoleloven § 3', { mentions: [p.teacher] });
    const form = await d.openForm(p.teacher, 'observation');
    await d.click(p.teacher, 'observation.submit', { ...form.actions[0].data, area: 'family_housing', level: 'red', text: m.professional, professionalsOnly: 'true' });
    await d.say(p.teacher, 'tidslinje');
    const room = text(postedInto(t, d.channel));
    expect(room).toContain(m.professional);
    // Then a parent joins the case (and so the chat): the observation's card is redrawn without it.
    await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
    await d.syncRoster();
    await d.say(p.coordinator, 'sag');
    const updates = t.connector.updatedActivities.filter((c) => c.conversationId === d.channel);
    expect(JSON.stringify(updates.at(-1)?.body)).not.toContain(m.professional);
  });

  test('someone who is not in the case joins the chat: its cards are redrawn for them, and the coordinator is told', async () => {
    const p = newPeople('G');
    const m = markersFor('G');
    const d = new CaseDriver(t, p.coordinator, 'joins');
    await d.create(`${m.title} / ${m.childRef}`);
    await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
    const form = await d.openForm(p.parent, 'observation');
    await d.click(p.parent, 'observation.submit', { ...form.actions[0].data, area: 'child_leisure', level: 'green', text: m.family });
    expect(text(postedInto(t, d.channel))).toContain(m.family);

    // A neighbour is added to the family's chat: Teams tells the bot with a conversationUpdate (membersAdded).
    const neighbour = makeUser('Nabo Nielsen');
    const updatesBefore = t.connector.updatedActivities.length;
    await d.enter(neighbour);
    const redrawn = t.connector.updatedActivities.slice(updatesBefore).filter((c) => c.conversationId === d.channel);
    expect(redrawn.length).toBeGreaterThan(0);
    expect(text(redrawn)).not.toContain(m.family);
    expect(text(redrawn)).not.toContain(m.title);
    const warning = sentPrivatelyTo(t, p.coordinator).find((c) => String(c.body.text).includes(neighbour.name));
    expect(String(warning?.body.text)).toContain(`${neighbour.name} (ikke med i sagen)`);
  });

  test('personal chat: my tasks list only cases I am an active member of, and never go into a shared room', async () => {
    const p = newPeople('E');
    const m = markersFor('E');
    const d = new CaseDriver(t, p.coordinator, 'tasks');
    await playCase(t, d, p, m);
    const before = t.connector.sentActivities.length;
    const { personalMessage } = await import('../harness/activities');
    for (const who of [p.teacher, p.pending, p.parent]) await t.post(personalMessage('opgaver', { serviceUrl: t.connector.url, from: who }));
    const replies = t.connector.sentActivities.slice(before);
    const to = (u: TestUser) => JSON.stringify(replies.filter((c) => (c.body.recipient as any)?.id === u.id).map((c) => c.body));
    expect(to(p.parent)).toContain(m.minutesDecision);
    expect(to(p.pending)).not.toContain(m.title);
    expect(to(p.pending)).toContain('Du har ingen åbne aftaler');
  });
});

describe('the audience matrix: a private case channel', () => {
  let t: TestApp;
  let graph: FakeGraph;
  beforeAll(async () => {
    graph = await new FakeGraph().start();
    graph.registerApp(GRAPH_APP);
    graph.grantApplicationPermissions(GRAPH_APP.clientId, ['Channel.Create', 'ChannelMember.ReadWrite.All']);
    t = await startTestApp(__filename, {
      env: { CASE_CHANNELS: 'private', GRAPH_BASE_URL: graph.graphBaseUrl, TAB_CLIENT_ID: GRAPH_APP.clientId, TAB_CLIENT_SECRET: GRAPH_APP.clientSecret, TAB_ALLOWED_TENANTS: TENANT_ID, TAB_AUTH_MODE: 'dev' },
      now: () => new Date('2026-03-02T09:00:00Z'),
      options: { graph: { networkClient: graph.networkClient() } },
    });
  });
  afterAll(async () => {
    await t.stop();
    await graph.stop();
  });

  test('its members are the case\'s active members: the family reads along, the pending professional does not', async () => {
    const p = newPeople('F');
    const m = markersFor('F');
    graph.addTeam({ aadGroupId: TEAM.aadGroupId, tenantId: TENANT_ID, members: Object.values(p).map((u) => ({ aadObjectId: u.aadObjectId, displayName: u.name })), rsc: ['Channel.Create.Group'] });
    await t.post(installInTeam({ serviceUrl: t.connector.url, from: p.coordinator, channel: TEAM.id }));
    t.connector.setRoster(TEAM.id, Object.values(p).map((u) => rosterEntry(u)));
    const general = channelId('general');
    await t.post(channelMessage(`ny sag ${m.title} / ${m.childRef}`, { serviceUrl: t.connector.url, from: p.coordinator, channel: general }));
    const channel = graph.channels(TEAM.aadGroupId).find((c) => c.membershipType === 'private')!;
    expect(channel).toBeDefined();

    const d = new CaseDriver(t, p.coordinator, 'private', { room: 'channel', channel: channel.id });
    d.caseId = (await t.app.internals.caseRepository.byConversation(channel.id))!._id;
    const own = await playCase(t, d, p, m, { create: false });
    await graph.waitFor(() => channel.members.length === 3);
    const room = text(postedInto(t, channel.id));
    expect(room).not.toContain(m.professional);
    for (const visible of [m.family, m.agreement]) expect(room).toContain(visible);
    // The channel of the command learned nothing.
    for (const marker of allOf(m)) expect(text(postedInto(t, general))).not.toContain(marker);
    checkPrivateChats(t, p, m, own);
  });
});
