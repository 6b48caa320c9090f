import { randomUUID } from 'node:crypto';
import { cardAction, makeUser, personalChatIdOf, TENANT_ID, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
import { startTestApp, type TestApp } from '../harness/testApp';
import type { EarlyWarningRecord } from '../../core/persistence/earlyWarningRepository';
import type { Observation } from '../../core/domain/observation';

/**
 * Early warning inside a case, end to end through the bot (docs/early-warning.md): each rule fires
 * from what people do in Teams, the coordinator is told once in their own chat (never the case's
 * room), and can dismiss with a reason or act; everything is in the case's history.
 */

let t: TestApp;
// Monday 2 March 2026, 10:00 in Copenhagen; tests move it on.
let now = new Date('2026-03-02T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

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

const SECRET = 'FORTROLIGT: politiet har været på adressen';

/** A case with the coordinator, a teacher (legal basis), a parent and a consented school psychologist. */
async function fullCase(label: string, lead: TestUser = coordinator): Promise<CaseDriver> {
  const d = await new CaseDriver(t, lead, label).create(`Sag ${label} / AB`);
  await d.say(lead, 'tilføj som lærer hjemmel Serviceloven § 11', { mentions: [teacher] });
  await d.say(lead, 'tilføj som forælder', { mentions: [parent] });
  await d.say(lead, 'tilføj som ppr-psykolog', { mentions: [psychologist] });
  await d.click(parent, 'consent.approve', { caseId: d.caseId, userId: psychologist.id });
  return d;
}

async function observe(d: CaseDriver, who: TestUser, level: 'green' | 'yellow' | 'red', options: { text?: string; professionalsOnly?: boolean } = {}) {
  const form = await d.openForm(who, 'observation');
  const data = { ...form.actions[0].data, area: 'child_school', level, text: options.text ?? `Observation (${level})`, ...(options.professionalsOnly ? { professionalsOnly: 'true' } : {}) };
  const submitted = await d.click(who, 'observation.submit', data);
  expect(submitted.statusCode).toBe(200);
  return { ...submitted, data };
}

const rate = (d: CaseDriver, who: TestUser, roundId: string, levels: Record<'cognitive' | 'emotional' | 'social' | 'physical', string>) =>
  d.click(who, 'assessment.submit', { caseId: d.caseId, roundId, rating_cognitive: levels.cognitive, rating_emotional: levels.emotional, rating_social: levels.social, rating_physical: levels.physical });

/** A round through the bot: opened with `vurdering`, answered by each, closed by the coordinator. Returns the close's result. */
async function round(d: CaseDriver, answers: Array<[TestUser, Record<'cognitive' | 'emotional' | 'social' | 'physical', string>]>) {
  const [form] = cardsOf(await d.say(d.coordinator, 'vurdering'));
  const roundId = form.actions[0].data.roundId as string;
  for (const [who, levels] of answers) expect((await rate(d, who, roundId, levels)).statusCode).toBe(200);
  const closed = await d.click(d.coordinator, 'assessment.close', { caseId: d.caseId, roundId });
  expect(closed.statusCode).toBe(200);
  return { ...closed, roundId };
}

const all = (level: string) => ({ cognitive: level, emotional: level, social: level, physical: level });

/** The coordinator's personal chat with the bot, as the bot stored it. */
async function coordinatorChat(who: TestUser = coordinator): Promise<string | undefined> {
  return (await t.app.core.conversations.personalChatOf(who.id))?._id;
}

const isWarningCard = (card: Record<string, any>) => JSON.stringify(card).includes('"earlyWarning.');

/** Warning cards among these activities, with where each went. */
function warningCards(activities: Array<Record<string, any>>): Array<{ conversationId: string; card: Record<string, any>; text: string }> {
  return activities.flatMap((a) =>
    (a.attachments ?? []).map((x: Record<string, any>) => x.content).filter((c: Record<string, any>) => c && isWarningCard(c)).map((card: Record<string, any>) => ({ conversationId: String(a.conversation?.id ?? ''), card, text: String(a.text ?? '') })),
  );
}

const warnings = (caseId: string) => t.app.database.db.collection<EarlyWarningRecord>('earlyWarnings').find({ caseId }).sort({ raisedAt: 1 }).toArray();
const history = (caseId: string) => t.app.internals.events.all(caseId);
const expectValidCard = (card: unknown) => {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
};

/** A button's data on a warning card. */
const button = (card: Record<string, any>, verb: string, action?: string): Record<string, unknown> => {
  const found = JSON.stringify(card);
  const all: Array<Record<string, any>> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, any>;
      if (n.type === 'Action.Execute' && n.verb === verb && (!action || n.data?.action === action)) all.push(n);
      Object.values(n).forEach(walk);
    }
  };
  walk(JSON.parse(found));
  if (!all[0]) throw new Error(`no ${verb} ${action ?? ''} button on ${found.slice(0, 300)}`);
  return all[0].data as Record<string, unknown>;
};

