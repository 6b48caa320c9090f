import { MongoServerError, type Collection, type Document, type Filter, type OptionalUnlessRequiredId, type UpdateFilter, type UpdateResult } from 'mongodb';

export const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === 11000;

/**
 * Inserts unless a document with the same unique key exists. A unique insert is the one write
 * that is atomic on every backend we support, so it is how we decide who was first.
 */
export async function insertOnce<T extends Document>(collection: Collection<T>, doc: OptionalUnlessRequiredId<T>): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * Runs a write as an upsert (or not, with `upsert` false). Two first writers can both try to insert
 * (FerretDB v1 does not serialize upserts); the loser's write is retried as a plain update.
 */
export async function withUpsertRetry<R>(upsert: boolean, write: (upsert: boolean) => Promise<R>): Promise<R> {
  try {
    return await write(upsert);
  } catch (error) {
    if (!upsert || !isDuplicateKey(error)) throw error;
    return write(false);
  }
}

/** An upsert by `_id` (withUpsertRetry). */
export function upsertById<T extends Document>(collection: Collection<T>, filter: Filter<T>, update: UpdateFilter<T>): Promise<UpdateResult<T>> {
  return withUpsertRetry(true, (upsert) => collection.updateOne(filter, update, { upsert }));
}
