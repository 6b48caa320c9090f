import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { createCore } from '../../core';
import type { EventDraft } from '../../core/audit/events';
import { chainDrafts } from '../../core/audit/eventStore';
import type { Agreement, AgreementStatus } from '../../core/domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../../core/domain/assessment';
import { summarizeRound } from '../../core/domain/assessmentSummary';
import type { Case, Member } from '../../core/domain/case';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import type { Meeting, MeetingAnswer, MeetingParticipant } from '../../core/domain/meeting';
import type { Observation } from '../../core/domain/observation';
import { roleGroup, type Role } from '../../core/domain/roles';
import { ASSESSMENT_AREAS, ICS_AREA_KEYS, WELLBEING_LEVELS } from '../../core/domain/scales';
import type { EarlyWarningRecord } from '../../core/persistence/earlyWarningRepository';
import { collections, ensureIndexes } from '../../core/persistence/database';
import type { Scenario } from '../scenario';
import { devToken } from './tabOverview';

/**
 * The leader's overview (docs/leader.md) over a unit of 1,000 cases in 10 Teams teams, with 100,000
 * events in their histories: agreements in every state (some overdue), two closed assessment rounds
 * per case, early warnings (some answered), three scheduled meetings per case (answers, an afbud,
 * attendance, some cancelled or still to come), consent waiting, closed cases. The facts the overview
 * reads are built by the app's own refresh (`refreshCase`, as `refreshStale` does after a crash or on
 * the first start), then each request is `GET /tab/api/leader/overview` for the unit's leader, who is
 * a member of 10 of the cases. Target (issue #14): p50 under 1 s on the embedded default.
 */

export const LEADER_BENCH = { cases: 1000, eventsPerCase: 100, teams: 10, agreementsPerCase: 8, observationsPerCase: 10, meetingsPerCase: 3, namedCases: 10 };
const LEADER_OID = 'b0000000-0000-4000-8000-00000000be01';
const TEAM = (i: number) => `19:bench-leader-team-${i}@thread.tacv2`;
const UNIT = { id: 'bench', name: 'Bench-enheden', leaders: [LEADER_OID], teams: Array.from({ length: LEADER_BENCH.teams }, (_, i) => ({ id: TEAM(i), name: `Skole ${i}` })) };
const DAY = 24 * 60 * 60 * 1000;

/** Inserts in batches: FerretDB takes large inserts better in pieces. */
async function insertAll<T>(db: Db, name: string, docs: T[], batch = 2000): Promise<void> {
  for (let i = 0; i < docs.length; i += batch) await db.collection(name).insertMany(docs.slice(i, i + batch) as never[]);
}

