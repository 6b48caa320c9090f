import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/domain/case';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import { makeUser, TENANT_ID, type TestUser } from '../harness/activities';
import { TENANT } from '../harness/fakeEntra';
import { startTabTestApp, type TabTestApp } from '../harness/tabApp';
import { meetingMeasures } from '../../core/domain/meeting';
import { FACTS_FORMAT } from '../../core/persistence/leaderFactsRepository';

/**
 * The leader's overview through the tab API (docs/leader.md), with Entra tokens and group
 * membership from the offline Entra ID and Graph: aggregates for the leader's own unit only, counts
 * under 5 as "< 5", names only of cases the leader is in, refusals logged, filters, two languages;
 * meetings (issue #15) scheduled, answered, cancelled and attended through the meeting service.
 */

jest.setTimeout(180_000);

const TEAM_A = '19:nordskolen-team@thread.tacv2';
const TEAM_B = '19:bakkeskolen-team@thread.tacv2';
const TEAM_C = '19:sydskolen-team@thread.tacv2';
const GROUP_NORD = '0a1b2c3d-0000-4000-8000-00000000a001';
const GROUP_NORD_SCHOOL_LEADERS = '0a1b2c3d-0000-4000-8000-00000000a002';
const GROUP_SYD = '0a1b2c3d-0000-4000-8000-00000000a003';

const leader = makeUser('Lene Leder');
const secondLeader = makeUser('Lars Leder');
const sydLeader = makeUser('Svend Leder');
const notLeader = makeUser('Ole Lærer');
const coordinator = makeUser('Mette Sagsbehandler');

const UNITS = [
  { id: 'nord', name: 'Skoleområde Nord', leaderGroupId: GROUP_NORD, teams: [{ id: TEAM_A, name: 'Nordskolen' }, { id: TEAM_B, name: 'Bakkeskolen' }] },
  { id: 'syd', name: 'Skoleområde Syd', leaders: [sydLeader.aadObjectId], teams: [{ id: TEAM_C, name: 'Sydskolen' }] },
];

let t: TabTestApp;
const titles: Record<string, string> = {};
const parents: Record<string, TestUser> = {};
const caseIds: Record<string, string> = {};
const DAYS = { created: 60, observed: 58, accepted: 56, rounds: 55, meetingPlanned: 50, meetingCancelled: 45, meeting: 40 };

const actorOf = (u: TestUser): Actor => ({ userId: u.id, aadObjectId: u.aadObjectId, name: u.name });
const token = (u: TestUser, tid = TENANT) => t.entra.token({ oid: u.aadObjectId, name: u.name, tid });
const overview = (u: TestUser, query = '', locale?: string) => t.api(`/leader/overview${query}`, { token: token(u), locale });
const monthAgo = (days: number) => addDays(copenhagenDate(new Date()), -days).slice(0, 7);

/**
 * A case in a team's channel, made through the core services with the clock set back: created 60
 * days ago with a parent; `full` cases also get a teacher still waiting for consent, a red
 * observation (an early warning), two agreements (one overdue, one accepted after the warning)
 * and a closed assessment round.
 */
