import type { Collection } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { Case } from '../domain/case';

export class DuplicateKeyError extends Error {}

export class CaseRepository {
  constructor(
    private readonly collection: Collection<Case>,
    private readonly audited: AuditedWrites,
  ) {}

  /** Stores a new case with its `case.created` event. Throws DuplicateKeyError when the conversation has a case. */
  async insert(kase: Case, events: EventDraft[]): Promise<void> {
    if (!(await this.audited.insert(this.collection, kase, events))) throw new DuplicateKeyError(`the conversation ${kase.conversation.conversationId} has a case`);
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
  replaceMembers(kase: Case, members: Case['members'], at: Date, events: EventDraft[]): Promise<boolean> {
    return this.audited.update(this.collection, { _id: kase._id, version: kase.version }, { $set: { members, updatedAt: at }, $inc: { version: 1 } }, events);
  }

  setStatus(kase: Case, status: Case['status'], at: Date, events: EventDraft[]): Promise<boolean> {
    return this.audited.update(this.collection, { _id: kase._id, version: kase.version }, { $set: { status, updatedAt: at }, $inc: { version: 1 } }, events);
  }
}