/** 1,000 cases written straight into the database, with their histories chained as `append` would. */
export async function seedUnit(db: Db, runId: string): Promise<{ caseIds: string[]; events: number }> {
  await ensureIndexes(db);
  const c = collections(db);
  const now = Date.now();
  const today = copenhagenDate(new Date(now));
  const cases: Case[] = [];
  const agreements: Agreement[] = [];
  const rounds: AssessmentRound[] = [];
  const observations: Observation[] = [];
  const warnings: EarlyWarningRecord[] = [];
  const meetings: Meeting[] = [];
  let eventCount = 0;
  const allEvents: unknown[] = [];
  const heads: unknown[] = [];

  for (let i = 0; i < LEADER_BENCH.cases; i++) {
    const caseId = randomUUID();
    const created = new Date(now - (30 + ((i * 7) % 700)) * DAY);
    const at = (fraction: number) => new Date(created.getTime() + Math.floor((now - created.getTime()) * fraction));
    const roles: Role[] = ['caseworker', 'parent', 'teacher', 'health_visitor'];
    const members: Member[] = roles.map((role, k) => ({
      userId: `29:bench-${runId}-${i}-${k}`,
      aadObjectId: randomUUID(),
      name: `Bench ${role} ${i}`,
      role,
      // Every tenth case has a professional still waiting for the family's consent.
      status: k === 3 && i % 10 === 0 ? 'pending' : 'active',
      addedBy: `29:bench-${runId}-${i}-0`,
      addedAt: created,
      consent: roleGroup(role) === 'family' || k === 0 ? { state: 'not_needed' } : k === 3 && i % 10 === 0 ? { state: 'pending' } : { state: 'approved', at: created },
    }));
    if (i % (LEADER_BENCH.cases / LEADER_BENCH.namedCases) === 0) {
      members.push({ userId: `29:bench-leader-${runId}`, aadObjectId: LEADER_OID, name: 'Bench Leder', role: 'leader', status: 'active', addedBy: members[0]!.userId, addedAt: created, consent: { state: 'approved', at: created } });
    }
    const coordinator = members[0]!;
    const closed = i % 7 === 0;
    cases.push({
      _id: caseId,
      title: `Bench-sag ${i}`,
      childRef: `B${i}`,
      status: closed ? 'closed' : 'open',
      coordinatorId: coordinator.userId,
      members,
      conversation: { conversationId: `19:bench-leader-${runId}-${i}@thread.tacv2`, channelId: `19:bench-leader-${runId}-${i}@thread.tacv2`, teamId: TEAM(i % LEADER_BENCH.teams), tenantId: 'bench', kind: 'channel' },
      createdAt: created,
      updatedAt: closed ? at(0.95) : at(0.9),
      version: 10,
    });

    const drafts: EventDraft[] = [];
    const event = (type: string, when: Date, actor: Member, data: Record<string, unknown>, visibility: EventDraft['visibility'] = 'all') =>
      drafts.push({ key: `seed:${randomUUID()}`, caseId, at: when, actorId: actor.userId, actorName: actor.name, type, visibility, data } as unknown as EventDraft);
    event('case.created', created, coordinator, { title: `Bench-sag ${i}`, childRef: `B${i}`, coordinatorId: coordinator.userId });
    for (const m of members.slice(1)) event('member.added', created, coordinator, { userId: m.userId, name: m.name, role: m.role, status: m.status });

    for (let k = 0; k < LEADER_BENCH.observationsPerCase; k++) {
      const author = members[(k % 3) + 1]!;
      const o: Observation = { _id: randomUUID(), caseId, authorId: author.userId, authorName: author.name, authorRole: author.role, area: ICS_AREA_KEYS[k % ICS_AREA_KEYS.length]!, level: WELLBEING_LEVELS[(i + k) % 3]!, text: `Observation ${k}`, visibility: k % 4 === 0 ? 'professionals' : 'all', createdAt: at(k / 20) };
      observations.push(o);
      event('observation.created', o.createdAt, author, { observationId: o._id, area: o.area, level: o.level, text: o.text }, o.visibility);
    }

    const statuses: AgreementStatus[] = ['proposed', 'accepted', 'accepted', 'accepted', 'done', 'done', 'declined', 'cancelled'];
    for (let k = 0; k < LEADER_BENCH.agreementsPerCase; k++) {
      const status = statuses[(i + k) % statuses.length]!;
      const proposedAt = at(0.2 + k / 20);
      const history: Agreement['history'] = [];
      if (status !== 'proposed') {
        const decided: AgreementStatus = status === 'declined' || status === 'cancelled' ? status : 'accepted';
        history.push({ from: 'proposed', to: decided, by: members[1]!.userId, byName: members[1]!.name, at: new Date(proposedAt.getTime() + DAY) });
        if (status === 'done') history.push({ from: 'accepted', to: 'done', by: coordinator.userId, byName: coordinator.name, at: new Date(proposedAt.getTime() + 5 * DAY) });
      }
      const a: Agreement = {
        _id: randomUUID(),
        caseId,
        what: `Aftale ${k}`,
        ownerId: coordinator.userId,
        ownerName: coordinator.name,
        dueDate: addDays(today, ((i + k) % 5 === 0 ? -1 : 1) * (5 + ((i * k) % 120))),
        followUpDate: addDays(today, 130),
        status,
        proposedBy: coordinator.userId,
        proposedByName: coordinator.name,
        createdAt: proposedAt,
        updatedAt: history.at(-1)?.at ?? proposedAt,
        history,
        version: 1 + history.length,
      };
      agreements.push(a);
      event('agreement.proposed', a.createdAt, coordinator, { agreementId: a._id, what: a.what, ownerId: a.ownerId, ownerName: a.ownerName, dueDate: a.dueDate, followUpDate: a.followUpDate });
      for (const step of a.history) event(`agreement.${step.to}`, step.at, members[1]!, { agreementId: a._id, what: a.what, from: step.from, to: step.to });
    }

    let previous: AssessmentRound['summary'];
    for (let n = 1; n <= 2; n++) {
      const roundId = randomUUID();
      const answers: AssessmentAnswer[] = members.slice(0, 3).map((m, k) => ({
        _id: `${roundId}|${m.userId}`,
        roundId,
        caseId,
        userId: m.userId,
        name: m.name,
        role: m.role,
        group: roleGroup(m.role),
        ratings: Object.fromEntries(ASSESSMENT_AREAS.map((area, j) => [area, WELLBEING_LEVELS[(i + n + k + j) % 3]!])) as AssessmentAnswer['ratings'],
        submittedAt: at(0.3 * n),
      }));
      const summary = summarizeRound(n, answers, previous);
      previous = summary;
      rounds.push({ _id: roundId, caseId, number: n, status: 'closed', openedBy: coordinator.userId, openedAt: at(0.3 * n), closedAt: at(0.3 * n + 0.01), closedBy: coordinator.userId, summary, version: 2 });
      event('assessment.closed', at(0.3 * n + 0.01), coordinator, { roundId, number: n, summary });
    }

    // Six cases in ten have had an early warning; half of those were followed by an accepted agreement.
    if (i % 10 < 6) {
      const raisedAt = at(0.5);
      const answered = i % 2 === 0;
      const key = `redObservation|${observations.at(-1)!._id}`;
      warnings.push({
        _id: `${caseId}:${randomUUID().replace(/-/g, '')}`,
        caseId,
        teamId: TEAM(i % LEADER_BENCH.teams),
        conversationId: cases.at(-1)!.conversation.conversationId,
        rule: 'redObservation',
        key,
        signal: { rule: 'redObservation', observationIds: [observations.at(-1)!._id] },
        inputs: [observations.at(-1)!._id],
        newInputs: [observations.at(-1)!._id],
        details: {},
        raisedAt,
        status: i % 5 === 0 ? 'dismissed' : 'open',
        actions: [],
        ...(answered ? { answered: { agreementId: agreements.at(-1)!._id, at: new Date(raisedAt.getTime() + (1 + (i % 9)) * DAY) }, timeToActionMs: (1 + (i % 9)) * DAY } : {}),
        deliveryState: 'sent',
        deliveryAttempts: 1,
        deliveryNextAt: raisedAt,
        version: 1,
      });
      event('earlyWarning.raised', raisedAt, { userId: 'samspil', name: 'Samspil' } as Member, { warningId: warnings.at(-1)!._id, rule: 'redObservation' }, 'professionals');
    }
    // Three meetings (issue #15): two in the past (one with an afbud and attendance, one with an answer
    // still pending), one ahead, which every fourth case has cancelled.
    const invitees = members.filter((m) => m.status === 'active' && m.role !== 'leader');
    for (let k = 0; k < LEADER_BENCH.meetingsPerCase; k++) {
      const startsAt = k < 2 ? at(0.4 + 0.4 * k) : new Date(now + (1 + (i % 20)) * DAY);
      const scheduledAt = k < 2 ? new Date(startsAt.getTime() - 10 * DAY) : at(0.9);
      const cancelled = k === 2 && i % 4 === 0;
      const noticeMinutes = (1 + ((i * 37) % 200)) * 60;
      const participants: MeetingParticipant[] = invitees.map((m, j) => {
        // The coordinator (j 0) comes; the health visitor cancels the first meeting; the parent has not answered the second.
        const answer: MeetingAnswer = k === 0 && j === 3 ? 'declined' : k === 1 && j === 1 ? 'pending' : 'accepted';
        return {
          userId: m.userId,
          aadObjectId: m.aadObjectId,
          name: m.name,
          role: m.role,
          answer,
          ...(answer === 'pending' ? {} : { answeredAt: scheduledAt, via: 'card' as const }),
          epoch: answer === 'declined' ? 2 : 1,
          ...(k === 0 ? { attendance: j < 2 ? ('present' as const) : ('absent' as const) } : {}),
        };
      });
      const meeting: Meeting = {
        _id: randomUUID(),
        caseId,
        startsAt,
        durationMinutes: 60,
        endsAt: new Date(startsAt.getTime() + 60 * 60_000),
        place: 'Mødelokale 1',
        teams: false,
        participants,
        agenda: [],
        status: cancelled ? 'cancelled' : 'scheduled',
        ...(cancelled ? { cancelled: { at: at(0.92), by: coordinator.userId, byName: coordinator.name, noticeMinutes: Math.round((startsAt.getTime() - at(0.92).getTime()) / 60_000) } } : {}),
        proposals: [],
        cancellations: participants.filter((p) => p.answer === 'declined').map((p) => ({ userId: p.userId, group: roleGroup(p.role), at: new Date(startsAt.getTime() - noticeMinutes * 60_000), noticeMinutes, via: 'card' as const })),
        revision: 1,
        scheduledAt,
        moves: [],
        ...(k === 0 ? { attendance: { source: 'coordinator' as const, at: new Date(startsAt.getTime() + 2 * 60 * 60_000), by: coordinator.userId, byName: coordinator.name } } : {}),
        scheduledBy: coordinator.userId,
        scheduledByName: coordinator.name,
        createdAt: scheduledAt,
        updatedAt: scheduledAt,
        version: 1,
      };
      meetings.push(meeting);
      const base = { meetingId: meeting._id, startsAt: startsAt.toISOString() };
      event('meeting.scheduled', scheduledAt, coordinator, { ...base, durationMinutes: 60, teams: false, place: meeting.place, participants: participants.length });
      for (const c of meeting.cancellations) event('meeting.answered', c.at, members.find((m) => m.userId === c.userId)!, { ...base, userId: c.userId, name: 'Bench', answer: 'declined', via: 'card', withReason: false, cancellation: true, noticeMinutes: c.noticeMinutes });
      if (meeting.attendance) event('meeting.attendance', meeting.attendance.at, coordinator, { ...base, source: 'coordinator', present: 2, absent: participants.length - 2 });
      if (meeting.cancelled) event('meeting.cancelled', meeting.cancelled.at, coordinator, { ...base, noticeMinutes: meeting.cancelled.noticeMinutes });
    }

    // Reads of the case fill its history to 100 events, as a busy case's would (timeline pages, minutes).
    while (drafts.length < LEADER_BENCH.eventsPerCase) event('reminder.snoozed', at(0.6 + drafts.length / 1000), coordinator, { agreementId: agreements.at(-1)!._id, what: 'Aftale', days: 1, until: at(0.61) });
    drafts.sort((x, y) => x.at.getTime() - y.at.getTime());
    if (closed) drafts.push({ key: `seed:${randomUUID()}`, caseId, at: at(0.95), actorId: coordinator.userId, actorName: coordinator.name, type: 'case.closed', visibility: 'all', data: { title: `Bench-sag ${i}` } } as unknown as EventDraft);
    const chained = chainDrafts(caseId, drafts);
    allEvents.push(...chained.events);
    heads.push(chained.head);
    eventCount += chained.events.length;
  }

  await insertAll(db, c.cases.collectionName, cases, 500);
  await insertAll(db, c.agreements.collectionName, agreements);
  await insertAll(db, c.assessmentRounds.collectionName, rounds);
  await insertAll(db, c.observations.collectionName, observations);
  await insertAll(db, c.earlyWarnings.collectionName, warnings);
  await insertAll(db, c.scheduledMeetings.collectionName, meetings);
  await insertAll(db, c.events.collectionName, allEvents);
  await insertAll(db, c.eventHeads.collectionName, heads);
  return { caseIds: cases.map((k) => k._id), events: eventCount };
}

