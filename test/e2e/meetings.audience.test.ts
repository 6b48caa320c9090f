import { makeUser, type TestUser } from '../harness/activities';
import { cardProblems } from '../harness/cards';
import { CaseDriver, cardsOf } from '../harness/caseDriver';
import { FakeGraph } from '../harness/fakeGraph';
import { GRAPH_APP, invitationTo, meetingCase, newPeople, openMeetingForm, personalTo, scheduleMeeting, startMeetingApp, TestClock, verbOf } from '../harness/meetingSeed';
import type { TestApp } from '../harness/testApp';

/**
 * The audience rules (a conversation is a room) for every meeting card: the room's card is drawn for
 * its least-privileged reader, neutral when a pending member or an outsider can read the room (or a
 * standard channel, read by the whole team); a family member's room never shows professionals-only
 * agenda points; invitations, proposals and notes go to people's own chats only.
 */

let graph: FakeGraph;
let t: TestApp;
let clock: TestClock;

beforeAll(async () => {
  graph = await new FakeGraph().start();
  graph.registerApp(GRAPH_APP);
  clock = new TestClock(new Date('2025-03-03T08:00:00Z'));
  t = await startMeetingApp(__filename, graph, clock);
});
afterAll(async () => {
  await t.stop();
  await graph.stop();
});

const PLACE = 'Hemmeligvej 7, mødelokale 3';
const PROFESSIONAL_POINT = 'FAGLIGT: underretning drøftes';

/** Everything the bot put into the room (new messages and updates) since `since`. */
function roomPosts(d: CaseDriver, sinceSent: number, sinceUpdated: number): string {
  const room = (id?: string) => (id ?? '').split(';messageid=')[0];
  return JSON.stringify([
    ...t.connector.sentActivities.slice(sinceSent).filter((c) => room(c.conversationId) === d.channel).map((c) => c.body),
    ...t.connector.updatedActivities.slice(sinceUpdated).filter((c) => room(c.conversationId) === d.channel).map((c) => c.body),
  ]);
}

const meetingCardIn = (activities: Array<Record<string, any>>) => cardsOf(activities).find((c) => JSON.stringify(c).includes('meeting.view'));

function expectNeutral(card: Record<string, any>, kaseTitle: string, people: TestUser[]) {
  expect(cardProblems(card)).toEqual([]);
  const text = JSON.stringify(card);
  expect(text).toContain('Der er planlagt et møde i en sag, som nogle i denne samtale ikke har adgang til');
  for (const secret of [kaseTitle, PLACE, PROFESSIONAL_POINT, ...people.map((u) => u.name)]) expect(text).not.toContain(secret);
  expect(card.actions.map((a: Record<string, any>) => a.verb)).toEqual(['meeting.view']);
}

test('a group chat with a member still waiting for consent gets a neutral card; members get their own view; the pending person learns nothing', async () => {
  const p = newPeople('pending');
  const d = await meetingCase(t, p, 'pending');
  const psychologist = makeUser('Peter PPR pending');
  await d.enter(psychologist);
  await d.say(p.coordinator, 'tilføj som ppr-psykolog', { mentions: [psychologist] });
  const sent = t.connector.sentActivities.length;
  const updated = t.connector.updatedActivities.length;
  const { meetingId } = await scheduleMeeting(d, p.coordinator, { date: '2025-03-06', time: '13:00', place: PLACE, participants: [p.parent, p.teacher] });

  const card = meetingCardIn(d.inRoom(t.connector.sentActivities.slice(sent).map((c) => c.activity)))!;
  expectNeutral(card, 'Trivsel pending', [p.parent, p.teacher, p.coordinator]);
  // Active members' clients fetch their own view; the pending person is not among them.
  expect(card.refresh.userIds.sort()).toEqual([p.coordinator, p.parent, p.teacher, p.coach, p.child].map((u) => u.id).sort());
  const own = await d.click(p.parent, 'meeting.view', card.actions[0].data);
  expect(own.statusCode).toBe(200);
  expect(JSON.stringify(own.card)).toContain(PLACE);
  const peek = await d.click(psychologist, 'meeting.view', card.actions[0].data);
  expect([peek.statusCode, peek.message]).toEqual([403, 'Du er ikke medlem af denne sag og kan ikke se den.']);

  // Answers redraw the room's card: still neutral, still nothing that names the case or its people.
  await d.click(p.teacher, 'meeting.accept', verbOf(invitationTo(t, p.teacher, sent)!, 'meeting.accept')!.data);
  await d.click(p.parent, 'meeting.decline', { ...verbOf(invitationTo(t, p.parent, sent)!, 'meeting.decline')!.data, reason: 'Syg' });
  const posted = roomPosts(d, sent, updated);
  for (const secret of ['Trivsel pending', PLACE, p.parent.name, p.teacher.name, 'Syg']) expect(posted).not.toContain(secret);
  expect(posted).toContain('Der er planlagt et møde');
  // The invitations and the coordinator's note went to people's own chats.
  expect(cardsOf(personalTo(t, p.parent, sent)).length).toBeGreaterThan(0);
  expect(JSON.stringify(cardsOf(personalTo(t, p.coordinator, sent)))).toContain('kan ikke komme');
  expect(meetingId).toBeTruthy();
});

