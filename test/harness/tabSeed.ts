import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/domain/case';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import { channelId, channelMessage, makeUser, type TestUser } from './activities';
import type { TabTestApp } from './tabApp';

/**
 * One realistic case for the tab tests, made the way users make it: the case is created by a
 * bot command in a channel (so the bot has the conversation reference for the minutes), and the
 * rest through the core services with the clock set back, so some agreements are overdue now.
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
  const channel = channelId('tab');
  const { core } = t.app;

  t.clock.setDaysAgo(30);
  const before = t.connector.sentActivities.length;
  const response = await fetch(`${t.app.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(channelMessage(`ny sag ${title} / AB`, { serviceUrl: t.connector.url, from: coordinator, channel })),
  });
  if (response.status !== 200) throw new Error(`creating the case failed: ${response.status}`);
  await t.connector.waitFor(() => t.connector.sentActivities.length > before);
  const kase = await core.caseRepository.byConversation(channel);
  if (!kase) throw new Error('the bot did not create the case');
  const caseId = kase._id;
  const c = actorOf(coordinator);

  await core.members.add(c, caseId, { userId: parent.id, aadObjectId: parent.aadObjectId, name: parent.name, role: 'parent' });
  await core.members.add(c, caseId, { userId: teacher.id, aadObjectId: teacher.aadObjectId, name: teacher.name, role: 'teacher' });
  await core.members.decideConsent(actorOf(parent), caseId, teacher.id, 'approve');
  await core.members.add(c, caseId, { userId: coach.id, aadObjectId: coach.aadObjectId, name: coach.name, role: 'network' });

  await core.observations.create(actorOf(teacher), caseId, { formId: randomUUID(), area: 'child_school', level: 'yellow', sosColumn: 'worries', text: FAMILY_VISIBLE_TEXT });
  await core.observations.create(c, caseId, { formId: randomUUID(), area: 'family_housing', level: 'red', text: PROFESSIONALS_ONLY_TEXT, professionalsOnly: true });
  await core.observations.create(actorOf(parent), caseId, { formId: randomUUID(), area: 'child_leisure', level: 'green', sosColumn: 'working_well', text: PARENT_TEXT });

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