async function seed(label: string, teamId: string, { full, socialRed, withLeader }: { full: boolean; socialRed?: boolean; withLeader?: boolean }): Promise<string> {
  const { core } = t.app;
  const c = actorOf(coordinator);
  const parent = makeUser(`Forælder ${label}`);
  parents[label] = parent;
  const channel = `19:${label}-${randomUUID().slice(0, 8)}@thread.tacv2`;
  t.clock.setDaysAgo(DAYS.created);
  const kase = await core.cases.createCase(c, { conversationId: channel, channelId: channel, teamId, tenantId: TENANT_ID, kind: 'channel' }, { title: `Sag-${label}`, childRef: `B${label}` });
  titles[label] = kase.title;
  caseIds[label] = kase._id;
  await core.members.add(c, kase._id, { userId: parent.id, aadObjectId: parent.aadObjectId, name: parent.name, role: 'parent' });
  const p = actorOf(parent);
  const today = () => copenhagenDate(t.clock.now());
  const propose = async (dueInDays: number) =>
    (await core.agreements.propose(c, kase._id, { formId: randomUUID(), what: `Aftale ${label}`, ownerId: parent.id, dueDate: addDays(today(), dueInDays), followUpDate: addDays(today(), dueInDays + 5) })).agreement._id;
  const overdue = await propose(10);
  await core.agreements.transition(p, kase._id, overdue, 'accepted');
  if (withLeader) {
    await core.members.add(c, kase._id, { userId: leader.id, aadObjectId: leader.aadObjectId, name: leader.name, role: 'leader' });
    await core.members.decideConsent(p, kase._id, leader.id, 'approve');
  }
  if (full) {
    const teacher = makeUser(`Lærer ${label}`);
    await core.members.add(c, kase._id, { userId: teacher.id, aadObjectId: teacher.aadObjectId, name: teacher.name, role: 'teacher' });
    const later = await propose(90);
    t.clock.setDaysAgo(DAYS.observed);
    const { form } = await core.forms.open(c, kase._id, 'observation');
    await core.observations.create(c, kase._id, { formId: form._id, area: 'child_school', level: 'red', text: `Bekymring ${label}` });
    t.clock.setDaysAgo(DAYS.accepted);
    await core.agreements.transition(p, kase._id, later, 'accepted');
    t.clock.setDaysAgo(DAYS.rounds);
    const { round } = await core.assessments.open(c, kase._id);
    const ratings = { cognitive: 'green', emotional: 'green', social: socialRed ? 'red' : 'green', physical: 'green' };
    await core.assessments.answer(c, kase._id, round._id, { ratings });
    await core.assessments.answer(p, kase._id, round._id, { ratings });
    await core.assessments.close(c, kase._id, round._id);
  }
  t.clock.reset();
  return kase._id;
}

/**
 * A meeting with the parent, 40 days ago at 10:00, planned 10 days before through the meeting
 * service. `afbud`: the parent says yes, then cancels 5 days before (an afbud with over 72 hours'
 * notice), and the coordinator records who came (the coordinator, not the parent). `cancelled`: the
 * coordinator cancels the meeting; the parent never answered. All more than 4 weeks ago, so the
 * cases stay "without activity".
 */
async function seedMeeting(label: string, kind: 'afbud' | 'cancelled'): Promise<void> {
  const meetings = t.app.core.meetings;
  const c = actorOf(coordinator);
  const p = actorOf(parents[label]!);
  const caseId = caseIds[label]!;
  t.clock.setDaysAgo(DAYS.meetingPlanned);
  const { meeting } = await meetings.schedule(c, caseId, { formId: randomUUID(), date: addDays(copenhagenDate(new Date()), -DAYS.meeting), time: '10:00', durationMinutes: 60, place: 'Skolen, mødelokale 2', participantIds: [parents[label]!.id] });
  if (kind === 'afbud') {
    await meetings.answer(p, caseId, meeting._id, 'accepted');
    t.clock.setDaysAgo(DAYS.meetingCancelled);
    await meetings.answer(p, caseId, meeting._id, 'declined', { reason: `Syg ${label}` });
    t.clock.setDaysAgo(DAYS.meeting - 1);
    await meetings.recordAttendance(c, caseId, meeting._id, [coordinator.id]);
  } else {
    t.clock.setDaysAgo(DAYS.meetingCancelled + 3);
    await meetings.cancel(c, caseId, meeting._id, { reason: `Aflyst ${label}` });
  }
  t.clock.reset();
}

