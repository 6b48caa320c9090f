import type { Collection } from 'mongodb';
import { insertOnce } from './writes';

export interface InboxEntry {
  _id: string;
  receivedAt: Date;
}

/**
 * Remembers which inbound activities were handled, so that a redelivered activity
 * (Teams retries, double clicks) changes nothing the second time.
 */
export class InboxRepository {
  constructor(private readonly collection: Collection<InboxEntry>) {}

  /** True the first time a key is seen; false for every repeat, also under concurrency. */
  claim(key: string): Promise<boolean> {
    return insertOnce(this.collection, { _id: key, receivedAt: new Date() });
  }

  /** Lets a failed handling be retried by the next delivery. */
  async release(key: string): Promise<void> {
    await this.collection.deleteOne({ _id: key });
  }
}
