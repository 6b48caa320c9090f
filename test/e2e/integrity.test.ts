import { makeUser } from '../harness/activities';
import { cardAction } from '../harness/activities';
import { CaseDriver, cardsOf } from '../harness/caseDriver';
import { startTestApp, type TestApp } from '../harness/testApp';

let t: TestApp;
const now = new Date('2026-03-02T09:00:00Z');

beforeAll(async () => {
  t = await startTestApp(__filename, { now: () => now });
});
afterAll(async () => {
  await t.stop();
});

const coordinator = makeUser('Karen Koordinator');
const teacher = makeUser('Lærer Lis');
const parent = makeUser('Forælder Frida');
const otherParent = makeUser('Forælder Finn');

async function setUp(label: string) {
  const d = await new CaseDriver(t, coordinator, label).create(`Sag ${label} / XY`);
  await d.say(coordinator, 'tilføj som forælder', { mentions: [parent] });
  await d.say(coordinator, 'tilføj som forælder', { mentions: [otherParent] });
  await d.say(coordinator, 'tilføj som lærer', { mentions: [teacher] });
  await d.click(parent, 'consent.approve', { caseId: d.caseId, userId: teacher.id });
  return d;
}

async function propose(d: CaseDriver, formId: string) {
  const result = await d.click(teacher, 'agreement.submit', { caseId: d.caseId, formId, what: 'Lektiehjælp', ownerId: teacher.id, dueDate: '2026-03-20', followUpDate: '2026-03-30' });
  return cardsOf(result.sent)[0]?.refresh.action.data.agreementId as string;
}

describe('repeated deliveries and concurrent clicks lead to one change', () => {
  test('the same observation invoke delivered twice at once stores one observation and posts one card', async () => {
    const d = await setUp('dup-obs');
    const form = await d.openForm(teacher, 'observation');
    const activity = cardAction('observation.submit', { ...form.actions[0].data, area: 'child_school', level: 'red', text: 'Fravær' }, { serviceUrl: t.connector.url, from: teacher, conversationId: d.channel, conversationType: 'groupChat' });
    const before = t.connector.sentActivities.length;
    const results = await Promise.all([t.post(activity), t.post(activity), t.post(activity)]);
    await t.app.settled();
    expect(results.map((r) => (r.body as Record<string, any>).statusCode)).toEqual([200, 200, 200]);
    expect(await t.app.database.db.collection('observations').countDocuments({ caseId: d.caseId })).toBe(1);
    expect(await t.app.database.db.collection('events').countDocuments({ caseId: d.caseId, type: 'observation.created' })).toBe(1);
    const sent = t.connector.sentActivities.slice(before).map((c) => c.activity as Record<string, any>);
    expect(d.inRoom(sent)).toHaveLength(1);
    // A red observation is an early warning, told once to the coordinator in their own chat (docs/early-warning.md).
    expect(d.privately(sent)).toHaveLength(1);
  });

  test('two guardians clicking Accept at the same moment make one transition and one card update', async () => {
    const d = await setUp('dup-accept');
    const agreementId = await propose(d, 'd0000000-0000-4000-8000-000000000002');
    const results = await Promise.all([
      d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId }),
      d.click(otherParent, 'agreement.accept', { caseId: d.caseId, agreementId }),
      d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const stored = await t.app.internals.agreementRepository.byId(agreementId);
    expect(stored!.history).toHaveLength(1);
    expect(stored!.version).toBe(2);
    expect(await t.app.database.db.collection('events').countDocuments({ caseId: d.caseId, type: 'agreement.accepted' })).toBe(1);
  });

  test('accept and decline racing: exactly one wins, the other is told the agreement already moved', async () => {
    const d = await setUp('race');
    const agreementId = await propose(d, 'd0000000-0000-4000-8000-000000000003');
    const [a, b] = await Promise.all([
      d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId }),
      d.click(otherParent, 'agreement.decline', { caseId: d.caseId, agreementId, reason: 'Nej' }),
    ]);
    const stored = await t.app.internals.agreementRepository.byId(agreementId);
    expect(stored!.history).toHaveLength(1);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });

  test('the same proposal form submitted twice, at once and again later, creates one agreement and shows it each time', async () => {
    const d = await setUp('dup-propose');
    const data = { caseId: d.caseId, formId: 'd0000000-0000-4000-8000-000000000004', what: 'Samtale', ownerId: teacher.id, dueDate: '2026-03-20', followUpDate: '2026-03-30' };
    const answers = await Promise.all([d.click(teacher, 'agreement.submit', data), d.click(teacher, 'agreement.submit', data)]);
    answers.push(await d.click(teacher, 'agreement.submit', data));
    expect(await t.app.database.db.collection('agreements').countDocuments({ caseId: d.caseId })).toBe(1);
    const [agreement] = await t.app.database.db.collection('agreements').find({ caseId: d.caseId }).toArray();
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200);
      expect(answer.card.refresh.action.data.agreementId).toBe(agreement!._id);
    }
  });

  test('two guardians approving consent together record one decision', async () => {
    const d = await setUp('dup-consent');
    const candidate = makeUser('Kandidat');
    await d.say(coordinator, 'tilføj som pædagog', { mentions: [candidate] });
    await Promise.all([
      d.click(parent, 'consent.approve', { caseId: d.caseId, userId: candidate.id }),
      d.click(otherParent, 'consent.approve', { caseId: d.caseId, userId: candidate.id }),
    ]);
    expect(await t.app.database.db.collection('events').countDocuments({ caseId: d.caseId, type: 'member.consent.approved', 'data.userId': candidate.id })).toBe(1);
  });

  test('a command delivered twice answers once', async () => {
    const d = await setUp('dup-cmd');
    const { groupChatMessage } = await import('../harness/activities');
    const activity = groupChatMessage('aftale', { serviceUrl: t.connector.url, from: teacher, chatId: d.channel });
    const before = t.connector.sentActivities.length;
    await Promise.all([t.post(activity), t.post(activity)]);
    await t.app.settled();
    expect(t.connector.sentActivities.length - before).toBe(1);
  });
});

