import { randomUUID } from 'node:crypto';
import { cardAction, makeUser, personalChatIdOf, personalMessage } from '../harness/activities';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
import { rosterEntry } from '../harness/fakeConnector';
import { startTestApp, type TestApp } from '../harness/testApp';

/**
 * What people meet on their first day, and what someone who replays or forges card data gets:
 * forms that belong to one person, CPR numbers however they are written, Danish role words,
 * rosters as Teams returns them, usage hints, clear validation messages, one language per person.
 */

let t: TestApp;
const now = new Date('2026-03-02T09:00:00Z');
beforeAll(async () => {
  t = await startTestApp(__filename, { now: () => now });
});
afterAll(async () => {
  await t.stop();
});

const coordinator = makeUser('Karen Sagsbehandler');
const teacher = makeUser('Mette Lærer');
const parent = makeUser('Anna Jensen');

async function caseWithFamily(label: string): Promise<CaseDriver> {
  const d = await new CaseDriver(t, coordinator, label).create(`Sag ${label} / AB`);
  await d.say(coordinator, 'tilføj som lærer hjemmel Folkeskoleloven § 3', { mentions: [teacher] });
  await d.say(coordinator, 'tilføj som mor', { mentions: [parent] });
  return d;
}

const stored = async (caseId: string) => ({
  observations: await t.app.database.db.collection('observations').countDocuments({ caseId }),
  agreements: await t.app.database.db.collection('agreements').countDocuments({ caseId }),
});

describe('a form belongs to the person who opened it', () => {
  test('someone else cannot open it, submit it, or get its content back by replaying its ID', async () => {
    const d = await caseWithFamily('forms');
    const form = await d.openForm(teacher, 'observation');
    const data = form.actions[0].data as { caseId: string; formId: string };
    const secret = 'Kun for Mettes øjne';
    const saved = await d.click(teacher, 'observation.submit', { ...data, area: 'child_school', level: 'red', text: secret, professionalsOnly: 'true' });
    expect(saved.statusCode).toBe(200);
    const before = await stored(d.caseId);

    // The parent presses "Åbn formularen" on the teacher's card, then replays the form ID with her own text.
    const opened = await d.click(parent, 'form.open', data);
    expect(opened.statusCode).toBe(403);
    expect(opened.message).toBe('Formularen tilhører Mette Lærer, og kun Mette Lærer kan gemme den. Skriv "observation" eller "aftale" for at få din egen. Intet er gemt.');
    const replay = await d.click(parent, 'observation.submit', { ...data, area: 'child_health', level: 'green', text: 'Min egen tekst' });
    expect(replay.statusCode).toBe(403);
    for (const result of [opened, replay]) expect(JSON.stringify(result.body)).not.toContain(secret);
    expect(await stored(d.caseId)).toEqual(before);

    // The teacher's double click returns her own observation and stores nothing new.
    const again = await d.click(teacher, 'observation.submit', { ...data, area: 'child_school', level: 'red', text: secret, professionalsOnly: 'true' });
    expect(JSON.stringify(again.card)).toContain(secret);
    expect(await stored(d.caseId)).toEqual(before);
  });

  test('an agreement form likewise; the parent\'s own proposal is kept, never swapped for someone else\'s', async () => {
    const d = await caseWithFamily('agreement-forms');
    const teacherForm = (await d.openForm(teacher, 'aftale')).actions[0].data;
    const input = { ownerId: teacher.id, dueDate: '2026-03-16', followUpDate: '2026-03-30' };
    await d.click(teacher, 'agreement.submit', { ...teacherForm, ...input, what: 'Lærerens forslag' });
    const stolen = await d.click(parent, 'agreement.submit', { ...teacherForm, ...input, what: 'Forælderens forslag' });
    expect(stolen.statusCode).toBe(403);
    expect(JSON.stringify(stolen.body)).not.toContain('Lærerens forslag');
    const parentForm = (await d.openForm(parent, 'aftale')).actions[0].data;
    const own = await d.click(parent, 'agreement.submit', { ...parentForm, ...input, what: 'Forælderens forslag' });
    expect(JSON.stringify(own.card)).toContain('Forælderens forslag');
    const whats = (await t.app.database.db.collection('agreements').find({ caseId: d.caseId }).toArray()).map((a) => a.what).sort();
    expect(whats).toEqual(['Forælderens forslag', 'Lærerens forslag']);
  });

  test('a form ID from another case, or card data that names another case, returns nothing and writes nothing', async () => {
    const d = await caseWithFamily('foreign-a');
    const other = await caseWithFamily('foreign-b');
    const otherForm = (await other.openForm(teacher, 'observation')).actions[0].data;
    const before = [await stored(d.caseId), await stored(other.caseId)];
    const crossed = await d.click(teacher, 'observation.submit', { ...otherForm, caseId: d.caseId, area: 'child_school', level: 'green', text: 'x' });
    expect(crossed.statusCode).toBe(404);
    const unknown = await d.click(teacher, 'observation.submit', { caseId: d.caseId, formId: randomUUID(), area: 'child_school', level: 'green', text: 'x' });
    expect(unknown.statusCode).toBe(404);
    const observation = (await t.app.database.db.collection('observations').findOne({}))!;
    const peek = await d.click(teacher, 'observation.view', { caseId: d.caseId, observationId: other.caseId === observation.caseId ? observation._id : randomUUID() });
    expect(peek.statusCode).toBe(404);
    expect([await stored(d.caseId), await stored(other.caseId)]).toEqual(before);
  });

  test('the shared form card becomes a plain "saved" notice for everyone once it is used', async () => {
    const d = await caseWithFamily('form-done');
    const [shared] = cardsOf(await d.say(teacher, 'observation'));
    const open = shared.actions[0];
    const form = await d.click(teacher, open.verb, open.data);
    const used = await d.click(teacher, 'observation.submit', { ...form.card.actions[0].data, area: 'child_school', level: 'green', text: 'Godt i gang' });
    const update = used.updates.find((u) => JSON.stringify(u.body).includes('har gemt en observation'));
    expect(update).toBeDefined();
    expect(JSON.stringify(update!.body)).not.toContain('Godt i gang');
  });
});