/** A click from the coordinator's own chat with the bot (where the warning card is). */
async function clickPrivately(from: TestUser, verb: string, data: Record<string, unknown>, conversationId: string) {
  const before = t.connector.sentActivities.length;
  const result = await t.post(cardAction(verb, data, { serviceUrl: t.connector.url, from, conversationId, conversationType: 'personal' }));
  await t.app.settled();
  const body = result.body as Record<string, any>;
  return { statusCode: body?.statusCode as number, card: body?.value as Record<string, any>, message: body?.value?.message as string | undefined, sent: t.connector.sentActivities.slice(before).map((c) => c.activity as Record<string, any>) };
}

describe('each rule, through the bot', () => {
  test('yellow from two disciplines within 8 weeks: one card in the coordinator’s own chat, nothing in the room, links instead of content', async () => {
    const d = await fullCase('tvaerfaglig');
    const first = await observe(d, teacher, 'yellow', { text: 'Trækker sig i frikvarteret' });
    expect(warningCards(first.sent)).toHaveLength(0);

    now = new Date(now.getTime() + 20 * DAY);
    const second = await observe(d, psychologist, 'yellow', { text: 'Virker trist ved testningen' });
    const cards = warningCards(second.sent);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.conversationId).toBe(await coordinatorChat());
    expect(d.inRoom(second.sent).some((a) => JSON.stringify(a).includes('earlyWarning'))).toBe(false);
    const card = cards[0]!.card;
    expectValidCard(card);
    const text = JSON.stringify(card);
    expect(text).toContain('Bekymring fra flere faggrupper: lærer og ppr-psykolog har hver beskrevet bekymring (gul eller rød) inden for de seneste 8 uger.');
    expect(text).not.toContain('Trækker sig i frikvarteret');
    expect(text).not.toContain('Virker trist ved testningen');
    expect(text).toMatch(/\[Observation [^\]]*Lærer[^\]]*\]\(https:\/\/teams\.microsoft\.com\/l\//);
    for (const suggestion of ['Indkald familien og fagpersonerne til et møde', 'Foreslå en aftale', 'Åbn en trivselsvurdering']) expect(text).toContain(suggestion);

    const [stored] = await warnings(d.caseId);
    expect(stored).toMatchObject({ rule: 'crossDiscipline', status: 'open', deliveryState: 'sent', details: { disciplines: ['teacher', 'school_psychologist'] } });
    const raised = (await history(d.caseId)).filter((e) => e.type === 'earlyWarning.raised');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ visibility: 'professionals', actorName: 'Samspil', data: { rule: 'crossDiscipline', warningId: stored!._id } });
    now = new Date('2026-03-02T09:00:00Z');
  });

  test('8 weeks and one day apart, or twice from the same discipline, no card', async () => {
    const d = await fullCase('grænse');
    await observe(d, teacher, 'yellow');
    now = new Date(now.getTime() + 57 * DAY);
    const late = await observe(d, psychologist, 'yellow');
    expect(warningCards(late.sent)).toHaveLength(0);
    const same = await observe(d, psychologist, 'yellow');
    expect(warningCards(same.sent)).toHaveLength(0);
    expect(await warnings(d.caseId)).toHaveLength(0);
    now = new Date('2026-03-02T09:00:00Z');
  });

  test('a red observation, even professionals-only: the card goes to the coordinator alone and never copies the text', async () => {
    const d = await fullCase('rød');
    const red = await observe(d, psychologist, 'red', { text: SECRET, professionalsOnly: true });
    const cards = warningCards(red.sent);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.conversationId).toBe(await coordinatorChat());
    expectValidCard(cards[0]!.card);
    const text = JSON.stringify(cards[0]!.card);
    expect(text).toContain('En ny observation beskriver stærk bekymring (rød).');
    expect(text).toContain('kun for fagpersoner');
    expect(text).not.toContain(SECRET);
    for (const activity of d.inRoom(red.sent)) expect(JSON.stringify(activity)).not.toContain('earlyWarning');
  });

  test('an assessment area that turns red between two rounds', async () => {
    const d = await fullCase('runde');
    const first = await round(d, [
      [teacher, all('green')],
      [parent, all('green')],
    ]);
    expect(warningCards(first.sent)).toHaveLength(0);
    const second = await round(d, [
      [teacher, { ...all('green'), social: 'red' }],
      [parent, { ...all('green'), social: 'red' }],
    ]);
    const cards = warningCards(second.sent);
    expect(cards).toHaveLength(1);
    expectValidCard(cards[0]!.card);
    expect(JSON.stringify(cards[0]!.card)).toContain('Området «Social trivsel» er blevet rødt (stærk bekymring) i vurderingsrunde 2. I runden før var det grønt.');
    expect((await warnings(d.caseId))[0]).toMatchObject({ rule: 'areaWorsened', details: { from: 'green', to: 'red', roundNumber: 2 } });
  });

  test('a strong disagreement between the family and the professionals in a round, in English for an English coordinator', async () => {
    const english = makeUser('Karen Coordinator');
    const chat = personalChatIdOf(english);
    // The coordinator writes to the bot in English in their own chat: the card follows their language.
    await t.app.core.conversations.remember({ _id: chat, kind: 'personal', userId: english.id, locale: 'en', serviceUrl: t.connector.url, reference: { channelId: 'msteams', serviceUrl: t.connector.url, bot: { id: '28:samspil-bot', name: 'Samspil' }, user: { id: english.id, name: english.name }, conversation: { id: chat, conversationType: 'personal', tenantId: TENANT_ID } }, updatedAt: new Date() });
    const d = await fullCase('uenig', english);
    const closed = await round(d, [
      [teacher, { ...all('green'), emotional: 'red' }],
      [psychologist, { ...all('green'), emotional: 'red' }],
      [parent, all('green')],
    ]);
    const cards = warningCards(closed.sent);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.conversationId).toBe(chat);
    expectValidCard(cards[0]!.card);
    const text = JSON.stringify(cards[0]!.card);
    expect(text).toContain('The family and the professionals see «Mental and emotional» very differently in assessment round 1.');
    expect(text).toContain('Dismiss the warning');
    expect(cards[0]!.text).toBe('Early warning in Sag uenig');
  });
});

