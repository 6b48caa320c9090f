import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../harness/cards';
import { cardAction, personalMessage } from '../harness/activities';
import { personalChatId, reminderCards, seedAgreement, seedCase, TestClock, type SeededCase } from '../harness/reminderSeed';
import { startTestApp, type TestApp } from '../harness/testApp';

// Week of Monday 3 March 2025 (Copenhagen, winter time). 5 June and Easter are far away.
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

beforeEach(async () => {
  clock = new TestClock(new Date('2025-03-03T05:00:00Z'));
  t = await startTestApp(__filename, { now: clock.now, env: { REMINDER_SWEEP_SECONDS: '0', REMINDER_RATE_PER_SECOND: '0' } });
  seeded = await seedCase(t.app.database.db, t.connector.url, clock.now());
});
afterEach(async () => {
  await t.stop();
});

const db = () => t.app.database.db;
const cards = () => reminderCards(t.connector.sentActivities);
const cardsTo = (conversationId: string) => cards().filter((c) => c.conversationId === conversationId);

async function sweepAt(date: string, hhmm: string) {
  clock.at(date, hhmm);
  return t.app.reminders.worker.tick();
}

describe('when reminders go out', () => {
  test('the owner is reminded a working day before, on the due date and daily while overdue; the coordinator on the follow-up date', async () => {
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: FRI, createdAt: clock.now() });
    const owner = personalChatId(seeded.owner);
    const coordinator = personalChatId(seeded.coordinator);

    await sweepAt(MON, '09:00');
    expect(cards()).toHaveLength(0);

    await sweepAt(TUE, '07:59');
    expect(cards()).toHaveLength(0);
    const report = await sweepAt(TUE, '08:00');
    expect(report).toMatchObject({ sent: 1, failed: 0 });
    expect(cardsTo(owner)).toHaveLength(1);
    expect(cardsTo(owner)[0]!.text).toContain('Påmindelse: en aftale skal være klar onsdag den 5. marts 2025');
    await sweepAt(TUE, '08:05');
    expect(cardsTo(owner)).toHaveLength(1);

    await sweepAt(WED, '08:00');
    expect(cardsTo(owner).at(-1)!.text).toContain('en aftale skal være klar i dag');
    await sweepAt(THU, '08:00');
    expect(cardsTo(owner).at(-1)!.text).toContain('en aftale er over fristen');
    await sweepAt(THU, '15:00');
    expect(cardsTo(owner)).toHaveLength(3);

    await sweepAt(FRI, '08:00');
    expect(cardsTo(owner)).toHaveLength(4);
    expect(cardsTo(coordinator)).toHaveLength(1);
    expect(cardsTo(coordinator)[0]!.text).toContain('Opfølgning: en aftale skal følges op');

    await sweepAt(SAT, '10:00');
    await sweepAt('2025-03-09', '10:00');
    expect(cardsTo(owner)).toHaveLength(4);
    await sweepAt(NEXT_MON, '08:00');
    expect(cardsTo(owner)).toHaveLength(5);
    expect(cardsTo(coordinator)).toHaveLength(1);

    for (const { card } of cards()) {
      expect(cardProblems(card)).toEqual([]);
      expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
      expect(card.version).toBe('1.5');
    }
  });

  test('a case closed after the day was planned gets no more reminders (a case stop; the sweep reads no cases)', async () => {
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: FRI, createdAt: clock.now() });
    expect(await sweepAt(THU, '07:30')).toMatchObject({ planned: 'planned', sent: 0 });
    await t.app.core.cases.closeCase({ userId: seeded.coordinator.id, name: seeded.coordinator.name }, { caseId: seeded.kase._id });
    const ledger = db().collection('reminders_20250306');
    for (let i = 0; i < 100 && !(await ledger.findOne({ t: 'k', subject: `case:${seeded.kase._id}` })); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await sweepAt(THU, '08:00')).toMatchObject({ sent: 0 });
    expect(cards()).toHaveLength(0);
  });

  test('an owner removed from the case after the day was planned gets no reminder; from the next day the coordinator does', async () => {
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-03-20', createdAt: clock.now() });
    expect(await sweepAt(THU, '07:30')).toMatchObject({ planned: 'planned', sent: 0 });
    await t.app.core.members.remove({ userId: seeded.coordinator.id, name: seeded.coordinator.name }, seeded.kase._id, seeded.owner.id);
    const ledger = db().collection('reminders_20250306');
    for (let i = 0; i < 100 && !(await ledger.findOne({ t: 'k', reason: 'ownerLeft' })); i++) await new Promise((r) => setTimeout(r, 20));
    await sweepAt(THU, '08:00');
    await sweepAt(FRI, '08:00');
    expect(cardsTo(personalChatId(seeded.owner))).toHaveLength(0);
    const toCoordinator = cardsTo(personalChatId(seeded.coordinator));
    expect(toCoordinator).toHaveLength(1);
    expect(toCoordinator[0]!.text).toContain('en aftale er over fristen');
  });
});

