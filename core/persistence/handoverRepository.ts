import type { Collection, UpdateFilter } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { Case } from '../domain/case';
import type { CaseRepository } from './caseRepository';
import type { CoordinationChange } from '../domain/handover';

/**
 * The coordination fields of a case (core/domain/handover.ts): the open handover proposal, the
 * vacancy, and the coordinator itself. They live on the case document, so that "one coordinator,
 * at most one open proposal, the first to take over wins" is one conditional update on the case's
 * version (atomic per document on MongoDB, Cosmos DB and the patched FerretDB), written with its
 * events through the audited write path.
 */
export class HandoverRepository {
  constructor(
    private readonly cases: Collection<Case>,
    private readonly audited: AuditedWrites,
    private readonly caseReads: Pick<CaseRepository, 'byId' | 'byConversation'>,
  ) {}

  byId(id: string): Promise<Case | null> {
    return this.caseReads.byId(id);
  }

  byConversation(conversationId: string): Promise<Case | null> {
    return this.caseReads.byConversation(conversationId);
  }

  /** Applies the change if nobody changed the case since it was read; false on a lost race. */
  apply(kase: Case, change: CoordinationChange, at: Date, events: EventDraft[]): Promise<boolean> {
    const update: UpdateFilter<Case> = { $set: { ...change.set, updatedAt: at }, $inc: { version: 1 } };
    if (change.unset.length > 0) update.$unset = Object.fromEntries(change.unset.map((field) => [field, ''])) as UpdateFilter<Case>['$unset'];
    return this.audited.update(this.cases, { _id: kase._id, version: kase.version }, update, events);
  }
}