beforeAll(async () => {
  t = await startTabTestApp(__filename, { env: { LEADER_UNITS: JSON.stringify(UNITS), LEADER_INACTIVE_WEEKS: '4', LEADER_CONSENT_PENDING_DAYS: '14' } });
  // Leadership through a nested group, as municipalities organise it: the school leaders' group is in the unit's group.
  t.entra.addGroup(GROUP_NORD, { groups: [GROUP_NORD_SCHOOL_LEADERS] });
  t.entra.addGroup(GROUP_NORD_SCHOOL_LEADERS, { members: [leader.aadObjectId, secondLeader.aadObjectId] });
  t.entra.addGroup(GROUP_SYD, { members: [notLeader.aadObjectId] });

  // Nord: 7 cases in Nordskolen (5 with everything, the first with the leader in it), 3 in Bakkeskolen; 5 are then closed.
  for (let i = 0; i < 7; i++) await seed(`A${i}`, TEAM_A, { full: i < 5, socialRed: i < 3, withLeader: i === 0 });
  for (let i = 0; i < 3; i++) await seed(`B${i}`, TEAM_B, { full: false });
  // Syd: 2 cases, the leader of Nord in none of them.
  for (let i = 0; i < 2; i++) await seed(`C${i}`, TEAM_C, { full: true, socialRed: true });
  // Meetings: one in each of the 5 full Nord cases (held, the parent's afbud, attendance recorded), one cancelled in each of Bakkeskolen's 3, and one in Syd.
  for (let i = 0; i < 5; i++) await seedMeeting(`A${i}`, 'afbud');
  for (let i = 0; i < 3; i++) await seedMeeting(`B${i}`, 'cancelled');
  await seedMeeting('C0', 'afbud');
  t.clock.setDaysAgo(1);
  for (const label of ['A5', 'A6', 'B0', 'B1', 'B2']) await t.app.core.cases.closeCase(actorOf(coordinator), { caseId: caseIds[label]! });
  t.clock.reset();
  await t.app.settled();
});
afterAll(async () => {
  await t.stop();
});

/** Every count in the aggregates: numbers of 5 or more, or "< 5" (settings such as weeks and medians aside). */
function counts(value: unknown, path = ''): Array<[string, unknown]> {
  if (value && typeof value === 'object') return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (['weeks', 'days', 'medianDays', 'medianNoticeHours', 'month'].includes(k) ? [] : counts(v, `${path}.${k}`)));
  return [[path, value]];
}

