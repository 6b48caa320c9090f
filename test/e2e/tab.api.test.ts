import { randomUUID } from 'node:crypto';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { startTabTestApp, type TabTestApp } from '../harness/tabApp';
import { FAMILY_VISIBLE_TEXT, PARENT_TEXT, PROFESSIONALS_ONLY_TEXT, seedCase, type SeededCase } from '../harness/tabSeed';
import type { TestUser } from '../harness/activities';

let t: TabTestApp;
let s: SeededCase;

beforeAll(async () => {
  t = await startTabTestApp(__filename);
  s = await seedCase(t);
});
afterAll(async () => {
  await t.stop();
});

const tokenFor = (user: TestUser) => t.entra.token({ oid: user.aadObjectId, name: user.name });
const get = (user: TestUser, path: string, locale?: string) => t.api(path, { token: tokenFor(user), locale });
const post = (user: TestUser, path: string, body: unknown, locale?: string) => t.api(path, { token: tokenFor(user), method: 'POST', body, locale });
const casePath = (suffix: string) => `/cases/${s.caseId}/${suffix}`;

describe('case overview', () => {
  test('a professional sees members with roles, consent and coordinator, the well-being rounds, every agreement and all observations', async () => {
    const { status, body } = await get(s.coordinator, casePath('overview'));
    expect(status).toBe(200);
    expect(body.case.title).toBe('Trivsel i 4.B');
    expect(body.case.coordinatorName).toBe('Mette Sagsbehandler');
    const byName = Object.fromEntries(body.members.map((m: any) => [m.name, m]));
    expect(byName['Mette Sagsbehandler']).toMatchObject({ role: 'caseworker', coordinator: true, me: true, consent: 'not_needed' });
    expect(byName['Lise Forælder']).toMatchObject({ role: 'parent', coordinator: false, me: false });
    expect(byName['Jonas Lærer']).toMatchObject({ role: 'teacher', consent: 'approved', status: 'active' });
    expect(byName['Karsten Træner']).toMatchObject({ role: 'network', consent: 'pending', status: 'pending' });

    expect(body.wellbeing.map((r: any) => r.roundNumber)).toEqual([1, 2]);
    expect(body.wellbeing[1].respondents).toBe(3);
    expect(body.wellbeing[1].areas.find((a: any) => a.area === 'cognitive').changeSincePrevious).toBeLessThan(0);

    const statuses = Object.fromEntries(body.agreements.map((a: any) => [a.what, a.status]));
    expect(statuses).toEqual({
      'Ugentligt møde med klasselæreren': 'accepted',
      'Lektiehjælp to gange om ugen': 'accepted',
      'Henvisning til PPR': 'proposed',
      'Fast sengetid klokken 20': 'done',
      'Skoleskift til efteråret': 'declined',
    });
    const overdue = body.agreements.filter((a: any) => a.overdue).map((a: any) => a.what);
    expect(overdue).toEqual(['Lektiehjælp to gange om ugen']);
    expect(body.agreements.find((a: any) => a.what === 'Lektiehjælp to gange om ugen')).toMatchObject({ ownerName: 'Lise Forælder' });

    const texts = body.observations.map((o: any) => o.text);
    expect(texts).toEqual(expect.arrayContaining([PROFESSIONALS_ONLY_TEXT, FAMILY_VISIBLE_TEXT, PARENT_TEXT]));
    expect(body.viewer).toMatchObject({ seesProfessionalOnly: true, coordinator: true, canPropose: true });
  });

  test('a parent gets the same case without any professionals-only content, anywhere in the response', async () => {
    const { status, body, text } = await get(s.parent, casePath('overview'));
    expect(status).toBe(200);
    expect(text).not.toContain(PROFESSIONALS_ONLY_TEXT);
    expect(text).not.toContain('family_housing');
    expect(body.observations.map((o: any) => o.text).sort()).toEqual([FAMILY_VISIBLE_TEXT, PARENT_TEXT].sort());
    expect(body.observations.every((o: any) => o.professionalsOnly === false)).toBe(true);
    expect(body.viewer).toMatchObject({ role: 'parent', seesProfessionalOnly: false });
    expect(body.agreements).toHaveLength(5);
  });

  test('the observation timeline filters by area and level, and the parent cannot filter their way to hidden content', async () => {
    const school = await get(s.coordinator, `${casePath('observations')}?area=child_school`);
    expect(school.body.map((o: any) => o.text)).toEqual([FAMILY_VISIBLE_TEXT]);
    const red = await get(s.coordinator, `${casePath('observations')}?level=red`);
    expect(red.body.map((o: any) => o.text)).toEqual([PROFESSIONALS_ONLY_TEXT]);
    const parentRed = await get(s.parent, `${casePath('observations')}?level=red&area=family_housing`);
    expect(parentRed.status).toBe(200);
    expect(parentRed.body).toEqual([]);
    const bad = await get(s.coordinator, `${casePath('observations')}?level=purple`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('Trivselsniveau');
  });

  test('the meeting stage carries only family-visible content, even when a professional shares it', async () => {
    const { status, body, text } = await get(s.coordinator, casePath('stage'));
    expect(status).toBe(200);
    expect(text).not.toContain(PROFESSIONALS_ONLY_TEXT);
    expect(body.audience).toBe('everyone');
    expect(body.viewer).toMatchObject({ seesProfessionalOnly: false, canPropose: false, canPostMinutes: false });
    expect(body.agreements.every((a: any) => a.canMarkDone === false)).toBe(true);
  });

  test('someone who is not a member gets a refusal that names nothing from the case, and the attempt is audited', async () => {
    for (const suffix of ['overview', 'stage', 'agenda', 'minutes', 'observations', 'profiles']) {
      const { status, body, text } = await get(s.outsider, casePath(suffix));
      expect(status).toBe(403);
      expect(body.message).toBe('Du er ikke medlem af denne sag og kan ikke se den.');
      expect(text).not.toContain('Trivsel i 4.B');
      expect(text).not.toContain('Lise');
    }
    const refused = (await t.app.internals.accessLog.all(s.caseId)).filter((e) => e.action === 'refused' && e.actorId === `aad:${s.outsider.aadObjectId}` && e.surface === 'tab').length;
    expect(refused).toBeGreaterThanOrEqual(6);
    const unknown = await get(s.coordinator, '/cases/00000000-0000-4000-8000-000000000000/overview', 'en-US');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('The case does not exist, or you do not have access to it.');
  });

  test('a member whose consent is still pending sees nothing yet', async () => {
    const { status } = await get(s.coach, casePath('overview'));
    expect(status).toBe(403);
  });

  test('every read through the tab is kept in the audit trail', async () => {
    const reads = async () => (await t.app.internals.accessLog.all(s.caseId)).filter((e) => e.action === 'read' && e.part === 'tab.overview' && e.surface === 'tab' && e.actorId === s.teacher.id).length;
    const before = await reads();
    await get(s.teacher, casePath('overview'));
    expect(await reads()).toBe(before + 1);
  });
});

describe('configuration page data', () => {
  test('the case of the channel is found for its members, beside their other cases', async () => {
    const { status, body } = await get(s.parent, `/cases?conversationId=${encodeURIComponent(s.channel)}`);
    expect(status).toBe(200);
    expect(body.bound).toMatchObject({ id: s.caseId, title: 'Trivsel i 4.B', conversationKind: 'groupChat' });
    expect(body.cases.map((c: any) => c.id)).toContain(s.caseId);
  });

  test('a channel without a case binds nothing, and a non-member of the channel case is refused', async () => {
    const none = await get(s.parent, `/cases?conversationId=${encodeURIComponent('19:nothing-here@thread.tacv2')}`);
    expect(none.body.bound).toBeNull();
    const outsider = await get(s.outsider, `/cases?conversationId=${encodeURIComponent(s.channel)}`);
    expect(outsider.status).toBe(403);
    const mine = await get(s.outsider, '/cases');
    expect(mine.body).toEqual({ cases: [], bound: null });
  });
});

describe('meeting side panel', () => {
  test('the agenda lists overdue and open agreements, observations since the last meeting and pending consent', async () => {
    const { status, body } = await get(s.teacher, casePath('agenda'));
    expect(status).toBe(200);
    expect(body.lastMeetingAt).toBeNull();
    expect(body.overdue.map((a: any) => a.what)).toEqual(['Lektiehjælp to gange om ugen']);
    expect(body.open.map((a: any) => a.what)).toEqual(['Henvisning til PPR', 'Ugentligt møde med klasselæreren']);
    expect(body.pendingConsent.map((m: any) => m.name)).toEqual(['Karsten Træner']);
    expect(body.observationsSince.map((o: any) => o.text)).toContain(PROFESSIONALS_ONLY_TEXT);
    expect(body.owners.map((o: any) => o.name)).toEqual(expect.arrayContaining(['Lise Forælder', 'Jonas Lærer']));
    expect(body.owners.map((o: any) => o.name)).not.toContain('Karsten Træner');
    const weekly = body.open.find((a: any) => a.what === 'Ugentligt møde med klasselæreren');
    expect(weekly.canMarkDone).toBe(true);
    expect(body.overdue[0].canMarkDone).toBe(false);
  });

  test('a parent’s agenda has no professionals-only observations', async () => {
    const { text } = await get(s.parent, casePath('agenda'));
    expect(text).not.toContain(PROFESSIONALS_ONLY_TEXT);
  });

  test('a decision recorded in the meeting becomes a proposed agreement, once, however often it is sent', async () => {
    const today = copenhagenDate(new Date());
    const input = { formId: randomUUID(), what: 'Samtale med skolepsykolog', ownerId: s.teacher.id, dueDate: addDays(today, 14), followUpDate: addDays(today, 21) };
    const first = await post(s.coordinator, casePath('agreements'), input);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'proposed', created: true });
    const again = await post(s.coordinator, casePath('agreements'), input);
    expect(again.body).toMatchObject({ id: first.body.id, created: false });
    const board = await get(s.parent, casePath('overview'));
    const proposal = board.body.agreements.filter((a: any) => a.what === 'Samtale med skolepsykolog');
    expect(proposal).toHaveLength(1);

    // The family hears of it in their chat, once, and a guardian can answer in the tab as well.
    expect(first.body.posted).toBe(true);
    expect(again.body.posted).toBe(true);
    await t.app.settled();
    const cards = t.connector.sentActivities.filter((c) => c.conversationId === s.channel && JSON.stringify(c.activity).includes('Samtale med skolepsykolog'));
    expect(cards).toHaveLength(1);
    expect(proposal[0]).toMatchObject({ canAccept: true, canDecline: true, canMarkDone: false });
    expect((await get(s.coordinator, casePath('overview'))).body.agreements.find((a: any) => a.id === first.body.id)).toMatchObject({ canAccept: false });
    const accepted = await post(s.parent, casePath(`agreements/${first.body.id}/accept`), {});
    expect(accepted.body).toMatchObject({ status: 'accepted', changed: true });
    await t.app.settled();
    const update = t.connector.updatedActivities.find((c) => c.conversationId === s.channel && JSON.stringify(c.body).includes('Samtale med skolepsykolog'));
    expect(JSON.stringify(update?.body)).toContain('accepteret');
  });

  test('a guardian declines a proposal in the tab with a reason; without one nothing changes', async () => {
    const noReason = await post(s.parent, casePath(`agreements/${s.agreements.referral}/decline`), {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toContain('Begrundelsen mangler');
    expect((await post(s.teacher, casePath(`agreements/${s.agreements.referral}/decline`), { reason: 'nej' })).status).toBe(403);
    const declined = await post(s.parent, casePath(`agreements/${s.agreements.referral}/decline`), { reason: 'Vi venter til efter ferien' });
    expect(declined.body).toMatchObject({ status: 'declined', changed: true });
    const stored = await t.app.internals.agreementRepository.byId(s.agreements.referral);
    expect(stored!.history.at(-1)).toMatchObject({ to: 'declined', by: s.parent.id, reason: 'Vi venter til efter ferien' });
  });

  test('a proposal with a CPR number or a date in the past is refused with the reason, in the user’s language', async () => {
    const today = copenhagenDate(new Date());
    const cpr = await post(s.coordinator, casePath('agreements'), { formId: randomUUID(), what: 'Kontakt 010203-1234', ownerId: s.teacher.id, dueDate: addDays(today, 3), followUpDate: addDays(today, 4) });
    expect(cpr.status).toBe(400);
    expect(cpr.body.message).toContain('CPR');
    const past = await post(s.coordinator, casePath('agreements'), { formId: randomUUID(), what: 'For sent', ownerId: s.teacher.id, dueDate: addDays(today, -3), followUpDate: addDays(today, 4) }, 'en-GB');
    expect(past.status).toBe(400);
    expect(past.body.message).toBe('The due date is in the past. Nothing was saved.');
  });

  test('only the owner can mark an agreement done', async () => {
    const refused = await post(s.coordinator, casePath(`agreements/${s.agreements.homework}/done`), {});
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('Kun den, der er ansvarlig');
    const done = await post(s.teacher, casePath(`agreements/${s.agreements.weekly}/done`), {});
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', changed: true });
    const overview = await get(s.parent, casePath('overview'));
    expect(overview.body.agreements.find((a: any) => a.id === s.agreements.weekly).status).toBe('done');
  });
});

describe('minutes', () => {
  test('the minutes hold what was decided, only family-visible content, and are posted once to the case channel as a valid card', async () => {
    const minutes = await get(s.coordinator, casePath('minutes'));
    expect(minutes.status).toBe(200);
    expect(minutes.body.since).toBeNull();
    const changes = minutes.body.decisions.map((d: any) => `${d.what}:${d.change}`);
    expect(changes).toEqual(expect.arrayContaining(['Skoleskift til efteråret:declined', 'Fast sengetid klokken 20:done', 'Henvisning til PPR:proposed']));
    expect(minutes.text).not.toContain(PROFESSIONALS_ONLY_TEXT);
    expect(minutes.body.newObservations).toBe(2);
    expect(minutes.body.canPost).toBe(true);

    const formId = randomUUID();
    const posted = await post(s.coordinator, casePath('minutes'), { formId });
    expect(posted.status).toBe(200);
    expect(posted.body.posted).toBe(true);
    const isMinutes = (c: { conversationId?: string; activity: Record<string, unknown> }) => c.conversationId === s.channel && String(c.activity.text ?? '').startsWith('Referat');
    const sent = await t.connector.waitFor(() => t.connector.sentActivities.find(isMinutes));
    const card = (sent.activity.attachments as any[])[0].content;
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    const cardText = JSON.stringify(card);
    expect(cardText).toContain('Referat: Trivsel i 4.B');
    expect(cardText).toContain('Skoleskift til efteråret');
    expect(cardText).not.toContain(PROFESSIONALS_ONLY_TEXT);

    const repeat = await post(s.coordinator, casePath('minutes'), { formId });
    expect(repeat.body).toEqual({ posted: false, repeated: true });
    expect(t.connector.sentActivities.filter(isMinutes)).toHaveLength(1);

    const agenda = await get(s.coordinator, casePath('agenda'));
    expect(agenda.body.lastMeetingAt).not.toBeNull();
    expect(agenda.body.observationsSince).toEqual([]);
    const after = await get(s.coordinator, casePath('minutes'));
    expect(after.body.decisions).toEqual([]);
    expect(after.body.since).toBe(agenda.body.lastMeetingAt);
  });

  test('minutes sent from an English Teams are in English', async () => {
    const other = await seedCase(t, 'Skolestart');
    const posted = await t.api(`/cases/${other.caseId}/minutes`, { token: tokenFor(other.parent), method: 'POST', body: { formId: randomUUID(), locale: 'en-GB' }, locale: 'en-GB' });
    expect(posted.body.posted).toBe(true);
    const sent = await t.connector.waitFor(() => t.connector.sentActivities.find((c) => c.conversationId === other.channel && String(c.activity.text ?? '').startsWith('Minutes')));
    const card = JSON.stringify((sent.activity.attachments as any[])[0].content);
    expect(card).toContain('Minutes: Skolestart');
    expect(card).toContain('declined by Lise Forælder');
    expect(card).not.toContain('Referat');
    expect(cardProblems((sent.activity.attachments as any[])[0].content)).toEqual([]);
  });

  test('without a stored conversation reference nothing is posted and no meeting is recorded', async () => {
    const other = await seedCase(t, 'Uden samtale');
    await t.app.database.db.collection('conversations').deleteOne({ _id: other.channel } as any);
    const refused = await post(other.coordinator, `/cases/${other.caseId}/minutes`, { formId: randomUUID() });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('Samspil kan ikke skrive i sagens samtale endnu');
    expect((await get(other.coordinator, `/cases/${other.caseId}/agenda`)).body.lastMeetingAt).toBeNull();
  });

  test('network members cannot post minutes', async () => {
    const coachActive = await t.app.core.members.decideConsent({ userId: s.parent.id, aadObjectId: s.parent.aadObjectId, name: s.parent.name }, s.caseId, s.coach.id, 'approve');
    expect(coachActive.member.status).toBe('active');
    const refused = await post(s.coach, casePath('minutes'), { formId: randomUUID() });
    expect(refused.status).toBe(403);
    expect((await get(s.coach, casePath('minutes'))).body.canPost).toBe(false);
  });
});

describe('profiles from Microsoft Graph (on behalf of the user)', () => {
  test('members get their directory name and photo, and a second look uses the caches', async () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
    t.entra.graphUsers.set(s.teacher.aadObjectId, { displayName: 'Jonas Lærer (Skovbakkeskolen)', photo });
    t.entra.graphUsers.set(s.parent.aadObjectId, { displayName: 'Lise Forælder' });
    const token = tokenFor(s.coordinator);
    const first = await t.api(casePath('profiles'), { token });
    expect(first.status).toBe(200);
    expect(first.body.source).toBe('graph');
    expect(first.body.profiles[s.teacher.id]).toEqual({ displayName: 'Jonas Lærer (Skovbakkeskolen)', photo: `data:image/jpeg;base64,${photo.toString('base64')}` });
    expect(first.body.profiles[s.parent.id]).toEqual({ displayName: 'Lise Forælder' });
    expect(first.body.profiles[s.coordinator.id]).toBeUndefined();
    const obo = t.entra.calls.filter((c) => c.path.endsWith('/oauth2/v2.0/token'));
    expect(obo).toHaveLength(1);
    expect(obo[0]!.path).toBe(`/${'aaaaaaaa-0000-4000-8000-000000000001'}/oauth2/v2.0/token`);
    expect(new URLSearchParams(obo[0]!.body).get('assertion')).toBe(token);

    const graphCalls = t.entra.graphCalls;
    const second = await t.api(casePath('profiles'), { token });
    expect(second.body.profiles[s.teacher.id].displayName).toBe('Jonas Lærer (Skovbakkeskolen)');
    expect(t.entra.oboCalls).toBe(1);
    // Only the two members Graph does not know are asked for again (name and photo each); the token comes from msal's cache.
    expect(t.entra.graphCalls - graphCalls).toBe(4);
  });

  test('an outsider cannot use the profile lookup to read members', async () => {
    const { status, text } = await get(s.outsider, casePath('profiles'));
    expect(status).toBe(403);
    expect(text).not.toContain('Jonas');
  });
});