describe('told once', () => {
  test('a double click, a repeated evaluation and a restart store and send nothing new; a new red observation is news', async () => {
    const d = await fullCase('en-gang');
    const red = await observe(d, teacher, 'red');
    expect(warningCards(red.sent)).toHaveLength(1);
    const again = await d.click(teacher, 'observation.submit', red.data);
    expect(again.statusCode).toBe(200);
    expect(warningCards(again.sent)).toHaveLength(0);
    expect(await t.app.core.earlyWarnings.evaluate(d.caseId)).toEqual([]);

    await t.restart();
    t.connector.reset();
    expect(await t.app.core.earlyWarnings.evaluate(d.caseId)).toEqual([]);
    await t.app.settled();
    expect(await t.app.earlyWarnings.sweep()).toBe(0);
    expect(warningCards(t.connector.sentActivities.map((s) => s.activity as Record<string, any>))).toHaveLength(0);
    expect(await warnings(d.caseId)).toHaveLength(1);

    // Another discipline's red: news for the red rule (naming it as new), and concern from two disciplines.
    const newRed = await observe(d, psychologist, 'red');
    const cards = warningCards(newRed.sent).map((c) => JSON.stringify(c.card));
    expect(cards).toHaveLength(2);
    const redCard = cards.find((c) => c.includes('En ny observation beskriver stærk bekymring'));
    expect(redCard).toContain('PPR-psykolog · Stærk bekymring (ny)]');
    expect(redCard).toContain('Lærer · Stærk bekymring]');
    expect(cards.find((c) => c.includes('Bekymring fra flere faggrupper'))).toBeDefined();
    expect(await warnings(d.caseId)).toHaveLength(3);
  });

  test('two instances evaluating the same case at once store one warning and send one card', async () => {
    const b = await startTestApp(__filename, { env: { MONGODB_DB: t.dbName }, now: () => now });
    try {
      const d = await fullCase('to-instanser');
      await t.app.settled();
      // An observation written without its event (as a crash could leave it): no instance has evaluated it yet.
      const observation: Observation = { _id: randomUUID(), caseId: d.caseId, authorId: teacher.id, authorName: teacher.name, authorRole: 'teacher', area: 'child_health', level: 'red', text: 'x', visibility: 'all', createdAt: now };
      await t.app.internals.observationRepository.insertOnce(observation, []);
      t.connector.reset();
      b.connector.reset();
      const [fromA, fromB] = await Promise.all([t.app.core.earlyWarnings.evaluate(d.caseId), b.app.core.earlyWarnings.evaluate(d.caseId)]);
      await Promise.all([t.app.settled(), b.app.settled()]);
      expect(fromA.length + fromB.length).toBe(1);
      expect(await warnings(d.caseId)).toHaveLength(1);
      const sent = [...t.connector.sentActivities, ...b.connector.sentActivities].map((s) => s.activity as Record<string, any>);
      expect(warningCards(sent)).toHaveLength(1);
      expect((await history(d.caseId)).filter((e) => e.type === 'earlyWarning.raised')).toHaveLength(1);
    } finally {
      await b.app.close();
      await b.connector.stop();
    }
  });

  test('a card the connector refused is sent again by the sweep, once', async () => {
    const d = await fullCase('igen');
    t.connector.failNext({ status: 403, times: 10, match: (call) => call.method === 'POST' && (call.path === '/v3/conversations' || /^a:/.test(call.conversationId ?? '')) });
    const red = await observe(d, teacher, 'red');
    expect(warningCards(red.sent)).toHaveLength(0);
    const [pending] = await warnings(d.caseId);
    expect(pending).toMatchObject({ deliveryState: 'pending', deliveryAttempts: 1 });
    t.connector.reset();
    // Due again once the backoff has passed (delivery times are on the wall clock).
    await t.app.database.db.collection<EarlyWarningRecord>('earlyWarnings').updateOne({ _id: pending!._id }, { $set: { deliveryNextAt: new Date(Date.now() - 1000) } });
    expect(await t.app.earlyWarnings.sweep()).toBe(1);
    await t.app.settled();
    expect(warningCards(t.connector.sentActivities.map((s) => s.activity as Record<string, any>))).toHaveLength(1);
    expect(await t.app.earlyWarnings.sweep()).toBe(0);
    expect((await warnings(d.caseId))[0]).toMatchObject({ deliveryState: 'sent' });
  });
});

