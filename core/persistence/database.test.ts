import { openTestDatabase, type TestDatabase } from '../../test/db/dbHarness';
import { runOnce } from './database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase(__filename);
});
afterAll(async () => {
  await t?.close();
});

test('a one-off migration runs at the first start only; one that failed runs again at the next', async () => {
  let runs = 0;
  const migrate = async () => {
    runs += 1;
  };
  expect(await runOnce(t.db, 'example', migrate)).toBe(true);
  expect(await runOnce(t.db, 'example', migrate)).toBe(false);
  expect(runs).toBe(1);

  const failing = async () => {
    throw new Error('database went away');
  };
  await expect(runOnce(t.db, 'other', failing)).rejects.toThrow('database went away');
  expect(await runOnce(t.db, 'other', migrate)).toBe(true);
  expect(runs).toBe(2);
});
