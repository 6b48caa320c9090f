import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Agreement, AgreementStatus } from '../../core/domain/agreement';
import type { AssessmentAnswer, AssessmentRound, AssessmentSummary } from '../../core/domain/assessment';
import { summarizeRound } from '../../core/domain/assessmentSummary';
import type { Case, Member } from '../../core/domain/case';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import { splitAccess } from '../../core/audit/accessLog';
import { linkEntries } from '../../core/audit/chainStore';
import type { EventDraft } from '../../core/audit/events';
import { chainDrafts } from '../../core/audit/eventStore';
import type { Observation } from '../../core/domain/observation';
import { roleGroup, type Role } from '../../core/domain/roles';
import { ASSESSMENT_AREAS, ICS_AREA_KEYS, WELLBEING_LEVELS } from '../../core/domain/scales';
import { collections, ensureIndexes } from '../../core/persistence/database';
import { MEETINGS_COLLECTION, type MeetingRecord } from '../../core/persistence/meetingRepository';
import { MINUTES_EVENT } from '../../core/services/overviewService';
import type { Scenario } from '../scenario';

export const LARGE_CASE = { events: 2000, agreements: 200, observations: 300, rounds: 4 };

/** The coordinator's development token (the bench runs the tab with TAB_AUTH_MODE=dev). */
export const devToken = (oid: string, name: string) => `dev.${Buffer.from(JSON.stringify({ oid, name, tid: 'bench' })).toString('base64url')}`;

export interface LargeCase {
  caseId: string;
  coordinator: { oid: string; name: string };
  parent: { oid: string; name: string };
}

/**
 * A large, realistic case written straight into the database: 10 members, 200 agreements in every
 * state (some overdue, each with its history), 300 observations (a quarter professionals-only),
 * 4 closed assessment rounds with summaries, three posted minutes, and 2,000 audit events in all.
 */
