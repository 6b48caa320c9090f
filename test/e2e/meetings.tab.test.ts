import { randomUUID } from 'node:crypto';
import { personalMessage, TENANT_ID, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { CaseDriver, cardsOf } from '../harness/caseDriver';
import { FakeGraph } from '../harness/fakeGraph';
import { GRAPH_APP, MEETING_PERMISSIONS, meetingCase, newPeople, personalTo, startMeetingApp, TestClock, verbOf, type MeetingPeople } from '../harness/meetingSeed';
import type { TestApp } from '../harness/testApp';
import { meetingMeasures } from '../../core/domain/meeting';

/**
 * Case meetings in the tab (tab/meetingsApi.ts) and the bot's personal chat, against the real
 * server: scheduling from the tab (the bot announces it), the agenda built from the case and edited,
 * attendance from the Teams meeting's report (and ticked off when Graph does not allow it), the
 * minutes tied to the meeting, "mine møder", and invitations sent again after a failure.
 */

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
  t = await startMeetingApp(__filename, graph, clock, { TAB_AUTH_MODE: 'dev' });
});
afterEach(async () => {
  await t.stop();
});

const devToken = (user: TestUser) => `dev.${Buffer.from(JSON.stringify({ oid: user.aadObjectId, name: user.name, tid: TENANT_ID })).toString('base64url')}`;
const actor = (user: TestUser) => ({ userId: user.id, aadObjectId: user.aadObjectId, name: user.name });