describe('quiet hours, nudges and consent', () => {
  test('nothing goes out at night or on a weekend; it is held until the next working morning', async () => {
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: SAT, followUpDate: SAT, createdAt: clock.now() });
    const owner = personalChatId(seeded.owner);
    await sweepAt(FRI, '06:30');
    await sweepAt(FRI, '17:00');
    expect(cardsTo(owner)).toHaveLength(0);
    await sweepAt(FRI, '16:59');
    expect(cardsTo(owner)).toHaveLength(1);
    expect(cardsTo(owner)[0]!.text).toContain('lørdag den 8. marts 2025');
    await sweepAt(SAT, '08:00');
    await sweepAt('2025-03-09', '12:00');
    expect(cards()).toHaveLength(1);
    await sweepAt(NEXT_MON, '07:00');
    expect(cards()).toHaveLength(1);
    await sweepAt(NEXT_MON, '08:01');
    expect(cardsTo(owner).at(-1)!.text).toContain('en aftale skal være klar i dag');
    expect(cardsTo(personalChatId(seeded.coordinator))).toHaveLength(1);
  });

  test('an agreement the family accepts after the morning planning, due the next day, is reminded to its owner the same day', async () => {
    clock.at(MON, '07:00');
    const agreement = await seedAgreement(db(), seeded, { status: 'proposed', dueDate: TUE, followUpDate: FRI, createdAt: clock.now() });
    expect(await sweepAt(MON, '08:00')).toMatchObject({ planned: 'planned' });
    const owner = personalChatId(seeded.owner);
    expect(cardsTo(owner)).toHaveLength(0);

    clock.at(MON, '10:30');
    const accept = cardAction('agreement.accept', { caseId: seeded.kase._id, agreementId: agreement._id }, { serviceUrl: t.connector.url, from: seeded.guardian, conversationId: seeded.channel });
    expect(((await t.post(accept)).body as any).statusCode).toBe(200);
    // Today's plan follows the acceptance in the background.
    for (let i = 0; i < 100 && cardsTo(owner).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await sweepAt(MON, '10:31');
    }
    expect(cardsTo(owner)).toHaveLength(1);
    expect(cardsTo(owner)[0]!.text).toContain('Påmindelse: en aftale skal være klar tirsdag den 4. marts 2025');
    // The next day brings the due-date reminder, not the same one again.
    await sweepAt(TUE, '08:00');
    expect(cardsTo(owner).map((c) => c.key.split('|')[1])).toEqual(['upcoming', 'due']);
  });

  test('proposed agreements are not reminded to the owner; a guardian who has not answered gets one gentle reminder after 2 days', async () => {
    clock.at(MON, '10:00');
    await seedAgreement(db(), seeded, { status: 'proposed', dueDate: FRI, followUpDate: FRI, createdAt: clock.now() });
    await sweepAt(MON, '10:30');
    await sweepAt(TUE, '12:00');
    await sweepAt(WED, '09:59');
    expect(cards()).toHaveLength(0);
    await sweepAt(WED, '10:00');
    const guardian = cardsTo(personalChatId(seeded.guardian));
    expect(guardian).toHaveLength(1);
    expect(guardian[0]!.text).toContain('En foreslået aftale venter på jeres svar');
    await sweepAt(THU, '10:00');
    await sweepAt(FRI, '10:00');
    expect(cards()).toHaveLength(1);
  });

  test('a consent request a guardian has not answered is reminded once, held over the weekend', async () => {
    const waiting = { userId: '29:psykolog-1', name: 'Pia Psykolog', role: 'school_psychologist', status: 'pending', addedBy: seeded.coordinator.id, addedAt: clock.at(THU, '16:00'), consent: { state: 'pending' } };
    await db().collection('cases').updateOne({ _id: seeded.kase._id as never }, { $push: { members: waiting as never } });
    await sweepAt(FRI, '16:00');
    await sweepAt(SAT, '16:00');
    expect(cards()).toHaveLength(0);
    await sweepAt(NEXT_MON, '08:00');
    const guardian = cardsTo(personalChatId(seeded.guardian));
    expect(guardian).toHaveLength(1);
    expect(guardian[0]!.text).toContain('Pia Psykolog venter på familiens samtykke');
    await sweepAt('2025-03-11', '08:00');
    expect(cards()).toHaveLength(1);
  });
});

