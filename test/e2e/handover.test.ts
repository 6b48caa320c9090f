import { randomUUID } from 'node:crypto';
import { formatDateTime } from '../../core/i18n/format';
import { makeUser, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
import { rosterEntry, type ConnectorCall } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * Coordinator handover (issue #15, docs/handover.md), end to end through the fake Bot Connector:
 * a proposal accepted and one declined, a withdrawal, the family's card, the new coordinator's
 * summary, and a coordinator who leaves the case's chat.
 */

let t: TestApp;
// Monday 2 March 2026, 10:00 in Copenhagen.
const now = new Date('2026-03-02T09:00:00Z');

beforeAll(async () => {
  t = await startTestApp(__filename, { now: () => now, env: { TAB_AUTH_MODE: 'dev', REMINDER_SWEEP_SECONDS: '0' } });
});
afterAll(async () => {
  await t.stop();
});

interface People {
  coordinator: TestUser;
  teacher: TestUser;
  psychologist: TestUser;
  parent: TestUser;
}

const newPeople = (label: string): People => ({
  coordinator: makeUser(`Karen Koordinator ${label}`),
  teacher: makeUser(`Jonas Lærer ${label}`),
  psychologist: makeUser(`Peter PPR ${label}`),
  parent: makeUser(`Anna Mor ${label}`),
});

const PROFESSIONAL_SECRET = 'Fortroligt: underretning modtaget fra skolen';
const FAMILY_OBSERVATION = 'Glad for frikvartererne igen';

/** A case with a coordinator, a parent, a consented teacher and psychologist, an agreement and two observations. */
async function fullCase(p: People, label: string): Promise<CaseDriver> {
  const d = await new CaseDriver(t, p.coordinator, label).create(`Sag ${label} / AB`);
  await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
  await d.say(p.coordinator, 'tilføj som lærer', { mentions: [p.teacher] });
  await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.teacher.id });
  await d.say(p.coordinator, 'tilføj som ppr-psykolog', { mentions: [p.psychologist] });
  await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.psychologist.id });
  const { core } = t.app;
  const actor = (u: TestUser) => ({ userId: u.id, aadObjectId: u.aadObjectId, name: u.name });
  const { agreement } = await core.agreements.propose(actor(p.coordinator), d.caseId, { formId: randomUUID(), what: `Lektiehjælp ${label}`, ownerId: p.parent.id, dueDate: '2026-03-20', followUpDate: '2026-03-27' });
  await core.agreements.transition(actor(p.parent), d.caseId, agreement._id, 'accepted');
  for (const [who, text, professionalsOnly] of [[p.teacher, PROFESSIONAL_SECRET, 'true'], [p.parent, FAMILY_OBSERVATION, 'false']] as const) {
    const { form } = await core.forms.open(actor(who), d.caseId, 'observation');
    await core.observations.create(actor(who), d.caseId, { formId: form._id, area: 'child_school', level: 'yellow', text, professionalsOnly });
  }
  await t.app.settled();
  return d;
}

/** What the bot sent to one person's own chat with it. */
const privateTo = (user: TestUser, from = 0): ConnectorCall[] =>
  t.connector.sentActivities.slice(from).filter((c) => !(c.conversationId ?? '').includes('@thread') && (c.body.recipient as { id?: string } | undefined)?.id === user.id);
const cardsIn = (calls: ConnectorCall[]) => calls.flatMap((c) => ((c.body.attachments as Array<{ content: Record<string, any> }> | undefined) ?? []).map((a) => a.content));
const texts = (calls: ConnectorCall[]) => JSON.stringify(calls.map((c) => c.body));
const expectValid = (card: unknown) => {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
};
const eventsOf = async (caseId: string, type: string) => (await t.app.internals.events.all(caseId)).filter((e) => e.type === type);

