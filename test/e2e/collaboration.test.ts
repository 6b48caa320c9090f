import { makeUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
import { startTestApp, type TestApp } from '../harness/testApp';

let t: TestApp;
// A fixed "today" makes due dates and overdue marks predictable: Monday 2 March 2026, 10:00 in Copenhagen.
let now = new Date('2026-03-02T09:00:00Z');

beforeAll(async () => {
  t = await startTestApp(__filename, { now: () => now });
});
afterAll(async () => {
  await t.stop();
});

const coordinator = makeUser('Karen Sagsbehandler');
const teacher = makeUser('Mette Lærer');
const psychologist = makeUser('Peter PPR');
const parent = makeUser('Anna Mor');
const coach = makeUser('Jonas Træner');
const stranger = makeUser('Ukendt');

const expectValidCard = (card: unknown) => {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
};

/** A case with coordinator, a teacher (legal basis), a parent, and a consented psychologist. */
async function fullCase(label: string) {
  const d = await new CaseDriver(t, coordinator, label).create(`Sag ${label} / AB`);
  await d.say(coordinator, 'tilføj som lærer hjemmel Serviceloven § 11', { mentions: [teacher] });
  await d.say(coordinator, 'tilføj som forælder', { mentions: [parent] });
  await d.say(coordinator, 'tilføj som ppr-psykolog', { mentions: [psychologist] });
  await d.click(parent, 'consent.approve', { caseId: d.caseId, userId: psychologist.id });
  return d;
}

describe('members and consent', () => {
  test('before a guardian joins, a professional needs a stated legal basis, recorded with who and when', async () => {
    const d = await new CaseDriver(t, coordinator, 'legal').create();
    const refused = await d.say(coordinator, 'tilføj som lærer', { mentions: [teacher] });
    expect(textOf(refused)).toContain('En fagperson kan kun tilføjes med en angivet hjemmel');
    expect((await d.kase()).members.map((m) => m.userId)).toEqual([coordinator.id]);

    const added = await d.say(coordinator, 'tilføj som lærer hjemmel Serviceloven § 11', { mentions: [teacher] });
    expect(textOf(added)).toBe('Mette Lærer er tilføjet som Lærer.');
    const member = (await d.kase()).members.find((m) => m.userId === teacher.id)!;
    expect(member).toMatchObject({ status: 'active', role: 'teacher', legalBasis: { text: 'Serviceloven § 11', by: coordinator.id, at: now } });

    const network = await d.say(coordinator, 'tilføj som netværk', { mentions: [coach] });
    expect(textOf(network)).toContain('Netværkspersoner kræver samtykke fra en forælder');
  });

  test('with a guardian in the case, a professional is pending until the guardian approves, and sees nothing meanwhile', async () => {
    const d = await new CaseDriver(t, coordinator, 'consent').create();
    await d.say(coordinator, 'tilføj som forælder', { mentions: [parent] });
    const proposed = await d.say(coordinator, 'tilføj som ppr-psykolog', { mentions: [psychologist] });
    expect(textOf(proposed)).toContain('Peter PPR er foreslået som PPR-psykolog og venter på samtykke fra familien');
    const [consentCard] = cardsOf(proposed);
    expectValidCard(consentCard);
    expect(JSON.stringify(consentCard)).toContain(`<at>${parent.name}</at>`);
    expect(consentCard.msteams.entities[0].mentioned.id).toBe(parent.id);

    const peek = await d.say(psychologist, 'sag');
    expect(textOf(peek)).toBe('Du er ikke medlem af denne sag og kan ikke se den.');
    expect(cardsOf(peek)).toHaveLength(0);

    const teacherTries = await d.click(coordinator, 'consent.approve', { caseId: d.caseId, userId: psychologist.id });
    expect(teacherTries.statusCode).toBe(403);
    expect(teacherTries.message).toContain('Kun en forælder');

    const approved = await d.click(parent, 'consent.approve', { caseId: d.caseId, userId: psychologist.id });
    expect(approved.statusCode).toBe(200);
    expect(textOf(approved.sent)).toBe('Anna Mor har givet samtykke. Peter PPR er nu med i sagen.');
    expect((await d.kase()).members.find((m) => m.userId === psychologist.id)).toMatchObject({ status: 'active', consent: { state: 'approved', by: parent.id } });
    expect(cardsOf(await d.say(psychologist, 'sag'))).toHaveLength(1);

    const members = cardsOf(await d.say(teacher.id ? coordinator : coordinator, 'medlemmer'))[0];
    expectValidCard(members);
    expect(JSON.stringify(members)).toContain('Peter PPR');
    expect(JSON.stringify(members)).toContain('Givet');
  });

  test('a guardian can decline, and can withdraw consent later; the person then loses access', async () => {
    const d = await new CaseDriver(t, coordinator, 'withdraw').create();
    await d.say(coordinator, 'tilføj som forælder', { mentions: [parent] });
    await d.say(coordinator, 'tilføj som lærer', { mentions: [teacher] });
    await d.say(coordinator, 'tilføj som netværk', { mentions: [coach] });
    const declined = await d.click(parent, 'consent.decline', { caseId: d.caseId, userId: coach.id });
    expect(textOf(declined.sent)).toContain('har afvist samtykke. Jonas Træner får ikke adgang');
    expect(textOf(await d.say(coach, 'sag'))).toContain('ikke medlem');

    await d.click(parent, 'consent.approve', { caseId: d.caseId, userId: teacher.id });
    expect(cardsOf(await d.say(teacher, 'sag'))).toHaveLength(1);
    // The teacher is still in the chat when she loses access: the chat is told only that the case
    // changed; the guardian gets the full confirmation in her own chat with the bot.
    const withdrawn = await d.say(parent, 'træk samtykke', { mentions: [teacher] });
    expect(textOf(d.inRoom(withdrawn))).toBe('Sagen er opdateret – åbn fanen eller skriv til mig privat.');
    expect(textOf(d.privately(withdrawn))).toContain('Anna Mor har trukket samtykket tilbage. Mette Lærer har ikke længere adgang til sagen.');
    expect(textOf(await d.say(teacher, 'sag'))).toContain('ikke medlem');
    const events = (await t.app.internals.events.forCase(d.caseId, { limit: 100 })).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['member.consent.declined', 'member.consent.approved', 'member.consent.withdrawn']));
  });

  test('only the coordinator adds and removes; the coordinator cannot be removed', async () => {
    const d = await fullCase('remove');
    expect(textOf(await d.say(teacher, 'tilføj som netværk', { mentions: [coach] }))).toContain('Kun sagens tovholder');
    expect(textOf(await d.say(coordinator, 'fjern', { mentions: [coordinator] }))).toContain('Tovholderen kan ikke fjernes');
    const removed = await d.say(coordinator, 'fjern', { mentions: [teacher] });
    expect(textOf(d.inRoom(removed))).toBe('Sagen er opdateret – åbn fanen eller skriv til mig privat.');
    expect(textOf(d.privately(removed))).toContain('Mette Lærer er fjernet fra sagen.');
    expect(textOf(await d.say(teacher, 'sag'))).toContain('ikke medlem');
    expect(textOf(await d.say(coordinator, 'tilføj som lærer'))).toContain('Nævn personen med @');
  });
});

