import { randomUUID } from 'node:crypto';
import { makeUser, TENANT_ID, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
import type { ConnectorCall } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * Barnets stemme (issue #15, docs/child-voice.md), end to end: a parent and the child write through
 * the bot, a professional through the tab; who reads what; the CPR check and the limits; the notice
 * in the room drawn for its least-privileged reader; the meeting agenda's view.
 */

let t: TestApp;
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
  parent: TestUser;
  child: TestUser;
  coach: TestUser;
}

const newPeople = (label: string): People => ({
  coordinator: makeUser(`Karen Koordinator ${label}`),
  teacher: makeUser(`Jonas Lærer ${label}`),
  parent: makeUser(`Anna Mor ${label}`),
  child: makeUser(`Emil Barn ${label}`),
  coach: makeUser(`Tom Træner ${label}`),
});

async function voiceCase(p: People, label: string): Promise<CaseDriver> {
  const d = await new CaseDriver(t, p.coordinator, label).create(`Sag ${label} / EB`);
  await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
  await d.say(p.coordinator, 'tilføj som lærer', { mentions: [p.teacher] });
  await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.teacher.id });
  await d.say(p.coordinator, 'tilføj som barn/ung', { mentions: [p.child] });
  await d.say(p.coordinator, 'tilføj som træner', { mentions: [p.coach] });
  await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.coach.id });
  // The chat's roster now holds everyone, so the bot knows their Entra IDs (the tab knows people by them).
  await d.syncRoster();
  return d;
}

const privateTo = (user: TestUser, from = 0): ConnectorCall[] =>
  t.connector.sentActivities.slice(from).filter((c) => !(c.conversationId ?? '').includes('@thread') && (c.body.recipient as { id?: string } | undefined)?.id === user.id);