describe('CPR numbers, however they are written', () => {
  const SPELLINGS = ['010203-1234', '010203 1234', '01.02.03-1234', '01/02/03 1234', '0102031234', '010203\u20101234', '０１０２０３－１２３４', '0102\u200b03-1234', '01 02 03\n12 34', '010203\u00a01234', '010203\u22121234'];

  test('no free text with one is stored, from any field, and the refusal does not repeat it', async () => {
    const d = await caseWithFamily('cpr');
    const [round] = cardsOf(await d.say(coordinator, 'vurdering'));
    const roundId = round.actions[0].data.roundId;
    const proposal = await d.openForm(teacher, 'aftale');
    const agreement = await d.click(teacher, 'agreement.submit', { ...proposal.actions[0].data, what: 'Lektiehjælp', ownerId: teacher.id, dueDate: '2026-03-16', followUpDate: '2026-03-30' });
    const agreementId = agreement.card.refresh.action.data.agreementId;
    const fields: Array<[string, (cpr: string) => Promise<{ text: string; refused: boolean }>]> = [
      ['case title', async (cpr) => ({ text: textOf(await new CaseDriver(t, coordinator, 'cpr-title').say(coordinator, `ny sag Barn ${cpr}`)), refused: true })],
      ['child reference', async (cpr) => ({ text: textOf(await new CaseDriver(t, coordinator, 'cpr-ref').say(coordinator, `ny sag Trivsel / ${cpr}`)), refused: true })],
      ['legal basis', async (cpr) => ({ text: textOf(await d.say(coordinator, `tilføj som læge hjemmel ${cpr}`, { mentions: [makeUser('Læge Lund')] })), refused: true })],
      ['unknown command', async (cpr) => ({ text: textOf(await d.say(teacher, `hvad med ${cpr}`)), refused: false })],
      ...(['observation text', 'agreement text', 'decline reason', 'assessment comment'] as const).map(
        (field) =>
          [
            field,
            async (cpr: string) => {
              const result =
                field === 'observation text'
                  ? await d.click(teacher, 'observation.submit', { ...(await d.openForm(teacher, 'observation')).actions[0].data, area: 'child_school', level: 'green', text: `Set ${cpr}` })
                  : field === 'agreement text'
                    ? await d.click(teacher, 'agreement.submit', { ...(await d.openForm(teacher, 'aftale')).actions[0].data, what: `Ring ${cpr}`, ownerId: teacher.id, dueDate: '2026-03-16', followUpDate: '2026-03-30' })
                    : field === 'decline reason'
                      ? await d.click(parent, 'agreement.decline', { caseId: d.caseId, agreementId, reason: `Fordi ${cpr}` })
                      : await d.click(teacher, 'assessment.submit', { caseId: d.caseId, roundId, rating_cognitive: 'green', rating_emotional: 'green', rating_social: 'green', rating_physical: 'green', comment: `Se ${cpr}` });
              return { text: result.message ?? '', refused: result.statusCode === 400 };
            },
          ] as [string, (cpr: string) => Promise<{ text: string; refused: boolean }>],
      ),
    ];
    const stored: string[] = [];
    for (const spelling of SPELLINGS) {
      for (const [field, attempt] of fields) {
        const { text, refused } = await attempt(spelling);
        if (field !== 'unknown command') expect({ field, spelling, refused, text }).toMatchObject({ refused: true, text: expect.stringContaining('ligner et CPR-nummer') });
        expect(text).not.toContain(spelling);
      }
    }
    // Nothing anywhere in the database holds the digits, in any spelling we tried.
    for (const name of ['cases', 'observations', 'agreements', 'assessmentAnswers', 'events', 'conversations', 'rooms', 'postedCards']) {
      const dump = JSON.stringify(await t.app.database.db.collection(name).find({}).toArray());
      for (const spelling of SPELLINGS) if (dump.includes(spelling)) stored.push(`${name}: ${JSON.stringify(spelling)}`);
    }
    expect(stored).toEqual([]);
  });

  test('a display name or team name from Teams with one is stored and shown with the number masked', async () => {
    // Teams user IDs are opaque; only the display name carries the number.
    const odd = { ...makeUser('Ole Hansen'), name: 'Ole 010203-1234 Hansen' };
    const d = await new CaseDriver(t, odd, 'cpr-name').create('Navnesag / NN');
    await d.say(odd, 'tilføj som forælder', { mentions: [{ ...parent, name: 'Anna 311299 1234' }] });
    const kase = await d.kase();
    expect(kase.members.map((m) => m.name)).toEqual(['Ole ••••••-•••• Hansen', 'Anna ••••••-••••']);
    const dump = JSON.stringify([kase, await t.app.database.db.collection('events').find({ caseId: kase._id }).toArray(), await t.app.database.db.collection('conversations').find({}).toArray()]);
    expect(dump).not.toContain('010203-1234');
    expect(dump).not.toContain('311299 1234');
  });
});