describe('a handover accepted', () => {
  test('the coordinator proposes a professional, who accepts in their own chat; the role, the family and the summary follow', async () => {
    const p = newPeople('A');
    const d = await fullCase(p, 'accept');
    // A meeting is planned (core/services/meetingService.ts): the new coordinator's summary lists it.
    await t.app.core.meetings.schedule({ userId: p.coordinator.id, name: p.coordinator.name }, d.caseId, { formId: randomUUID(), date: '2026-03-10', time: '10:00', durationMinutes: 60, place: 'Skovbakkeskolen, lokale 12', participantIds: [p.parent.id, p.teacher.id] });
    await t.app.settled();
    const before = t.connector.sentActivities.length;

    const proposed = await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.teacher] });
    expect(textOf(d.inRoom(proposed))).toContain(`${p.coordinator.name} har foreslået ${p.teacher.name} som ny tovholder`);
    const [offer] = cardsIn(privateTo(p.teacher, before));
    expect(offer).toBeDefined();
    expectValid(offer);
    expect(JSON.stringify(offer)).toContain(`${p.coordinator.name} foreslår, at du bliver tovholder for sagen «Sag accept»`);
    const accept = offer!.actions.find((a: any) => a.verb === 'handover.accept');
    expect(accept.type).toBe('Action.Execute');
    expect(accept.fallback.type).toBe('Action.Submit');

    // "tovholder" in the family's chat: the room reads the open proposal, without the coordinator's own buttons.
    const status = cardsOf(d.inRoom(await d.say(p.coordinator, 'tovholder')));
    expect(status).toHaveLength(1);
    expect(JSON.stringify(status[0])).toContain(p.teacher.name);
    expect(JSON.stringify(status[0])).not.toMatch(/"verb":"handover\./);

    // Asking again is a repeat, not a second proposal.
    const again = await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.teacher] });
    expect(textOf(again)).toContain('er allerede spurgt');
    expect(await eventsOf(d.caseId, 'coordinator.handover.proposed')).toHaveLength(1);
    expect(cardsIn(privateTo(p.teacher, before))).toHaveLength(1);

    // Nobody else can answer for the proposed person, and a parent cannot be coordinator.
    const parentTries = await d.click(p.parent, 'handover.accept', accept.data);
    expect(parentTries.statusCode).toBe(403);
    expect(parentTries.message).toContain('Kun en aktiv fagperson');
    const colleagueTries = await d.click(p.psychologist, 'handover.accept', accept.data);
    expect(colleagueTries.statusCode).toBe(403);
    expect(colleagueTries.message).toContain(`Forslaget er til ${p.teacher.name}`);
    expect((await d.kase()).coordinatorId).toBe(p.coordinator.id);

    const acceptedAt = t.connector.sentActivities.length;
    const accepted = await d.click(p.teacher, 'handover.accept', accept.data);
    expect(accepted.statusCode).toBe(200);
    expectValid(accepted.card);
    expect(JSON.stringify(accepted.card)).toContain('Du er nu tovholder for sagen');
    expect(JSON.stringify(accepted.card)).not.toContain('handover.accept');
    const kase = await d.kase();
    expect(kase.coordinatorId).toBe(p.teacher.id);
    expect(kase.handover).toBeUndefined();
    expect(kase.lastHandover).toMatchObject({ status: 'accepted', toId: p.teacher.id, fromId: p.coordinator.id });

    // The room is told; the family gets a card in their own chat; the old coordinator is told.
    expect(JSON.stringify(d.inRoom(accepted.sent))).toContain(`${p.teacher.name} er nu tovholder for sagen (overtaget fra ${p.coordinator.name})`);
    const [family] = cardsIn(privateTo(p.parent, acceptedAt));
    expectValid(family);
    expect(JSON.stringify(family)).toContain('I har fået en ny tovholder');
    expect(JSON.stringify(family)).toContain(p.teacher.name);
    expect(JSON.stringify(family)).toContain(`Tidligere tovholder: ${p.coordinator.name}`);
    expect(texts(privateTo(p.coordinator, acceptedAt))).toContain(`${p.teacher.name} har sagt ja og er nu tovholder`);

    // The new coordinator's summary: open agreements, the last assessment, observations incl. professionals-only, meetings, consent.
    const [summary] = cardsIn(privateTo(p.teacher, acceptedAt));
    expectValid(summary);
    const summaryText = JSON.stringify(summary);
    expect(summaryText).toContain('Overblik for tovholderen: Sag accept');
    expect(summaryText).toContain('Lektiehjælp accept');
    expect(summaryText).toContain(PROFESSIONAL_SECRET);
    expect(summaryText).toContain(FAMILY_OBSERVATION);
    expect(summaryText).toContain('Ingen afsluttede trivselsvurderinger endnu');
    expect(summaryText).toContain('Skovbakkeskolen, lokale 12');
    expect(summaryText).toContain(formatDateTime('da', new Date('2026-03-10T09:00:00Z')));
    expect(summaryText).toContain(`${p.psychologist.name} – PPR-psykolog: Givet`);
    // The family's card and the room never carry professionals-only content.
    expect(texts(privateTo(p.parent))).not.toContain(PROFESSIONAL_SECRET);

    // A double click changes nothing and tells nobody again.
    const sentBefore = t.connector.sentActivities.length;
    const twice = await d.click(p.teacher, 'handover.accept', accept.data);
    expect(twice.statusCode).toBe(200);
    expect(t.connector.sentActivities.length).toBe(sentBefore);
    expect(await eventsOf(d.caseId, 'coordinator.handover.accepted')).toHaveLength(1);
    const declineAfter = await d.click(p.teacher, 'handover.decline', accept.data);
    expect(declineAfter.statusCode).toBe(409);
    expect(declineAfter.message).toContain('har allerede sagt ja');

    // What belongs to the coordinator moved: the old one is refused, the new one may.
    expect(textOf(await d.say(p.coordinator, 'vurdering'))).toContain('Kun sagens tovholder');
    expect(cardsOf(await d.say(p.teacher, 'vurdering'))).toHaveLength(1);
    const [event] = await eventsOf(d.caseId, 'coordinator.handover.accepted');
    expect(event).toMatchObject({ actorId: p.teacher.id, visibility: 'all', data: { fromId: p.coordinator.id, toId: p.teacher.id, followUps: 1, openRounds: 0 } });

    // The summary again, on demand, only for the coordinator.
    const refused = await d.click(p.coordinator, 'handover.summary', { caseId: d.caseId });
    expect(refused.statusCode).toBe(403);
    const again2 = await d.click(p.teacher, 'handover.summary', { caseId: d.caseId });
    expect(again2.statusCode).toBe(200);
    expect(JSON.stringify(again2.card)).toContain('Runde 1 er åben');
  });
});

