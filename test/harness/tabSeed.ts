import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/domain/case';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import type { ObservationInput } from '../../core/services/observationService';
import { groupChatMessage, makeUser, type TestUser } from './activities';
import { rosterEntry } from './fakeConnector';
import type { TabTestApp } from './tabApp';

/**
 * One realistic case for the tab tests, made the way users make it: the case is created and its
 * people are added by bot commands in the family's group chat, so their Entra object IDs come from
 * the roster the connector returns (as `objectId`), exactly as in Teams, and the bot has the
 * conversation reference for the minutes. The rest goes through the core services with the clock
 * set back, so some agreements are overdue now.
 */

export const PROFESSIONALS_ONLY_TEXT = 'FAGLIGT-FORTROLIGT: underretning fra boligselskabet er modtaget';
export const FAMILY_VISIBLE_TEXT = 'Har svært ved at koncentrere sig i matematik efter frokost';
export const PARENT_TEXT = 'Glad for fodbold om tirsdagen';

export interface SeededCase {
  caseId: string;
  channel: string;
  coordinator: TestUser;
  parent: TestUser;
  teacher: TestUser;
  coach: TestUser;
  outsider: TestUser;
  agreements: { weekly: string; homework: string; referral: string; bedtime: string; schoolChange: string };
}

export const actorOf = (user: TestUser): Actor => ({ userId: user.id, aadObjectId: user.aadObjectId, name: user.name });

export async function seedCase(t: TabTestApp, title = 'Trivsel i 4.B'): Promise<SeededCase> {
  const coordinator = makeUser('Mette Sagsbehandler');
  const parent = makeUser('Lise Forælder');
  const teacher = makeUser('Jonas Lærer');
  const coach = makeUser('Karsten Træner');
  const outsider = makeUser('Ukendt Person');
  const channel = `19:tab-${randomUUID().slice(0, 8)}@thread.v2`;
  const { core, internals } = t.app;
  // The family's group chat: the people of the case, as the members API lists them.
  t.connector.setRoster(channel, [coordinator, parent, teacher].map((u) => rosterEntry(u)));

  t.clock.setDaysAgo(30);
  const say = async (from: TestUser, text: string, mentions: TestUser[] = []) => {
    const activity = groupChatMessage(text, { serviceUrl: t.connector.url, from, chatId: channel });
    activity.text = `${activity.text} ${mentions.map((m) => `<at>${m.name}</at>`).join(' ')}`;
    (activity.entities as unknown[]).push(...mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })));
    const response = await fetch(`${t.app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
    if (response.status !== 200) throw new Error(`"${text}" failed: ${response.status}`);
  };
  await say(coordinator, `ny sag ${title} / AB`);
  const kase = await internals.caseRepository.byConversation(channel);
  if (!kase) throw new Error('the bot did not create the case');
  const caseId = kase._id;
  const c = actorOf(coordinator);

  // Added by @mention, as users do: the bot reads each person's Entra object ID from the roster.
  await say(coordinator, 'tilføj som forælder', [parent]);
  await say(coordinator, 'tilføj som lærer', [teacher]);
  await core.members.decideConsent(actorOf(parent), caseId, teacher.id, 'approve');
  await core.members.add(c, caseId, { userId: coach.id, aadObjectId: coach.aadObjectId, name: coach.name, role: 'network' });
  const added = (await internals.caseRepository.byId(caseId))!.members;
  for (const person of [parent, teacher]) {
    if (added.find((m) => m.userId === person.id)?.aadObjectId !== person.aadObjectId) throw new Error(`${person.name} was added without the Entra object ID from the roster`);
  }

  const observe = async (by: Actor, input: Omit<ObservationInput, 'formId'>) => {
    const { form } = await core.forms.open(by, caseId, 'observation');
    await core.observations.create(by, caseId, { ...input, formId: form._id });
  };
  await observe(actorOf(teacher), { area: 'child_school', level: 'yellow', sosColumn: 'worries', text: FAMILY_VISIBLE_TEXT });
  await observe(c, { area: 'family_housing', level: 'red', text: PROFESSIONALS_ONLY_TEXT, professionalsOnly: true });
  await observe(actorOf(parent), { area: 'child_leisure', level: 'green', sosColumn: 'working_well', text: PARENT_TEXT });

  for (const ratings of [
    { c: { cognitive: 'yellow', emotional: 'red', social: 'yellow', physical: 'green' }, t: { cognitive: 'red', emotional: 'red', social: 'yellow', physical: 'green' }, p: { cognitive: 'yellow', emotional: 'yellow', social: 'green', physical: 'green' } },
    { c: { cognitive: 'green', emotional: 'yellow', social: 'yellow', physical: 'green' }, t: { cognitive: 'yellow', emotional: 'yellow', social: 'green', physical: 'green' }, p: { cognitive: 'green', emotional: 'yellow', social: 'green', physical: 'green' } },
  ] as const) {
    const { round } = await core.assessments.open(c, caseId);
    await core.assessments.answer(c, caseId, round._id, { ratings: ratings.c });
    await core.assessments.answer(actorOf(teacher), caseId, round._id, { ratings: ratings.t });
    await core.assessments.answer(actorOf(parent), caseId, round._id, { ratings: ratings.p });
    await core.assessments.close(c, caseId, round._id);
  }

  const today = copenhagenDate(t.clock.now());
  const propose = async (by: Actor, what: string, owner: TestUser, dueInDays: number) =>
    (await core.agreements.propose(by, caseId, { formId: randomUUID(), what, ownerId: owner.id, dueDate: addDays(today, dueInDays), followUpDate: addDays(today, dueInDays + 7) })).agreement._id;

  const p = actorOf(parent);
  const weekly = await propose(c, 'Ugentligt møde med klasselæreren', teacher, 60);
  await core.agreements.transition(p, caseId, weekly, 'accepted');
  const homework = await propose(c, 'Lektiehjælp to gange om ugen', parent, 10);
  await core.agreements.transition(p, caseId, homework, 'accepted');
  const referral = await propose(c, 'Henvisning til PPR', coordinator, 45);
  const bedtime = await propose(p, 'Fast sengetid klokken 20', parent, 5);
  await core.agreements.transition(p, caseId, bedtime, 'accepted');
  await core.agreements.transition(p, caseId, bedtime, 'done');
  const schoolChange = await propose(c, 'Skoleskift til efteråret', coordinator, 90);
  await core.agreements.transition(p, caseId, schoolChange, 'declined', { reason: 'Barnet er glad for sin klasse' });

  t.clock.reset();
  t.connector.reset();
  return { caseId, channel, coordinator, parent, teacher, coach, outsider, agreements: { weekly, homework, referral, bedtime, schoolChange } };
}