describe('a case without a coordinator', () => {
  test('the card waits for one, and goes to whoever takes the role over, in their own chat', async () => {
    const d = await fullCase('ledig');
    await t.app.core.handover.vacate({ userId: 'operator', name: 'Drift' }, d.caseId, coordinator.id, 'operator');
    await t.app.settled();
    const before = t.connector.sentActivities.length;
    await observe(d, teacher, 'red');
    await t.app.settled();
    expect(warningCards(t.connector.sentActivities.slice(before).map((s) => s.activity as Record<string, any>))).toHaveLength(0);
    const [waiting] = await warnings(d.caseId);
    expect(waiting).toMatchObject({ deliveryState: 'pending' });
    // Nobody to tell yet: the sweep leaves it waiting (looked at again in an hour), never given up,
    // and waiting uses none of the card's tries.
    expect(await t.app.earlyWarnings.sweep()).toBe(0);
    await t.app.database.db.collection<EarlyWarningRecord>('earlyWarnings').updateOne({ _id: waiting!._id }, { $set: { deliveryNextAt: new Date(Date.now() - 1000) } });
    expect(await t.app.earlyWarnings.sweep()).toBe(1);
    await t.app.settled();
    expect(warningCards(t.connector.sentActivities.slice(before).map((s) => s.activity as Record<string, any>))).toHaveLength(0);
    expect((await warnings(d.caseId))[0]).toMatchObject({ deliveryState: 'pending', deliveryAttempts: 0 });

    const kase = await t.app.database.db.collection('cases').findOne({ _id: d.caseId } as never);
    const taken = await t.app.core.handover.takeOver({ userId: psychologist.id, aadObjectId: psychologist.aadObjectId, name: psychologist.name }, d.caseId, kase!.vacancy.id);
    expect(taken).toBeTruthy();
    await t.app.settled();
    expect(await t.app.earlyWarnings.sweep()).toBe(1);
    await t.app.settled();
    const sent = warningCards(t.connector.sentActivities.slice(before).map((s) => s.activity as Record<string, any>));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.conversationId).toBe(await coordinatorChat(psychologist));
    expect((await warnings(d.caseId))[0]).toMatchObject({ deliveryState: 'sent' });
  });
});