async function api(user: TestUser, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.app.url}/tab/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${devToken(user)}`, 'Accept-Language': 'da-DK', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const result = { status: response.status, body: await response.json().catch(() => undefined) };
  await t.app.settled();
  return result;
}

const expectValid = (card: unknown) => {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
};

async function scheduleFromTab(d: CaseDriver, p: MeetingPeople, fields: Record<string, unknown> = {}) {
  const result = await api(p.coordinator, `/cases/${d.caseId}/meetings`, {
    formId: randomUUID(),
    date: '2025-03-06',
    time: '13:00',
    durationMinutes: 60,
    place: 'Skovbakkeskolen',
    teams: false,
    participantIds: [p.parent.id, p.teacher.id],
    ...fields,
  });
  if (result.status !== 200) throw new Error(`scheduling from the tab failed: ${JSON.stringify(result.body)}`);
  return result.body as { id: string; created: boolean; online: { state: string; joinUrl?: string } | null };
}

describe('the tab', () => {
  test('the coordinator schedules from the tab; the bot announces it; each person sees the meeting as their role may, and answers', async () => {
    const p = newPeople('tab');
    const d = await meetingCase(t, p, 'tab');
    const list = await api(p.coordinator, `/cases/${d.caseId}/meetings`);
    expect(list.body).toMatchObject({ canSchedule: true, upcoming: [] });
    expect(list.body.candidates.map((c: { userId: string }) => c.userId).sort()).toEqual([p.coordinator, p.parent, p.teacher, p.coach, p.child].map((u) => u.id).sort());
    expect((await api(p.teacher, `/cases/${d.caseId}/meetings`)).body.canSchedule).toBe(false);

    // Refused input changes nothing.
    const bad = await api(p.coordinator, `/cases/${d.caseId}/meetings`, { formId: randomUUID(), date: '2025-03-01', time: '13:00', place: 'X', participantIds: [p.parent.id] });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('Tidspunktet ligger i fortiden')]);
    const foreign = await api(p.coordinator, `/cases/${d.caseId}/meetings`, { formId: randomUUID(), date: '2025-03-06', time: '13:00', place: 'X', participantIds: ['29:not-in-the-case'] });
    expect([foreign.status, foreign.body.key]).toEqual([400, 'meeting.error.participantNotMember']);
    const teacherTries = await api(p.teacher, `/cases/${d.caseId}/meetings`, { formId: randomUUID(), date: '2025-03-06', time: '13:00', place: 'X', participantIds: [p.parent.id] });
    expect(teacherTries.status).toBe(403);
    expect(await t.app.database.db.collection('scheduledMeetings').countDocuments({ caseId: d.caseId })).toBe(0);

    const sent = t.connector.sentActivities.length;
    const formId = randomUUID();
    const scheduled = await scheduleFromTab(d, p, { formId });
    expect(scheduled.created).toBe(true);
    expect((await scheduleFromTab(d, p, { formId })).created).toBe(false);
    // The bot announces it in the room and invites in people's own chats, as for a meeting made in Teams.
    expect(JSON.stringify(cardsOf(d.inRoom(t.connector.sentActivities.slice(sent).map((c) => c.activity))))).toContain('Møde i sagen');
    expect(cardsOf(personalTo(t, p.parent, sent))).toHaveLength(1);
    expect(cardsOf(personalTo(t, p.teacher, sent))).toHaveLength(1);

    const declined = await api(p.parent, `/cases/${d.caseId}/meetings/${scheduled.id}/answer`, { answer: 'declined', reason: 'Vi er på ferie' });
    expect(declined.status).toBe(200);
    expect(declined.body.meeting.viewer).toMatchObject({ participant: true, myAnswer: 'declined', canAnswer: true });
    expect((await api(p.teacher, `/cases/${d.caseId}/meetings/${scheduled.id}/answer`, { answer: 'accepted' })).status).toBe(200);
    const coachTries = await api(p.coach, `/cases/${d.caseId}/meetings/${scheduled.id}/answer`, { answer: 'accepted' });
    expect([coachTries.status, coachTries.body.key]).toEqual([403, 'meeting.error.notParticipant']);
    const wrong = await api(p.teacher, `/cases/${d.caseId}/meetings/${scheduled.id}/answer`, { answer: { $set: 'accepted' } });
    expect(wrong.status).toBe(400);

    // Who sees why someone cannot come: the coordinator and the person, nobody else.
    const asCoordinator = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${scheduled.id}`)).body;
    const asTeacher = (await api(p.teacher, `/cases/${d.caseId}/meetings/${scheduled.id}`)).body;
    const parentRow = (view: any) => view.participants.find((x: { userId: string }) => x.userId === p.parent.id);
    expect(parentRow(asCoordinator)).toMatchObject({ answer: 'declined', reason: 'Vi er på ferie', invitation: 'sent' });
    expect(parentRow(asTeacher)).toMatchObject({ answer: 'declined' });
    expect(parentRow(asTeacher).reason).toBeUndefined();
    expect(asCoordinator.counts).toEqual({ invited: 3, accepted: 2, declined: 1, pending: 0 });
    expect(asCoordinator.viewer).toMatchObject({ coordinator: true, canManage: true });
    expect(asTeacher.viewer).toMatchObject({ coordinator: false, canManage: false });
    // Every read through the tab is in the access log.
    const reads = await t.app.internals.accessLog.collection.find({ caseId: d.caseId, part: 'tab.meeting' } as never).toArray();
    expect(reads.length).toBeGreaterThanOrEqual(3);
  });

  test('the agenda starts from the case (overdue and due-soon agreements, the latest assessment, open early warnings) and the coordinator edits it', async () => {
    const p = newPeople('agenda');
    const d = await meetingCase(t, p, 'agenda');
    const core = t.app.core;
    const c = actor(p.coordinator);
    // Agreements: one overdue (due in the past, made with the clock set back), one due soon, one far off.
    clock.at('2025-02-10', '09:00');
    const propose = async (what: string, due: string) => (await core.agreements.propose(c, d.caseId, { formId: randomUUID(), what, ownerId: p.parent.id, dueDate: due, followUpDate: due })).agreement._id;
    const overdue = await propose('Lektiehjælp', '2025-02-24');
    const soon = await propose('Samtale med klasselærer', '2025-03-10');
    await propose('Skoleskift', '2025-06-01');
    // A closed assessment round, and a red observation only professionals see (an early warning).
    const { round } = await core.assessments.open(c, d.caseId);
    await core.assessments.answer(c, d.caseId, round._id, { ratings: { cognitive: 'yellow', emotional: 'red', social: 'yellow', physical: 'green' } });
    await core.assessments.close(c, d.caseId, round._id);
    const { form } = await core.forms.open(actor(p.teacher), d.caseId, 'observation');
    await core.observations.create(actor(p.teacher), d.caseId, { formId: form._id, area: 'child_school', level: 'red', text: 'Meget urolig i timerne', professionalsOnly: true });
    await t.app.settled();
    clock.at('2025-03-03', '09:00');

    const { id } = await scheduleFromTab(d, p, { date: '2025-03-06' });
    const coordinatorView = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}`)).body;
    expect(coordinatorView.agenda.map((a: any) => [a.kind, a.agreementId ?? a.roundId ?? a.rule])).toEqual([
      ['overdue', overdue],
      ['dueSoon', soon],
      ['assessment', round._id],
      ['earlyWarning', 'redObservation'],
    ]);
    // The parent never sees the point that rests on professionals-only content.
    const parentView = (await api(p.parent, `/cases/${d.caseId}/meetings/${id}`)).body;
    expect(parentView.agenda.map((a: any) => a.kind)).toEqual(['overdue', 'dueSoon', 'assessment']);
    const parentInvitation = JSON.stringify(cardsOf(personalTo(t, p.parent)).at(-1));
    expect(parentInvitation).toContain('Over fristen: Lektiehjælp');
    expect(parentInvitation).not.toContain('Tidlig opmærksomhed');
    const teacherInvitation = JSON.stringify(cardsOf(personalTo(t, p.teacher)).at(-1));
    expect(teacherInvitation).toContain('Tidlig opmærksomhed: en observation i rød');

    // The coordinator keeps two points, in a new order, and adds one; anyone else is refused; a made-up point is refused.
    const [first, second] = coordinatorView.agenda;
    const edited = await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/agenda`, { items: [{ id: second.id }, { text: 'Barnets egne ønsker' }, { id: first.id }] });
    expect(edited.body).toEqual({ changed: true });
    const after = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}`)).body.agenda;
    expect(after.map((a: any) => a.kind)).toEqual(['dueSoon', 'custom', 'overdue']);
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/agenda`, { items: after.map((a: any) => ({ id: a.id })) })).body).toEqual({ changed: false });
    expect((await api(p.teacher, `/cases/${d.caseId}/meetings/${id}/agenda`, { items: [] })).status).toBe(403);
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/agenda`, { items: [{ id: 'a:made-up' }] })).body.key).toBe('meeting.error.agendaItemUnknown');
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/agenda`, { items: [{ text: 'CPR 010203-1234' }] })).body.key).toBe('error.cprRefused');
    const suggested = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/agenda/suggested`)).body.items;
    expect(suggested.map((a: any) => a.kind)).toEqual(['overdue', 'dueSoon', 'assessment', 'earlyWarning']);
    const events = await t.app.internals.events.collection.find({ caseId: d.caseId, type: 'meeting.agendaEdited' } as never).toArray();
    expect(events).toHaveLength(1);
  });
});

describe('attendance', () => {
  test('from the Teams meeting\'s attendance report where Graph allows it; no automatic judgement of who did not come', async () => {
    const p = newPeople('teams');
    graph.grantApplicationPermissions(GRAPH_APP.clientId, MEETING_PERMISSIONS);
    graph.onlineMeetings.grantAccessPolicy(GRAPH_APP.clientId, p.coordinator.aadObjectId);
    const d = await meetingCase(t, p, 'teams');
    const { id, online } = await scheduleFromTab(d, p, { teams: true, participantIds: [p.parent.id, p.teacher.id, p.coach.id] });
    expect(online).toMatchObject({ state: 'created', joinUrl: expect.stringMatching(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//) });
    const early = await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/attendance/teams`, {});
    expect([early.status, early.body.key]).toEqual([409, 'meeting.error.notStarted']);

    clock.at('2025-03-06', '14:30');
    const teamsMeeting = graph.onlineMeetings.live().find((m) => m.externalId === id)!;
    // Nobody there yet: Teams has no report.
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/attendance/teams`, {})).body).toEqual({ fetched: false, reason: 'no_report' });
    graph.onlineMeetings.addAttendanceReport(teamsMeeting.id, [
      { oid: p.coordinator.aadObjectId, displayName: p.coordinator.name, seconds: 3600 },
      { oid: p.parent.aadObjectId, displayName: p.parent.name, seconds: 1500 },
      { oid: 'f0f0f0f0-0000-4000-8000-000000000001', displayName: 'En gæst', seconds: 600 },
      { oid: p.coach.aadObjectId, displayName: p.coach.name, seconds: 0 },
    ]);
    expect((await api(p.teacher, `/cases/${d.caseId}/meetings/${id}/attendance/teams`, {})).status).toBe(403);
    const updated = t.connector.updatedActivities.length;
    const fetched = await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/attendance/teams`, {});
    expect(fetched.body).toEqual({ fetched: true, changed: true });
    // The report's records come in pages: every page was read.
    expect(graph.calls.filter((c) => c.path.endsWith('/attendanceRecords')).length).toBeGreaterThanOrEqual(2);
    const view = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}`)).body;
    expect(Object.fromEntries(view.participants.map((x: any) => [x.userId, x.attendance]))).toEqual({
      [p.coordinator.id]: 'present',
      [p.parent.id]: 'present',
      [p.teacher.id]: 'absent',
      [p.coach.id]: 'absent',
    });
    expect(view.attendance).toMatchObject({ source: 'teams', byName: p.coordinator.name });
    // The room's card says how many came; nothing more about the others.
    const redrawn = t.connector.updatedActivities.slice(updated).map((u) => JSON.stringify(u.body)).find((b) => b.includes('Fremmøde'));
    expect(redrawn).toContain('Fremmøde: 2 deltog, 2 deltog ikke.');
    expect(redrawn).not.toMatch(/udeblev|no-show|fravær/i);
    const measures = meetingMeasures(await t.app.internals.scheduledMeetings.forCases([d.caseId]), t.app.core.now(), [d.caseId].length);
    expect(measures.attendance).toEqual({ meetingsRecorded: 1, present: 2, absent: 2, presentShare: 0.5 });
  });

  test('without Graph\'s permission the coordinator ticks people off in the tab; nobody else may', async () => {
    const p = newPeople('ticks');
    // The app may create meetings but has no permission for their artifacts (attendance reports).
    graph.registerApp(GRAPH_APP);
    graph.grantApplicationPermissions(GRAPH_APP.clientId, ['OnlineMeetings.ReadWrite.All']);
    graph.onlineMeetings.grantAccessPolicy(GRAPH_APP.clientId, p.coordinator.aadObjectId);
    const d = await meetingCase(t, p, 'ticks');
    const { id } = await scheduleFromTab(d, p, { teams: true });
    clock.at('2025-03-06', '14:30');
    const calls = graph.calls.length;
    const refused = await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/attendance/teams`, {});
    // Graph answers 403 for the report, and the tab says so.
    expect(graph.calls.slice(calls).filter((c) => c.service === 'graph').map((c) => [c.status, c.path.endsWith('/attendanceReports')])).toEqual([[403, true]]);
    expect(refused.body).toEqual({ fetched: false, reason: 'not_allowed' });

    expect((await api(p.parent, `/cases/${d.caseId}/meetings/${id}/attendance`, { present: [p.parent.id] })).status).toBe(403);
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/attendance`, { present: ['29:not-a-participant'] })).body.key).toBe('meeting.error.participantNotInMeeting');
    const ticked = await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/attendance`, { present: [p.coordinator.id, p.teacher.id] });
    expect(ticked.body).toEqual({ changed: true });
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/attendance`, { present: [p.coordinator.id, p.teacher.id] })).body).toEqual({ changed: false });
    const view = (await api(p.parent, `/cases/${d.caseId}/meetings/${id}`)).body;
    expect(view.attendance).toMatchObject({ source: 'coordinator' });
    expect(view.participants.find((x: any) => x.userId === p.parent.id).attendance).toBe('absent');
  });
});

describe('minutes, "mine møder" and sending again', () => {
  test('the minutes posted from the meeting are tied to it; "opgaver" shows "mine møder"; `møde` in one\'s own chat picks the case', async () => {
    const p = newPeople('minutes');
    const d = await meetingCase(t, p, 'minutes');
    const { id } = await scheduleFromTab(d, p);
    clock.at('2025-03-06', '14:30');
    const formId = randomUUID();
    const posted = await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/minutes`, { formId, locale: 'da' });
    expect(posted.body).toMatchObject({ posted: true });
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/minutes`, { formId })).body).toEqual({ posted: false, repeated: true });
    const view = (await api(p.teacher, `/cases/${d.caseId}/meetings/${id}`)).body;
    expect(view.minutesId).toBe(formId);
    expect(await t.app.internals.events.collection.countDocuments({ caseId: d.caseId, type: 'meeting.minutesLinked' } as never)).toBe(1);
    expect(JSON.stringify(t.connector.updatedActivities.map((u) => u.body))).toContain('Referatet er sendt til sagens samtale.');
    // Network members may not post minutes.
    expect((await api(p.coach, `/cases/${d.caseId}/meetings/${id}/minutes`, { formId: randomUUID() })).status).toBe(403);

    // A second case coordinated by the same person, and an upcoming meeting in each.
    clock.at('2025-03-03', '09:00');
    const other = await new CaseDriver(t, p.coordinator, 'minutes-two').create('Overgang / CD');
    await other.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
    const upcoming = await scheduleFromTab(d, p, { date: '2025-03-11' });
    const since = t.connector.sentActivities.length;
    await t.post(personalMessage('opgaver', { serviceUrl: t.connector.url, from: p.parent }));
    await t.app.settled();
    const tasks = t.connector.sentActivities.slice(since).map((c) => c.activity);
    const mine = cardsOf(tasks).find((c) => JSON.stringify(c).includes('Mine møder'))!;
    expect(cardProblems(mine)).toEqual([]);
    expect(JSON.stringify(mine)).toContain('tirsdag den 11. marts 2025 kl. 13.00');
    expect(JSON.stringify(mine)).toContain('Trivsel minutes');
    expect(JSON.stringify(mine)).toContain('Dit svar: har ikke svaret');
    expect(upcoming.id).toBeTruthy();

    // `møde` in the coordinator's own chat: two cases to choose from, then the form for the chosen one.
    const chat = t.connector.sentActivities.length;
    await t.post(personalMessage('møde i morgen kl. 10', { serviceUrl: t.connector.url, from: p.coordinator }));
    await t.app.settled();
    const [choice] = cardsOf(t.connector.sentActivities.slice(chat).map((c) => c.activity));
    expectValid(choice);
    const next = verbOf(choice, 'meeting.pickCase')!;
    expect(next.data).toEqual({ date: '2025-03-04', time: '10:00' });
    const picked = await other.click(p.coordinator, 'meeting.pickCase', { ...next.data, caseId: other.caseId });
    expect(picked.statusCode).toBe(200);
    expectValid(picked.card);
    expect(JSON.stringify(picked.card)).toContain('"value":"2025-03-04"');
    expect(JSON.stringify(picked.card)).toContain(p.parent.name);
    const parentTries = await other.click(p.parent, 'meeting.pickCase', { caseId: other.caseId });
    expect(parentTries.statusCode).toBe(403);
  });

  test('an invitation Teams refused is not lost: the tab shows it as not sent, and "send missing invitations" sends it once', async () => {
    const p = newPeople('resend');
    const d = await meetingCase(t, p, 'resend');
    // The teacher has no chat with the bot yet and Teams refuses to create one, for a while.
    t.connector.failNext({ status: 403, times: 5, match: (call) => call.path === '/v3/conversations' && JSON.stringify(call.body).includes(p.teacher.id) });
    const { id } = await scheduleFromTab(d, p);
    const before = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}`)).body.participants;
    expect(before.find((x: any) => x.userId === p.teacher.id).invitation).toBe('none');
    expect(before.find((x: any) => x.userId === p.parent.id).invitation).toBe('sent');
    expect(cardsOf(personalTo(t, p.teacher))).toHaveLength(0);

    t.connector.reset();
    expect((await api(p.teacher, `/cases/${d.caseId}/meetings/${id}/invitations`, {})).status).toBe(403);
    const resent = await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/invitations`, {});
    expect(resent.body).toEqual({ sent: 1 });
    expect(cardsOf(personalTo(t, p.teacher))).toHaveLength(1);
    expect(cardsOf(personalTo(t, p.parent))).toHaveLength(0);
    expect((await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}/invitations`, {})).body).toEqual({ sent: 0 });
    const after = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${id}`)).body.participants;
    expect(after.find((x: any) => x.userId === p.teacher.id).invitation).toBe('sent');
  });
});
