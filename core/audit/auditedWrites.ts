import { randomUUID } from 'node:crypto';
import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';
import { insertOnce, withUpsertRetry } from '../persistence/writes';
import type { EventDraft } from './events';
import type { EventStore } from './eventStore';

/**
 * The one path every state change takes, so that a change and its event are never one without the
 * other, without multi-document transactions (docs/audit.md):
 *
 * 1. The change and its event draft are written in ONE atomic single-document write: the draft
 *    goes into the changed document's outbox (`pendingEvents`, flagged `outbox: 'pending'`).
 * 2. The draft is appended to the case's hash chain, once per key (a retry appends nothing new).
 * 3. The outbox is emptied, if no other write added to it meanwhile (each write stamps the outbox
 *    with a new token, and the emptying is conditional on the token it read): a later writer's
 *    flush then appends both its drafts and ours (once per key).
 *
 * A crash after 1 leaves the draft in the outbox: `repair()` (at start-up, and every few minutes)
 * and any later write to the same document complete it. So no event exists without its change,
 * and no change stays without its event.
 */
export interface Outboxed {
  outbox?: 'pending';
  /** Changes with each write into the outbox; emptying it is conditional on the token read. */
  outboxToken?: string;
  pendingEvents?: EventDraft[];
}

export class AuditedWrites {
  private readonly registered: Array<Collection<Document>> = [];

  constructor(private readonly events: EventStore) {}

  /** Collections whose documents carry an outbox; `repair` looks through them. */
  register(...collections: Array<Collection<Document>>): void {
    this.registered.push(...collections);
  }

  /** Inserts a document with its events. False when it existed already (its pending events are completed). */
  async insert<T extends Document & { _id: string }>(collection: Collection<T>, doc: T, drafts: EventDraft[]): Promise<boolean> {
    const inserted = await insertOnce(collection, { ...doc, outbox: 'pending', outboxToken: randomUUID(), pendingEvents: drafts } as never);
    // The outbox is read back rather than taken from memory: events are hashed as stored (BSON has
    // no `undefined`), so a draft must make the round trip before it is chained.
    await this.flush(collection, doc._id);
    return inserted;
  }

  /**
   * A conditional update with its events. False when the filter no longer matched (someone else
   * changed it). With `upsert`, a missing document is created (upsertById).
   */
  async update<T extends Document & { _id: string }>(
    collection: Collection<T>,
    filter: Filter<T> & { _id: string },
    update: UpdateFilter<T>,
    drafts: EventDraft[],
    options: { upsert?: boolean } = {},
  ): Promise<boolean> {
    const withOutbox = {
      ...update,
      $set: { ...(update.$set ?? {}), outbox: 'pending', outboxToken: randomUUID() },
      $push: { ...(update.$push ?? {}), pendingEvents: { $each: drafts } },
    } as unknown as UpdateFilter<T>;
    // The write returns the document as stored (one round trip instead of a write and a read);
    // FerretDB v1 has no projection for findAndModify, so it comes whole.
    const stored = await withUpsertRetry(options.upsert === true, (upsert) => collection.findOneAndUpdate(filter, withOutbox, { upsert, returnDocument: 'after' }));
    if (!stored) return false;
    await this.complete(collection, filter._id, stored as Outboxed);
    return true;
  }

  /** Appends a document's pending events, in the order they were written, and empties its outbox. */
  async flush<T extends Document>(collection: Collection<T>, id: string): Promise<number> {
    const doc = (await collection.findOne({ _id: id } as Filter<T>, { projection: { pendingEvents: 1, outboxToken: 1 } })) as Outboxed | null;
    return this.complete(collection, id, doc);
  }

  /** `flush` for a document already read as stored. */
  private async complete<T extends Document>(collection: Collection<T>, id: string, doc: Outboxed | null): Promise<number> {
    const drafts = doc?.pendingEvents ?? [];
    for (const draft of drafts) await this.events.append(draft);
    if (doc?.outboxToken) {
      await collection.updateOne({ _id: id, outboxToken: doc.outboxToken } as unknown as Filter<T>, { $unset: { outbox: '', outboxToken: '', pendingEvents: '' } } as unknown as UpdateFilter<T>);
    }
    return drafts.length;
  }

  /** Completes every outbox left behind by a crash. Returns how many events it appended. */
  async repair(): Promise<number> {
    let appended = 0;
    for (const collection of this.registered) {
      for (const doc of await collection.find({ outbox: 'pending' }, { projection: { _id: 1 } }).toArray()) {
        appended += await this.flush(collection, doc._id as unknown as string);
      }
    }
    return appended;
  }
}

