import type { Document, Filter, Sort } from 'mongodb';
import { collections, ensureIndexes } from '../../core/persistence/database';
import { entryId } from '../../core/audit/chainStore';
import { openTestDatabase, planVerdict, type AnyDocument, type TestDatabase } from './dbHarness';

/**
 * Every query shape Samspil issues on a hot path (core/persistence/*.ts) must be answered
 * through an index, not by scanning the collection (issue #11). The indexes are the app's own
 * (ensureIndexes), so a changed index or query shows up here.
 *
 * Updates and deletes read through the same query path as find, so `find(filter).explain()`
 * stands for `updateOne(filter, …)` as well.
 */

let t: TestDatabase;
const CASES = 12;

beforeAll(async () => {
  t = await openTestDatabase(__filename);
  await ensureIndexes(t.db);
  const c = collections(t.db);
  const at = (n: number) => new Date(Date.UTC(2025, 0, 1 + n));
  for (let i = 0; i < CASES; i++) {
    const caseId = `case-${i}`;
    await t.db.collection<AnyDocument>(c.cases.collectionName).insertOne({ _id: caseId, version: 3, status: 'open', conversation: { conversationId: `conv-${i}` }, members: [{ userId: `user-${i}` }] });
    await t.db.collection<AnyDocument>(c.agreements.collectionName).insertMany(
      ['proposed', 'accepted', 'done'].map((status, k) => ({ _id: `${caseId}-agreement-${k}`, caseId, ownerId: `user-${i % 3}`, status, dueDate: `2025-02-0${k + 1}`, createdAt: at(k) })),
    );
    await t.db.collection<AnyDocument>(c.assessmentRounds.collectionName).insertMany([
      { _id: `${caseId}-round-1`, caseId, number: 1, status: 'closed' },
      { _id: `${caseId}-round-2`, caseId, number: 2, status: 'open' },
    ]);
    await t.db.collection<AnyDocument>(c.assessmentAnswers.collectionName).insertMany(
      [0, 1, 2].map((k) => ({ _id: `${caseId}-round-2|user-${k}`, roundId: `${caseId}-round-2`, userId: `user-${k}` })),
    );
    await t.db.collection<AnyDocument>(c.conversations.collectionName).insertMany([
      { _id: `personal-${i}`, userId: `user-${i}`, kind: 'personal', updatedAt: at(i) },
      { _id: `group-${i}`, userId: `user-${i}`, kind: 'groupChat', updatedAt: at(i + 1) },
    ]);
    await t.db.collection<AnyDocument>(c.observations.collectionName).insertMany(
      [0, 1, 2].map((k) => ({ _id: `${caseId}-observation-${k}`, caseId, visibility: k === 0 ? 'professionals' : 'all', createdAt: at(k) })),
    );
    await t.db.collection<AnyDocument>(c.events.collectionName).insertMany(
      [0, 1, 2].map((k) => ({ _id: entryId(caseId, k + 1), seq: k + 1, familySeq: k + 1, caseId, type: k === 0 ? 'case.created' : 'observation.added', visibility: 'all', at: at(k) })),
    );
    await t.db.collection<AnyDocument>(c.meetings.collectionName).insertOne({ _id: `${caseId}-meeting`, caseId, at: at(i) });
    // Scheduled meetings (docs/meetings.md): read by case for the meetings list, core.meetings.measures and the leader's facts.
    await t.db.collection<AnyDocument>(c.scheduledMeetings.collectionName).insertMany(
      [0, 1, 2].map((k) => ({ _id: `${caseId}-scheduled-${k}`, caseId, status: k === 2 ? 'cancelled' : 'scheduled', startsAt: at(i + k), participants: [{ userId: `user-${i}` }] })),
    );
    // The leader's overview (one facts document per case) and early warnings (docs/leader.md, docs/early-warning.md).
    await t.db.collection<AnyDocument>(c.leaderFacts.collectionName).insertOne({ _id: caseId, teamId: `team-${i % 3}`, conversationId: `conv-${i}`, seq: 1 });
    // Cards posted in the case's rooms, found again by what they show (bot/audience/publisher.ts).
    await t.db.collection<AnyDocument>(c.postedCards.collectionName).insertMany(
      [0, 1, 2, 3].map((k) => ({ _id: `${caseId}-card-${k}`, caseId, conversationId: `conv-${i}`, subject: k < 2 ? `agreement:${caseId}-agreement-${k}` : 'case:', postedAt: at(k) })),
    );
    await t.db.collection<AnyDocument>(c.earlyWarnings.collectionName).insertMany([0, 1].map((k) => ({ _id: `${caseId}:w${k}`, caseId, raisedAt: at(k), deliveryState: k === 0 ? 'pending' : 'sent', deliveryNextAt: at(i) })));
  }
});
afterAll(async () => {
  await t?.close();
});

