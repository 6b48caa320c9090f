import { randomUUID } from 'node:crypto';
import { testDatabaseName, testMongoUri } from '../../test/harness/testApp';
import { collections, connectDatabase, type Database } from '../persistence/database';
import { EventBus } from './bus';
import { draft } from './events';
import { EventStore } from './eventStore';

/**
 * Each process remembers where its last append left a case's chain and starts the next one there.
 * Two instances appending to one case make each other's memory stale all the time: every append
 * must still land once, at the next position, linked to the one before.
 */
let database: Database;

beforeAll(async () => {
  database = await connectDatabase(testMongoUri(), testDatabaseName(__filename));
});
afterAll(async () => {
  await database.db.dropDatabase();
  await database.close();
});

const observed = (caseId: string, n: number, by: string) =>
  draft('observation.created', { observationId: `obs-${by}-${n}`, area: 'child_school', level: 'green', text: `observation ${n}` }, { key: `test:${by}:${n}`, caseId, at: new Date(), actor: { userId: by, name: by } });

test('two instances appending to one case, in turns and at once, leave one unbroken chain with every change once', async () => {
  const c = collections(database.db);
  const instances = [new EventStore(c.events, c.eventHeads, new EventBus()), new EventStore(c.events, c.eventHeads, new EventBus())];
  const caseId = randomUUID();

  // In turns: each instance's remembered end is one behind at every append.
  for (let n = 0; n < 10; n++) for (const [i, store] of instances.entries()) await store.append(observed(caseId, n, `instance-${i}`));
  // At once.
  await Promise.all(instances.flatMap((store, i) => Array.from({ length: 10 }, (_, n) => store.append(observed(caseId, 100 + n, `instance-${i}`)))));
  // The same change again, from the other instance: not appended twice.
  const again = await instances[1]!.append(observed(caseId, 0, 'instance-0'));
  expect(again.seq).toBe(1);

  const all = await instances[0]!.all(caseId);
  expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  expect(new Set(all.map((e) => e.key)).size).toBe(40);
  expect(await instances[0]!.verify(caseId)).toMatchObject({ ok: true, entries: 40 });
  expect(await instances[1]!.position(caseId)).toBe(40);
});
