import type { Collection } from 'mongodb';
import { isDuplicateKey } from './writes';
import type { Case } from '../domain/case';
import type { VersionGate } from './versionGate';

export class DuplicateKeyError extends Error {}

export class CaseRepository {
  constructor(
    private readonly collection: Collection<Case>,
    private readonly gate: VersionGate,
  ) {}

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
   * The gate's claim makes this the only writer of the next version, so the update itself
   * filters on `_id` alone: the one filter FerretDB v1 (SQLite) answers without a full scan.
   */
  async replaceMembers(kase: Case, members: Case['members'], at: Date): Promise<boolean> {
    if (!(await this.gate.claim('case', kase._id, kase.version))) return false;
    const result = await this.collection.updateOne({ _id: kase._id }, { $set: { members, updatedAt: at }, $inc: { version: 1 } });
    return result.modifiedCount === 1;
  }

  async setStatus(kase: Case, status: Case['status'], at: Date): Promise<boolean> {
    if (!(await this.gate.claim('case', kase._id, kase.version))) return false;
    const result = await this.collection.updateOne({ _id: kase._id }, { $set: { status, updatedAt: at }, $inc: { version: 1 } });
    return result.modifiedCount === 1;
  }

  /** Only used to undo an insert whose audit entry could not be written. */
  async removeUnaudited(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }
}