describe('large cases', () => {
  // Sixty commands, each followed by the chat's roster update: a long test by nature.
  test('a case holds at most 60 people, and the members card pages through them', async () => {
    const d = await new CaseDriver(t, coordinator, 'large').create('Stor sag / ST');
    for (let i = 1; i < 60; i++) await d.say(coordinator, 'tilføj som lærer hjemmel Folkeskoleloven', { mentions: [makeUser(`Lærer ${i}`)] });
    expect(textOf(await d.say(coordinator, 'tilføj som lærer hjemmel Folkeskoleloven', { mentions: [makeUser('Nummer 61')] }))).toContain('allerede 60 medlemmer');
    const [first] = cardsOf(await d.say(coordinator, 'medlemmer'));
    expect(JSON.stringify(first)).toContain('side 1 af 4');
    const next = first.actions.find((a: Record<string, any>) => a.title.includes('Næste'));
    const last = await d.click(coordinator, next.verb, { ...next.data, page: 4 });
    expect(JSON.stringify(last.card)).toContain('side 4 af 4');
    expect(JSON.stringify(last.card)).toContain('Lærer 59');
    expect((await d.click(stranger, next.verb, next.data)).statusCode).toBe(403);
  }, 180_000);
});

describe('observations', () => {
  test('observe opens a form; submitting posts a read-only observation card into the case conversation', async () => {
    const d = await fullCase('observe');
    const [shared] = cardsOf(await d.say(teacher, 'observation'));
    expectValidCard(shared);
    expect(shared.body.some((e: Record<string, any>) => e.type?.startsWith('Input.'))).toBe(false);
    expect(shared.refresh.userIds).toEqual([teacher.id]);
    const form = await d.openForm(teacher, 'observation');
    expectValidCard(form);
    const submit = form.actions[0];
    expect(submit.type).toBe('Action.Execute');
    expect(submit.fallback.type).toBe('Action.Submit');
    expect(form.body.map((e: Record<string, any>) => e.id).filter(Boolean)).toEqual(['area', 'level', 'sosColumn', 'text', 'professionalsOnly']);

    const result = await d.click(teacher, submit.verb, { ...submit.data, area: 'child_school', level: 'yellow', sosColumn: 'worries', text: 'Trækker sig i frikvartererne.' });
    expect(result.statusCode).toBe(200);
    expect(JSON.stringify(result.card)).toContain('observationen er gemt');
    const [posted] = cardsOf(result.sent);
    expectValidCard(posted);
    expect(JSON.stringify(posted)).toContain('Trækker sig i frikvartererne.');
    expect(JSON.stringify(posted)).toContain('Dagtilbud, skoleforhold og læring');
    expect(JSON.stringify(posted)).toContain('Bekymring / øget opmærksomhed');

    const again = await d.click(teacher, submit.verb, { ...submit.data, area: 'child_school', level: 'yellow', text: 'Trækker sig i frikvartererne.' });
    expect(again.statusCode).toBe(200);
    expect(again.sent).toHaveLength(0);
    expect(await t.app.database.db.collection('observations').countDocuments({ caseId: d.caseId })).toBe(1);
  });

  test('a professionals-only observation is announced without content and hidden from the family everywhere', async () => {
    const d = await fullCase('profonly');
    const parentForm = await d.openForm(parent, 'observation');
    expect(parentForm.body.some((e: Record<string, any>) => e.id === 'professionalsOnly')).toBe(false);
    const parentTries = await d.click(parent, 'observation.submit', { caseId: d.caseId, formId: 'c0ffee00-0000-4000-8000-000000000001', area: 'child_health', level: 'green', text: 'x', professionalsOnly: 'true' });
    expect(parentTries.statusCode).toBe(403);

    const secret = 'Mistanke om omsorgssvigt – kun fagligt';
    const psychologistForm = await d.openForm(psychologist, 'observation');
    const result = await d.click(psychologist, 'observation.submit', { ...psychologistForm.actions[0].data, area: 'parent_safe_care', level: 'red', text: secret, professionalsOnly: 'true' });
    expect(result.statusCode).toBe(200);
    expect(JSON.stringify(result.sent)).not.toContain(secret);
    expect(JSON.stringify(result.sent)).toContain('kun for fagpersoner');

    const parentTimeline = JSON.stringify(cardsOf(await d.say(parent, 'tidslinje')));
    expect(parentTimeline).not.toContain(secret);
    expect(parentTimeline).not.toContain('Trygt omsorgsmiljø');
    // The parent reads the chat: the teacher's timeline goes to her own chat with the bot.
    const teacherAsks = await d.say(teacher, 'tidslinje');
    expect(JSON.stringify(d.inRoom(teacherAsks))).not.toContain(secret);
    expect(textOf(d.inRoom(teacherAsks))).toContain('Jeg har sendt tidslinjen til dig i vores private chat');
    expect(JSON.stringify(cardsOf(d.privately(teacherAsks)))).toContain(secret);
    expect(await t.app.core.observations.list({ userId: parent.id, name: parent.name }, d.caseId)).toHaveLength(0);
    expect(await t.app.core.observations.list({ userId: teacher.id, name: teacher.name }, d.caseId)).toHaveLength(1);
  });
});