describe('untrusted card input', () => {
  const huge = 'x'.repeat(6000);
  const MUTATIONS: Array<[string, unknown]> = [
    ['missing', undefined],
    ['a number', 42],
    ['null', null],
    ['an array', ['a']],
    ['a $ne operator', { $ne: null }],
    ['a $gt operator', { $gt: '' }],
    ['a dotted key', { 'a.b': 1 }],
    ['a huge string', huge],
    ['a CPR number', '010203-1234'],
    ['an unknown value', 'ikke-en-værdi'],
  ];

  test('at least 200 generated bad inputs get clear refusals, no 5xx, and nothing is written', async () => {
    const d = await setUp('fuzz');
    // A case the clicking users are not members of.
    const other = await new CaseDriver(t, makeUser('Anden Koordinator'), 'fuzz-other').create('Fremmed sag / ZZ');
    const agreementId = await propose(d, 'e0000000-0000-4000-8000-000000000001');
    const foreignResult = await other.click(other.coordinator, 'agreement.submit', { caseId: other.caseId, formId: 'e0000000-0000-4000-8000-000000000002', what: 'Fremmed', ownerId: other.coordinator.id, dueDate: '2026-03-20', followUpDate: '2026-03-30' });
    const foreignAgreement = cardsOf(foreignResult.sent)[0].refresh.action.data.agreementId as string;
    const accepted = await propose(d, 'e0000000-0000-4000-8000-000000000003');
    await d.click(parent, 'agreement.accept', { caseId: d.caseId, agreementId: accepted });
    const [form] = cardsOf(await d.say(coordinator, 'vurdering'));
    const roundId = form.actions[0].data.roundId as string;
    const candidate = makeUser('Kandidat K');
    await d.say(coordinator, 'tilføj som pædagog', { mentions: [candidate] });
    const observationForm = (await d.openForm(teacher, 'observation')).actions[0].data.formId as string;

    // Each verb with data that works, and who may click it; every single-field mutation must be refused.
    const valid: Array<{ verb: string; by: typeof teacher; data: Record<string, unknown> }> = [
      { verb: 'observation.submit', by: teacher, data: { caseId: d.caseId, formId: observationForm, area: 'child_health', level: 'green', sosColumn: 'worries', text: 'ok', professionalsOnly: 'false' } },
      { verb: 'agreement.submit', by: teacher, data: { caseId: d.caseId, formId: 'e0000000-0000-4000-8000-0000000000bb', what: 'ok', ownerId: teacher.id, dueDate: '2026-03-20', followUpDate: '2026-03-30' } },
      { verb: 'agreement.accept', by: parent, data: { caseId: d.caseId, agreementId } },
      { verb: 'agreement.decline', by: parent, data: { caseId: d.caseId, agreementId, reason: 'nej' } },
      { verb: 'agreement.done', by: teacher, data: { caseId: d.caseId, agreementId: accepted } },
      { verb: 'agreement.cancel', by: coordinator, data: { caseId: d.caseId, agreementId } },
      { verb: 'consent.approve', by: parent, data: { caseId: d.caseId, userId: candidate.id } },
      { verb: 'consent.decline', by: parent, data: { caseId: d.caseId, userId: candidate.id } },
      { verb: 'assessment.submit', by: teacher, data: { caseId: d.caseId, roundId, rating_cognitive: 'green', rating_emotional: 'yellow', rating_social: 'red', rating_physical: 'green', comment: 'ok' } },
      { verb: 'assessment.close', by: coordinator, data: { caseId: d.caseId, roundId } },
    ];
    const optional = new Set(['sosColumn', 'professionalsOnly', 'comment']);
    const inputs: Array<{ verb: string; by: typeof teacher; data: unknown; label: string }> = [];
    for (const { verb, by, data } of valid) {
      for (const field of Object.keys(data)) {
        for (const [label, value] of MUTATIONS) {
          if (optional.has(field) && (label === 'missing' || label === 'null')) continue;
          if (['text', 'what', 'reason', 'comment'].includes(field) && label === 'an unknown value') continue;
          inputs.push({ verb, by, data: { ...data, [field]: value }, label: `${verb}.${field} = ${label}` });
        }
      }
      inputs.push({ verb, by, data: { ...data, caseId: other.caseId }, label: `${verb} with a foreign case ID` });
      inputs.push({ verb, by, data: { ...data, extra: { $set: { status: 'done' } } }, label: `${verb} with a nested $set` });
      inputs.push({ verb, by, data: 'not an object', label: `${verb} with string data` });
    }
    inputs.push({ verb: 'agreement.accept', by: parent, data: { caseId: d.caseId, agreementId: foreignAgreement }, label: 'an agreement from another case' });
    inputs.push({ verb: 'agreement.submit', by: teacher, data: { ...valid[1]!.data, dueDate: '2025-01-01' }, label: 'a due date in the past' });
    inputs.push({ verb: 'agreement.submit', by: teacher, data: { ...valid[1]!.data, ownerId: makeUser('Fremmed').id }, label: 'an owner from outside the case' });
    inputs.push({ verb: 'agreement.delete', by: coordinator, data: { caseId: d.caseId }, label: 'an unknown verb' });
    inputs.push({ verb: '$where', by: coordinator, data: { caseId: d.caseId }, label: 'an operator as verb' });
    expect(inputs.length).toBeGreaterThanOrEqual(200);

    const db = t.app.database.db;
    const snapshot = async () => {
      const collections = ['cases', 'observations', 'agreements', 'assessmentRounds', 'assessmentAnswers'];
      const state: Record<string, unknown> = {};
      for (const name of collections) state[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
      state.events = await db.collection('events').countDocuments({});
      return JSON.stringify(state);
    };
    const before = await snapshot();
    const failures: string[] = [];
    for (const input of inputs) {
      const result = await t.post(cardAction(input.verb, input.data as Record<string, unknown>, { serviceUrl: t.connector.url, from: input.by, conversationId: d.channel, conversationType: 'groupChat' }));
      const statusCode = (result.body as Record<string, any>)?.statusCode;
      const message = (result.body as Record<string, any>)?.value?.message;
      if (result.status >= 500 || typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500 || typeof message !== 'string' || message.length < 10) {
        failures.push(`${input.label}: HTTP ${result.status}, statusCode ${statusCode}, message ${message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  });
});