describe('first day', () => {
  test('installing the bot says hello, with the commands', async () => {
    const user = makeUser('Ny Bruger');
    const before = t.connector.sentActivities.length;
    const install = { ...personalMessage('', { serviceUrl: t.connector.url, from: user }), type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:samspil-bot' }] };
    expect((await t.post(install)).status).toBe(200);
    const [hello] = t.connector.sentActivities.slice(before).map((c) => c.activity);
    expect(hello!.text).toContain('Hej, jeg er Samspil');
    expect(JSON.stringify(hello!.attachments)).toContain('ny sag «titel» / «barnets initialer»');
  });

  test.each([
    ['mor', 'parent'],
    ['far', 'parent'],
    ['lærer hjemmel Folkeskoleloven', 'teacher'],
    ['pædagog hjemmel Dagtilbudsloven', 'pedagogue'],
    ['en lærer hjemmel Folkeskoleloven', 'teacher'],
    ['PPR-psykolog hjemmel Folkeskoleloven', 'school_psychologist'],
  ])('"som %s" adds a %s', async (words, role) => {
    const d = await new CaseDriver(t, coordinator, `role-${role}`).create('Rollesag / RR');
    const person = makeUser(`Person ${role}`);
    await d.say(coordinator, `tilføj som ${words}`, { mentions: [person] });
    expect((await d.kase()).members.find((m) => m.userId === person.id)).toMatchObject({ role, status: 'active' });
  });

  test('a typed name is found in the roster (paged, as Teams returns it), with the Entra object ID', async () => {
    const d = await new CaseDriver(t, coordinator, 'typed').create('Skrevet navn / SN');
    const sofie = makeUser('Sofie Aagaard');
    const others = Array.from({ length: 5 }, (_, i) => makeUser(`Kollega ${i}`));
    await d.enter(sofie, ...others);
    t.connector.pageLimit = 2;
    try {
      await d.say(coordinator, 'tilføj Sofie som pædagog hjemmel Dagtilbudsloven');
    } finally {
      t.connector.pageLimit = 500;
    }
    expect((await d.kase()).members.find((m) => m.userId === sofie.id)).toMatchObject({ role: 'pedagogue', aadObjectId: sofie.aadObjectId });
    // The roster came in pages of two: every page was read.
    expect(t.connector.memberCalls.filter((c) => c.conversationId === d.channel && c.path.endsWith('pagedmembers')).length).toBeGreaterThanOrEqual(3);
    expect(textOf(await d.say(coordinator, 'tilføj Kollega som lærer hjemmel x'))).toContain('Jeg kan ikke finde "Kollega"');
  });

  test('"tilføj", "fjern" and "træk samtykke" with nothing after them answer with their own usage', async () => {
    const d = await new CaseDriver(t, coordinator, 'usage').create('Brug / BR');
    expect(textOf(await d.say(coordinator, 'tilføj'))).toContain('Sådan tilføjer du en person: "tilføj @person som «rolle»"');
    expect(textOf(await d.say(coordinator, 'fjern'))).toBe('Sådan fjerner du en person fra sagen: "fjern @person".');
    expect(textOf(await d.say(coordinator, 'træk samtykke'))).toBe('Sådan trækker du dit samtykke tilbage: "træk samtykke @person".');
    expect(textOf(await d.say(coordinator, 'add', { locale: 'en-US' }))).toContain('To add a person: "add @person as «role»"');
  });

  test('a form that fails validation says which field is wrong and why; text over the limit names the limit', async () => {
    const d = await caseWithFamily('validation');
    const data = (await d.openForm(teacher, 'observation')).actions[0].data;
    const submit = (extra: Record<string, unknown>) => d.click(teacher, 'observation.submit', { ...data, area: 'child_school', level: 'green', text: 'ok', ...extra });
    expect((await submit({ text: '' })).message).toBe('Observationen mangler. Intet er gemt.');
    expect((await submit({ text: 42 })).message).toBe('Observationen har en forkert type. Intet er gemt.');
    expect((await submit({ level: 'purple' })).message).toBe('Trivselsniveau: vælg en af mulighederne på kortet. Intet er gemt.');
    expect((await submit({ area: undefined })).message).toBe('Område: vælg en af mulighederne på kortet. Intet er gemt.');
    expect((await submit({ text: 'x'.repeat(2001) })).message).toBe('Observationen må højst være 2000 tegn. Intet er gemt.');
    const agreement = (await d.openForm(teacher, 'aftale')).actions[0].data;
    const propose = await d.click(teacher, 'agreement.submit', { ...agreement, what: 'ok', ownerId: teacher.id, dueDate: '2026-02-31', followUpDate: '2026-03-30' });
    expect(propose.message).toBe('Fristen skal være en gyldig dato. Intet er gemt.');
    expect(await stored(d.caseId)).toEqual({ observations: 0, agreements: 0 });
  });

  test('a member added before the object ID was read gets it on their next message', async () => {
    const d = await new CaseDriver(t, coordinator, 'backfill').create('Bagud / BG');
    const late = makeUser('Lone Sent');
    const actor = { userId: coordinator.id, aadObjectId: coordinator.aadObjectId, name: coordinator.name };
    await t.app.core.members.add(actor, d.caseId, { userId: late.id, name: late.name, role: 'teacher', legalBasis: 'Folkeskoleloven' });
    expect((await d.kase()).members.find((m) => m.userId === late.id)!.aadObjectId).toBeFalsy();
    await d.say(late, 'medlemmer');
    expect((await d.kase()).members.find((m) => m.userId === late.id)!.aadObjectId).toBe(late.aadObjectId);
    // And the tab now knows her.
    t.connector.setRoster(d.channel, [rosterEntry(coordinator), rosterEntry(late)]);
    const cases = await t.app.core.overview.casesOf({ userId: 'tab-only', aadObjectId: late.aadObjectId, name: late.name });
    expect(cases.map((c) => c.id)).toContain(d.caseId);
  });

  test('a reminder card answers in the language it was sent in, whatever the clicking client says', async () => {
    const d = await caseWithFamily('language');
    const form = (await d.openForm(parent, 'aftale')).actions[0].data;
    const proposed = await d.click(parent, 'agreement.submit', { ...form, what: 'Sengetid', ownerId: teacher.id, dueDate: '2026-03-16', followUpDate: '2026-03-30' });
    const agreementId = proposed.card.refresh.action.data.agreementId;
    await d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId });
    const data = { caseId: d.caseId, agreementId, reminderKey: `agreement:${agreementId}|due|2026-03-16`, kind: 'due', locale: 'da', days: 1 };
    const result = await t.post(cardAction('reminder.snooze', data, { serviceUrl: t.connector.url, from: teacher, conversationId: personalChatIdOf(teacher), conversationType: 'personal', locale: 'en-US' }));
    const card = JSON.stringify((result.body as any).value);
    expect(card).toContain('Påmindelse');
    expect(card).not.toContain('Reminder');
  });

  test('the timeline says a proposed person awaits consent, and never shows raw status keys', async () => {
    const d = await caseWithFamily('timeline-words');
    await d.say(coordinator, 'tilføj som pædagog', { mentions: [makeUser('Sofie Pædagog')] });
    const timeline = JSON.stringify(cardsOf(await d.say(coordinator, 'tidslinje')));
    expect(timeline).toContain('Sofie Pædagog blev foreslået som Pædagog – afventer samtykke');
    expect(timeline).not.toContain('Sofie Pædagog blev tilføjet');
    expect(timeline).not.toMatch(/"(proposed|accepted|declined|done|cancelled|pending)"/);
  });
});
