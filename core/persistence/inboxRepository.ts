import type { Collection } from 'mongodb';
import { insertOnce } from './writes';

/** What a handled activity answered, in words, so that a redelivery can answer the same. */
export interface DeliveryOutcome {
  key: string;
  params: Record<string, string | number>;
}

export interface InboxEntry {
  _id: string;
  receivedAt: Date;
  outcome?: DeliveryOutcome[];
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

  async recordOutcome(key: string, outcome: DeliveryOutcome[]): Promise<void> {
    await this.collection.updateOne({ _id: key }, { $set: { outcome } });
  }

  async outcomeOf(key: string): Promise<DeliveryOutcome[] | undefined> {
    return (await this.collection.findOne({ _id: key }, { projection: { outcome: 1 } }))?.outcome;
  }
}
