import fc from 'fast-check';
import { Long, ObjectId, type Filter, type Sort } from 'mongodb';
import { openTestDatabase, type AnyDocument, type TestDatabase } from './dbHarness';

/**
 * Sorting and range filters return what MongoDB returns. The patched FerretDB sorts by top-level
 * fields in SQLite and pushes $gt/$gte/$lt/$lte into SQL (docs/database.md); the app relies on
 * both for "newest first, at most N" lists and "since" queries. The reference below is MongoDB's
 * BSON comparison order for the value types the app stores.
 */

let t: TestDatabase;

type Scalar = null | undefined | number | string | boolean | Date | ObjectId;

/** MongoDB's type brackets: missing and null, numbers, strings, ObjectIds, booleans, dates. */
function bracket(v: Scalar): number {
  if (v === null || v === undefined) return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (v instanceof ObjectId) return 4;
  if (typeof v === 'boolean') return 5;
  return 6;
}

function compare(a: Scalar, b: Scalar): number {
  const byBracket = bracket(a) - bracket(b);
  if (byBracket !== 0) return byBracket;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // MongoDB compares strings by their UTF-8 bytes, not by UTF-16 code units as JavaScript does.
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (a instanceof ObjectId && b instanceof ObjectId) return a.toHexString() < b.toHexString() ? -1 : a.toHexString() > b.toHexString() ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return 0;
}

const STRINGS = ['', 'a', 'A', 'ab', 'b', 'z', 'æble', 'Ø', 'åh', 'é', 'e\u0301', '10', '9', '😀', '\uffff', 'a b'];
const scalar = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -50, max: 50 }),
  fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...STRINGS),
  fc.boolean(),
  fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((bytes) => new ObjectId(Buffer.from(bytes))),
);

const docs: AnyDocument[] = fc.sample(fc.tuple(scalar, scalar, fc.integer({ min: 0, max: 2 })), { numRuns: 240, seed: 11 }).map(([a, b, g], i) => {
  const doc: AnyDocument = { _id: i, g: `g${g}` };
  if (a !== undefined) doc.a = a;
  if (b !== undefined) doc.b = b;
  return doc;
});

beforeAll(async () => {
  t = await openTestDatabase(__filename);
  const collection = t.db.collection<AnyDocument>('values');
  await collection.createIndex({ g: 1 }, { name: 'by_g' });
  await collection.insertMany(docs);
  // Arrays and objects sort by rules SQL cannot follow; a collection that holds them must still sort right.
  const mixed = t.db.collection<AnyDocument>('withArrays');
  await mixed.insertMany([
    { _id: 1, a: [5, 1] },
    { _id: 2, a: 3 },
    { _id: 3, a: { x: 1 } },
    { _id: 4, a: 'x' },
    { _id: 5 },
  ]);
});
afterAll(async () => {
  await t?.close();
});

const values = (found: AnyDocument[], fields: string[]) => found.map((doc) => fields.map((field) => doc[field] as Scalar));
const sameKeys = (x: Scalar[][], y: Scalar[][]) => x.length === y.length && x.every((row, i) => row.every((v, j) => compare(v, y[i]![j]!) === 0));

test('sort on one or two top-level fields, with and without a limit and a filter, orders as MongoDB does', async () => {
  const collection = t.db.collection<AnyDocument>('values');
  const field = fc.constantFrom('a', 'b');
  const direction = fc.constantFrom(1 as const, -1 as const);
  const sortSpec = fc.oneof(
    fc.tuple(field, direction).map(([f, d]) => [[f, d]] as Array<[string, 1 | -1]>),
    fc.tuple(direction, direction).map(([d1, d2]) => [['a', d1], ['b', d2]] as Array<[string, 1 | -1]>),
  );
  await fc.assert(
    fc.asyncProperty(sortSpec, fc.constantFrom(0, 1, 5, 50), fc.constantFrom(undefined, 'g0', 'g2'), async (spec, limit, group) => {
      const filter: Filter<AnyDocument> = group ? { g: group } : {};
      let cursor = collection.find(filter).sort(Object.fromEntries(spec) as Sort);
      if (limit) cursor = cursor.limit(limit);
      const found = await cursor.toArray();
      const expected = docs
        .filter((doc) => !group || doc.g === group)
        .sort((x, y) => {
          for (const [f, d] of spec) {
            const c = compare(x[f] as Scalar, y[f] as Scalar);
            if (c !== 0) return d * c;
          }
          return 0;
        })
        .slice(0, limit || undefined);
      const fields = spec.map(([f]) => f);
      expect(sameKeys(values(found, fields), values(expected, fields))).toBe(true);
    }),
    { numRuns: 60, seed: 7 },
  );
});

test('$gt, $gte, $lt and $lte on numbers, strings and dates match as MongoDB does (only values of the same type)', async () => {
  const collection = t.db.collection<AnyDocument>('values');
  const operand = fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...STRINGS), fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }));
  const op = fc.constantFrom('$gt', '$gte', '$lt', '$lte');
  const holds = { $gt: (c: number) => c > 0, $gte: (c: number) => c >= 0, $lt: (c: number) => c < 0, $lte: (c: number) => c <= 0 };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('a', 'b'), op, operand, op, operand, async (field, op1, v1, op2, v2) => {
      // The same operator twice is one key: the later operand wins, in the query and in the reference.
      const bounds = { [op1]: v1, [op2]: v2 } as Record<keyof typeof holds, Scalar>;
      const found = await collection.find({ [field]: bounds }).toArray();
      const matches = (v: Scalar, o: keyof typeof holds, x: Scalar) => v !== null && v !== undefined && bracket(v) === bracket(x) && holds[o](compare(v, x));
      const expected = docs.filter((doc) => Object.entries(bounds).every(([o, x]) => matches(doc[field] as Scalar, o as keyof typeof holds, x)));
      expect(found.map((d) => d._id).sort()).toEqual(expected.map((d) => d._id).sort());
    }),
    { numRuns: 80, seed: 3 },
  );
});

test('arrays sort by their smallest element ascending and their largest descending, and match a range by any element', async () => {
  const collection = t.db.collection<AnyDocument>('withArrays');
  const ids = async (sort: Sort, filter: Filter<AnyDocument> = {}) => (await collection.find(filter).sort(sort).toArray()).map((d) => d._id);
  expect(await ids({ a: 1 })).toEqual([5, 1, 2, 4, 3]);
  expect(await ids({ a: -1 })).toEqual([3, 4, 1, 2, 5]);
  expect(await ids({ a: 1 }, { a: { $lt: 2 } })).toEqual([1]);
  expect(await ids({ a: -1 }, { a: { $gte: 4 } })).toEqual([1]);
});

test('longs beyond 2^53 sort by their exact value among other numbers, in both directions', async () => {
  const collection = t.db.collection<AnyDocument>('bigLongs');
  // Stored out of order, so that the order they were written in is not the answer.
  await collection.insertMany([
    { _id: 1, a: Long.fromString('9007199254740995') },
    { _id: 2, a: 5 },
    { _id: 3, a: Long.fromString('9007199254740993') },
    { _id: 4, a: -1 },
    { _id: 5, a: 9007199254740994 },
  ]);
  const ids = async (sort: Sort) => (await collection.find({}).sort(sort).toArray()).map((d) => d._id);
  expect(await ids({ a: 1 })).toEqual([4, 2, 3, 5, 1]);
  expect(await ids({ a: -1 })).toEqual([1, 5, 3, 2, 4]);
});