describe('the reminder card', () => {
  /** A click in the recipient's personal chat, shaped as Teams sends it there (no isGroup). */
  const invoke = (verb: string, data: Record<string, unknown>, from = seeded.owner) => {
    const activity = cardAction(verb, data, { serviceUrl: t.connector.url, from, conversationId: personalChatId(from), conversationType: 'personal' });
    (activity.conversation as Record<string, unknown>).isGroup = false;
    return t.post(activity);
  };

  test('Mark done refreshes the card in place and stops further reminders; only the owner may', async () => {
    const agreement = await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: FRI, createdAt: clock.now() });
    await sweepAt(THU, '08:00');
    const reminder = cardsTo(personalChatId(seeded.owner))[0]!;
    const done = reminder.card.actions.find((a: any) => a.verb === 'reminder.done');
    expect(done.type).toBe('Action.Execute');
    expect(done.fallback.type).toBe('Action.Submit');
    const open = reminder.card.actions.find((a: any) => a.type === 'Action.OpenUrl');
    expect(open.url).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/channel\//);

    const refused = await invoke('reminder.done', done.data, seeded.coordinator);
    expect((refused.body as any).statusCode).toBe(403);
    expect((refused.body as any).value.message).toContain('Kun den, der er ansvarlig for aftalen');
    expect((await db().collection('agreements').findOne({ _id: agreement._id as never }))!.status).toBe('accepted');

    const result = await invoke('reminder.done', done.data);
    const body = result.body as any;
    expect(body.statusCode).toBe(200);
    expect(cardProblems(body.value)).toEqual([]);
    expect(JSON.stringify(body.value)).toContain('Aftalen er markeret som udført');
    expect(JSON.stringify(body.value)).not.toContain('reminder.done');
    expect((await db().collection('agreements').findOne({ _id: agreement._id as never }))!.status).toBe('done');

    expect(await sweepAt(FRI, '08:00')).toMatchObject({ planned: 'planned' });
    await sweepAt(NEXT_MON, '08:00');
    expect(cardsTo(personalChatId(seeded.owner))).toHaveLength(1);
    // The follow-up of a done agreement still reaches the coordinator.
    expect(cardsTo(personalChatId(seeded.coordinator))).toHaveLength(1);
  });

  test('Snooze holds the reminders and they come back after the snooze; a non-member is refused and nothing changes', async () => {
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: '2025-03-20', createdAt: clock.now() });
    await sweepAt(THU, '08:00');
    const reminder = cardsTo(personalChatId(seeded.owner))[0]!;
    const snooze3 = reminder.card.actions.find((a: any) => a.verb === 'reminder.snooze' && a.data.days === 3);

    const stranger = { id: '29:stranger', name: 'Ukendt', aadObjectId: '00000000-0000-4000-8000-000000000099' };
    const refused = await invoke('reminder.snooze', snooze3.data, stranger);
    expect((refused.body as any).statusCode).toBe(403);
    expect((refused.body as any).value.message).toBe('Du er ikke medlem af denne sag og kan ikke se den.');
    expect(await db().collection('reminderSnoozes').countDocuments()).toBe(0);

    const guardianTry = await invoke('reminder.snooze', snooze3.data, seeded.guardian);
    expect((guardianTry.body as any).value.message).toContain('Kun den ansvarlige for aftalen eller sagens tovholder');

    const [result, doubleClick] = await Promise.all([invoke('reminder.snooze', snooze3.data), invoke('reminder.snooze', snooze3.data)]);
    for (const answer of [result, doubleClick]) {
      expect((answer.body as any).statusCode).toBe(200);
      expect(JSON.stringify((answer.body as any).value)).toContain('Udsat. Næste påmindelse kommer tidligst');
    }
    // The snooze and its history entry are written together, once, however often it is clicked.
    const snoozed = await db().collection('events').find({ caseId: seeded.kase._id, type: 'reminder.snoozed' }).toArray();
    expect(snoozed).toHaveLength(1);
    expect(snoozed[0]!.data.days).toBe(3);
    expect(await db().collection('reminderSnoozes').countDocuments({ outbox: 'pending' })).toBe(0);
    expect(await db().collection('reminderSnoozes').countDocuments()).toBe(1);

    await sweepAt(FRI, '08:00');
    await sweepAt(SAT, '09:00');
    expect(cardsTo(personalChatId(seeded.owner))).toHaveLength(1);
    // Thursday + 3 days is a Sunday: held until Monday morning.
    await sweepAt(NEXT_MON, '08:00');
    expect(cardsTo(personalChatId(seeded.owner))).toHaveLength(2);
    expect(cardsTo(personalChatId(seeded.owner))[1]!.text).toContain('en aftale er over fristen');
  });
});