describe('assessments', () => {
  const rate = (d: CaseDriver, who: typeof teacher, roundId: string, levels: [string, string, string, string], comment = '') =>
    d.click(who, 'assessment.submit', { caseId: d.caseId, roundId, rating_cognitive: levels[0], rating_emotional: levels[1], rating_social: levels[2], rating_physical: levels[3], comment });

  test('answers stay private until the coordinator closes the round; then a joint summary with disagreement and change is posted', async () => {
    const d = await fullCase('assess');
    const opened = await d.say(coordinator, 'vurdering');
    const [form] = cardsOf(opened);
    expectValidCard(form);
    const roundId = form.actions[0].data.roundId as string;
    expect(textOf(await d.say(teacher, 'vurdering'))).toContain('Kun sagens tovholder');

    const teacherAnswer = await rate(d, teacher, roundId, ['green', 'red', 'red', 'green'], 'Alene i frikvarterer');
    expect(teacherAnswer.statusCode).toBe(200);
    expect(teacherAnswer.sent).toHaveLength(0);
    await rate(d, psychologist, roundId, ['green', 'red', 'yellow', 'green']);
    const parentAnswer = await rate(d, parent, roundId, ['green', 'green', 'green', 'green']);
    expect(JSON.stringify(parentAnswer.card)).not.toContain('Alene i frikvarterer');
    expect(JSON.stringify(parentAnswer.card)).toContain('dit svar i runde 1 er gemt');
    expect(await rate(d, coach, roundId, ['green', 'green', 'green', 'green'])).toMatchObject({ statusCode: 403 });

    expect((await d.click(teacher, 'assessment.close', { caseId: d.caseId, roundId })).statusCode).toBe(403);
    const closed = await d.click(coordinator, 'assessment.close', { caseId: d.caseId, roundId });
    const [summary] = cardsOf(closed.sent);
    expectValidCard(summary);
    const text = JSON.stringify(summary);
    expect(text).toContain('Samlet trivselsvurdering – runde 1');
    expect(text).toContain('3 personer har svaret');
    expect(text).toContain('Fagpersoner og familie vurderer forskelligt');
    expect(text).toContain('Første runde');
    const emotional = summary.body.find((c: Record<string, any>) => JSON.stringify(c).includes('Psykisk og emotionel trivsel'));
    expect(JSON.stringify(emotional)).toContain('🟢 1  🟡 0  🔴 2');

    expect((await d.click(coordinator, 'assessment.close', { caseId: d.caseId, roundId })).sent).toHaveLength(0);
    expect((await rate(d, teacher, roundId, ['green', 'green', 'green', 'green'])).message).toContain('Vurderingsrunden er lukket');

    const [form2] = cardsOf(await d.say(coordinator, 'vurdering'));
    const round2 = form2.actions[0].data.roundId as string;
    await rate(d, teacher, round2, ['green', 'green', 'yellow', 'green']);
    await rate(d, parent, round2, ['green', 'green', 'green', 'green']);
    const second = JSON.stringify(cardsOf((await d.click(coordinator, 'assessment.close', { caseId: d.caseId, roundId: round2 })).sent)[0]);
    expect(second).toContain('Bedre end sidste runde');
    expect(second).toContain('runde 2');
  });
});