describe('a handover declined, withdrawn, and only one open at a time', () => {
  test('the proposed person says no with a reason, told to the coordinator only; nothing moves', async () => {
    const p = newPeople('B');
    const d = await fullCase(p, 'decline');
    const before = t.connector.sentActivities.length;
    await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.psychologist] });
    const [offer] = cardsIn(privateTo(p.psychologist, before));
    const decline = offer!.actions.find((a: any) => a.verb === 'handover.decline');
    expect(offer!.body.some((e: any) => e.type === 'Input.Text' && e.id === 'reason')).toBe(true);

    const declinedAt = t.connector.sentActivities.length;
    const declined = await d.click(p.psychologist, 'handover.decline', { ...decline.data, reason: 'Jeg går på barsel i april' });
    expect(declined.statusCode).toBe(200);
    expect(JSON.stringify(declined.card)).toContain('Du har sagt nej tak');
    const kase = await d.kase();
    expect(kase.coordinatorId).toBe(p.coordinator.id);
    expect(kase.lastHandover).toMatchObject({ status: 'declined', reason: 'Jeg går på barsel i april' });
    expect(texts(privateTo(p.coordinator, declinedAt))).toContain(`${p.psychologist.name} har sagt nej til at blive tovholder`);
    expect(texts(privateTo(p.coordinator, declinedAt))).toContain('Begrundelse: Jeg går på barsel i april');
    // The reason stays among the professionals: not in the room, not in the family's timeline.
    expect(JSON.stringify(d.inRoom(declined.sent))).not.toContain('barsel');
    const [event] = await eventsOf(d.caseId, 'coordinator.handover.declined');
    expect(event).toMatchObject({ visibility: 'professionals', data: { reason: 'Jeg går på barsel i april', toId: p.psychologist.id } });
    expect(JSON.stringify(await t.app.core.timeline.page({ userId: p.parent.id, name: p.parent.name }, d.caseId, 1))).not.toContain('barsel');

    // A CPR number in the reason is refused and changes nothing.
    await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.psychologist] });
    const open = (await d.kase()).handover!;
    const cpr = await d.click(p.psychologist, 'handover.decline', { caseId: d.caseId, handoverId: open.id, reason: 'se 010203-1234' });
    expect(cpr.statusCode).toBe(400);
    expect((await d.kase()).handover?.id).toBe(open.id);

    // Only one open proposal: another professional must wait until it is withdrawn.
    const second = await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.teacher] });
    expect(textOf(second)).toContain(`Der er allerede et åbent forslag om, at ${p.psychologist.name} bliver tovholder`);

    // Withdrawn: the proposed person is told, and their old card no longer works.
    const withdrawnAt = t.connector.sentActivities.length;
    const withdrawn = await d.say(p.coordinator, 'træk overdragelse tilbage');
    expect(textOf(d.inRoom(withdrawn))).toContain('har trukket forslaget');
    expect(texts(privateTo(p.psychologist, withdrawnAt))).toContain('har trukket forslaget om, at du skulle være tovholder');
    const late = await d.click(p.psychologist, 'handover.accept', { caseId: d.caseId, handoverId: open.id });
    expect(late.statusCode).toBe(409);
    expect(late.message).toContain('er trukket tilbage');
    expect((await d.kase()).coordinatorId).toBe(p.coordinator.id);
    expect(textOf(await d.say(p.coordinator, 'træk overdragelse tilbage'))).toContain('intet åbent forslag');

    const types = (await t.app.internals.events.all(d.caseId)).map((e) => e.type).filter((type) => type.startsWith('coordinator.'));
    expect(types).toEqual(['coordinator.handover.proposed', 'coordinator.handover.declined', 'coordinator.handover.proposed', 'coordinator.handover.cancelled']);
  });

  test('only the coordinator proposes, only an active professional can be proposed, and the coordinator cannot simply be removed', async () => {
    const p = newPeople('C');
    const d = await fullCase(p, 'rules');
    expect(textOf(await d.say(p.teacher, 'overdrag tovholder', { mentions: [p.psychologist] }))).toContain('Kun sagens tovholder kan gøre det');
    expect(textOf(await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.parent] }))).toContain('kan ikke blive tovholder: tovholderen skal være en aktiv fagperson');
    expect(textOf(await d.say(p.coordinator, 'overdrag tovholder'))).toContain('overdrag tovholder @person');
    const removed = await d.say(p.coordinator, 'fjern', { mentions: [p.coordinator] });
    expect(textOf(removed)).toContain('Tovholderen kan ikke fjernes fra sagen');
    expect(textOf(removed)).toContain('overdrag tovholder');
    expect((await d.kase()).members.find((m) => m.userId === p.coordinator.id)?.status).toBe('active');
    expect(await eventsOf(d.caseId, 'coordinator.handover.proposed')).toHaveLength(0);
  });
});

