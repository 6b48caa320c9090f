import fc from 'fast-check';
import { createCoreWithInternals } from '../../core';
import { draft, type CaseEvent } from '../../core/audit/events';
import { chainDrafts, type EventStore } from '../../core/audit/eventStore';
import { collections, ensureIndexes } from '../../core/persistence/database';
import { openTestDatabase, type TestDatabase } from '../db/dbHarness';

/**
 * The timeline's pages, read from the database as the `tidslinje` command and the tab read them: the
 * family's view skips professionals-only events wherever they fall in the history, and every page,
 * in either view, holds the right events newest first, whatever the mix (issue #11: the family's page is
 * read from a window of positions guessed from the share of family-visible events, moved when it misses).
 */

let t: TestDatabase;
let events: EventStore;
beforeAll(async () => {
  t = await openTestDatabase(__filename);
  await ensureIndexes(t.db);
  events = createCoreWithInternals(t.db).internals.events;
});
afterAll(async () => {
  await t?.close();
});

const actor = { userId: '29:tester', name: 'Test Person' };
let cases = 0;

async function history(visibilities: ReadonlyArray<'all' | 'professionals'>): Promise<{ caseId: string; written: CaseEvent[] }> {
  const caseId = `timeline-case-${++cases}`;
  const written: CaseEvent[] = [];
  for (const [i, visibility] of visibilities.entries()) {
    written.push(await events.append(draft('observation.created', { observationId: `o${i}`, area: 'child_school', level: 'green', text: 'Glad i dag' }, { key: `${caseId}:${i}`, caseId, at: new Date(Date.UTC(2026, 0, 1, 0, i)), actor, visibility })));
  }
  return { caseId, written };
}

/** Any order of family-visible and professionals-only events, including long runs of either. */
const mixes = fc
  .array(fc.tuple(fc.constantFrom('all' as const, 'professionals' as const), fc.integer({ min: 1, max: 20 })), { maxLength: 8 })
  .map((runs) => runs.flatMap(([visibility, n]) => Array.from({ length: n }, () => visibility)).slice(0, 70));

const keys = (list: readonly CaseEvent[]) => list.map((e) => e.key);

test('every page of both views holds the right events, newest first', async () => {
  await fc.assert(
    fc.asyncProperty(mixes, fc.integer({ min: 1, max: 7 }), async (visibilities, size) => {
      const { caseId, written } = await history(visibilities);
      const newestFirst = [...written].reverse();
      for (const [view, expected] of [
        ['professional', newestFirst],
        ['family', newestFirst.filter((e) => e.visibility === 'all')],
      ] as const) {
        const pages = Math.max(1, Math.ceil(expected.length / size));
        for (let page = 1; page <= pages; page++) {
          const got = await events.page(caseId, view, page, size);
          expect({ view, page, total: got.total, pages: got.pages, keys: keys(got.events) }).toEqual({ view, page, total: expected.length, pages, keys: keys(expected.slice((page - 1) * size, page * size)) });
        }
        // A page past the end shows the last one.
        expect(keys((await events.page(caseId, view, pages + 3, size)).events)).toEqual(keys(expected.slice((pages - 1) * size, pages * size)));
      }
    }),
    { numRuns: 30 },
  );
});

test("the family's page never shows a professionals-only event, even one between two of its own", async () => {
  const { caseId } = await history(['all', 'professionals', 'professionals', 'all', 'professionals', 'all']);
  const page = await events.page(caseId, 'family', 1, 2);
  expect(page.events.map((e) => [e.visibility, e.familySeq])).toEqual([
    ['all', 3],
    ['all', 2],
  ]);
  expect((await events.page(caseId, 'family', 2, 2)).events.map((e) => e.familySeq)).toEqual([1]);
});

test("a family page spread over more of the history than one read takes still comes out whole", async () => {
  // Ten family-visible events, each after 150 professionals-only ones: no window of positions holds the page.
  const caseId = `timeline-case-${++cases}`;
  const visibilities = Array.from({ length: 1510 }, (_, i) => (i % 151 === 150 ? ('all' as const) : ('professionals' as const)));
  const drafts = visibilities.map((visibility, i) => draft('observation.created', { observationId: `o${i}`, area: 'child_school', level: 'green', text: 'Glad i dag' }, { key: `${caseId}:${i}`, caseId, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), actor, visibility }));
  const { events: chain, head } = chainDrafts(caseId, drafts);
  await collections(t.db).events.insertMany(chain);
  await collections(t.db).eventHeads.insertOne(head);
  const page = await events.page(caseId, 'family', 1, 10);
  expect(page.total).toBe(10);
  expect(page.events.map((e) => e.familySeq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  expect(page.events.every((e) => e.visibility === 'all')).toBe(true);
});

test('a page read a moment ago shows an event appended since', async () => {
  const { caseId } = await history(['all', 'professionals', 'all']);
  const appendOne = (i: number, visibility: 'all' | 'professionals') =>
    events.append(draft('observation.created', { observationId: `late${i}`, area: 'child_school', level: 'red', text: 'Ny bekymring' }, { key: `${caseId}:late${i}`, caseId, at: new Date(), actor, visibility }));
  for (const view of ['family', 'professional'] as const) await events.page(caseId, view, 1, 10);
  await appendOne(1, 'all');
  expect((await events.page(caseId, 'family', 1, 10)).events[0]?.key).toBe(`${caseId}:late1`);
  await appendOne(2, 'professionals');
  expect((await events.page(caseId, 'professional', 1, 10)).events[0]?.key).toBe(`${caseId}:late2`);
  expect((await events.page(caseId, 'family', 1, 10)).events[0]?.key).toBe(`${caseId}:late1`);
});
