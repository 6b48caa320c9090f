import type { Collection } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Case } from '../domain/case';

export class DuplicateKeyError extends Error {}

export class CaseRepository {
  constructor(private readonly collection: Collection<Case>) {}

  async insert(kase: Case): Promise<void> {
    try {
      await this.collection.insertOne(kase);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) throw new DuplicateKeyError(error.message);
      throw error;
    }
  }

  byId(id: string): Promise<Case | null> {
    return this.collection.findOne({ _id: id });
  }

  byConversation(conversationId: string): Promise<Case | null> {
    return this.collection.findOne({ 'conversation.conversationId': conversationId });
  }

  /** Only used to undo an insert whose audit entry could not be written. */
  async removeUnaudited(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }
}