const cardsIn = (calls: ConnectorCall[]) => calls.flatMap((c) => ((c.body.attachments as Array<{ content: Record<string, any> }> | undefined) ?? []).map((a) => a.content));
const expectValid = (card: unknown) => {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
};
const devToken = (user: TestUser) => `dev.${Buffer.from(JSON.stringify({ oid: user.aadObjectId, name: user.name, tid: TENANT_ID })).toString('base64url')}`;
async function tab(user: TestUser, path: string, body?: unknown) {
  const response = await fetch(`${t.app.url}/tab/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${devToken(user)}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}
const textsIn = (view: any, house: string): string[] => view.houses.find((h: any) => h.house === house).entries.map((e: any) => e.text);
const allTexts = (view: any): string[] => view.houses.flatMap((h: any) => h.entries.map((e: any) => e.text));

/** `barnets stemme` in the room: the form arrives in the writer's own chat. */
async function openForm(d: CaseDriver, who: TestUser) {
  const before = t.connector.sentActivities.length;
  const reply = await d.say(who, 'barnets stemme');
  const [form] = cardsIn(privateTo(who, before));
  return { reply, form: form! };
}
const submitOf = (form: Record<string, any>) => form.actions.find((a: any) => a.verb === 'childVoice.submit');

describe('the child’s voice entered by a parent and by the child', () => {
  test('a parent writes down what the child said, through a form in their own chat; the room is told without the words', async () => {
    const p = newPeople('A');
    const d = await voiceCase(p, 'parent');
    const { reply, form } = await openForm(d, p.parent);
    expect(textOf(d.inRoom(reply))).toContain('Jeg har sendt dig en formular til Barnets stemme i vores private chat');
    expectValid(form);
    const formText = JSON.stringify(form);
    for (const house of ['Huset med bekymringer', 'Huset med de gode ting', 'Drømmehuset']) expect(formText).toContain(house);
    expect(formText).toContain('Skrevet sammen med barnet');
    expect(formText).toContain('Skrevet ned, som barnet sagde det');
    // Parents write for the family: no "professionals only" toggle for them.
    expect(formText).not.toContain('professionalsOnly');

    const submit = submitOf(form);
    const saved = await d.click(p.parent, 'childVoice.submit', { ...submit.data, house: 'dreams', text: 'Jeg vil gerne have en hund og gå til svømning', how: 'as_said', date: '2026-02-27' });
    expect(saved.statusCode).toBe(200);
    expectValid(saved.card);
    expect(JSON.stringify(saved.card)).toContain('Det er gemt i Drømmehuset');
    const room = textOf(d.inRoom(saved.sent));
    expect(room).toContain(`${p.parent.name} har skrevet noget ned i Barnets stemme (Drømmehuset)`);
    expect(room).not.toContain('hund');

    // A double submit stores one entry and tells the room once.
    const again = await d.click(p.parent, 'childVoice.submit', { ...submit.data, house: 'dreams', text: 'Jeg vil gerne have en hund og gå til svømning', how: 'as_said', date: '2026-02-27' });
    expect(again.statusCode).toBe(200);
    expect(d.inRoom(again.sent)).toHaveLength(0);
    const events = (await t.app.internals.events.all(d.caseId)).filter((e) => e.type === 'childVoice.recorded');
    expect(events).toHaveLength(1);
    // The audit trail keeps who, when, which house and how, and a hash of the words, not the words.
    expect(events[0]).toMatchObject({ actorId: p.parent.id, visibility: 'all', data: { house: 'dreams', how: 'as_said', visibility: 'family', date: '2026-02-27', length: 'Jeg vil gerne have en hund og gå til svømning'.length } });
    expect(JSON.stringify(events[0])).not.toContain('hund');

    // The family and the professionals read it; the network does not.
    for (const reader of [p.parent, p.child, p.teacher, p.coordinator]) {
      const view = await tab(reader, `/cases/${d.caseId}/child-voice`);
      expect(view.status).toBe(200);
      expect(textsIn(view.body, 'dreams')).toEqual(['Jeg vil gerne have en hund og gå til svømning']);
      expect(view.body.houses[2].entries[0]).toMatchObject({ authorName: p.parent.name, authorRole: 'parent', how: 'as_said', date: '2026-02-27' });
    }
    const coach = await tab(p.coach, `/cases/${d.caseId}/child-voice`);
    expect(coach.status).toBe(403);
    expect(JSON.stringify(coach.body)).not.toContain('hund');
    expect(textOf(await d.say(p.coach, 'barnets stemme'))).toContain('Kun fagpersoner, forældre og barnet selv');

    // Every read of it is in the access log.
    const reads = await t.app.internals.accessLog.collection.find({ caseId: d.caseId, part: 'childVoice', action: 'read' } as never).toArray();
    expect(new Set(reads.map((r) => r.actorId))).toEqual(new Set([p.parent.id, p.child.id, p.teacher.id, p.coordinator.id]));
    const refusals = await t.app.internals.accessLog.collection.find({ caseId: d.caseId, part: 'childVoice.read', action: 'refused' } as never).toArray();
    expect(refusals.map((r) => r.actorId)).toContain(`aad:${p.coach.aadObjectId}`);
  });

  test('the child writes in their own words, and may keep a worry among the professionals', async () => {
    const p = newPeople('B');
    const d = await voiceCase(p, 'child');
    const { form } = await openForm(d, p.child);
    expectValid(form);
    const formText = JSON.stringify(form);
    expect(formText).toContain('Skriv selv');
    expect(formText).toContain('Der er ingen forkerte svar');
    expect(formText).toContain('Kun de voksne, der arbejder med mig, må læse det – ikke min familie');
    expect(formText).not.toContain('"id":"how"');
    expect(formText).not.toContain('Input.Date');

    const submit = submitOf(form);
    const good = await d.click(p.child, 'childVoice.submit', { ...submit.data, house: 'good_things', text: 'Jeg er god til fodbold' });
    expect(good.statusCode).toBe(200);
    expect(textOf(d.inRoom(good.sent))).toContain(`${p.child.name} har selv skrevet i Barnets stemme (Huset med de gode ting)`);

    const { form: second } = await openForm(d, p.child);
    const worry = await d.click(p.child, 'childVoice.submit', { ...submitOf(second).data, house: 'worries', text: 'Far råber når han er træt', professionalsOnly: 'true' });
    expect(worry.statusCode).toBe(200);
    // Kept among the professionals: not even announced where the family reads along.
    expect(d.inRoom(worry.sent)).toHaveLength(0);

    const asChild = (await tab(p.child, `/cases/${d.caseId}/child-voice`)).body;
    expect(allTexts(asChild).sort()).toEqual(['Far råber når han er træt', 'Jeg er god til fodbold']);
    expect(asChild.houses[0].entries[0]).toMatchObject({ how: 'by_child', professionalsOnly: true, mine: true });
    const asParent = await tab(p.parent, `/cases/${d.caseId}/child-voice`);
    expect(allTexts(asParent.body)).toEqual(['Jeg er god til fodbold']);
    expect(JSON.stringify(asParent.body)).not.toContain('råber');
    expect(asParent.body.withheld).toBe(0);
    const asTeacher = (await tab(p.teacher, `/cases/${d.caseId}/child-voice`)).body;
    expect(textsIn(asTeacher, 'worries')).toEqual(['Far råber når han er træt']);
    // The family's timeline leaves the hidden entry out; the professionals' has it.
    const housesIn = async (reader: TestUser) =>
      (await t.app.core.timeline.page({ userId: reader.id, name: reader.name }, d.caseId, 1)).events.filter((e) => e.type === 'childVoice.recorded').map((e) => (e.data as { house: string }).house);
    expect(await housesIn(p.parent)).toEqual(['good_things']);
    expect(await housesIn(p.teacher)).toEqual(['worries', 'good_things']);

    // The meeting agenda gets only what everyone in the meeting may read.
    const agenda = await t.app.core.childVoice.forAgenda((await t.app.internals.caseRepository.byId(d.caseId))!, [p.coordinator.id, p.parent.id, p.teacher.id, p.child.id]);
    expect(agenda.houses.find((h) => h.house === 'good_things')!.entries.map((e) => e.text)).toEqual(['Jeg er god til fodbold']);
    expect(JSON.stringify(agenda)).not.toContain('råber');
    // The coach (the network) reads none of it: with the coach in the meeting, none of it is on the agenda.
    const withCoach = await t.app.core.childVoice.forAgenda((await t.app.internals.caseRepository.byId(d.caseId))!);
    expect(withCoach).toMatchObject({ network: true, withheld: 0 });
    expect(JSON.stringify(withCoach)).not.toContain('fodbold');
  });

  test('a professional writes from the tab; the CPR check, the limits and the roles apply to every field', async () => {
    const p = newPeople('C');
    const d = await voiceCase(p, 'rules');
    const path = `/cases/${d.caseId}/child-voice`;
    const written = await tab(p.teacher, path, { formId: randomUUID(), house: 'worries', text: 'Det er svært i frikvarteret, ingen vil lege', how: 'with_child', date: '2026-03-01' });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ house: 'worries', created: true });
    const formId = randomUUID();
    const cases: Array<[TestUser, Record<string, unknown>, number, string]> = [
      [p.teacher, { formId, house: 'worries', text: 'Mit cpr er 010203-1234', how: 'with_child' }, 400, 'CPR'],
      [p.teacher, { formId, house: 'worries', text: 'x'.repeat(1001), how: 'with_child' }, 400, '1000'],
      [p.teacher, { formId, house: 'garden', text: 'hej', how: 'with_child' }, 400, 'Huset'],
      [p.teacher, { formId, house: 'worries', text: 'hej', how: 'by_child' }, 400, 'Hvordan det er skrevet ned'],
      [p.teacher, { formId, house: 'worries', text: 'hej', how: 'with_child', date: '2027-01-01' }, 400, 'fremtiden'],
      [p.teacher, { formId, house: 'worries', text: 'hej', how: 'with_child', date: '2026-02-30' }, 400, 'Datoen'],
      [p.teacher, { formId, house: 'worries', text: { $gt: '' }, how: 'with_child' }, 400, ''],
      [p.teacher, { formId: 'not-a-form', house: 'worries', text: 'hej', how: 'with_child' }, 400, ''],
      [p.parent, { formId, house: 'worries', text: 'hej', how: 'as_said', professionalsOnly: true }, 403, 'familien altid læse'],
      [p.coach, { formId, house: 'worries', text: 'hej', how: 'as_said' }, 403, 'Kun fagpersoner, forældre og barnet selv'],
      [makeUser('Udenfor'), { formId, house: 'worries', text: 'hej', how: 'as_said' }, 403, 'ikke medlem'],
    ];
    for (const [who, body, status, message] of cases) {
      const refused = await tab(who, path, body);
      expect([JSON.stringify(body).slice(0, 60), refused.status]).toEqual([JSON.stringify(body).slice(0, 60), status]);
      expect(refused.body.message).toContain(message);
    }
    const view = (await tab(p.coordinator, path)).body;
    expect(allTexts(view)).toEqual(['Det er svært i frikvarteret, ingen vil lege']);
    expect((await t.app.internals.events.all(d.caseId)).filter((e) => e.type === 'childVoice.recorded')).toHaveLength(1);
    // A CPR number through the bot's card is refused in the same words.
    const { form } = await openForm(d, p.parent);
    const cpr = await d.click(p.parent, 'childVoice.submit', { ...submitOf(form).data, house: 'dreams', text: '010203 1234', how: 'as_said' });
    expect(cpr.statusCode).toBe(400);
    expect(cpr.message).toContain('CPR');
  });
});

describe('the room’s least-privileged reader', () => {
  test('a group chat with someone outside the case gets only neutral notices of the child’s voice and of a handover', async () => {
    const p = newPeople('D');
    const d = await voiceCase(p, 'outsider');
    const neighbour = makeUser('Nabo Nielsen D');
    await d.enter(neighbour);
    const before = t.connector.sentActivities.length;
    const { form } = await openForm(d, p.parent);
    await d.click(p.parent, 'childVoice.submit', { ...submitOf(form).data, house: 'dreams', text: 'Drømmer om Legoland', how: 'as_said' });
    await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.teacher] });
    const offer = cardsIn(privateTo(p.teacher, before)).find((c) => JSON.stringify(c).includes('handover.accept'))!;
    await d.click(p.teacher, 'handover.accept', offer.actions[0].data);
    const room = t.connector.sentActivities.slice(before).filter((c) => (c.conversationId ?? '').split(';')[0] === d.channel);
    // What readers of the room see: the texts and cards (a reply's `recipient` names the person who typed, unseen).
    const roomText = JSON.stringify(room.map((c) => ({ text: c.body.text, attachments: c.body.attachments })));
    expect(room.length).toBeGreaterThanOrEqual(3);
    for (const secret of ['Legoland', 'Drømmehuset', p.parent.name, p.teacher.name, p.coordinator.name, 'Sag outsider']) expect(roomText).not.toContain(secret);
    expect(roomText).toContain('Sagen er opdateret – åbn fanen eller skriv til mig privat.');
    // The neighbour got nothing privately either.
    expect(privateTo(neighbour)).toHaveLength(0);
    // The members still got what is theirs: the parent the family card, the teacher the summary.
    expect(JSON.stringify(cardsIn(privateTo(p.parent, before)))).toContain('I har fået en ny tovholder');
    expect(JSON.stringify(cardsIn(privateTo(p.teacher, before)))).toContain('Overblik for tovholderen');
  });

  test('a group chat with a professional waiting for consent: neutral in the room, nothing to the pending person', async () => {
    const p = newPeople('E');
    const d = await voiceCase(p, 'pending');
    const pending = makeUser('Sofie Pædagog E');
    await d.say(p.coordinator, 'tilføj som pædagog', { mentions: [pending] });
    await d.enter(pending);
    const before = t.connector.sentActivities.length;
    const { form } = await openForm(d, p.child);
    await d.click(p.child, 'childVoice.submit', { ...submitOf(form).data, house: 'good_things', text: 'Min bedste ven hedder Ali' });
    await d.say(p.coordinator, 'overdrag tovholder', { mentions: [p.teacher] });
    await d.say(p.coordinator, 'træk overdragelse tilbage');
    const room = JSON.stringify(t.connector.sentActivities.slice(before).filter((c) => (c.conversationId ?? '').split(';')[0] === d.channel).map((c) => ({ text: c.body.text, attachments: c.body.attachments })));
    for (const secret of ['Ali', p.child.name, p.teacher.name, 'Huset med de gode ting']) expect(room).not.toContain(secret);
    expect(room).toContain('Sagen er opdateret');
    expect(privateTo(pending, before)).toHaveLength(0);
    expect((await tab(pending, `/cases/${d.caseId}/child-voice`)).status).toBe(403);
    expect((await d.click(pending, 'handover.summary', { caseId: d.caseId })).statusCode).toBe(403);
    expect(cardsOf(await d.say(pending, 'tovholder'))).toHaveLength(0);
  });
});
