import { ObjectId, type Filter } from 'mongodb';
import { openTestDatabase, type AnyDocument, type TestDatabase } from './dbHarness';

/**
 * Index use must never change results. These are MongoDB's equality rules at their edges
 * (arrays, dot notation through arrays, escaped characters, mixed types; FerretDB v1 has no nested arrays) on indexed fields, for
 * find, count, update and delete — the places where the patched FerretDB pushes a filter into SQL.
 */

let t: TestDatabase;
const SPECIAL = 'a<b>&"c\'\\d\n\té ø 😀 \u2028 $x.y';

const docs: AnyDocument[] = [
  { _id: 1, tag: 'a', nested: { key: 'k' } },
  { _id: 2, tag: ['x', 'a'], nested: [{ key: 'j' }, { key: 'k' }] },
  { _id: 3, tag: ['b', 'A'], nested: { key: ['k', 'z'] } },
  { _id: 4, tag: SPECIAL, nested: [{ key: ['k'] }] },
  { _id: 5, tag: { a: 'a' }, nested: { key: { k: 'k' } } },
  { _id: 6, nested: 'k' },
  { _id: 7, tag: null, nested: null },
  { _id: 8, tag: 1, nested: { key: 1 } },
  { _id: 9, tag: '1', nested: { other: 'k' } },
  { _id: 10, tag: 'A', nested: [{ key: 'K' }, { other: 'k' }] },
  { _id: SPECIAL, tag: 'special-id' },
  { _id: new ObjectId('0123456789abcdef01234567'), tag: 'object-id' },
  { _id: '0123456789abcdef01234568', tag: 'string-id' },
];

beforeAll(async () => {
  t = await openTestDatabase(__filename);
  const collection = t.db.collection<AnyDocument>('edges');
  await collection.createIndex({ tag: 1 }, { name: 'by_tag' });
  await collection.createIndex({ 'nested.key': 1 }, { name: 'by_nested_key' });
  await collection.insertMany(docs);
});
afterAll(async () => {
  await t?.close();
});

const ids = async (filter: Filter<AnyDocument>) =>
  (await t.db.collection<AnyDocument>('edges').find(filter).toArray()).map((doc) => (doc._id instanceof ObjectId ? `oid:${doc._id.toHexString()}` : doc._id)).sort();

test.each([
  ['string equality also matches arrays holding the string', { tag: 'a' }, [1, 2]],
  ['equality is exact: case, type', { tag: 'A' }, [3, 10]],
  ['a string is not a number', { tag: '1' }, [9]],
  ['escaped and non-ASCII characters', { tag: SPECIAL }, [4]],
  ['dot notation through arrays of documents and arrays of values', { 'nested.key': 'k' }, [1, 2, 3, 4]],
  ['_id with other fields', { _id: 2, tag: 'a' }, [2]],
  ['_id with other fields that do not match', { _id: 1, tag: 'x' }, []],
  ['string _id with escaped characters', { _id: SPECIAL }, [SPECIAL]],
  ['a string _id is not an ObjectId _id', { _id: '0123456789abcdef01234568', tag: 'object-id' }, []],
  ['ObjectId _id with another field', { _id: new ObjectId('0123456789abcdef01234567'), tag: 'object-id' }, ['oid:0123456789abcdef01234567']],
])('find: %s', async (_name, filter, expected) => {
  expect(await ids(filter)).toEqual([...expected].sort());
});

test('count, update and delete see the same documents as find', async () => {
  const collection = t.db.collection<AnyDocument>('edges');
  expect(await collection.countDocuments({ tag: 'a' })).toBe(2);
  expect(await collection.countDocuments({ 'nested.key': 'k' })).toBe(4);
  const updated = await collection.updateMany({ 'nested.key': 'k' }, { $set: { seen: true } });
  expect({ matched: updated.matchedCount, modified: updated.modifiedCount }).toEqual({ matched: 4, modified: 4 });
  expect(await ids({ seen: true })).toEqual([1, 2, 3, 4]);
  const found = await collection.findOneAndUpdate({ tag: 'a', _id: 2 }, { $set: { picked: true } }, { returnDocument: 'after' });
  expect(found?.picked).toBe(true);
  const deleted = await collection.deleteMany({ tag: 'a' });
  expect(deleted.deletedCount).toBe(2);
  expect(await ids({ 'nested.key': 'k' })).toEqual([3, 4]);
});