describe('agreements', () => {
  async function propose(d: CaseDriver, by: typeof teacher, owner: typeof teacher, what = 'Ugentlig samtale med AKT-lærer', due = '2026-03-16', followUp = '2026-03-30') {
    const form = await d.openForm(by, 'aftale');
    const submit = form.actions[0];
    return d.click(by, submit.verb, { ...submit.data, what, ownerId: owner.id, dueDate: due, followUpDate: followUp });
  }

  test('a proposal is posted with per-person refresh; the guardian accepts, the owner marks done, and the card refreshes for everyone', async () => {
    const d = await fullCase('agree');
    expectValidCard(await d.openForm(teacher, 'aftale'));
    const proposed = await propose(d, teacher, teacher);
    expect(proposed.statusCode).toBe(200);
    const [posted] = cardsOf(proposed.sent);
    expectValidCard(posted);
    expect(posted.refresh.action.verb).toBe('agreement.refresh');
    expect(posted.refresh.userIds).toEqual(expect.arrayContaining([coordinator.id, teacher.id, parent.id, psychologist.id]));
    expect(JSON.stringify(posted)).toContain('foreslået');
    const agreementId = posted.refresh.action.data.agreementId as string;
    const data = { caseId: d.caseId, agreementId };

    const titles = (card: Record<string, any>) => (card.actions ?? []).map((a: Record<string, any>) => a.title);
    expect(titles((await d.click(parent, 'agreement.refresh', data)).card)).toEqual(['Accepter', 'Afvis']);
    expect(titles((await d.click(teacher, 'agreement.refresh', data)).card)).toEqual([]);
    expect(titles((await d.click(coordinator, 'agreement.refresh', data)).card)).toEqual(['Annuller']);

    expect((await d.click(teacher, 'agreement.done', data)).message).toContain('Aftalen er foreslået og kan ikke blive udført');
    expect((await d.click(teacher, 'agreement.accept', data)).statusCode).toBe(403);
    const accepted = await d.click(parent, 'agreement.accept', data);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.updates).toHaveLength(1);
    expect(JSON.stringify(accepted.updates[0]!.body)).toContain('accepteret');
    expect(titles((await d.click(teacher, 'agreement.refresh', data)).card)).toEqual(['Marker som udført']);

    expect((await d.click(psychologist, 'agreement.done', data)).message).toContain('Kun den, der er ansvarlig');
    const done = await d.click(teacher, 'agreement.done', data);
    expect(JSON.stringify(done.card)).toContain('udført');
    const stored = await t.app.internals.agreementRepository.byId(agreementId);
    expect(stored!.history.map((h) => [h.from, h.to, h.by])).toEqual([
      ['proposed', 'accepted', parent.id],
      ['accepted', 'done', teacher.id],
    ]);
  });

  test('declining needs a reason, which is recorded; the coordinator can cancel', async () => {
    const d = await fullCase('decline');
    const first = await propose(d, teacher, teacher, 'Weekendaflastning');
    const data = { caseId: d.caseId, agreementId: cardsOf(first.sent)[0].refresh.action.data.agreementId };
    expect((await d.click(parent, 'agreement.decline', data)).message).toContain('Begrundelsen mangler');
    const declined = await d.click(parent, 'agreement.decline', { ...data, reason: 'Vi har allerede en aftale med bedsteforældrene' });
    expect(JSON.stringify(declined.card)).toContain('Vi har allerede en aftale med bedsteforældrene');

    const second = await propose(d, parent, psychologist, 'Samtale hos PPR');
    const data2 = { caseId: d.caseId, agreementId: cardsOf(second.sent)[0].refresh.action.data.agreementId };
    const cancelled = await d.click(coordinator, 'agreement.cancel', { ...data2, reason: 'Dækkes af skolens tilbud' });
    expect(JSON.stringify(cancelled.card)).toContain('annulleret');
  });

  test('agreements and tasks list what a person needs, with overdue agreements marked', async () => {
    const d = await fullCase('tasks');
    const p = await propose(d, teacher, psychologist, 'Udredning', '2026-03-05', '2026-03-10');
    await d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId: cardsOf(p.sent)[0].refresh.action.data.agreementId });
    await propose(d, teacher, teacher, 'Daglig kontaktbog', '2026-04-01', '2026-04-15');

    const list = cardsOf(await d.say(parent, 'aftaler'))[0];
    expectValidCard(list);
    expect(JSON.stringify(list)).toContain('Udredning');
    expect(JSON.stringify(list)).toContain('Daglig kontaktbog');
    expect(JSON.stringify(list)).not.toContain('Overskredet');

    now = new Date('2026-03-09T09:00:00Z');
    try {
      const asked = await d.say(psychologist, 'opgaver');
      // Tasks span cases: never into the chat, always to the person's own chat with the bot.
      expect(cardsOf(d.inRoom(asked))).toHaveLength(0);
      const tasks = JSON.stringify(cardsOf(d.privately(asked))[0]);
      expect(tasks).toContain('Udredning');
      expect(tasks).not.toContain('Daglig kontaktbog');
      expect(tasks).toContain('Overskredet');
    } finally {
      now = new Date('2026-03-02T09:00:00Z');
    }
  });

  test.each([
    ['a due date in the past', { dueDate: '2026-02-01', followUpDate: '2026-03-30' }, 'Fristen ligger i fortiden'],
    ['a follow-up before the due date', { dueDate: '2026-03-20', followUpDate: '2026-03-10' }, 'Opfølgningsdatoen må ikke ligge før fristen'],
    ['an impossible date', { dueDate: '2026-02-30', followUpDate: '2026-03-30' }, 'Fristen skal være en gyldig dato'],
    ['an owner who is not a member', { ownerId: '29:someone-else' }, 'Den ansvarlige skal være et aktivt medlem'],
  ])('a proposal with %s is refused and nothing is stored', async (_label, override, message) => {
    const d = await fullCase(`bad-${_label.length}`);
    const form = await d.openForm(teacher, 'aftale');
    const submit = form.actions[0];
    const result = await d.click(teacher, submit.verb, { ...submit.data, what: 'X', ownerId: teacher.id, dueDate: '2026-03-16', followUpDate: '2026-03-30', ...override });
    expect(result.statusCode).toBe(400);
    expect(result.message).toContain(message);
    expect(await t.app.database.db.collection('agreements').countDocuments({ caseId: d.caseId })).toBe(0);
  });
});

describe('timeline', () => {
  test('shows events newest first, ten per page, with paging buttons', async () => {
    const d = await fullCase('timeline');
    for (let i = 0; i < 12; i++) {
      const form = await d.openForm(teacher, 'observation');
      await d.click(teacher, 'observation.submit', { ...form.actions[0].data, area: 'child_leisure', level: 'green', text: `Observation nummer ${i}` });
    }
    const [first] = cardsOf(await d.say(coordinator, 'tidslinje'));
    expectValidCard(first);
    const text = JSON.stringify(first);
    expect(text).toContain('side 1 af 2');
    expect(text.indexOf('Observation nummer 11')).toBeLessThan(text.indexOf('Observation nummer 10'));
    expect(text).not.toContain('Observation nummer 1"');
    const older = first.actions.find((a: Record<string, any>) => a.title.includes('Ældre'));
    const page2 = await d.click(coordinator, older.verb, older.data);
    expect(JSON.stringify(page2.card)).toContain('side 2 af 2');
    expect(JSON.stringify(page2.card)).toContain('Sagen blev oprettet');
    expect(cardBytes(page2.card)).toBeLessThan(MAX_CARD_BYTES);
  });
});