describe('a coordinator who leaves the case', () => {
  test('their account leaves the chat: the case asks every professional, the first "Jeg tager over" wins, the family is told', async () => {
    const p = newPeople('D');
    const d = await fullCase(p, 'leaves');
    await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.psychologist] });
    const before = t.connector.sentActivities.length;

    // Teams tells the bot that the coordinator left the group chat.
    t.connector.setRoster(d.channel, [p.parent, p.teacher, p.psychologist].map((u) => rosterEntry(u)));
    const left = await t.post({
      type: 'conversationUpdate',
      id: `act-${randomUUID()}`,
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      timestamp: new Date().toISOString(),
      from: { id: p.parent.id, name: p.parent.name, aadObjectId: p.parent.aadObjectId },
      recipient: { id: '28:samspil-bot', name: 'Samspil' },
      conversation: { id: d.channel, conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-kommune-0001' },
      channelData: { tenant: { id: 'tenant-kommune-0001' } },
      membersRemoved: [{ id: p.coordinator.id, aadObjectId: p.coordinator.aadObjectId }],
    });
    expect(left.status).toBe(200);
    await t.app.settled();

    const kase = await d.kase();
    expect(kase.coordinatorId).toBe('');
    expect(kase.coordinatorState).toBe('vacant');
    expect(kase.handover).toBeUndefined();
    expect(kase.members.find((m) => m.userId === p.coordinator.id)?.status).toBe('removed');
    const types = (await t.app.internals.events.all(d.caseId)).slice(-3).map((e) => e.type);
    expect(types).toEqual(['member.removed', 'coordinator.handover.cancelled', 'coordinator.vacated']);

    // Every active professional is asked in their own chat; the family and the one who left are not.
    const asks = [p.teacher, p.psychologist].map((u) => cardsIn(privateTo(u, before)).find((c) => JSON.stringify(c).includes('Sagen mangler en tovholder')));
    for (const ask of asks) {
      expect(ask).toBeDefined();
      expectValid(ask);
    }
    expect(texts(privateTo(p.parent, before))).not.toContain('mangler en tovholder');
    expect(texts(privateTo(p.coordinator, before))).not.toContain('mangler en tovholder');
    const room = t.connector.sentActivities.slice(before).filter((c) => c.conversationId === d.channel);
    expect(texts(room)).toContain('Sagen har ingen tovholder lige nu');

    // Nobody coordinates meanwhile: no one may open a round, everyone sees why.
    expect(textOf(await d.say(p.teacher, 'vurdering'))).toContain('Kun sagens tovholder');
    const status = await d.say(p.parent, 'tovholder');
    expect(JSON.stringify(cardsOf(status))).toContain('Sagen har ingen tovholder siden');

    // A parent cannot take over; the first professional wins; the second learns who did.
    const takeOver = asks[0]!.actions.find((a: any) => a.verb === 'handover.takeOver');
    expect((await d.click(p.parent, 'handover.takeOver', takeOver.data)).statusCode).toBe(403);
    const [first, second] = await Promise.all([d.click(p.teacher, 'handover.takeOver', takeOver.data), d.click(p.psychologist, 'handover.takeOver', takeOver.data)]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    const winner = (await d.kase()).coordinatorId;
    expect([p.teacher.id, p.psychologist.id]).toContain(winner);
    const [winnerCard, loserCard] = winner === p.teacher.id ? [first.card, second.card] : [second.card, first.card];
    expect(JSON.stringify(winnerCard)).toContain('Du er nu tovholder for sagen');
    const winnerName = winner === p.teacher.id ? p.teacher.name : p.psychologist.name;
    expect(JSON.stringify(loserCard)).toContain(`${winnerName} har taget over som tovholder`);
    expect(await eventsOf(d.caseId, 'coordinator.takenOver')).toHaveLength(1);
    const after = await d.kase();
    expect(after.coordinatorState).toBeUndefined();
    expect(after.lastVacancy).toMatchObject({ takenBy: winner, previousId: p.coordinator.id });

    // The family learns who their new coordinator is; the winner gets the summary.
    expect(JSON.stringify(cardsIn(privateTo(p.parent, before)))).toContain(`Tidligere tovholder: ${p.coordinator.name}`);
    const winnerUser = winner === p.teacher.id ? p.teacher : p.psychologist;
    expect(JSON.stringify(cardsIn(privateTo(winnerUser, before)))).toContain('Overblik for tovholderen');
    // A late click on an old ask changes nothing.
    const late = await d.click(winnerUser, 'handover.takeOver', takeOver.data);
    expect(late.statusCode).toBe(200);
    expect(await eventsOf(d.caseId, 'coordinator.takenOver')).toHaveLength(1);
  });

  test('another member leaving the chat stays in the case, and the case keeps its coordinator', async () => {
    const p = newPeople('E');
    const d = await fullCase(p, 'other-leaves');
    const left = await t.post({
      type: 'conversationUpdate',
      id: `act-${randomUUID()}`,
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: p.parent.id, name: p.parent.name },
      recipient: { id: '28:samspil-bot', name: 'Samspil' },
      conversation: { id: d.channel, conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-kommune-0001' },
      channelData: { tenant: { id: 'tenant-kommune-0001' } },
      membersRemoved: [{ id: p.teacher.id }],
    });
    expect(left.status).toBe(200);
    await t.app.settled();
    const kase = await d.kase();
    expect(kase.coordinatorId).toBe(p.coordinator.id);
    expect(kase.coordinatorState).toBeUndefined();
    expect(kase.members.find((m) => m.userId === p.teacher.id)?.status).toBe('active');
  });
});