interface Shape {
  name: string;
  collection: keyof ReturnType<typeof collections>;
  filter: Filter<AnyDocument>;
  sort?: Sort;
  limit?: number;
  /** How many documents the query must return on the seeded data. */
  expect: number;
  /** Explain the countDocuments() pipeline instead of find(). */
  count?: boolean;
  /** On the embedded FerretDB, the SQLite plan must search this index (where another one would scan more). */
  index?: string;
}

const shapes: Shape[] = [
  { name: 'case by {_id}', collection: 'cases', filter: { _id: 'case-3' }, limit: 1, expect: 1 },
  { name: 'case by {_id, version}', collection: 'cases', filter: { _id: 'case-3', version: 3 }, limit: 1, expect: 1 },
  { name: "case by {'conversation.conversationId'}", collection: 'cases', filter: { 'conversation.conversationId': 'conv-4' }, limit: 1, expect: 1 },
  { name: 'agreements by {caseId} sorted by createdAt', collection: 'agreements', filter: { caseId: 'case-2' }, sort: { createdAt: -1 }, limit: 50, expect: 3 },
  { name: 'agreements by {ownerId, status: {$in}} sorted by dueDate', collection: 'agreements', filter: { ownerId: 'user-1', status: { $in: ['proposed', 'accepted'] } }, sort: { dueDate: 1 }, limit: 200, expect: 8 },
  { name: "agreements by {status: 'accepted', dueDate: {$lte}} (reminders)", collection: 'agreements', filter: { status: 'accepted', dueDate: { $lte: '2025-02-28' } }, expect: CASES },
  { name: 'assessment answers by {roundId}', collection: 'assessmentAnswers', filter: { roundId: 'case-5-round-2' }, expect: 3 },
  { name: "assessment round by {caseId, status: 'open'}", collection: 'assessmentRounds', filter: { caseId: 'case-5', status: 'open' }, limit: 1, expect: 1 },
  { name: 'latest assessment round by {caseId} sorted by number', collection: 'assessmentRounds', filter: { caseId: 'case-5' }, sort: { number: -1 }, limit: 1, expect: 1 },
  { name: "closed assessment rounds by {caseId, status: 'closed'}", collection: 'assessmentRounds', filter: { caseId: 'case-5', status: 'closed' }, sort: { number: 1 }, limit: 100, expect: 1 },
  { name: "personal conversation by {userId, kind: 'personal'}", collection: 'conversations', filter: { userId: 'user-7', kind: 'personal' }, sort: { updatedAt: -1 }, limit: 1, expect: 1 },
  { name: "observations by {caseId, visibility: 'all'}", collection: 'observations', filter: { caseId: 'case-1', visibility: 'all' }, sort: { createdAt: -1 }, limit: 200, expect: 2 },
  { name: "countDocuments of observations by {caseId, visibility: 'all'}", collection: 'observations', filter: { caseId: 'case-1', visibility: 'all' }, count: true, expect: 2 },
  { name: 'timeline events by {caseId, type: {$nin}}', collection: 'events', filter: { caseId: 'case-8', type: { $nin: ['case.created'] } }, sort: { at: -1, _id: -1 }, limit: 10, expect: 2 },
  { name: 'last meeting by {caseId} sorted by at', collection: 'meetings', filter: { caseId: 'case-9' }, sort: { at: -1 }, limit: 1, expect: 1 },
  { name: "scheduled meetings by {caseId} sorted by startsAt (meetings list, measures, leader's facts)", collection: 'scheduledMeetings', filter: { caseId: 'case-6' }, sort: { startsAt: -1 }, limit: 200, expect: 3 },
  { name: "leader's overview: case facts by {teamId}", collection: 'leaderFacts', filter: { teamId: 'team-1' }, expect: CASES / 3 },
  { name: "leader's overview: case facts by {conversationId}", collection: 'leaderFacts', filter: { conversationId: 'conv-5' }, expect: 1 },
  { name: "a family timeline page that no window of positions holds: events by {caseId, visibility, familySeq range}", collection: 'events', filter: { caseId: 'case-8', visibility: 'all', familySeq: { $gt: 0, $lte: 2 } }, expect: 2 },
  { name: 'a timeline page: events by {_id: {$in}} (chain positions)', collection: 'events', filter: { _id: { $in: [entryId('case-8', 3), entryId('case-8', 2), entryId('case-8', 10)] } }, expect: 2 },
  { name: 'observations an early warning names: {_id: {$in}, caseId}', collection: 'observations', filter: { _id: { $in: ['case-1-observation-0', 'case-1-observation-2', 'case-2-observation-0'] }, caseId: 'case-1' }, expect: 2 },
  { name: 'early warnings by {caseId} sorted by raisedAt', collection: 'earlyWarnings', filter: { caseId: 'case-4' }, sort: { raisedAt: -1 }, limit: 500, expect: 2 },
  { name: "early-warning cards due: {deliveryState: 'pending', deliveryNextAt: {$lte}}", collection: 'earlyWarnings', filter: { deliveryState: 'pending', deliveryNextAt: { $lte: new Date(Date.UTC(2025, 0, 3)) } }, limit: 500, expect: 3 },
  { name: 'posted cards of one agreement by {subject} sorted by postedAt', collection: 'postedCards', filter: { subject: 'agreement:case-3-agreement-1' }, sort: { postedAt: -1 }, limit: 100, expect: 1, index: 'postedCards_by_subject' },
  { name: "posted cards of the case by {caseId, subject: 'case:'} sorted by postedAt", collection: 'postedCards', filter: { caseId: 'case-3', subject: 'case:' }, sort: { postedAt: -1 }, limit: 100, expect: 2 },
];

test.each(shapes)('$name uses an index', async (shape) => {
  const collection = t.db.collection<AnyDocument>(collections(t.db)[shape.collection].collectionName);
  let explain: Document;
  let found: number;
  if (shape.count) {
    const pipeline = [{ $match: shape.filter }, { $group: { _id: 1, n: { $sum: 1 } } }];
    explain = await collection.aggregate(pipeline).explain();
    found = await collection.countDocuments(shape.filter);
  } else {
    const cursor = () => {
      let c = collection.find(shape.filter);
      if (shape.sort) c = c.sort(shape.sort);
      if (shape.limit) c = c.limit(shape.limit);
      return c;
    };
    explain = await cursor().explain();
    found = (await cursor().toArray()).length;
  }
  const verdict = planVerdict(explain);
  if (shape.index && verdict.engine === 'ferretdb-sqlite') expect(verdict.summary).toContain(shape.index);
  expect({ query: shape.name, found, indexed: verdict.indexed, plan: verdict.summary }).toEqual({
    query: shape.name,
    found: shape.expect,
    indexed: true,
    plan: verdict.summary,
  });
});
