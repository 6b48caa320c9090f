import type { CaseFacts } from '../../core/domain/leaderOverview';
import { collections, ensureIndexes } from '../../core/persistence/database';
import { LeaderFactsRepository } from '../../core/persistence/leaderFactsRepository';
import { openTestDatabase, type TestDatabase } from '../db/dbHarness';

/**
 * A case's facts are stored only if no newer ones are (another instance refreshed the case after a
 * later change), whether the writer expected to store the first facts of the case or not.
 */

let t: TestDatabase;
let repo: LeaderFactsRepository;
beforeAll(async () => {
  t = await openTestDatabase(__filename);
  await ensureIndexes(t.db);
  const c = collections(t.db);
  repo = new LeaderFactsRepository(c.leaderFacts, c.eventHeads, c.events);
});
afterAll(async () => {
  await t?.close();
});

const at = new Date('2026-03-02T09:00:00Z');
const facts = (caseId: string, seq: number, title: string): CaseFacts => ({
  _id: caseId,
  teamId: null,
  conversationId: `19:${title}@thread.v2`,
  status: 'open',
  createdAt: at,
  closedAt: null,
  lastActivityAt: at,
  seq,
  agreements: [],
  rounds: [],
  warnings: [],
  pendingConsent: [],
  memberIds: [],
  meetings: [],
  refreshedAt: at,
});

test.each([false, true])('expecting new facts: %s – first facts are stored, older ones never replace newer ones', async (expectNew) => {
  const caseId = `facts-case-${expectNew}`;
  expect(await repo.save(facts(caseId, 1, 'first'), { expectNew })).toBe(true);
  expect((await repo.byId(caseId))?.conversationId).toBe('19:first@thread.v2');
  // Another writer, which read no facts either, comes later with older ones: the newer stay.
  expect(await repo.save(facts(caseId, 3, 'newer'), { expectNew: false })).toBe(true);
  expect(await repo.save(facts(caseId, 2, 'older'), { expectNew })).toBe(false);
  expect((await repo.byId(caseId))?.conversationId).toBe('19:newer@thread.v2');
  // Facts at a later position replace them, even from a writer that expected none.
  expect(await repo.save(facts(caseId, 4, 'latest'), { expectNew })).toBe(true);
  expect((await repo.byId(caseId))?.conversationId).toBe('19:latest@thread.v2');
});