test('in a room of members only, the card shows the meeting; professionals-only agenda points only to professionals; an outsider who joins turns it neutral', async () => {
  const p = newPeople('members');
  const d = await meetingCase(t, p, 'members');
  const sent = t.connector.sentActivities.length;
  const { meetingId } = await scheduleMeeting(d, p.coordinator, { date: '2025-03-06', time: '13:00', place: PLACE, participants: [p.parent, p.teacher] });
  const coordinator = { userId: p.coordinator.id, aadObjectId: p.coordinator.aadObjectId, name: p.coordinator.name };
  const { meeting } = await t.app.core.meetings.get(coordinator, d.caseId, meetingId);
  await t.app.core.meetings.editAgenda(coordinator, d.caseId, meetingId, [...meeting.agenda.map((a) => ({ id: a.id })), { text: 'Skoleskift', professionalsOnly: false }, { text: PROFESSIONAL_POINT, professionalsOnly: true }]);
  await t.app.settled();

  const posted = roomPosts(d, sent, 0);
  expect(posted).toContain(PLACE);
  expect(posted).toContain('Skoleskift');
  // The parent reads this room: the professionals-only point is never in it.
  expect(posted).not.toContain(PROFESSIONAL_POINT);
  const card = meetingCardIn(d.inRoom(t.connector.sentActivities.slice(sent).map((c) => c.activity)))!;
  expect(cardProblems(card)).toEqual([]);
  const teacherView = await d.click(p.teacher, 'meeting.view', { caseId: d.caseId, meetingId, surface: 'view' });
  expect(JSON.stringify(teacherView.card)).toContain(PROFESSIONAL_POINT);
  const parentView = await d.click(p.parent, 'meeting.view', { caseId: d.caseId, meetingId, surface: 'view' });
  expect(JSON.stringify(parentView.card)).toContain('Skoleskift');
  expect(JSON.stringify(parentView.card)).not.toContain(PROFESSIONAL_POINT);
  expect(JSON.stringify(invitationTo(t, p.parent, sent))).not.toContain(PROFESSIONAL_POINT);

  // Someone outside the case joins the chat: the meeting's card is drawn again, neutrally.
  const updated = t.connector.updatedActivities.length;
  const outsider = makeUser('Ole Udenfor');
  await d.enter(outsider);
  const redrawn = t.connector.updatedActivities.slice(updated).map((u) => u.body as Record<string, any>).find((b) => JSON.stringify(b).includes('meeting.view'));
  expect(redrawn).toBeTruthy();
  expectNeutral(redrawn!.attachments[0].content, 'Trivsel members', [p.parent, p.teacher, p.coordinator]);
});

test('a standard channel (read by the whole team) only ever gets the neutral card; the form itself reaches only the coordinator', async () => {
  const p = newPeople('channel');
  const d = await new CaseDriver(t, p.coordinator, 'meetchannel', { room: 'channel' }).create('Trivsel channel / AB');
  await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
  const sent = t.connector.sentActivities.length;
  const { form, room } = await openMeetingForm(d, p.coordinator);
  expect(JSON.stringify(room)).not.toContain('participantIds');
  expect(JSON.stringify(form)).toContain('participantIds');
  const notCoordinator = await d.click(p.parent, 'form.open', verbOf(cardsOf(room)[0], 'form.open')!.data);
  expect(notCoordinator.statusCode).toBe(403);

  await scheduleMeeting(d, p.coordinator, { date: '2025-03-06', time: '13:00', place: PLACE, participants: [p.parent] });
  const card = meetingCardIn(d.inRoom(t.connector.sentActivities.slice(sent).map((c) => c.activity)))!;
  expectNeutral(card, 'Trivsel channel', [p.parent, p.coordinator]);
  expect(roomPosts(d, sent, 0)).not.toContain(PLACE);
});