describe('the coordinator answers', () => {
  async function warned(label: string) {
    const d = await fullCase(label);
    const red = await observe(d, teacher, 'red');
    const [found] = warningCards(red.sent);
    if (!found) throw new Error('no warning card');
    return { d, card: found.card, chat: found.conversationId };
  }

  test('dismissal needs a reason, is recorded once with who, when and why, and others are refused and logged', async () => {
    const { d, card, chat } = await warned('afvis');
    const data = button(card, 'earlyWarning.dismiss');

    const noReason = await clickPrivately(coordinator, 'earlyWarning.dismiss', data, chat);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.message).toContain('Begrundelsen');
    const cpr = await clickPrivately(coordinator, 'earlyWarning.dismiss', { ...data, reason: 'Se 010203-1234' }, chat);
    expect(cpr.statusCode).toBe(400);

    const intruders = [teacher, parent, makeUser('Ukendt')];
    for (const intruder of intruders) {
      const refused = await clickPrivately(intruder, 'earlyWarning.dismiss', { ...data, reason: 'Nej' }, personalChatIdOf(intruder));
      expect(refused.statusCode).toBe(403);
    }
    const refusals = (await t.app.internals.accessLog.all(d.caseId)).filter((e) => e.action === 'refused' && e.part === 'earlyWarning.decide');
    expect(refusals.map((e) => e.actorId).sort()).toEqual(intruders.map((i) => i.id).sort());

    const dismissed = await clickPrivately(coordinator, 'earlyWarning.dismiss', { ...data, reason: 'Vi kender situationen og har en plan' }, chat);
    expect(dismissed.statusCode).toBe(200);
    expectValidCard(dismissed.card);
    expect(JSON.stringify(dismissed.card)).toContain('Afvist af Karen Sagsbehandler');
    expect(JSON.stringify(dismissed.card)).toContain('Vi kender situationen og har en plan');
    expect(JSON.stringify(dismissed.card)).not.toContain('earlyWarning.dismiss');
    const twice = await clickPrivately(coordinator, 'earlyWarning.dismiss', { ...data, reason: 'Anden begrundelse' }, chat);
    expect(twice.statusCode).toBe(200);
    expect(JSON.stringify(twice.card)).toContain('Vi kender situationen og har en plan');

    const events = (await history(d.caseId)).filter((e) => e.type === 'earlyWarning.dismissed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: coordinator.id, visibility: 'professionals', data: { reason: 'Vi kender situationen og har en plan' } });
    expect((await warnings(d.caseId))[0]).toMatchObject({ status: 'dismissed', dismissal: { by: coordinator.id, reason: 'Vi kender situationen og har en plan' } });
    // A dismissed warning cannot be acted on from an old card.
    expect((await clickPrivately(coordinator, 'earlyWarning.act', button(card, 'earlyWarning.act', 'round'), chat)).statusCode).toBe(409);
  });

  test('acting: a round opened through the assessment service, an agreement form in the coordinator’s chat; double clicks do it once', async () => {
    const { d, card, chat } = await warned('handl');
    const roundButton = button(card, 'earlyWarning.act', 'round');
    const opened = await clickPrivately(coordinator, 'earlyWarning.act', roundButton, chat);
    expect(opened.statusCode).toBe(200);
    expectValidCard(opened.card);
    expect(JSON.stringify(opened.card)).toContain('Karen Sagsbehandler åbnede vurderingsrunde 1');
    expect((await clickPrivately(coordinator, 'earlyWarning.act', roundButton, chat)).statusCode).toBe(200);
    const events = await history(d.caseId);
    expect(events.filter((e) => e.type === 'assessment.opened')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'earlyWarning.acted')).toHaveLength(1);
    // Only the coordinator, and the teacher's attempt is refused.
    expect((await clickPrivately(teacher, 'earlyWarning.act', roundButton, chat)).statusCode).toBe(403);

    const agreementButton = button(card, 'earlyWarning.act', 'agreement');
    const asked = await clickPrivately(coordinator, 'earlyWarning.act', agreementButton, chat);
    expect(asked.statusCode).toBe(200);
    const [formMessage] = asked.sent;
    expect(formMessage?.conversation.id).toBe(chat);
    expect(formMessage?.text).toContain('Her er formularen til en ny aftale');
    const form = formMessage!.attachments[0].content as Record<string, any>;
    expectValidCard(form);
    const repeat = await clickPrivately(coordinator, 'earlyWarning.act', agreementButton, chat);
    expect(repeat.sent).toHaveLength(0);

    // Submitting the form proposes the agreement in the case's room, where the family decides.
    const submit = form.actions[0];
    const proposed = await clickPrivately(coordinator, submit.verb, { ...submit.data, what: 'Samtale med skolen om frikvarteret', ownerId: teacher.id, dueDate: '2026-03-16', followUpDate: '2026-03-30' }, chat);
    expect(proposed.statusCode).toBe(200);
    expect(textOf(d.inRoom(proposed.sent)) + JSON.stringify(d.inRoom(proposed.sent))).toContain('Samtale med skolen om frikvarteret');
    expect((await warnings(d.caseId))[0]!.actions.map((a) => a.action)).toEqual(['round', 'agreement']);
  });

  test('time to action: from the first warning to the first agreement accepted after it, recorded once', async () => {
    const start = now;
    const d = await fullCase('tid');
    await observe(d, teacher, 'red');
    now = new Date(start.getTime() + 1 * DAY);
    await observe(d, psychologist, 'red');
    // The teacher's red, then the psychologist's red: a red warning each, and concern from two disciplines.
    const [first, ...later] = await warnings(d.caseId);
    expect([first!.rule, ...later.map((w) => w.rule).sort()]).toEqual(['redObservation', 'crossDiscipline', 'redObservation']);

    now = new Date(start.getTime() + 2 * DAY);
    const form = await d.openForm(coordinator, 'aftale');
    const proposed = await d.click(coordinator, form.actions[0].verb, { ...form.actions[0].data, what: 'Møde med familien', ownerId: coordinator.id, dueDate: '2026-03-20', followUpDate: '2026-03-27' });
    const agreementId = proposed.card.refresh.action.data.agreementId as string;
    now = new Date(start.getTime() + 3 * DAY + 6 * 60 * 60 * 1000);
    expect((await d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId })).statusCode).toBe(200);

    const after = await warnings(d.caseId);
    expect(after.find((w) => w._id === first!._id)).toMatchObject({ timeToActionMs: 3 * DAY + 6 * 60 * 60 * 1000, answered: { agreementId } });
    for (const w of after.filter((x) => x._id !== first!._id)) {
      expect(w).toMatchObject({ answered: { agreementId } });
      expect(w.timeToActionMs).toBeUndefined();
    }
    // Kept on the warning (the leader's overview reads it); the history already holds the warning and the acceptance.
    expect((await history(d.caseId)).filter((e) => e.type === 'agreement.accepted' && e.data.agreementId === agreementId)).toHaveLength(1);

    // A later acceptance starts nothing: the episode is answered.
    const form2 = await d.openForm(coordinator, 'aftale');
    const proposed2 = await d.click(coordinator, form2.actions[0].verb, { ...form2.actions[0].data, what: 'Lektiehjælp', ownerId: parent.id, dueDate: '2026-03-20', followUpDate: '2026-03-27' });
    await d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId: proposed2.card.refresh.action.data.agreementId as string });
    expect((await warnings(d.caseId)).map((w) => [w.timeToActionMs, w.answered?.agreementId])).toEqual(after.map((w) => [w.timeToActionMs, w.answered?.agreementId]));
    now = start;
  });
});

