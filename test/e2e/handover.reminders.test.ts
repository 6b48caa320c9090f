import type { Case, Member } from '../../core/domain/case';
import { cardAction, makeUser, TENANT_ID, type TestUser } from '../harness/activities';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { personalChatId, reminderCards, seedAgreement, seedCase, TestClock, type SeededCase } from '../harness/reminderSeed';
import { startTestApp, testMongoUri, type TestApp } from '../harness/testApp';
import { runCoordinator } from '../../app/coordinator';
import { addDays, copenhagenDate, isWorkingDay } from '../../core/reminders/calendar';

/**
 * The coordinator's reminders move with the role (docs/handover.md): what today's plan addressed to
 * the previous coordinator goes to the new one, and while a case has no coordinator every active
 * professional gets one card per working day, exactly once, until someone takes over.
 */

// Week of Monday 3 March 2025 (Copenhagen, winter time).
const MON = '2025-03-03';
const TUE = '2025-03-04';
const WED = '2025-03-05';
const THU = '2025-03-06';
const FRI = '2025-03-07';
const SAT = '2025-03-08';
const NEXT_MON = '2025-03-10';

let t: TestApp;
let clock: TestClock;
let seeded: SeededCase;
let psychologist: TestUser;

beforeEach(async () => {
  clock = new TestClock(new Date('2025-03-03T05:00:00Z'));
  t = await startTestApp(__filename, { now: clock.now, env: { REMINDER_SWEEP_SECONDS: '0', REMINDER_RATE_PER_SECOND: '0' } });
  seeded = await seedCase(t.app.database.db, t.connector.url, clock.now());
  // A second professional, with a personal chat the bot knows.
  psychologist = makeUser('Pia Psykolog');
  const member: Member = { userId: psychologist.id, aadObjectId: psychologist.aadObjectId, name: psychologist.name, role: 'school_psychologist', status: 'active', addedBy: 'seed', addedAt: clock.now(), consent: { state: 'not_needed' } };
  await db().collection<Case>('cases').updateOne({ _id: seeded.kase._id }, { $push: { members: member } });
  const chat = personalChatId(psychologist);
  await db()
    .collection('conversations')
    .insertOne({
      _id: chat,
      kind: 'personal',
      tenantId: TENANT_ID,
      userId: psychologist.id,
      aadObjectId: psychologist.aadObjectId,
      serviceUrl: t.connector.url,
      reference: { channelId: 'msteams', serviceUrl: t.connector.url, bot: { id: '28:samspil-bot', name: 'Samspil' }, user: { id: psychologist.id, name: psychologist.name }, conversation: { id: chat, conversationType: 'personal', tenantId: TENANT_ID, isGroup: false } },
      updatedAt: clock.now(),
    } as never);
});
afterEach(async () => {
  await t.stop();
});

const db = () => t.app.database.db;
const actor = (u: TestUser) => ({ userId: u.id, aadObjectId: u.aadObjectId, name: u.name });
const cards = () => reminderCards(t.connector.sentActivities);
const cardsTo = (user: TestUser) => cards().filter((c) => c.conversationId === personalChatId(user));
const vacancyCardsTo = (user: TestUser) => cardsTo(user).filter((c) => c.key.startsWith('vacancy:'));

async function sweepAt(date: string, hhmm: string) {
  clock.at(date, hhmm);
  return t.app.reminders.worker.tick();
}

/**
 * The reminder service follows the history asynchronously: wait for its stop record in the day's
 * ledger and, when something moved, for the moved occurrences (they are added after the stop).
 */
