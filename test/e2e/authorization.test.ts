import { makeUser, type TestUser } from '../harness/activities';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
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
const people: Record<string, TestUser> = {
  teacher: makeUser('Lærer Lis'),
  pedagogue: makeUser('Pædagog Per'),
  school_psychologist: makeUser('Psykolog Pia'),
  health_visitor: makeUser('Sundhedsplejerske Sif'),
  doctor: makeUser('Læge Lars'),
  leader: makeUser('Leder Lone'),
  parent: makeUser('Forælder Frida'),
  child: makeUser('Barn Bo'),
  network: makeUser('Træner Tom'),
};
const pending = makeUser('Afventende Anders');
const outsider = makeUser('Udenforstående Ulla');
const withdrawn = makeUser('Tidligere Tina');

const ACTORS = ['coordinator', ...Object.keys(people), 'pending', 'withdrawn', 'nonMember'] as const;
type ActorName = (typeof ACTORS)[number];
const userOf = (name: ActorName): TestUser =>
  name === 'coordinator' ? coordinator : name === 'pending' ? pending : name === 'withdrawn' ? withdrawn : name === 'nonMember' ? outsider : people[name]!;

const PROFESSIONALS: ActorName[] = ['coordinator', 'teacher', 'pedagogue', 'school_psychologist', 'health_visitor', 'doctor', 'leader'];
const ACTIVE: ActorName[] = [...PROFESSIONALS, 'parent', 'child', 'network'];

/** The specification, written out by hand: who may do what. */
const EXPECTED: Record<string, ActorName[]> = {
  'read case': ACTIVE,
  'list members': ACTIVE,
  'read timeline': ACTIVE,
  'list agreements': ACTIVE,
  'open observation form': [...PROFESSIONALS, 'parent', 'network'],
  'submit observation': [...PROFESSIONALS, 'parent', 'network'],
  'submit professionals-only observation': PROFESSIONALS,
  'open assessment round': ['coordinator'],
  'answer assessment': [...PROFESSIONALS, 'parent'],
  'close assessment round': ['coordinator'],
  'open agreement form': [...PROFESSIONALS, 'parent'],
  'propose agreement': [...PROFESSIONALS, 'parent'],
  'accept agreement': ['parent'],
  'decline agreement': ['parent'],
  'cancel agreement': ['coordinator'],
  'mark agreement done (as owner)': ACTIVE,
  'add member': ['coordinator'],
  'decide consent': ['parent'],
};

let d: CaseDriver;
let roundId = '';
let formSeq = 0;
const formId = () => `f0000000-0000-4000-8000-${String(++formSeq).padStart(12, '0')}`;

async function proposeAgreement(owner: TestUser): Promise<string> {
  const result = await d.click(coordinator, 'agreement.submit', { caseId: d.caseId, formId: formId(), what: 'Test', ownerId: owner.id, dueDate: '2026-03-20', followUpDate: '2026-03-30' });
  return cardsOf(result.sent)[0].refresh.action.data.agreementId as string;
}

beforeAll(async () => {
  d = await new CaseDriver(t, coordinator, 'authz').create('Autorisationssag / AZ');
  await d.say(coordinator, 'tilføj som forælder', { mentions: [people.parent!] });
  await d.say(coordinator, 'tilføj som barn', { mentions: [people.child!] });
  for (const role of ['teacher', 'pedagogue', 'school_psychologist', 'health_visitor', 'doctor', 'leader', 'network']) {
    await d.say(coordinator, `tilføj som ${role}`, { mentions: [people[role]!] });
    await d.click(people.parent!, 'consent.approve', { caseId: d.caseId, userId: people[role]!.id });
  }
  await d.say(coordinator, 'tilføj som lærer', { mentions: [withdrawn] });
  await d.click(people.parent!, 'consent.approve', { caseId: d.caseId, userId: withdrawn.id });
  await d.click(people.parent!, 'consent.withdraw', { caseId: d.caseId, userId: withdrawn.id });
  await d.say(coordinator, 'tilføj som lærer', { mentions: [pending] });
  const [form] = cardsOf(await d.say(coordinator, 'vurdering'));
  roundId = form.actions[0].data.roundId;
});

const REFUSALS = /ikke medlem|Kun sagens tovholder|Kun en forælder|Kun fagpersoner|Det må din rolle ikke|Kun den, der er ansvarlig/;

async function ownObservationForm(user: TestUser): Promise<string> {
  try {
    return (await d.openForm(user, 'observation')).actions[0].data.formId as string;
  } catch {
    return formId();
  }
}