describe('in the tab overview and the timeline', () => {
  test('professionals see the warnings with their reasons in words; the family sees none, anywhere', async () => {
    const d = await fullCase('faneblad');
    await observe(d, psychologist, 'red', { text: SECRET, professionalsOnly: true });
    const professional = await t.app.core.overview.overview({ userId: teacher.id, aadObjectId: teacher.aadObjectId, name: teacher.name }, d.caseId);
    expect(professional.earlyWarnings).toHaveLength(1);
    expect(professional.earlyWarnings![0]).toMatchObject({ rule: 'redObservation', status: 'open', inputs: [expect.objectContaining({ kind: 'observation', level: 'red', role: 'school_psychologist', professionalsOnly: true })] });
    expect(JSON.stringify(professional.earlyWarnings)).not.toMatch(/"(score|average|timeToActionMs)"/);
    const family = await t.app.core.overview.overview({ userId: parent.id, aadObjectId: parent.aadObjectId, name: parent.name }, d.caseId);
    expect(family.earlyWarnings).toBeUndefined();
    expect(JSON.stringify(family)).not.toContain('earlyWarning');
    const stage = await t.app.core.overview.overview({ userId: coordinator.id, name: coordinator.name }, d.caseId, 'everyone');
    expect(stage.earlyWarnings).toBeUndefined();

    const parentTimeline = await d.say(parent, 'tidslinje');
    expect(JSON.stringify(parentTimeline)).not.toContain('Tidlig opmærksomhed');
    const teacherTimeline = await d.say(teacher, 'tidslinje');
    expect(JSON.stringify(cardsOf(d.privately(teacherTimeline)))).toContain('Tidlig opmærksomhed: en regel slog an');
  });
});
