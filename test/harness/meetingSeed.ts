import { makeUser, TENANT_ID, type TestUser } from './activities';
import { CaseDriver, cardsOf } from './caseDriver';
import type { FakeGraph } from './fakeGraph';
import { TestClock } from './reminderSeed';
import { startTestApp, type TestApp } from './testApp';

/** The app registration Graph knows (the tab's, which Samspil also uses for app-only calls). */
export const GRAPH_APP = { clientId: '6f1c2d3e-4a5b-4c6d-8e7f-a0b1c2d3e4f5', clientSecret: 'meetings-graph-secret' };

export const MEETING_PERMISSIONS = ['OnlineMeetings.ReadWrite.All', 'OnlineMeetingArtifact.Read.All'];

/** The real server with Graph pointed at the fake (app-only, msal-node offline) and a controllable clock. */
export function startMeetingApp(testFile: string, graph: FakeGraph, clock: TestClock, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp(testFile, {
    now: clock.now,
    env: {
      GRAPH_BASE_URL: graph.graphBaseUrl,
      TAB_CLIENT_ID: GRAPH_APP.clientId,
      TAB_CLIENT_SECRET: GRAPH_APP.clientSecret,
      TAB_ALLOWED_TENANTS: TENANT_ID,
      REMINDER_SWEEP_SECONDS: '0',
      REMINDER_RATE_PER_SECOND: '0',
      ...env,
    },
    options: { graph: { networkClient: graph.networkClient() } },
  });
}

export interface MeetingPeople {
  coordinator: TestUser;
  teacher: TestUser;
  parent: TestUser;
  coach: TestUser;
  child: TestUser;
}

export const newPeople = (label: string): MeetingPeople => ({
  coordinator: makeUser(`Karen Sagsbehandler ${label}`),
  teacher: makeUser(`Mette Lærer ${label}`),
  parent: makeUser(`Anna Mor ${label}`),
  coach: makeUser(`Jonas Træner ${label}`),
  child: makeUser(`Alma Barn ${label}`),
});

/**
 * A case made as people make it, in the family's group chat: a caseworker coordinates, a parent,
 * a teacher and a football coach (both with the parent's consent) and the child are members.
 */
export async function meetingCase(t: TestApp, p: MeetingPeople, label: string): Promise<CaseDriver> {
  const d = await new CaseDriver(t, p.coordinator, label).create(`Trivsel ${label} / AB`);
  await d.enter(p.parent, p.teacher, p.coach, p.child);
  await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
  await d.say(p.coordinator, 'tilføj som lærer', { mentions: [p.teacher] });
  await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.teacher.id });
  await d.say(p.coordinator, 'tilføj som træner', { mentions: [p.coach] });
  await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.coach.id });
  await d.say(p.coordinator, 'tilføj som barn', { mentions: [p.child] });
  return d;
}

/** `møde …` in the room, then "Åbn formularen": the coordinator's own form. */
export async function openMeetingForm(d: CaseDriver, who: TestUser, text = 'møde'): Promise<{ form: Record<string, any>; formId: string; room: Array<Record<string, any>> }> {
  const said = await d.say(who, text);
  const [shared] = cardsOf(d.inRoom(said));
  const open = (shared?.actions ?? []).find((a: Record<string, any>) => a.verb === 'form.open');
  if (!open) throw new Error(`no form card: ${JSON.stringify(said)}`);
  const opened = await d.click(who, 'form.open', open.data);
  if (opened.statusCode !== 200) throw new Error(`the form did not open: ${opened.message}`);
  return { form: opened.card, formId: open.data.formId, room: d.inRoom(said) };
}

export function inputOf(card: Record<string, any>, id: string): Record<string, any> {
  const found = (card.body as Array<Record<string, any>>).find((e) => e.id === id);
  if (!found) throw new Error(`no input ${id}`);
  return found;
}

/** Every action on a card: its own, those of ActionSets in its body, and those inside ShowCards. */
export function actionsOf(card: Record<string, any>): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  const walkBody = (body: Array<Record<string, any>> | undefined) => {
    for (const element of body ?? []) {
      if (element.type === 'ActionSet') walk(element.actions);
      if (element.items) walkBody(element.items);
    }
  };
  const walk = (actions: Array<Record<string, any>> | undefined) => {
    for (const action of actions ?? []) {
      out.push(action);
      if (action.card) {
        walk(action.card.actions);
        walkBody(action.card.body);
      }
    }
  };
  walkBody(card.body);
  walk(card.actions);
  return out;
}

export const verbOf = (card: Record<string, any>, verb: string): Record<string, any> | undefined => actionsOf(card).find((a) => a.verb === verb);

/** What the bot sent to one person's own chat with it (a created or stored personal chat). */
export function personalTo(t: TestApp, user: TestUser, since = 0): Array<Record<string, any>> {
  return t.connector.sentActivities
    .slice(since)
    .filter((c) => !(c.conversationId ?? '').includes('@thread') && (c.activity.recipient as Record<string, unknown> | undefined)?.id === user.id)
    .map((c) => c.activity);
}

export { TestClock };

/** Schedules a meeting through the form as the coordinator does; returns the stored meeting's ID and the response card. */
export async function scheduleMeeting(
  d: CaseDriver,
  coordinator: TestUser,
  fields: { date: string; time: string; participants: TestUser[]; durationMinutes?: string; place?: string; teams?: boolean },
): Promise<{ meetingId: string; card: Record<string, any> }> {
  const { form } = await openMeetingForm(d, coordinator);
  const submit = verbOf(form, 'meeting.submit')!;
  const result = await d.click(coordinator, 'meeting.submit', {
    ...submit.data,
    date: fields.date,
    time: fields.time,
    durationMinutes: fields.durationMinutes ?? '60',
    place: fields.place ?? 'Skovbakkeskolen',
    teams: fields.teams ? 'true' : 'false',
    participantIds: fields.participants.map((u) => u.id).join(','),
  });
  if (result.statusCode !== 200) throw new Error(`scheduling failed: ${result.message}`);
  const view = verbOf(result.card, 'meeting.accept') ?? verbOf(result.card, 'meeting.cancel');
  const meetingId = String(view?.data?.meetingId ?? result.card.refresh?.action?.data?.meetingId);
  return { meetingId, card: result.card };
}

/** The newest invitation card in someone's own chat. */
export function invitationTo(t: TestApp, user: TestUser, since = 0): Record<string, any> | undefined {
  return cardsOf(personalTo(t, user, since))
    .filter((c) => JSON.stringify(c).includes('meeting.invitation'))
    .at(-1);
}
