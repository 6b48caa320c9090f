import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { cardsOf, textOf } from '../harness/caseDriver';
import { FakeGraph } from '../harness/fakeGraph';
import { actionsOf, GRAPH_APP, inputOf, invitationTo, MEETING_PERMISSIONS, meetingCase, newPeople, openMeetingForm, personalTo, scheduleMeeting, startMeetingApp, TestClock, verbOf } from '../harness/meetingSeed';
import type { TestApp } from '../harness/testApp';

/**
 * Case meetings through the bot (docs/meetings.md), against the real server and database, the fake
 * Bot Connector and the fake Microsoft Graph: scheduling with and without Graph's permission,
 * invitations and answers from every role, moves proposed (accepted and declined), and the
 * coordinator's notes. Every card is checked with the adaptivecards SDK.
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
  // Monday 3 March 2025, 09:00 in Copenhagen.
  clock = new TestClock(new Date('2025-03-03T08:00:00Z'));
  t = await startMeetingApp(__filename, graph, clock);
});
afterEach(async () => {
  await t.stop();
});

const expectValid = (card: unknown) => {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
};

const meetingsOf = (caseId: string) => t.app.database.db.collection<{ _id: string } & Record<string, any>>('scheduledMeetings').find({ caseId }).toArray();
const eventsOf = async (caseId: string, type: string) => (await t.app.internals.events.collection.find({ caseId, type } as never).toArray()) as Array<Record<string, any>>;

describe('scheduling', () => {
  test('with the Graph permission: "møde 6.3 kl. 13" fills the form; the meeting, its Teams meeting, the room card and an invitation to each participant follow, once', async () => {
    const p = newPeople('graph');
    graph.grantApplicationPermissions(GRAPH_APP.clientId, MEETING_PERMISSIONS);
    graph.onlineMeetings.grantAccessPolicy(GRAPH_APP.clientId, p.coordinator.aadObjectId);
    const d = await meetingCase(t, p, 'graph');

    const { form, room } = await openMeetingForm(d, p.coordinator, 'møde 6.3 kl. 13');
    expect(textOf(room) + JSON.stringify(cardsOf(room))).toContain('planlægger et møde');
    expectValid(form);
    expect(inputOf(form, 'date').value).toBe('2025-03-06');
    expect(inputOf(form, 'time').value).toBe('13:00');
    const choices = inputOf(form, 'participantIds').choices.map((c: Record<string, string>) => c.value);
    expect(choices.sort()).toEqual([p.parent.id, p.teacher.id, p.coach.id, p.child.id].sort());

    const submit = verbOf(form, 'meeting.submit')!;
    const input = { ...submit.data, date: '2025-03-06', time: '13:00', durationMinutes: '60', place: 'Skovbakkeskolen, lokale 2', teams: 'true', participantIds: choices.join(',') };
    const before = t.connector.sentActivities.length;
    const scheduled = await d.click(p.coordinator, 'meeting.submit', input);
    expect(scheduled.statusCode).toBe(200);
    expectValid(scheduled.card);
    const reply = JSON.stringify(scheduled.card);
    expect(reply).toContain('Mødet er planlagt til torsdag den 6. marts 2025 kl. 13.00. Invitationerne er sendt til 4 deltagere.');

    // One Teams meeting on the coordinator's behalf, for the right time, with the participants as attendees.
    const [online] = graph.onlineMeetings.live();
    expect(graph.onlineMeetings.live()).toHaveLength(1);
    expect(online).toMatchObject({ organizerOid: p.coordinator.aadObjectId, subject: 'Samspil – møde', startDateTime: '2025-03-06T12:00:00.000Z', endDateTime: '2025-03-06T13:00:00.000Z' });
    expect(online!.attendees.sort()).toEqual([p.parent, p.teacher, p.coach, p.child].map((u) => u.aadObjectId).sort());
    const join = actionsOf(scheduled.card).find((a) => a.type === 'Action.OpenUrl');
    expect(join!.url).toBe(online!.joinWebUrl);

    // The room gets the meeting's card (the whole family reads this chat: no outsiders, so it shows the meeting).
    const inRoom = d.inRoom(t.connector.sentActivities.slice(before).map((c) => c.activity));
    const roomCard = cardsOf(inRoom).find((c) => JSON.stringify(c).includes('Møde i sagen'));
    expectValid(roomCard);
    expect(JSON.stringify(roomCard)).toContain('torsdag den 6. marts 2025 kl. 13.00');
    expect(JSON.stringify(roomCard)).toContain('1 kommer · 0 kan ikke · 4 har ikke svaret');
    expect(roomCard.refresh.action.verb).toBe('meeting.view');

    // Each participant gets their invitation in their own chat, with the three answers.
    for (const who of [p.parent, p.teacher, p.coach, p.child]) {
      const [invitation, ...more] = cardsOf(personalTo(t, who, before));
      expect(more).toHaveLength(0);
      expectValid(invitation);
      expect(JSON.stringify(invitation)).toContain(`${p.coordinator.name} inviterer dig til et møde.`);
      const verbs = actionsOf(invitation).map((a) => a.verb).filter(Boolean);
      expect(verbs).toEqual(expect.arrayContaining(['meeting.accept', 'meeting.decline', 'meeting.propose']));
      expect(invitation.refresh.userIds).toEqual([who.id]);
    }
    expect(cardsOf(personalTo(t, p.coordinator, before))).toHaveLength(0);

    // The same form again (a double click, a redelivery): nothing new anywhere.
    const sentBefore = t.connector.sentActivities.length;
    const graphCalls = graph.calls.length;
    const again = await d.click(p.coordinator, 'meeting.submit', input);
    expect(JSON.stringify(again.card)).toContain('Mødet var allerede planlagt');
    expect(graph.calls.length).toBe(graphCalls);
    expect(t.connector.sentActivities.length).toBe(sentBefore);
    const meetings = await meetingsOf(d.caseId);
    expect(meetings).toHaveLength(1);
    expect(await eventsOf(d.caseId, 'meeting.scheduled')).toHaveLength(1);
    expect((await eventsOf(d.caseId, 'meeting.onlineMeeting')).map((e) => e.data.state)).toEqual(['created']);
  });

  test('without the permission (Graph answers 403 with its real error), the meeting is scheduled and the coordinator is told how to add the link', async () => {
    const p = newPeople('nopermission');
    graph.grantApplicationPermissions(GRAPH_APP.clientId, MEETING_PERMISSIONS);
    graph.onlineMeetings.revokeAccessPolicies(GRAPH_APP.clientId);
    const d = await meetingCase(t, p, 'nopermission');
    const { form } = await openMeetingForm(d, p.coordinator);
    const submit = verbOf(form, 'meeting.submit')!;
    const before = t.connector.sentActivities.length;
    const graphBefore = graph.calls.length;
    const scheduled = await d.click(p.coordinator, 'meeting.submit', { ...submit.data, date: '2025-03-06', time: '13:00', durationMinutes: '60', teams: 'true', participantIds: `${p.parent.id},${p.teacher.id}` });
    expect(scheduled.statusCode).toBe(200);
    expectValid(scheduled.card);
    const text = JSON.stringify(scheduled.card);
    expect(text).toContain('Teams-mødet kunne ikke oprettes: Samspil har ikke tilladelse');
    expect(text).toContain('Tilføj Teams-link');
    const refused = graph.calls.slice(graphBefore).filter((c) => c.service === 'graph' && c.path.includes('/onlineMeetings'));
    expect(refused.map((c) => [c.status, c.path])).toEqual([[403, `/v1.0/users/${p.coordinator.aadObjectId}/onlineMeetings/createOrGet`]]);
    const [meeting] = await meetingsOf(d.caseId);
    expect(meeting).toMatchObject({ status: 'scheduled', teams: true, online: { state: 'not_allowed' } });
    // The meeting stands: the invitations went out.
    expect(cardsOf(personalTo(t, p.parent, before))).toHaveLength(1);
    expect(cardsOf(personalTo(t, p.teacher, before))).toHaveLength(1);

    // The coordinator adds the link by hand: a wrong one is refused, a Teams link is kept and the room's card shows it.
    const link = verbOf(scheduled.card, 'meeting.link')!;
    const wrong = await d.click(p.coordinator, 'meeting.link', { ...link.data, joinUrl: 'https://evil.example/meet' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.message).toContain('Linket skal være et link til et Teams-møde');
    const url = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0';
    const updatesBefore = t.connector.updatedActivities.length;
    const added = await d.click(p.coordinator, 'meeting.link', { ...link.data, joinUrl: url });
    expect(JSON.stringify(added.card)).toContain('Linket er gemt');
    expect(actionsOf(added.card).find((a) => a.type === 'Action.OpenUrl')!.url).toBe(url);
    const updated = t.connector.updatedActivities.slice(updatesBefore).map((c) => JSON.stringify(c.body));
    expect(updated.some((body) => body.includes(url))).toBe(true);
    const teacherTries = await d.click(p.teacher, 'meeting.link', { ...link.data, joinUrl: url });
    expect(teacherTries.statusCode).toBe(403);
    expect(teacherTries.message).toContain('Kun sagens tovholder');
  });

  test('everything is checked before anything is written: the past, a missing hour, a bad duration, people outside the case, and only the coordinator', async () => {
    const p = newPeople('checks');
    const d = await meetingCase(t, p, 'checks');
    const { form } = await openMeetingForm(d, p.coordinator);
    const data = verbOf(form, 'meeting.submit')!.data;
    const base = { ...data, date: '2025-03-06', time: '13:00', durationMinutes: '60', place: 'Skolen', teams: 'false', participantIds: p.parent.id };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ date: '2025-03-03', time: '08:00' }, 'Tidspunktet ligger i fortiden'],
      [{ date: '2025-03-30', time: '02:30' }, 'Klokken 02:30 findes ikke den 2025-03-30'],
      [{ date: '2025-02-30' }, 'Datoen skal være en gyldig dato'],
      [{ time: '25:00' }, 'Klokkeslættet skal skrives som tt:mm'],
      [{ durationMinutes: '7' }, 'Varigheden skal være mellem 15 og 480 minutter'],
      [{ participantIds: `${p.parent.id},29:someone-else` }, 'Deltagerne skal være aktive medlemmer af sagen'],
      [{ participantIds: '' }, 'Vælg mindst én deltager ud over dig selv'],
      [{ place: '', teams: 'false' }, 'Stedet'],
      [{ place: 'Mødet handler om 010203-1234' }, 'ligner et CPR-nummer'],
      [{ participantIds: { $ne: '' } }, 'kortets data er ugyldige'],
      [{ participantIds: [p.parent.id, 42] }, 'Et valg på kortet er ugyldigt'],
    ];
    for (const [change, message] of cases) {
      const refused = await d.click(p.coordinator, 'meeting.submit', { ...base, ...change });
      expect([refused.statusCode, refused.message]).toEqual([400, expect.stringContaining(message)]);
    }
    const teacher = await d.click(p.teacher, 'meeting.submit', base);
    expect(teacher.statusCode).toBe(403);
    expect(teacher.message).toContain('Kun sagens tovholder');
    const teacherCommand = await d.say(p.teacher, 'møde');
    expect(textOf(teacherCommand)).toContain('Kun sagens tovholder');
    expect(await meetingsOf(d.caseId)).toHaveLength(0);
    expect(await eventsOf(d.caseId, 'meeting.scheduled')).toHaveLength(0);
  });
});

describe('invitations and answers', () => {
  test('every role answers from their invitation; the coordinator sees the answers live on the room card and hears at once of a "can\'t come"', async () => {
    const p = newPeople('answers');
    const d = await meetingCase(t, p, 'answers');
    const everyone = [p.parent, p.teacher, p.coach, p.child];
    const since = t.connector.sentActivities.length;
    const { meetingId } = await scheduleMeeting(d, p.coordinator, { date: '2025-03-06', time: '13:00', participants: everyone });

    const answer = async (who: typeof p.parent, verb: string, extra: Record<string, unknown> = {}) => {
      const invitation = invitationTo(t, who, since)!;
      const action = verbOf(invitation, verb)!;
      return d.click(who, verb, { ...action.data, ...extra });
    };
    const teacher = await answer(p.teacher, 'meeting.accept');
    expect(teacher.statusCode).toBe(200);
    expectValid(teacher.card);
    expect(JSON.stringify(teacher.card)).toContain('Du har svaret: Jeg kommer.');
    // A double click changes nothing and tells nobody.
    const twice = await answer(p.teacher, 'meeting.accept');
    expect(twice.statusCode).toBe(200);
    expect((await eventsOf(d.caseId, 'meeting.answered')).filter((e) => e.data.userId === p.teacher.id)).toHaveLength(1);

    expect((await answer(p.coach, 'meeting.accept')).statusCode).toBe(200);
    expect((await answer(p.child, 'meeting.accept')).statusCode).toBe(200);

    const toCoordinator = t.connector.sentActivities.length;
    const parent = await answer(p.parent, 'meeting.decline', { reason: 'Jeg er på arbejde til kl. 15' });
    expect(parent.statusCode).toBe(200);
    expect(JSON.stringify(parent.card)).toContain('Du har svaret: Jeg kan ikke.');
    // The coordinator is told at once, in their own chat, with the reason.
    const [note] = cardsOf(personalTo(t, p.coordinator, toCoordinator));
    expectValid(note);
    expect(JSON.stringify(note)).toContain(`${p.parent.name} kan ikke komme til mødet torsdag den 6. marts 2025 kl. 13.00.`);
    expect(JSON.stringify(note)).toContain('Begrundelse: Jeg er på arbejde til kl. 15');

    // The room's card shows the answers as they are now (drawn again after each answer), without reasons.
    const updates = t.connector.updatedActivities.filter((u) => (u.conversationId ?? '') === d.channel).map((u) => JSON.stringify(u.body));
    expect(updates.at(-1)).toContain('4 kommer · 1 kan ikke · 0 har ikke svaret');
    expect(updates.at(-1)).not.toContain('på arbejde');

    // A member who was not invited, and someone outside the case, cannot answer; nothing changes.
    const second = await scheduleMeeting(d, p.coordinator, { date: '2025-03-07', time: '10:00', participants: [p.parent] });
    const notInvited = await d.click(p.teacher, 'meeting.accept', { caseId: d.caseId, meetingId: second.meetingId, surface: 'view' });
    expect([notInvited.statusCode, notInvited.message]).toEqual([403, 'Du er ikke inviteret til dette møde. Intet er ændret.']);
    const stranger = (await import('../harness/activities')).makeUser('Ukendt Person');
    const outsider = await d.click(stranger, 'meeting.accept', { caseId: d.caseId, meetingId, surface: 'view' });
    expect(outsider.statusCode).toBe(403);
    expect(outsider.message).toBe('Du er ikke medlem af denne sag og kan ikke se den.');
    const [stored] = (await meetingsOf(d.caseId)).filter((m) => m._id === meetingId);
    expect(Object.fromEntries(stored!.participants.map((x: Record<string, any>) => [x.userId, x.answer]))).toEqual({
      [p.coordinator.id]: 'accepted',
      [p.teacher.id]: 'accepted',
      [p.coach.id]: 'accepted',
      [p.child.id]: 'accepted',
      [p.parent.id]: 'declined',
    });
  });

  test('a move proposed and accepted: everyone is asked again at the new time; one proposed and declined: the proposer hears why', async () => {
    const p = newPeople('move');
    graph.grantApplicationPermissions(GRAPH_APP.clientId, MEETING_PERMISSIONS);
    graph.onlineMeetings.grantAccessPolicy(GRAPH_APP.clientId, p.coordinator.aadObjectId);
    const d = await meetingCase(t, p, 'move');
    const since = t.connector.sentActivities.length;
    const { meetingId } = await scheduleMeeting(d, p.coordinator, { date: '2025-03-06', time: '13:00', participants: [p.parent, p.teacher], teams: true });
    await d.click(p.teacher, 'meeting.accept', verbOf(invitationTo(t, p.teacher, since)!, 'meeting.accept')!.data);

    // The parent proposes Friday 10:00 from the invitation.
    const proposeAt = t.connector.sentActivities.length;
    const propose = verbOf(invitationTo(t, p.parent, since)!, 'meeting.propose')!;
    const proposed = await d.click(p.parent, 'meeting.propose', { ...propose.data, date: '2025-03-07', time: '10:00', note: 'Om eftermiddagen henter jeg' });
    expect(proposed.statusCode).toBe(200);
    expect(JSON.stringify(proposed.card)).toContain('Du har foreslået fredag den 7. marts 2025 kl. 10.00');
    const again = await d.click(p.parent, 'meeting.propose', { ...propose.data, date: '2025-03-07', time: '10:00' });
    expect(again.statusCode).toBe(200);
    expect(await eventsOf(d.caseId, 'meeting.moveProposed')).toHaveLength(1);

    // The coordinator gets the choice in their own chat.
    const [choice] = cardsOf(personalTo(t, p.coordinator, proposeAt));
    expectValid(choice);
    expect(JSON.stringify(choice)).toContain(`${p.parent.name} foreslår at flytte mødet torsdag den 6. marts 2025 kl. 13.00 til fredag den 7. marts 2025 kl. 10.00.`);
    expect(JSON.stringify(choice)).toContain('Bemærkning: Om eftermiddagen henter jeg');
    const accept = verbOf(choice, 'meeting.proposal.accept')!;
    const teacherTries = await d.click(p.teacher, 'meeting.proposal.accept', accept.data);
    expect(teacherTries.statusCode).toBe(403);

    const movedAt = t.connector.sentActivities.length;
    const moved = await d.click(p.coordinator, 'meeting.proposal.accept', accept.data);
    expect(moved.statusCode).toBe(200);
    expectValid(moved.card);
    expect(JSON.stringify(moved.card)).toContain('Mødet er flyttet til fredag den 7. marts 2025 kl. 10.00.');
    expect((await d.click(p.coordinator, 'meeting.proposal.accept', accept.data)).statusCode).toBe(200);
    expect(await eventsOf(d.caseId, 'meeting.moved')).toHaveLength(1);

    // Everyone hears of it with a new invitation; the proposer counts as coming, the others are asked again.
    for (const who of [p.parent, p.teacher]) {
      const invitation = invitationTo(t, who, movedAt)!;
      expectValid(invitation);
      expect(JSON.stringify(invitation)).toContain('Mødet er flyttet til et nyt tidspunkt. Kan du komme?');
      expect(JSON.stringify(invitation)).toContain('fredag den 7. marts 2025 kl. 10.00');
    }
    expect(JSON.stringify(invitationTo(t, p.parent, movedAt))).toContain('Du har svaret: Jeg kommer.');
    expect(JSON.stringify(invitationTo(t, p.teacher, movedAt))).toContain('Du har ikke svaret endnu.');
    // The Teams meeting follows.
    const online = graph.onlineMeetings.live().find((m) => m.externalId === meetingId)!;
    expect(online.startDateTime).toBe('2025-03-07T09:00:00.000Z');

    // The teacher proposes another time; the coordinator declines it, with a reason (required).
    const teacherPropose = verbOf(invitationTo(t, p.teacher, movedAt)!, 'meeting.propose')!;
    const declineAt = t.connector.sentActivities.length;
    await d.click(p.teacher, 'meeting.propose', { ...teacherPropose.data, date: '2025-03-10', time: '09:00' });
    const [second] = cardsOf(personalTo(t, p.coordinator, declineAt));
    const decline = verbOf(second, 'meeting.proposal.decline')!;
    const noReason = await d.click(p.coordinator, 'meeting.proposal.decline', decline.data);
    expect([noReason.statusCode, noReason.message]).toEqual([400, expect.stringContaining('Begrundelsen')]);
    const reasonInput = actionsOf(second).find((a) => a.type === 'Action.ShowCard' && JSON.stringify(a.card).includes('meeting.proposal.decline'))!.card.body[0];
    expect(reasonInput).toMatchObject({ type: 'Input.Text', isRequired: true });
    const told = t.connector.sentActivities.length;
    const declined = await d.click(p.coordinator, 'meeting.proposal.decline', { ...decline.data, [reasonInput.id]: 'Mandag er der skolefest' });
    expect(declined.statusCode).toBe(200);
    expect(JSON.stringify(declined.card)).toContain(`Forslaget er afvist. ${p.teacher.name} har fået besked.`);
    const [note] = cardsOf(personalTo(t, p.teacher, told));
    expectValid(note);
    expect(JSON.stringify(note)).toContain('Mødet bliver ikke flyttet');
    expect(JSON.stringify(note)).toContain('Begrundelse: Mandag er der skolefest');
    expect(JSON.stringify(note)).toContain('Mødet er stadig fredag den 7. marts 2025 kl. 10.00.');
    const [stored] = await meetingsOf(d.caseId);
    expect(stored!.startsAt.toISOString()).toBe('2025-03-07T09:00:00.000Z');
  });

  test('the coordinator cancels: everyone is told, the Teams meeting is deleted, and nobody can answer any more', async () => {
    const p = newPeople('cancel');
    graph.grantApplicationPermissions(GRAPH_APP.clientId, MEETING_PERMISSIONS);
    graph.onlineMeetings.grantAccessPolicy(GRAPH_APP.clientId, p.coordinator.aadObjectId);
    const d = await meetingCase(t, p, 'cancel');
    const since = t.connector.sentActivities.length;
    const { meetingId, card } = await scheduleMeeting(d, p.coordinator, { date: '2025-03-06', time: '13:00', participants: [p.parent, p.teacher], teams: true });
    const cancel = verbOf(card, 'meeting.cancel')!;
    const told = t.connector.sentActivities.length;
    const cancelled = await d.click(p.coordinator, 'meeting.cancel', { ...cancel.data, cancelReason: 'Skolen er lukket' });
    expect(cancelled.statusCode).toBe(200);
    expect(JSON.stringify(cancelled.card)).toContain('Mødet er aflyst.');
    for (const who of [p.parent, p.teacher]) {
      const [note] = cardsOf(personalTo(t, who, told));
      expectValid(note);
      expect(JSON.stringify(note)).toContain(`Mødet torsdag den 6. marts 2025 kl. 13.00 er aflyst af ${p.coordinator.name}.`);
      expect(JSON.stringify(note)).toContain('Begrundelse: Skolen er lukket');
    }
    expect(graph.onlineMeetings.meetings.find((m) => m.externalId === meetingId)!.deleted).toBe(true);
    const late = await d.click(p.parent, 'meeting.accept', verbOf(invitationTo(t, p.parent, since)!, 'meeting.accept')!.data);
    expect([late.statusCode, late.message]).toEqual([409, 'Mødet er aflyst. Intet er ændret.']);
  });
});