describe('a leader of the unit', () => {
  test('sees aggregates across the unit’s cases: cases, agreements, overdue, assessments, time to action, inactivity, consent', async () => {
    const { status, body } = await overview(leader);
    expect(status).toBe(200);
    expect(body.unit).toEqual({ id: 'nord', name: 'Skoleområde Nord' });
    expect(body.units).toEqual([{ id: 'nord', name: 'Skoleområde Nord' }]);
    expect(body.places.map((p: any) => p.name)).toEqual(['Nordskolen', 'Bakkeskolen']);
    const a = body.aggregates;
    // 10 cases in Nord (Syd's 2 are not counted): 5 still open, 5 closed yesterday.
    expect(a.cases).toEqual({ total: 10, open: 5, closed: 5 });
    // 15 agreements, all accepted; the other statuses are under 5.
    expect(a.agreements).toEqual({ total: 15, byStatus: { proposed: '< 5', accepted: 15, declined: '< 5', done: '< 5', cancelled: '< 5' } });
    // Overdue today: the 5 open cases' first agreements, due 50 days ago (closed cases do not count).
    expect(a.overdue).toEqual({ total: 5, byAge: { '1-7': '< 5', '8-30': '< 5', '31-90': 5, '91+': '< 5' }, medianDays: 50 });
    // 5 cases with a closed round: social red in 3 and green in 2, so each level is under 5; all else green.
    expect(a.assessment.cases).toBe(5);
    expect(a.assessment.areas.social).toEqual({ rated: 5, levels: { green: '< 5', yellow: '< 5', red: '< 5' } });
    expect(a.assessment.areas.cognitive).toEqual({ rated: 5, levels: { green: 5, yellow: '< 5', red: '< 5' } });
    // 5 red observations, each answered by an agreement accepted 2 days later.
    expect(a.timeToAction).toEqual({ warnings: 5, episodes: 5, medianDays: 2, awaiting: '< 5' });
    expect(a.inactive).toEqual({ weeks: 4, cases: 5 });
    expect(a.consentPending).toEqual({ days: 14, requests: 5, cases: 5 });
    for (const [path, value] of counts(a)) expect([path, typeof value === 'number' ? value >= 5 : value === '< 5']).toEqual([path, true]);
  });

  test('meetings in the period: held and cancelled, invitations answered, afbud by notice, attendance; the same numbers as meetingMeasures', async () => {
    const { body, text } = await overview(leader);
    const m = body.aggregates.meetings;
    // 8 meetings in Nord (Syd's is not counted): 5 held, 3 cancelled; 0 still to come. The 3 and the 0 are hidden, so the 5 may show.
    expect(m).toEqual({
      total: 8,
      held: 5,
      upcoming: '< 5',
      cancelled: '< 5',
      // 16 invitations (the coordinator and the parent, in each): 13 answered, 3 not; the 3 is hidden, and so, beside the 16, is the 13.
      invitations: { sent: 16, answered: '< 5', unanswered: '< 5' },
      // 5 afbud, each with about 5 days' notice; the median is given from 5.
      cancellations: { total: 5, byNotice: { under24h: '< 5', from24to72h: '< 5', over72h: 5 }, medianNoticeHours: expect.any(Number) },
      // 5 meetings with attendance: the coordinator present, the parent not.
      attendance: { meetings: 5, present: 5, absent: 5 },
    });
    expect(m.cancellations.medianNoticeHours).toBeGreaterThan(96);
    expect(m.cancellations.medianNoticeHours).toBeLessThan(144);

    // The meeting service's own measures of the same cases say the same.
    const nord = ['A0', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'B0', 'B1', 'B2'].map((label) => caseIds[label]!);
    const measures = meetingMeasures(await t.app.internals.scheduledMeetings.forCases(nord), t.app.core.now(), nord.length);
    expect(measures).toMatchObject({ meetings: 8, held: 5, cancelledMeetings: 3, invitations: { sent: 16, answered: 13 }, cancellations: { count: 5, over72h: 5 }, attendance: { meetingsRecorded: 5, present: 5, absent: 5 } });
    expect(m.cancellations.medianNoticeHours).toBe(measures.cancellations.medianNoticeHours);

    // No names, no user IDs, no reasons, no places.
    for (const label of ['A0', 'A1', 'B0']) {
      expect(text).not.toContain(parents[label]!.id);
      expect(text).not.toContain(`Syg ${label}`);
      expect(text).not.toContain(`Aflyst ${label}`);
    }
    expect(text).not.toContain('mødelokale');
    expect(text).not.toContain(coordinator.id);

    // Bakkeskolen alone: 3 cancelled meetings, all "< 5".
    const b = (await overview(leader, `?team=${encodeURIComponent(TEAM_B)}`)).body.aggregates.meetings;
    expect(b).toEqual({
      total: '< 5',
      held: '< 5',
      upcoming: '< 5',
      cancelled: '< 5',
      invitations: { sent: 6, answered: '< 5', unanswered: '< 5' },
      cancellations: { total: '< 5', byNotice: { under24h: '< 5', from24to72h: '< 5', over72h: '< 5' }, medianNoticeHours: null },
      attendance: { meetings: '< 5', present: '< 5', absent: '< 5' },
    });
    // This month alone (the meetings were 40 days ago): none.
    expect((await overview(leader, `?from=${monthAgo(0)}&to=${monthAgo(0)}`)).body.aggregates.meetings).toMatchObject({ total: '< 5', held: '< 5', invitations: { sent: '< 5' } });
  });

  test('a case’s and its members’ changes are kept in step from the case document alone, and equal the case read again in full', async () => {
    const { core } = t.app;
    const facts = t.app.database.db.collection<{ _id: string; facts: string; seq: number; lastActivityAt: Date }>('leaderFacts');
    const c = actorOf(coordinator);
    const parent = makeUser('Forælder Z');
    const teacher = makeUser('Lærer Z');
    const channel = `19:z-${randomUUID().slice(0, 8)}@thread.tacv2`;
    // In a team outside every unit, so the unit's numbers stay as the other tests expect.
    // The full read of a case (its agreements, rounds, warnings, meetings and history) must not run.
    const fullReads = jest.spyOn(core.leaderOverview as unknown as { rebuild: (caseId: string) => Promise<void> }, 'rebuild');
    const kase = await core.cases.createCase(c, { conversationId: channel, channelId: channel, teamId: 'team-outside', tenantId: TENANT_ID, kind: 'channel' }, { title: 'Sag-Z', childRef: 'BZ' });
    await core.members.add(c, kase._id, { userId: parent.id, aadObjectId: parent.aadObjectId, name: parent.name, role: 'parent' });
    await core.members.add(c, kase._id, { userId: teacher.id, aadObjectId: teacher.aadObjectId, name: teacher.name, role: 'teacher' });
    await core.leaderOverview.idle();
    expect(fullReads.mock.calls.filter(([caseId]) => caseId === kase._id)).toHaveLength(0);
    fullReads.mockRestore();
    const kept = (await facts.findOne({ _id: kase._id }))!;
    const parts = kept.facts.split('#');
    // The teacher waits for the family's consent; the coordinator and the parent are active members.
    expect(parts[4]!.split(',').filter(Boolean)).toHaveLength(1);
    expect(parts[5]!.split(',').sort()).toEqual([coordinator.aadObjectId, parent.aadObjectId].map((id) => id.toLowerCase()).sort());
    await core.leaderOverview.refreshCase(kase._id);
    const reread = (await facts.findOne({ _id: kase._id }))!;
    // Everything but the moment of the refresh (part 6) is the same.
    const comparable = (doc: typeof kept) => ({ ...doc, facts: doc.facts.split('#').filter((_, i) => i !== 6) });
    expect(comparable(reread)).toEqual(comparable(kept));
  });

  test('facts stored before meetings were counted are rebuilt on the next catch-up, with their meetings', async () => {
    const facts = t.app.database.db.collection<{ _id: string; facts: string; format?: number }>('leaderFacts');
    const caseId = caseIds.A1!;
    const current = (await facts.findOne({ _id: caseId }))!;
    expect(current.format).toBe(FACTS_FORMAT);
    // As an older version stored them: seven parts, no format.
    await facts.updateOne({ _id: caseId }, { $set: { facts: current.facts.split('#').slice(0, 7).join('#') }, $unset: { format: '' } });
    expect(await t.app.core.leaderOverview.refreshStale()).toContain(caseId);
    const rebuilt = (await facts.findOne({ _id: caseId }))!;
    expect(rebuilt.format).toBe(FACTS_FORMAT);
    expect(rebuilt.facts.split('#')).toHaveLength(8);
    expect(rebuilt.facts.split('#')[7]).toMatch(/^\d+\|scheduled\|2\|2\|\d+\|1,1$/);
    expect((await overview(leader)).body.aggregates.meetings.total).toBe(8);
  });

  test('views close together share one read: a change made here shows at once, one written by another instance within 5 s', async () => {
    const facts = t.app.database.db.collection<{ _id: string }>('leaderFacts');
    expect((await overview(leader)).body.aggregates.cases.total).toBe(10);
    // Another instance stores the facts of a new case in team A (a copy of one, under a new ID).
    const copy = { ...(await facts.findOne({ _id: caseIds.A1! }))!, _id: randomUUID() };
    await facts.insertOne(copy);
    expect((await overview(leader)).body.aggregates.cases.total).toBe(10);
    await new Promise((r) => setTimeout(r, 5_100));
    expect((await overview(leader)).body.aggregates.cases.total).toBe(11);
    // Gone again; a change to any case's facts in this process makes the next view read afresh.
    await facts.deleteOne({ _id: copy._id });
    await t.app.core.leaderOverview.refreshCase(caseIds.A1!);
    expect((await overview(leader)).body.aggregates.cases.total).toBe(10);
  });

  test('a trend per month: the months of the period, with what happened in each', async () => {
    const { body } = await overview(leader);
    const trend: Array<Record<string, unknown>> = body.aggregates.trend;
    expect(trend).toHaveLength(12);
    expect(trend.at(-1)!.month).toBe(monthAgo(0));
    const month = (days: number) => trend.find((m) => m.month === monthAgo(days))!;
    expect(month(DAYS.created).casesOpened).toBe(10);
    expect(month(DAYS.observed).warnings).toBe(5);
    expect(month(DAYS.rounds).roundsClosed).toBe(5);
    const accepted = monthAgo(DAYS.created) === monthAgo(DAYS.accepted) ? [[DAYS.created, 15]] : [[DAYS.created, 10], [DAYS.accepted, 5]];
    for (const [days, n] of accepted) expect(month(days!).agreementsAccepted).toBe(n);
    const quiet = trend.filter((m) => ![DAYS.created, DAYS.observed, DAYS.accepted, DAYS.rounds].some((d) => monthAgo(d) === m.month));
    for (const m of quiet) expect([m.casesOpened, m.warnings, m.agreementsAccepted, m.roundsClosed]).toEqual(['< 5', '< 5', '< 5', '< 5']);
  });

  test('names only the cases the leader is an active member of, and nothing identifying from the others', async () => {
    const { body, text } = await overview(leader);
    expect(body.yourCases).toEqual([
      { id: caseIds.A0, title: 'Sag-A0', childRef: 'BA0', status: 'open', attention: { overdueAgreements: true, inactive: true, consentPending: true, openWarnings: false } },
    ]);
    for (const label of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'B0', 'B1', 'B2', 'C0', 'C1']) {
      expect(text).not.toContain(titles[label]);
      expect(text).not.toContain(`B${label}`);
      expect(text).not.toContain(caseIds[label]);
      expect(text).not.toContain(`Forælder ${label}`);
    }
    expect(text).not.toContain('Bekymring');
    expect(text).not.toContain(coordinator.name);
  });

  test('filters by team and period; a team of fewer than 5 cases shows only "< 5"', async () => {
    const { body } = await overview(leader, `?team=${encodeURIComponent(TEAM_B)}`);
    expect(body.filters.team).toBe(TEAM_B);
    expect(body.aggregates.cases).toEqual({ total: '< 5', open: '< 5', closed: '< 5' });
    expect(body.aggregates.agreements.total).toBe('< 5');
    expect(body.yourCases).toEqual([]);

    // 5 open and 2 closed of 7: the 2 is under 5, and with the total shown the 5 would give it away, so both are hidden.
    const nordskolen = await overview(leader, `?team=${encodeURIComponent(TEAM_A)}`);
    expect(nordskolen.body.aggregates.cases).toEqual({ total: 7, open: '< 5', closed: '< 5' });

    const later = addDays(copenhagenDate(new Date()), 40).slice(0, 7);
    const future = await overview(leader, `?from=${later}&to=${later}`);
    expect(future.status).toBe(200);
    expect(future.body.filters.period).toEqual({ from: later, to: later });
    expect(future.body.aggregates.trend.map((m: any) => m.month)).toEqual([later]);
    expect(future.body.aggregates.agreements.total).toBe('< 5');
    // The state today does not depend on the period: what is overdue now, and consent waiting now.
    expect(future.body.aggregates.overdue.total).toBe(5);

    for (const bad of ['?from=2026-13', '?from=2026-05&to=2026-01', '?from=2020-01&to=2026-01', '?to=%24gt']) {
      const refused = await overview(leader, bad);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain('Perioden skal være måneder');
    }
    const unknownTeam = await overview(leader, `?team=${encodeURIComponent(TEAM_C)}`, 'en-US');
    expect(unknownTeam.status).toBe(400);
    expect(unknownTeam.body.message).toBe("That team does not belong to the unit. Choose one of the unit's teams.");
  });

  test('group membership comes from Graph on behalf of the leader, transitively, and is reused for a while', async () => {
    const checks = () => t.entra.calls.filter((c) => c.method === 'POST' && c.path === '/v1.0/me/checkMemberGroups');
    const before = checks().length;
    expect((await overview(secondLeader)).status).toBe(200);
    expect(checks()).toHaveLength(before + 1);
    expect(JSON.parse(checks().at(-1)!.body!)).toEqual({ groupIds: [GROUP_NORD] });
    expect((await overview(secondLeader, `?team=${encodeURIComponent(TEAM_A)}`)).status).toBe(200);
    expect(checks()).toHaveLength(before + 1);
  });

  test('every view is in the unit’s access log with its filters and the cases it named', async () => {
    const unitLog = async () => (await t.app.internals.accessLog.all('leader:nord')).filter((e) => e.action === 'read' && e.actorId === `aad:${leader.aadObjectId}`);
    const before = (await unitLog()).length;
    await overview(leader, `?team=${encodeURIComponent(TEAM_A)}`);
    const entries = await unitLog();
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ part: 'leader.overview', surface: 'tab', actorName: leader.name });
    expect(entries.at(-1)!.reason).toContain(`team=${TEAM_A}`);
    expect(entries.at(-1)!.reason).toContain('cases=7');
    expect(entries.at(-1)!.reason).toContain(`named=${caseIds.A0}`);
    const other = await overview(leader, `?team=${encodeURIComponent(TEAM_B)}`);
    expect(other.status).toBe(200);
    expect((await unitLog()).at(-1)!.reason).toMatch(/cases=3;named=$/);
    expect((await t.app.core.verifier.verify({ caseId: 'leader:nord', by: 'test' })).ok).toBe(true);
  });
});