/** Runs one action as one actor through the real server and reports what the user saw. */
async function attempt(action: string, actor: ActorName): Promise<'allowed' | 'refused'> {
  const user = userOf(actor);
  const command = async (text: string, mentions: TestUser[] = []) => (REFUSALS.test(textOf(await d.say(user, text, { mentions }))) ? 'refused' : 'allowed');
  const click = async (verb: string, data: Record<string, unknown>) => {
    const result = await d.click(user, verb, { caseId: d.caseId, ...data });
    expect([200, 403]).toContain(result.statusCode);
    return result.statusCode === 200 ? 'allowed' : 'refused';
  };
  switch (action) {
    case 'read case':
      return command('sag');
    case 'list members':
      return command('medlemmer');
    case 'read timeline':
      return command('tidslinje');
    case 'list agreements':
      return command('aftaler');
    case 'open observation form':
      return command('observation');
    // A person submits the form handed to them; someone refused a form tries an ID they made up.
    case 'submit observation':
      return click('observation.submit', { formId: await ownObservationForm(user), area: 'child_health', level: 'green', text: 'ok' });
    case 'submit professionals-only observation':
      return click('observation.submit', { formId: await ownObservationForm(user), area: 'child_health', level: 'green', text: 'ok', professionalsOnly: true });
    case 'open assessment round':
      return command('vurdering');
    case 'answer assessment':
      return click('assessment.submit', { roundId, rating_cognitive: 'green', rating_emotional: 'green', rating_social: 'yellow', rating_physical: 'green' });
    case 'close assessment round': {
      const [form] = cardsOf(await d.say(coordinator, 'vurdering'));
      const id = form.actions[0].data.roundId;
      await d.click(coordinator, 'assessment.submit', { caseId: d.caseId, roundId: id, rating_cognitive: 'green', rating_emotional: 'green', rating_social: 'green', rating_physical: 'green' });
      const outcome = await click('assessment.close', { roundId: id });
      if (outcome === 'refused') await d.click(coordinator, 'assessment.close', { caseId: d.caseId, roundId: id });
      return outcome;
    }
    case 'open agreement form':
      return command('aftale');
    case 'propose agreement':
      return click('agreement.submit', { formId: formId(), what: 'Aftale', ownerId: coordinator.id, dueDate: '2026-03-20', followUpDate: '2026-03-30' });
    case 'accept agreement':
      return click('agreement.accept', { agreementId: await proposeAgreement(coordinator) });
    case 'decline agreement':
      return click('agreement.decline', { agreementId: await proposeAgreement(coordinator), reason: 'Nej tak' });
    case 'cancel agreement':
      return click('agreement.cancel', { agreementId: await proposeAgreement(coordinator) });
    case 'mark agreement done (as owner)': {
      const kase = await d.kase();
      const ownerIsMember = kase.members.some((m) => m.userId === user.id && m.status === 'active');
      const agreementId = await proposeAgreement(ownerIsMember ? user : coordinator);
      await d.click(people.parent!, 'agreement.accept', { caseId: d.caseId, agreementId });
      return click('agreement.done', { agreementId });
    }
    case 'add member': {
      const newcomer = makeUser(`Ny ${actor}`);
      return command('tilføj som forælder', [newcomer]);
    }
    case 'decide consent': {
      const candidate = makeUser(`Kandidat ${actor}`);
      await d.say(coordinator, 'tilføj som pædagog', { mentions: [candidate] });
      return click('consent.approve', { userId: candidate.id });
    }
  }
  throw new Error(`unknown action ${action}`);
}

describe('authorization matrix: every action against every role, a pending member, a withdrawn member and a non-member', () => {
  test.each(Object.keys(EXPECTED))('%s', async (action) => {
    const outcomes: Record<string, string> = {};
    for (const actor of ACTORS) outcomes[actor] = await attempt(action, actor);
    const expected = Object.fromEntries(ACTORS.map((actor) => [actor, EXPECTED[action]!.includes(actor) ? 'allowed' : 'refused']));
    expect(outcomes).toEqual(expected);
  });

  test('every refusal is in the access log, with who, what and why', async () => {
    const refusals = (await t.app.internals.accessLog.all(d.caseId)).filter((e) => e.action === 'refused');
    const actors = new Set(refusals.map((e) => e.actorId));
    expect(actors).toContain(outsider.id);
    expect(actors).toContain(pending.id);
    expect(actors).toContain(people.child!.id);
    expect(refusals.every((e) => typeof e.part === 'string' && typeof e.reason === 'string' && e.surface === 'bot')).toBe(true);
    // The history holds none of them.
    expect(await t.app.database.db.collection('events').countDocuments({ caseId: d.caseId, type: { $in: ['access.refused', 'case.read'] } })).toBe(0);
  });

  test('a refused action changes nothing', async () => {
    const db = t.app.database.db;
    const snapshot = async () => ({
      members: JSON.stringify((await d.kase()).members),
      observations: await db.collection('observations').countDocuments(),
      agreements: JSON.stringify(await db.collection('agreements').find({}, { projection: { status: 1, version: 1 } }).sort({ _id: 1 }).toArray()),
      answers: await db.collection('assessmentAnswers').countDocuments(),
    });
    const before = await snapshot();
    const agreementId = (await db.collection('agreements').findOne({ caseId: d.caseId, status: 'proposed' }))!._id;
    for (const user of [outsider, pending, people.child!, people.network!]) {
      await d.click(user, 'agreement.accept', { caseId: d.caseId, agreementId });
      await d.click(user, 'observation.submit', { caseId: d.caseId, formId: formId(), area: 'child_health', level: 'red', text: 'x', professionalsOnly: true });
      await d.click(user, 'assessment.close', { caseId: d.caseId, roundId });
      await d.say(user, 'tilføj som forælder', { mentions: [makeUser('X')] });
    }
    expect(await snapshot()).toEqual(before);
  });
});