describe('daily digest', () => {
  test('"påmindelser samle til" gives one card a day with everything instead of single cards', async () => {
    const before = t.connector.sentActivities.length;
    await t.post(personalMessage('påmindelser samle til', { serviceUrl: t.connector.url, from: seeded.owner }));
    await t.connector.waitFor(() => t.connector.sentActivities.length > before);
    expect(String(t.connector.sentActivities.at(-1)!.activity.text)).toContain('Du får nu én samlet påmindelse');
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: FRI, createdAt: clock.now(), what: 'Første aftale' });
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: TUE, followUpDate: FRI, createdAt: clock.now(), what: 'Anden aftale' });
    await sweepAt(WED, '08:00');
    const owner = cardsTo(personalChatId(seeded.owner));
    expect(owner).toHaveLength(1);
    expect(owner[0]!.text).toContain('Dagens påmindelser (2)');
    expect(owner[0]!.text).toContain('Første aftale');
    expect(owner[0]!.text).toContain('Anden aftale');
    expect(cardProblems(owner[0]!.card)).toEqual([]);

    await t.post(personalMessage('reminders digest off', { serviceUrl: t.connector.url, from: seeded.owner, locale: 'en-US' }));
    await sweepAt(THU, '08:00');
    const single = cardsTo(personalChatId(seeded.owner)).slice(1);
    expect(single).toHaveLength(2);
    // Written to in English, so the reminders come in English (the plan holds the chat, not the language).
    for (const card of single) {
      expect(card.text).toContain('Reminder: an agreement is overdue');
      expect(card.text).not.toContain('Påmindelse');
    }
  });
});

describe('retention', () => {
  const ledgers = async () => (await db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((name) => name.startsWith('reminders_')).sort();

  test('closed days more than 14 days old are dropped with their ledgers; recent days and today are kept; old rate slots are pruned', async () => {
    await seedAgreement(db(), seeded, { status: 'accepted', dueDate: WED, followUpDate: FRI, createdAt: clock.now() });
    for (const day of [MON, TUE, WED, THU, FRI, NEXT_MON]) await sweepAt(day, '08:00');
    // Monday had nothing to send (a day without a ledger collection); the others have one each.
    expect(await ledgers()).toEqual(['reminders_20250304', 'reminders_20250305', 'reminders_20250306', 'reminders_20250307', 'reminders_20250310']);
    const second = Math.floor(Date.now() / 1000);
    await db().collection('reminderRate').insertMany([{ _id: `${second - 3600}:0`, second: second - 3600 }, { _id: `${second}:0`, second }] as never[]);

    // Two weeks after 10 March: 3–7 March are closed and older than 14 days; 10 March is exactly 14 days old.
    const owner = personalChatId(seeded.owner);
    const before = cardsTo(owner).length;
    await sweepAt('2025-03-24', '08:00');
    expect(await ledgers()).toEqual(['reminders_20250310', 'reminders_20250324']);
    const days = await db().collection('reminderDays').find({}).sort({ _id: 1 }).toArray();
    expect(days.map((d) => [d._id, d.state])).toEqual([
      ['2025-03-10', 'closed'],
      ['2025-03-24', 'open'],
    ]);
    expect((await db().collection('reminderRate').find({}).toArray()).map((slot) => slot._id)).toEqual([`${second}:0`]);
    // Today's reminders go out as before, once.
    expect(cardsTo(owner)).toHaveLength(before + 1);
    expect(cardsTo(owner).at(-1)!.text).toContain('en aftale er over fristen');
    await sweepAt('2025-03-24', '09:00');
    expect(cardsTo(owner)).toHaveLength(before + 1);
    expect(await ledgers()).toEqual(['reminders_20250310', 'reminders_20250324']);
  });
});