describe('anyone else', () => {
  test('a leader of another unit sees that unit only, and is refused this one', async () => {
    const syd = await overview(sydLeader);
    expect(syd.status).toBe(200);
    expect(syd.body.unit.id).toBe('syd');
    expect(syd.body.aggregates.cases).toEqual({ total: '< 5', open: '< 5', closed: '< 5' });
    const refused = await overview(sydLeader, '?unit=nord');
    expect(refused.status).toBe(403);
    const logged = (await t.app.internals.accessLog.all('leader:nord')).filter((e) => e.action === 'refused' && e.actorId === `aad:${sydLeader.aadObjectId}`);
    expect(logged).toHaveLength(1);
  });

  test('a professional who leads no unit is refused (403, in Danish or English), logged, and learns nothing', async () => {
    const da = await overview(notLeader);
    expect(da.status).toBe(403);
    expect(da.body.message).toBe('Du er ikke registreret som leder af en enhed i Samspil, så du kan ikke se ledelsesoverblikket.');
    expect(da.text).not.toMatch(/Nord|Syd|Sag-/);
    const en = await overview(notLeader, '?unit=nord', 'en-US');
    expect(en.status).toBe(403);
    expect(en.body.message).toBe("You are not registered as a leader of a unit in Samspil, so you cannot see the leader's overview.");
    const none = (await t.app.internals.accessLog.all('leader:none')).filter((e) => e.actorId === `aad:${notLeader.aadObjectId}`);
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ action: 'refused', part: 'leader.overview', surface: 'tab' });
    const nord = (await t.app.internals.accessLog.all('leader:nord')).filter((e) => e.actorId === `aad:${notLeader.aadObjectId}`);
    expect(nord).toHaveLength(1);
    // A unit name from the request never becomes a log of its own.
    expect((await overview(notLeader, '?unit=%24where')).status).toBe(403);
    expect(await t.app.internals.accessLog.all('leader:$where')).toEqual([]);
  });

  test('without a valid token, nothing', async () => {
    expect((await t.api('/leader/overview')).status).toBe(401);
    expect((await t.api('/leader/overview', { token: t.entra.token({ oid: leader.aadObjectId, untrustedKey: true }) })).status).toBe(401);
  });

  test('when Graph cannot answer, a leader by group is told to try again and nothing is shown', async () => {
    const newcomer = makeUser('Nina Leder');
    t.entra.addGroup(GROUP_NORD_SCHOOL_LEADERS, { members: [leader.aadObjectId, secondLeader.aadObjectId, newcomer.aadObjectId] });
    t.entra.failGraph(503, 1);
    const answer = await t.api('/leader/overview', { token: token(newcomer), locale: 'da' });
    expect(answer.status).toBe(503);
    expect(answer.body.message).toBe('Vi kunne ikke slå din lederrolle op i organisationens katalog lige nu. Prøv igen om lidt.');
    expect(answer.text).not.toContain('Sag-');
    // Graph answers again: the leader gets the overview.
    expect((await t.api('/leader/overview', { token: token(newcomer) })).status).toBe(200);
  });
});

describe('early warnings in the case overview, through the tab', () => {
  test('a professional sees them with their reasons; the family does not', async () => {
    const kase = await t.app.core.overview.overview(actorOf(coordinator), caseIds.A1!);
    expect(kase.earlyWarnings?.map((w) => w.rule)).toEqual(['redObservation']);
    const answer = await t.api(`/cases/${caseIds.A1}/overview`, { token: token(coordinator) });
    expect(answer.body.earlyWarnings).toHaveLength(1);
    expect(answer.body.earlyWarnings[0]).toMatchObject({ rule: 'redObservation', inputs: [expect.objectContaining({ kind: 'observation', level: 'red' })] });
    expect(answer.text).not.toContain('timeToActionMs');
    const family = await t.api(`/cases/${caseIds.A1}/overview`, { token: token(parents.A1!) });
    expect(family.status).toBe(200);
    expect(family.body.earlyWarnings).toBeUndefined();
    expect(family.text).not.toContain('earlyWarning');
  });
});