/** Builds every case's facts with the app's own refresh, a few cases at a time. */
export async function buildFacts(db: Db, caseIds: string[], parallel = 4): Promise<number> {
  const core = createCore(db);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < caseIds.length) await core.leaderOverview.refreshCase(caseIds[next++]!);
    }),
  );
  return Date.now() - started;
}

export const scenario: Scenario = {
  name: 'leader-overview',
  description: `GET /tab/api/leader/overview for a unit of ${LEADER_BENCH.cases} cases in ${LEADER_BENCH.teams} teams with ${LEADER_BENCH.cases * LEADER_BENCH.eventsPerCase} events (one indexed query per team, aggregates, access log entries)`,
  target: 'app',
  maxRequests: { warmup: 5, requests: 60 },
  absolute: { p50Ms: 1000 },
  appEnv: { TAB_AUTH_MODE: 'dev', LEADER_UNITS: JSON.stringify([UNIT]), EARLY_WARNING_ENABLED: 'false' },
  async prepare({ baseUrl, db, runId }) {
    const seeded = await seedUnit(db, runId);
    const ms = await buildFacts(db, seeded.caseIds);
    console.log(`leader-overview: seeded ${seeded.caseIds.length} cases and ${seeded.events} events; facts built in ${(ms / 1000).toFixed(1)} s`);
    const headers = { Authorization: `Bearer ${devToken(LEADER_OID, 'Bench Leder')}` };
    const url = `${baseUrl}/tab/api/leader/overview`;
    return async () => {
      const response = await fetch(url, { headers });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`leader overview answered ${response.status}: ${text.slice(0, 200)}`);
      const body = JSON.parse(text) as { aggregates: { cases: { total: unknown }; meetings: { total: unknown } }; yourCases: unknown[] };
      if (typeof body.aggregates.cases.total !== 'number' || body.aggregates.cases.total < 900) throw new Error(`the overview counted ${String(body.aggregates.cases.total)} cases`);
      if (typeof body.aggregates.meetings.total !== 'number' || body.aggregates.meetings.total < 1000) throw new Error(`the overview counted ${String(body.aggregates.meetings.total)} meetings`);
      if (body.yourCases.length !== LEADER_BENCH.namedCases) throw new Error(`the overview named ${body.yourCases.length} cases`);
    };
  },
};
