import { randomUUID } from 'node:crypto';
import { makeUser, TENANT_ID, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { CaseDriver } from '../harness/caseDriver';
import type { ConnectorCall } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * The young person's own consent (CHILD_VOICE_YOUTH_CONSENT, docs/child-voice.md): with the setting
 * on and the young person recorded as 15 or older, a professional reads the child's voice only after
 * the young person has said yes to them. Off by default: then nothing of this applies.
 */

const now = new Date('2026-03-02T09:00:00Z');

const people = (label: string) => ({
  coordinator: makeUser(`Karen Koordinator ${label}`),
  teacher: makeUser(`Jonas Lærer ${label}`),
  pedagogue: makeUser(`Per Pædagog ${label}`),
  parent: makeUser(`Anna Mor ${label}`),
  youth: makeUser(`Sara Ung ${label}`),
});

const devToken = (user: TestUser) => `dev.${Buffer.from(JSON.stringify({ oid: user.aadObjectId, name: user.name, tid: TENANT_ID })).toString('base64url')}`;

function helpers(t: TestApp) {
  const tab = async (user: TestUser, path: string, body?: unknown) => {
    const response = await fetch(`${t.app.url}/tab/api${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${devToken(user)}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const privateTo = (user: TestUser, from = 0): ConnectorCall[] =>
    t.connector.sentActivities.slice(from).filter((c) => !(c.conversationId ?? '').includes('@thread') && (c.body.recipient as { id?: string } | undefined)?.id === user.id);
  const cardsIn = (calls: ConnectorCall[]) => calls.flatMap((c) => ((c.body.attachments as Array<{ content: Record<string, any> }> | undefined) ?? []).map((a) => a.content));
  const texts = (view: any): string[] => view.houses.flatMap((h: any) => h.entries.map((e: any) => e.text));
  return { tab, privateTo, cardsIn, texts };
}

async function youthCase(t: TestApp, p: ReturnType<typeof people>, label: string) {
  const d = await new CaseDriver(t, p.coordinator, label).create(`Sag ${label} / SU`);
  await d.say(p.coordinator, 'tilføj som forælder', { mentions: [p.parent] });
  await d.say(p.coordinator, 'tilføj som lærer', { mentions: [p.teacher] });
  await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.teacher.id });
  await d.say(p.coordinator, 'tilføj som ung', { mentions: [p.youth] });
  await d.syncRoster();
  return d;
}

describe('with CHILD_VOICE_YOUTH_CONSENT=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(__filename, { now: () => now, env: { TAB_AUTH_MODE: 'dev', REMINDER_SWEEP_SECONDS: '0', CHILD_VOICE_YOUTH_CONSENT: 'true' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  test('a young person of 15+ is asked in their own chat, and a professional reads only after their yes', async () => {
    const { tab, privateTo, cardsIn, texts } = helpers(t);
    const p = people('A');
    const d = await youthCase(t, p, 'youth');
    const path = `/cases/${d.caseId}/child-voice`;
    expect((await tab(p.parent, path, { formId: randomUUID(), house: 'worries', text: 'Hun er bange for at skifte skole', how: 'as_said' })).status).toBe(200);
    expect((await tab(p.youth, path, { formId: randomUUID(), house: 'dreams', text: 'Jeg vil være dyrlæge' })).status).toBe(200);
    // Before the mark, professionals read as usual.
    expect(texts((await tab(p.teacher, path)).body).sort()).toEqual(['Hun er bange for at skifte skole', 'Jeg vil være dyrlæge']);

    // Only the coordinator records the age.
    expect((await tab(p.parent, `${path}/youth`, { youth15Plus: true })).status).toBe(403);
    expect((await tab(p.coordinator, `${path}/youth`, { youth15Plus: 'yes' })).status).toBe(400);
    const before = t.connector.sentActivities.length;
    const marked = await tab(p.coordinator, `${path}/youth`, { youth15Plus: true });
    expect(marked).toMatchObject({ status: 200, body: { youth15Plus: true, changed: true } });
    expect((await tab(p.coordinator, `${path}/youth`, { youth15Plus: true })).body.changed).toBe(false);
    await t.app.settled();

    // The young person is asked, in their own chat, about each professional.
    const [ask] = cardsIn(privateTo(p.youth, before));
    expect(ask).toBeDefined();
    expect(cardProblems(ask)).toEqual([]);
    expect(cardBytes(ask)).toBeLessThan(MAX_CARD_BYTES);
    expect(JSON.stringify(ask)).toContain('Du er fyldt 15, så du bestemmer selv');
    const choices = ask!.body.find((e: any) => e.id === 'allowed').choices.map((c: any) => c.value).sort();
    expect(choices).toEqual([p.coordinator.id, p.teacher.id].sort());
    expect(privateTo(p.parent, before)).toHaveLength(0);

    // Until then, professionals read only what they wrote themselves, and are told why.
    const waiting = (await tab(p.teacher, path)).body;
    expect(texts(waiting)).toEqual([]);
    expect(waiting.withheld).toBe(2);
    expect(waiting.youth.waiting).toBe(true);
    // The family reads as before.
    expect(texts((await tab(p.parent, path)).body)).toHaveLength(2);
    // The meeting agenda leaves the words out while a professional in the meeting waits.
    const blocked = await t.app.core.childVoice.forAgenda((await t.app.internals.caseRepository.byId(d.caseId))!);
    expect(blocked.houses.every((h) => h.entries.length === 0)).toBe(true);
    expect(blocked.withheld).toBe(2);
    const familyOnly = await t.app.core.childVoice.forAgenda((await t.app.internals.caseRepository.byId(d.caseId))!, [p.parent.id, p.youth.id]);
    expect(familyOnly.withheld).toBe(0);
    expect(familyOnly.houses.flatMap((h) => h.entries.map((e) => e.text)).sort()).toEqual(['Hun er bange for at skifte skole', 'Jeg vil være dyrlæge']);

    // Only the young person answers; they say yes to the teacher, not the coordinator.
    const save = ask!.actions.find((a: any) => a.verb === 'childVoice.youthConsent');
    expect((await d.click(p.parent, 'childVoice.youthConsent', { ...save.data, allowed: p.teacher.id })).statusCode).toBe(403);
    expect((await d.click(p.youth, 'childVoice.youthConsent', { ...save.data, allowed: 'somebody-else' })).statusCode).toBe(404);
    const answered = await d.click(p.youth, 'childVoice.youthConsent', { ...save.data, allowed: p.teacher.id });
    expect(answered.statusCode).toBe(200);
    expect(JSON.stringify(answered.card)).toContain('Dit valg er gemt. Én fagperson må læse med.');
    expect(texts((await tab(p.teacher, path)).body)).toHaveLength(2);
    const coordinatorView = (await tab(p.coordinator, path)).body;
    expect(texts(coordinatorView)).toEqual([]);
    expect(coordinatorView.withheld).toBe(2);
    const [event] = (await t.app.internals.events.all(d.caseId)).filter((e) => e.type === 'childVoice.youthConsent');
    expect(event).toMatchObject({ actorId: p.youth.id, visibility: 'professionals', data: { allowedIds: [p.teacher.id] } });

    // A professional who joins later waits, and the young person is asked again.
    const askedAgain = t.connector.sentActivities.length;
    await d.say(p.coordinator, 'tilføj som pædagog', { mentions: [p.pedagogue] });
    await d.click(p.parent, 'consent.approve', { caseId: d.caseId, userId: p.pedagogue.id });
    await d.syncRoster();
    const [again] = cardsIn(privateTo(p.youth, askedAgain));
    expect(again!.body.find((e: any) => e.id === 'allowed').value).toBe(p.teacher.id);
    expect(JSON.stringify(again)).toContain(p.pedagogue.name);
    expect(texts((await tab(p.pedagogue, path)).body)).toEqual([]);

    // The young person can also answer in the tab.
    const inTab = await tab(p.youth, `${path}/consent`, { allowed: [p.teacher.id, p.pedagogue.id] });
    expect(inTab).toMatchObject({ status: 200, body: { changed: true } });
    expect(texts((await tab(p.pedagogue, path)).body)).toHaveLength(2);
    expect((await tab(p.youth, path)).body.youth.choices.filter((x: any) => x.allowed).map((x: any) => x.name).sort()).toEqual([p.pedagogue.name, p.teacher.name].sort());
  });
});

describe('with the setting off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(`${__filename}-off`, { now: () => now, env: { TAB_AUTH_MODE: 'dev', REMINDER_SWEEP_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  test('the age cannot be recorded, nobody is asked, and professionals read as usual', async () => {
    const { tab, privateTo, texts } = helpers(t);
    const p = people('B');
    const d = await youthCase(t, p, 'youth-off');
    const path = `/cases/${d.caseId}/child-voice`;
    await tab(p.youth, path, { formId: randomUUID(), house: 'good_things', text: 'Jeg har fået en ny ven' });
    const refused = await tab(p.coordinator, `${path}/youth`, { youth15Plus: true });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('ikke slået til');
    const view = (await tab(p.coordinator, path)).body;
    expect(texts(view)).toEqual(['Jeg har fået en ny ven']);
    expect(view.viewer.canMarkAge).toBe(false);
    expect(view.youth.enabled).toBe(false);
    expect((await tab(p.youth, `${path}/consent`, { allowed: [] })).status).toBe(409);
    await t.app.settled();
    expect(JSON.stringify(privateTo(p.youth))).not.toContain('bestemmer selv');
  });
});
