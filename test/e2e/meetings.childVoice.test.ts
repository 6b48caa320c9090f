import { randomUUID } from 'node:crypto';
import { makeUser, TENANT_ID, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { CaseDriver, cardsOf } from '../harness/caseDriver';
import { invitationTo, meetingCase, newPeople } from '../harness/meetingSeed';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * Barnets stemme on a meeting's agenda (docs/meetings.md, docs/child-voice.md), against the real
 * server: what a parent wrote is on the agenda the meeting's participants read (the tab and their
 * own cards); what is kept among the professionals is not; the room's card only says that it is
 * there; with CHILD_VOICE_YOUTH_CONSENT on, a professional in the meeting without the young
 * person's yes keeps the words off the agenda, and only the professionals are told why.
 */

const now = new Date('2026-03-02T09:00:00Z');
const devToken = (user: TestUser) => `dev.${Buffer.from(JSON.stringify({ oid: user.aadObjectId, name: user.name, tid: TENANT_ID })).toString('base64url')}`;

function helpers(t: TestApp) {
  const api = async (user: TestUser, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${t.app.url}/tab/api${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${devToken(user)}`, 'Accept-Language': 'da-DK', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const result = { status: response.status, body: await response.json().catch(() => undefined) };
    await t.app.settled();
    return result;
  };
  const write = async (user: TestUser, caseId: string, entry: { house: string; text: string; how: string; professionalsOnly?: boolean }) => {
    const written = await api(user, `/cases/${caseId}/child-voice`, { formId: randomUUID(), ...entry });
    if (written.status !== 200) throw new Error(`could not write: ${JSON.stringify(written.body)}`);
  };
  const schedule = async (coordinator: TestUser, caseId: string, participants: TestUser[]): Promise<string> => {
    const result = await api(coordinator, `/cases/${caseId}/meetings`, { formId: randomUUID(), date: '2026-03-05', time: '13:00', durationMinutes: 60, place: 'Skovbakkeskolen', teams: false, participantIds: participants.map((u) => u.id) });
    if (result.status !== 200) throw new Error(`scheduling failed: ${JSON.stringify(result.body)}`);
    return result.body.id as string;
  };
  /** What the tab's meeting page shows of Barnets stemme: every text on the agenda. */
  const agendaTexts = (view: any): string[] => (view.childVoice?.houses ?? []).flatMap((h: any) => h.entries.map((e: any) => e.text));
  /** A member's own view of the meeting as a card ("Vis mine muligheder", the room card's refresh). */
  const ownCard = async (d: CaseDriver, user: TestUser, meetingId: string) => {
    const clicked = await d.click(user, 'meeting.view', { caseId: d.caseId, meetingId, surface: 'view' });
    expect(clicked.statusCode).toBe(200);
    expect(cardProblems(clicked.card)).toEqual([]);
    expect(cardBytes(clicked.card)).toBeLessThan(MAX_CARD_BYTES);
    return JSON.stringify(clicked.card);
  };
  return { api, write, schedule, agendaTexts, ownCard };
}

describe('Barnets stemme on the agenda', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(__filename, { now: () => now, env: { TAB_AUTH_MODE: 'dev', REMINDER_SWEEP_SECONDS: '0', REMINDER_RATE_PER_SECOND: '0' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  test("a parent's words are on the agenda the meeting reads; what is kept among the professionals is not; the room's card only names it", async () => {
    const { api, write, schedule, agendaTexts, ownCard } = helpers(t);
    const p = newPeople('voice');
    const d = await meetingCase(t, p, 'voice');
    await write(p.parent, d.caseId, { house: 'good_things', text: 'Alma siger: Jeg er god til fodbold', how: 'as_said' });
    await write(p.teacher, d.caseId, { house: 'worries', text: 'Far råber, når han er træt', how: 'with_child', professionalsOnly: true });

    const sent = t.connector.sentActivities.length;
    const meetingId = await schedule(p.coordinator, d.caseId, [p.parent, p.teacher]);

    // The tab: the parent and the teacher read the parent's words on the agenda, under its house; not the hidden worry.
    const asParent = (await api(p.parent, `/cases/${d.caseId}/meetings/${meetingId}`)).body;
    expect(asParent.childVoice.houses.find((h: any) => h.house === 'good_things').entries[0]).toMatchObject({ text: 'Alma siger: Jeg er god til fodbold', authorName: p.parent.name });
    expect(agendaTexts(asParent)).toEqual(['Alma siger: Jeg er god til fodbold']);
    expect(JSON.stringify(asParent)).not.toContain('råber');
    const asTeacher = (await api(p.teacher, `/cases/${d.caseId}/meetings/${meetingId}`)).body;
    // The agenda is read by everyone in the meeting: the teacher's own hidden entry stays in the tab's "Barnets stemme", not here.
    expect(agendaTexts(asTeacher)).toEqual(['Alma siger: Jeg er god til fodbold']);
    expect(JSON.stringify(asTeacher)).not.toContain('råber');
    // The network does not read the child's voice, not even on a meeting's page.
    const asCoach = (await api(p.coach, `/cases/${d.caseId}/meetings/${meetingId}`)).body;
    expect(asCoach.childVoice).toBeUndefined();
    expect(JSON.stringify(asCoach)).not.toContain('fodbold');

    // The parent's own card: the words under "Huset med de gode ting", who wrote them and how.
    const parentCard = await ownCard(d, p.parent, meetingId);
    expect(parentCard).toContain('Barnets stemme');
    expect(parentCard).toContain('Huset med de gode ting');
    expect(parentCard).toContain('“Alma siger: Jeg er god til fodbold”');
    expect(parentCard).toContain('Skrevet ned, som barnet sagde det');
    expect(parentCard).not.toContain('råber');
    expect(await ownCard(d, p.teacher, meetingId)).not.toContain('råber');

    // The room's card (the coach reads the room): it says the child's voice is on the agenda, never its words.
    const room = JSON.stringify(cardsOf(d.inRoom(t.connector.sentActivities.slice(sent).map((c) => c.activity))));
    expect(room).toContain('Møde i sagen');
    expect(room).toContain('Barnets stemme er med på dagsordenen. Ordene står i din egen visning og i fanen.');
    expect(room).not.toContain('fodbold');
    expect(room).not.toContain('råber');

    // The invitation as sent carries no words (nobody has read them yet); drawn for its reader, it does.
    const invitation = invitationTo(t, p.parent, sent)!;
    expect(JSON.stringify(invitation)).not.toContain('fodbold');
    const refreshed = await d.click(p.parent, 'meeting.invitation', invitation.refresh.action.data);
    expect(refreshed.statusCode).toBe(200);
    expect(cardProblems(refreshed.card)).toEqual([]);
    expect(JSON.stringify(refreshed.card)).toContain('“Alma siger: Jeg er god til fodbold”');

    // Each read of the child's voice through the meeting is in the access log, by whom and where.
    const reads = await t.app.internals.accessLog.collection.find({ caseId: d.caseId, part: 'childVoice.agenda', action: 'read' } as never).toArray();
    const readers = reads.map((r: any) => `${r.actorName}|${r.surface}`);
    expect(readers).toEqual(expect.arrayContaining([`${p.parent.name}|tab`, `${p.teacher.name}|tab`, `${p.parent.name}|bot`, `${p.teacher.name}|bot`]));
    expect(readers.some((r) => r.startsWith(p.coach.name))).toBe(false);
  });

  test('with a network member in the meeting, the words stay off the agenda, and the others are told why', async () => {
    const { api, write, schedule, agendaTexts, ownCard } = helpers(t);
    const p = newPeople('network');
    const d = await meetingCase(t, p, 'network');
    await write(p.parent, d.caseId, { house: 'dreams', text: 'Jeg vil være dyrlæge', how: 'with_child' });
    const meetingId = await schedule(p.coordinator, d.caseId, [p.parent, p.coach]);
    const asCoordinator = (await api(p.coordinator, `/cases/${d.caseId}/meetings/${meetingId}`)).body;
    expect(agendaTexts(asCoordinator)).toEqual([]);
    expect(asCoordinator.childVoice.network).toBe(true);
    const parentCard = await ownCard(d, p.parent, meetingId);
    expect(parentCard).not.toContain('dyrlæge');
    expect(parentCard).toContain('Barnets stemme er ikke med på dagsordenen, fordi nogen fra netværket deltager.');
    const coachCard = await ownCard(d, p.coach, meetingId);
    expect(coachCard).not.toContain('dyrlæge');
    expect(coachCard).not.toContain('Barnets stemme');
  });
});

describe('with CHILD_VOICE_YOUTH_CONSENT=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(__filename, { now: () => now, env: { TAB_AUTH_MODE: 'dev', REMINDER_SWEEP_SECONDS: '0', REMINDER_RATE_PER_SECOND: '0', CHILD_VOICE_YOUTH_CONSENT: 'true' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  test("a professional in the meeting without the young person's yes keeps the words off the agenda; the professionals are told, the family is not told why", async () => {
    const { api, write, schedule, agendaTexts, ownCard } = helpers(t);
    const p = { coordinator: makeUser('Karen Koordinator Y'), teacher: makeUser('Jonas Lærer Y'), parent: makeUser('Anna Mor Y'), youth: makeUser('Sara Ung Y') };
    const d = await new CaseDriver(t, p.coordinator, 'youth-meeting').create('Sag Y / SU');
    await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
    await d.say(p.coordinator, 'tilføj som lærer', { mentions: [p.teacher] });
    await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.teacher.id });
    await d.say(p.coordinator, 'tilføj som ung', { mentions: [p.youth] });
    await d.syncRoster();
    await write(p.youth, d.caseId, { house: 'dreams', text: 'Jeg vil være dyrlæge', how: 'by_child' });
    await write(p.parent, d.caseId, { house: 'worries', text: 'Hun er bange for at skifte skole', how: 'as_said' });
    // The young person is 15 or older and says yes to the coordinator, not (yet) to the teacher.
    expect((await api(p.coordinator, `/cases/${d.caseId}/child-voice/youth`, { youth15Plus: true })).status).toBe(200);
    expect((await api(p.youth, `/cases/${d.caseId}/child-voice/consent`, { allowed: [p.coordinator.id] })).status).toBe(200);

    const withTeacher = await schedule(p.coordinator, d.caseId, [p.parent, p.youth, p.teacher]);
    const withoutTeacher = await schedule(p.coordinator, d.caseId, [p.parent, p.youth]);

    // The teacher is in the meeting without the young person's yes: nobody finds the words on its agenda.
    for (const reader of [p.coordinator, p.teacher, p.parent, p.youth]) {
      const view = (await api(reader, `/cases/${d.caseId}/meetings/${withTeacher}`)).body;
      expect([reader.name, agendaTexts(view)]).toEqual([reader.name, []]);
      expect(JSON.stringify(view)).not.toContain('dyrlæge');
    }
    const withheld = '2 udsagn venter på den unges ja og er ikke med på dagsordenen.';
    const coordinatorCard = await ownCard(d, p.coordinator, withTeacher);
    expect(coordinatorCard).toContain(withheld);
    expect(coordinatorCard).not.toContain('dyrlæge');
    const teacherCard = await ownCard(d, p.teacher, withTeacher);
    expect(teacherCard).toContain(withheld);
    expect(teacherCard).not.toContain('skifte skole');
    // Whom the young person trusts is theirs to tell: the family is not told that a professional waits.
    const parentCard = await ownCard(d, p.parent, withTeacher);
    expect(parentCard).not.toContain('venter på den unges ja');
    expect(parentCard).not.toContain('dyrlæge');
    expect((await api(p.parent, `/cases/${d.caseId}/meetings/${withTeacher}`)).body.childVoice.withheld).toBe(0);

    // Without the teacher, everyone in the meeting may read it: the words are on the agenda.
    const parentWithout = (await api(p.parent, `/cases/${d.caseId}/meetings/${withoutTeacher}`)).body;
    expect(agendaTexts(parentWithout).sort()).toEqual(['Hun er bange for at skifte skole', 'Jeg vil være dyrlæge']);
    expect(await ownCard(d, p.coordinator, withoutTeacher)).toContain('“Jeg vil være dyrlæge”');
    // …but the teacher, who is not in that meeting and still waits, does not read them there either.
    const teacherWithout = (await api(p.teacher, `/cases/${d.caseId}/meetings/${withoutTeacher}`)).body;
    expect(agendaTexts(teacherWithout)).toEqual([]);
    expect(teacherWithout.childVoice.withheld).toBe(2);

    // Once the young person says yes to the teacher too, the words are on the first meeting's agenda.
    expect((await api(p.youth, `/cases/${d.caseId}/child-voice/consent`, { allowed: [p.coordinator.id, p.teacher.id] })).status).toBe(200);
    const teacherCardAfter = await ownCard(d, p.teacher, withTeacher);
    expect(teacherCardAfter).toContain('“Jeg vil være dyrlæge”');
    expect(teacherCardAfter).toContain('Huset med bekymringer');
    expect(teacherCardAfter).not.toContain('venter på den unges ja');
  });
});
