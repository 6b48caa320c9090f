import type { Collection } from 'mongodb';
import { isDuplicateKey } from './writes';
import type { Case } from '../domain/case';

export class DuplicateKeyError extends Error {}

export class CaseRepository {
  constructor(private readonly collection: Collection<Case>) {}

  async insert(kase: Case): Promise<void> {
    try {
      await this.collection.insertOne(kase);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError((error as Error).message);
      throw error;
    }
  }

  byId(id: string): Promise<Case | null> {
    return this.collection.findOne({ _id: id });
  }

  byConversation(conversationId: string): Promise<Case | null> {
    return this.collection.findOne({ 'conversation.conversationId': conversationId });
  }

  /** Cases a person belongs to (any status); callers filter by what they may see. */
  byMember(userIds: string[], aadObjectId?: string): Promise<Case[]> {
    const or: Array<Record<string, unknown>> = [{ 'members.userId': { $in: userIds } }];
    if (aadObjectId) or.push({ 'members.aadObjectId': aadObjectId });
    return this.collection.find({ $or: or }).sort({ updatedAt: -1 }).limit(200).toArray();
  }

  /**
   * Replaces the member list if nobody changed the case since it was read (optimistic
   * concurrency on `version`). Returns false on a lost race; the caller re-reads and retries.
   * A conditional update is atomic per document on MongoDB, Cosmos DB (vCore) and our patched
   * FerretDB alike (docs/database.md; test/db proves it for the backend in use).
   */
  async replaceMembers(kase: Case, members: Case['members'], at: Date): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: kase._id, version: kase.version }, { $set: { members, updatedAt: at }, $inc: { version: 1 } });
    return result.modifiedCount === 1;
  }

  async setStatus(kase: Case, status: Case['status'], at: Date): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: kase._id, version: kase.version }, { $set: { status, updatedAt: at }, $inc: { version: 1 } });
    return result.modifiedCount === 1;
  }

  /** Only used to undo an insert whose audit entry could not be written. */
  async removeUnaudited(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }
}