describe('from the tab', () => {
  const devToken = (user: TestUser) => `dev.${Buffer.from(JSON.stringify({ oid: user.aadObjectId, name: user.name, tid: 'tenant-kommune-0001' })).toString('base64url')}`;
  async function tab(user: TestUser, path: string, body?: unknown) {
    const response = await fetch(`${t.app.url}/tab/api${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${devToken(user)}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  test('the coordinator proposes, the proposed person sees it and accepts in the tab; the card still reaches them in Teams', async () => {
    const p = newPeople('F');
    const d = await fullCase(p, 'tab');
    await d.syncRoster();
    const path = `/cases/${d.caseId}/coordinator`;
    const view = (await tab(p.coordinator, path)).body;
    expect(view).toMatchObject({ coordinator: { name: p.coordinator.name, role: 'caseworker' }, proposal: null, vacancy: null, viewer: { coordinator: true, canPropose: true, canCancel: false } });
    expect(view.candidates.map((c: any) => c.name).sort()).toEqual([p.psychologist.name, p.teacher.name].sort());
    // Nobody else sees whom the coordinator could propose.
    expect((await tab(p.parent, path)).body).toMatchObject({ candidates: [], viewer: { canPropose: false, canAnswer: false } });
    expect((await tab(p.parent, `${path}/handover`, { toUserId: p.teacher.id })).status).toBe(403);
    expect((await tab(p.coordinator, `${path}/handover`, { toUserId: { $ne: '' } })).status).toBe(404);

    const before = t.connector.sentActivities.length;
    const proposed = await tab(p.coordinator, `${path}/handover`, { toUserId: p.teacher.id });
    expect(proposed).toMatchObject({ status: 200, body: { toName: p.teacher.name, changed: true } });
    expect((await tab(p.coordinator, `${path}/handover`, { toUserId: p.teacher.id })).body.changed).toBe(false);
    await t.app.settled();
    expect(JSON.stringify(cardsIn(privateTo(p.teacher, before)))).toContain('Vil du være tovholder?');

    const mine = (await tab(p.teacher, path)).body;
    expect(mine.viewer).toMatchObject({ canAnswer: true, coordinator: false });
    expect((await tab(p.teacher, `${path}/summary`)).status).toBe(403);
    const accepted = await tab(p.teacher, `${path}/handover/${mine.proposal.id}/accept`, {});
    expect(accepted).toMatchObject({ status: 200, body: { status: 'accepted', changed: true } });
    expect((await tab(p.teacher, `${path}/handover/${mine.proposal.id}/accept`, {})).body.changed).toBe(false);
    const summary = await tab(p.teacher, `${path}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ coordinatorName: p.teacher.name, openAgreementsTotal: 1, upcomingMeetings: [] });
    expect(summary.body.observations.map((o: any) => o.text)).toContain(PROFESSIONAL_SECRET);
    expect((await tab(p.parent, path)).body.coordinator.name).toBe(p.teacher.name);
    await t.app.settled();
    expect(JSON.stringify(cardsIn(privateTo(p.parent, before)))).toContain('I har fået en ny tovholder');
  });
});
