import type { Collection } from 'mongodb';
import type { PostSpec } from './postedCardRepository';
import { insertOnce } from './writes';

/**
 * A post into a case's room that Teams did not take (the change behind it is saved): it is drawn
 * again from the current data and sent when Teams answers again.
 */
export interface PendingPost {
  _id: string;
  caseId: string;
  spec: PostSpec;
  locale: 'da' | 'en';
  createdAt: Date;
  attempts: number;
  nextAt: Date;
  lastError?: string;
}

export class PendingPostRepository {
  constructor(private readonly collection: Collection<PendingPost>) {}

  async add(post: PendingPost): Promise<void> {
    await insertOnce(this.collection, post);
  }

  due(now: Date, limit: number): Promise<PendingPost[]> {
    return this.collection.find({ nextAt: { $lte: now } }).sort({ nextAt: 1 }).limit(limit).toArray();
  }

  async done(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }

  async failed(id: string, attempts: number, nextAt: Date, error: string): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { attempts, nextAt, lastError: error } });
  }

  count(): Promise<number> {
    return this.collection.countDocuments({});
  }
}