export async function seedLargeCase(db: Db, runId: string): Promise<LargeCase> {
  await ensureIndexes(db);
  const c = collections(db);
  const caseId = randomUUID();
  const day = 24 * 60 * 60 * 1000;
  const start = new Date(Date.now() - 400 * day);
  const at = (i: number, of: number) => new Date(start.getTime() + Math.floor(((Date.now() - start.getTime()) * i) / of));
  const roles: Role[] = ['caseworker', 'parent', 'parent', 'teacher', 'pedagogue', 'school_psychologist', 'health_visitor', 'doctor', 'network', 'child'];
  const members: Member[] = roles.map((role, i) => ({
    userId: `29:bench-${runId}-${i}`,
    aadObjectId: randomUUID(),
    name: `Bench ${role} ${i}`,
    role,
    status: 'active',
    addedBy: `29:bench-${runId}-0`,
    addedAt: start,
    consent: roleGroup(role) === 'family' || i === 0 ? { state: 'not_needed' } : { state: 'approved', by: `29:bench-${runId}-1`, byName: 'Bench parent 1', at: start },
  }));
  const coordinator = members[0]!;
  const kase: Case = {
    _id: caseId,
    title: `Bench stor sag ${runId}`,
    childRef: 'AB',
    status: 'open',
    coordinatorId: coordinator.userId,
    members,
    conversation: { conversationId: `19:bench-tab-${runId}-${caseId.slice(0, 8)}@thread.tacv2`, tenantId: 'bench', kind: 'channel' },
    createdAt: start,
    updatedAt: new Date(),
    version: 20,
  };
  await c.cases.insertOne(kase);

  const events: EventDraft[] = [];
  const reads: Array<Record<string, unknown> & { key: string }> = [];
  const event = (type: string, when: Date, actor: Member, data: Record<string, unknown>, visibility: EventDraft['visibility'] = 'all') =>
    events.push({ key: `seed:${randomUUID()}`, caseId, at: when, actorId: actor.userId, actorName: actor.name, type, visibility, data } as unknown as EventDraft);
  event('case.created', start, coordinator, { title: kase.title });
  for (const m of members.slice(1)) event('member.added', start, coordinator, { userId: m.userId, name: m.name, role: m.role, status: 'active' });

  const observations: Observation[] = Array.from({ length: LARGE_CASE.observations }, (_, i) => {
    const author = members[(i % 7) + 1]!;
    const professionalsOnly = i % 4 === 0 && roleGroup(author.role) === 'professional';
    return {
      _id: randomUUID(),
      caseId,
      authorId: author.userId,
      authorName: author.name,
      authorRole: author.role,
      area: ICS_AREA_KEYS[i % ICS_AREA_KEYS.length]!,
      level: WELLBEING_LEVELS[i % 3]!,
      text: `Observation ${i}: ${'Barnet deltog i frikvarteret og legede med to klassekammerater. '.repeat(2)}`,
      visibility: professionalsOnly ? 'professionals' : 'all',
      createdAt: at(i, LARGE_CASE.observations),
    };
  });
  await c.observations.insertMany(observations);
  for (const o of observations) event('observation.created', o.createdAt, members.find((m) => m.userId === o.authorId)!, { observationId: o._id, area: o.area, level: o.level, text: o.text }, o.visibility);

  const today = copenhagenDate(new Date());
  const statuses: AgreementStatus[] = [...Array(40).fill('proposed'), ...Array(80).fill('accepted'), ...Array(50).fill('done'), ...Array(20).fill('declined'), ...Array(10).fill('cancelled')];
  const agreements: Agreement[] = statuses.map((status, i) => {
    const created = at(i, LARGE_CASE.agreements);
    const owner = members[(i % 8) + 0]!;
    const guardian = members[1]!;
    const history: Agreement['history'] = [];
    if (status !== 'proposed') {
      const decided: AgreementStatus = status === 'declined' ? 'declined' : status === 'cancelled' ? 'cancelled' : 'accepted';
      history.push({ from: 'proposed', to: decided, by: guardian.userId, byName: guardian.name, at: new Date(created.getTime() + day), reason: decided === 'declined' ? 'Vi vil hellere prøve noget andet først' : undefined });
      if (status === 'done') history.push({ from: 'accepted', to: 'done', by: owner.userId, byName: owner.name, at: new Date(created.getTime() + 10 * day) });
    }
    return {
      _id: randomUUID(),
      caseId,
      what: `Aftale ${i}: ugentlig opfølgning mellem skole og hjem om trivsel og lektier`,
      ownerId: owner.userId,
      ownerName: owner.name,
      dueDate: addDays(today, (i % 5 === 0 ? -10 : 20) + (i % 30)),
      followUpDate: addDays(today, 40 + (i % 30)),
      status,
      proposedBy: coordinator.userId,
      proposedByName: coordinator.name,
      createdAt: created,
      updatedAt: history.at(-1)?.at ?? created,
      history,
      version: 1 + history.length,
    };
  });
  await c.agreements.insertMany(agreements);
  for (const a of agreements) {
    event('agreement.proposed', a.createdAt, coordinator, { agreementId: a._id, what: a.what, ownerId: a.ownerId, dueDate: a.dueDate });
    for (const step of a.history) event(`agreement.${step.to}`, step.at, members.find((m) => m.userId === step.by)!, { agreementId: a._id, what: a.what, from: step.from, to: step.to });
  }

  let previous: AssessmentSummary | undefined;
  for (let n = 1; n <= LARGE_CASE.rounds; n++) {
    const roundId = randomUUID();
    const answers: AssessmentAnswer[] = members.slice(0, 6).map((m, k) => ({
      _id: `${roundId}|${m.userId}`,
      roundId,
      caseId,
      userId: m.userId,
      name: m.name,
      role: m.role,
      group: roleGroup(m.role),
      ratings: Object.fromEntries(ASSESSMENT_AREAS.map((area, j) => [area, WELLBEING_LEVELS[(n + k + j) % 3]!])) as AssessmentAnswer['ratings'],
      submittedAt: at(n * 50, 250),
    }));
    const summary = summarizeRound(n, answers, previous);
    previous = summary;
    const round: AssessmentRound = { _id: roundId, caseId, number: n, status: 'closed', openedBy: coordinator.userId, openedAt: at(n * 50, 250), closedAt: at(n * 50 + 5, 250), closedBy: coordinator.userId, summary, version: 2 };
    await c.assessmentRounds.insertOne(round);
    await c.assessmentAnswers.insertMany(answers);
    event('assessment.closed', round.closedAt!, coordinator, { roundId, number: n, summary });
  }
  for (let k = 1; k <= 3; k++) {
    const when = at(k * 90, 400);
    const formId = randomUUID();
    await db.collection<MeetingRecord>(MEETINGS_COLLECTION).insertOne({ _id: formId, caseId, at: when, by: coordinator.userId, byName: coordinator.name, since: null, decisions: 10 });
    event(MINUTES_EVENT, when, coordinator, { formId, decisions: 10 });
  }
  // A busy case's access log: every read by a person is kept, apart from the history.
  for (let i = 0; events.length + reads.length < LARGE_CASE.events; i++) {
    const reader = members[i % members.length]!;
    reads.push({ key: `seed:${randomUUID()}`, at: at(i, 2000), actorId: reader.userId, actorName: reader.name, action: 'read', part: 'case', surface: 'bot' });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  const history = chainDrafts(caseId, events);
  await c.events.insertMany(history.events);
  await c.eventHeads.insertOne(history.head);
  const accessLog = linkEntries(caseId, reads, (e) => splitAccess(e as never), () => false);
  await c.accessLog.insertMany(accessLog.entries as never[]);
  await c.accessHeads.insertOne(accessLog.head);

  return { caseId, coordinator: { oid: coordinator.aadObjectId!, name: coordinator.name }, parent: { oid: members[1]!.aadObjectId!, name: members[1]!.name } };
}

/** The case overview API (what the tab's first view loads) on a large case, as a professional, who gets everything. */
export const scenario: Scenario = {
  name: 'tab-overview',
  description: `GET /tab/api/cases/:id/overview on a case with ${LARGE_CASE.events} events and ${LARGE_CASE.agreements} agreements (access check, 5 reads, audit insert, JSON)`,
  target: 'app',
  maxRequests: { warmup: 10, requests: 100 },
  budget: { baseline: ['raw-tab-overview'], maxRatio: 1.5 },
  // Issue #11: the tab overview on the embedded default, concurrency 8, 2 cores.
  absolute: { p50Ms: 100 },
  // Development tokens: the signature check of a real Entra token (RS256 with a cached key) is not part of this number.
  appEnv: { TAB_AUTH_MODE: 'dev' },
  async prepare({ baseUrl, db, runId }) {
    const seeded = await seedLargeCase(db, runId);
    const headers = { Authorization: `Bearer ${devToken(seeded.coordinator.oid, seeded.coordinator.name)}` };
    const url = `${baseUrl}/tab/api/cases/${seeded.caseId}/overview`;
    return async () => {
      const response = await fetch(url, { headers });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`overview answered ${response.status}: ${text.slice(0, 200)}`);
      const body = JSON.parse(text) as { agreements: unknown[]; observations: unknown[] };
      if (body.agreements.length !== LARGE_CASE.agreements || body.observations.length !== 50) throw new Error('the overview is missing agreements or observations');
    };
  },
};