async function movedOn(day: string, reason: string, { moved = 0 } = {}) {
  const ledger = db().collection<{ _id: string; t: string; reason?: string }>(`reminders_${day.replace(/-/g, '')}`);
  for (let i = 0; i < 250; i++) {
    const stopped = await ledger.findOne({ t: 'k', reason });
    const added = moved === 0 ? 0 : (await ledger.find({ t: 'e' }).toArray()).filter((e) => e._id.includes('moved')).length;
    if (stopped && added >= moved) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${reason} stop (and ${moved} moved) in ${day}`);
}

const invoke = (verb: string, data: Record<string, unknown>, from: TestUser) => {
  const activity = cardAction(verb, data, { serviceUrl: t.connector.url, from, conversationId: personalChatId(from), conversationType: 'personal' });
  (activity.conversation as Record<string, unknown>).isGroup = false;
  return t.post(activity);
};

describe('a handover', () => {
  test('moves the follow-up already planned for today from the previous coordinator to the new one', async () => {
    clock.at(TUE, '07:00');
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: TUE, followUpDate: TUE, createdAt: clock.now(), what: 'Samtale med AB om frikvarterer' });
    expect(await sweepAt(TUE, '07:30')).toMatchObject({ planned: 'planned', sent: 0 });

    clock.at(TUE, '07:45');
    const { value } = await t.app.core.handover.propose(actor(seeded.coordinator), seeded.kase._id, seeded.owner.id);
    await t.app.core.handover.accept(actor(seeded.owner), seeded.kase._id, value.id);
    await movedOn(TUE, 'coordinator_changed', { moved: 1 });

    await sweepAt(TUE, '08:00');
    expect(cardsTo(seeded.coordinator)).toHaveLength(0);
    const toNew = cardsTo(seeded.owner).filter((c) => c.text.includes('Opfølgning: en aftale skal følges op'));
    expect(toNew).toHaveLength(1);
    expect(toNew[0]!.text).toContain('Samtale med AB om frikvarterer');
    // Exactly once, also with a second worker sweeping at the same moment.
    await Promise.all([sweepAt(TUE, '09:00'), t.app.reminders.newWorker().tick()]);
    expect(cardsTo(seeded.owner).filter((c) => c.text.includes('Opfølgning'))).toHaveLength(1);
    expect(cardsTo(seeded.coordinator)).toHaveLength(0);
  });
});

describe('a case without a coordinator', () => {
  test('every professional gets one card a working day, exactly once, carrying the coordinator’s reminders, until one takes over', async () => {
    clock.at(MON, '10:00');
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: THU, createdAt: clock.now(), what: 'Henvisning til PPR følges op' });
    expect(await sweepAt(MON, '10:00')).toMatchObject({ planned: 'planned' });

    // An operator records that the coordinator has left the municipality.
    const vacated = await t.app.core.handover.vacate({ userId: 'operator:it', name: 'IT-drift' }, seeded.kase._id, seeded.coordinator.id, 'operator', 'Fratrådt');
    expect(vacated?.changed).toBe(true);
    await t.app.settled();
    await sweepAt(MON, '10:05');
    // The ask went out at once (not through the reminders); nothing to carry today, so no reminder card today.
    for (const user of [seeded.owner, psychologist]) expect(vacancyCardsTo(user)).toHaveLength(0);

    await Promise.all([sweepAt(TUE, '08:00'), t.app.reminders.newWorker().tick()]);
    for (const user of [seeded.owner, psychologist]) {
      expect(vacancyCardsTo(user)).toHaveLength(1);
      const { card, text } = vacancyCardsTo(user)[0]!;
      expect(cardProblems(card)).toEqual([]);
      expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
      expect(text).toContain('har stadig ingen tovholder');
      expect(card.actions.find((a: any) => a.verb === 'handover.takeOver')).toBeDefined();
    }
    expect(cardsTo(seeded.guardian).filter((c) => c.key.startsWith('vacancy:'))).toHaveLength(0);
    expect(cardsTo(seeded.coordinator)).toHaveLength(0);

    await sweepAt(TUE, '15:00');
    for (const user of [seeded.owner, psychologist]) expect(vacancyCardsTo(user)).toHaveLength(1);
    await sweepAt(WED, '08:00');
    for (const user of [seeded.owner, psychologist]) expect(vacancyCardsTo(user)).toHaveLength(2);

    // The follow-up date: the coordinator's follow-up rides on the professionals' card.
    await sweepAt(THU, '08:00');
    for (const user of [seeded.owner, psychologist]) {
      expect(vacancyCardsTo(user)).toHaveLength(3);
      expect(vacancyCardsTo(user)[2]!.text).toContain('Henvisning til PPR følges op');
      expect(vacancyCardsTo(user)[2]!.text).toContain('opfølgning');
    }

    // The psychologist takes over from Thursday's card; the teacher's card then only says who did.
    clock.at(THU, '09:00');
    const takeOver = vacancyCardsTo(psychologist)[2]!.card.actions.find((a: any) => a.verb === 'handover.takeOver');
    const took = await invoke('handover.takeOver', takeOver.data, psychologist);
    expect((took.body as any).statusCode).toBe(200);
    expect(JSON.stringify((took.body as any).value)).toContain('Du er nu tovholder for sagen');
    const lost = await invoke('handover.takeOver', vacancyCardsTo(seeded.owner)[2]!.card.actions.find((a: any) => a.verb === 'handover.takeOver').data, seeded.owner);
    expect(JSON.stringify((lost.body as any).value)).toContain(`${psychologist.name} har taget over som tovholder`);
    await movedOn(THU, 'taken_over');

    await sweepAt(FRI, '08:00');
    await sweepAt(SAT, '10:00');
    await sweepAt(NEXT_MON, '08:00');
    for (const user of [seeded.owner, psychologist]) expect(vacancyCardsTo(user)).toHaveLength(3);
    const kase = (await db().collection<Case>('cases').findOne({ _id: seeded.kase._id }))!;
    expect(kase.coordinatorId).toBe(psychologist.id);
  });

  test('the day it becomes vacant, the coordinator’s pending reminders of that day go to the professionals instead', async () => {
    clock.at(TUE, '07:00');
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: TUE, followUpDate: TUE, createdAt: clock.now(), what: 'Møde med skolen om AB' });
    await sweepAt(TUE, '07:30');
    clock.at(TUE, '07:45');
    await t.app.core.handover.vacate({ userId: 'operator:it', name: 'IT-drift' }, seeded.kase._id, seeded.coordinator.id, 'operator');
    await movedOn(TUE, 'coordinator_changed', { moved: 2 });
    await sweepAt(TUE, '08:00');
    expect(cardsTo(seeded.coordinator)).toHaveLength(0);
    for (const user of [seeded.owner, psychologist]) {
      expect(vacancyCardsTo(user)).toHaveLength(1);
      expect(vacancyCardsTo(user)[0]!.text).toContain('Møde med skolen om AB');
    }
    await sweepAt(TUE, '12:00');
    for (const user of [seeded.owner, psychologist]) expect(vacancyCardsTo(user)).toHaveLength(1);
  });
});

describe('an operator at the console', () => {
  test('records that the coordinator left; the professionals are asked with the reminders, once a working day', async () => {
    const env = { MONGODB_URI: testMongoUri(), MONGODB_DB: t.dbName, LOG_LEVEL: 'silent' };
    await expect(runCoordinator(['left'], env)).rejects.toThrow(/--case is required/);
    await expect(runCoordinator(['gone', '--case', seeded.kase._id], env)).rejects.toThrow(/The only command is "left"/);
    const out = await runCoordinator(['left', '--case', seeded.kase._id, '--by', 'Drift Driftesen', '--note', 'Fratrådt 1. marts'], env);
    expect(out).toContain(`Recorded that ${seeded.coordinator.name} has left case ${seeded.kase._id}`);
    expect(out).toContain(seeded.owner.name);
    expect(out).toContain(psychologist.name);
    expect(out).not.toContain(seeded.guardian.name);
    const kase = (await db().collection<Case>('cases').findOne({ _id: seeded.kase._id }))!;
    expect(kase).toMatchObject({ coordinatorId: '', coordinatorState: 'vacant', vacancy: { reason: 'operator', previousId: seeded.coordinator.id } });
    const [vacated] = (await t.app.internals.events.all(seeded.kase._id)).filter((e) => e.type === 'coordinator.vacated');
    expect(vacated).toMatchObject({ actorName: 'Drift Driftesen (npm run coordinator)', data: { note: 'Fratrådt 1. marts', reason: 'operator' } });
    expect(await runCoordinator(['left', '--case', seeded.kase._id], env)).toContain('has no coordinator already');

    // The console runs on the wall clock: the next working day after today, each professional is asked.
    let day = addDays(copenhagenDate(new Date()), 1);
    while (!isWorkingDay(day)) day = addDays(day, 1);
    await Promise.all([sweepAt(day, '08:00'), t.app.reminders.newWorker().tick()]);
    for (const user of [seeded.owner, psychologist]) expect(vacancyCardsTo(user)).toHaveLength(1);
    expect(cardsTo(seeded.coordinator)).toHaveLength(0);
    expect(cardsTo(seeded.guardian).filter((c) => c.key.startsWith('vacancy:'))).toHaveLength(0);
  });
});
