import type { Collection } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { Agreement, AgreementStatus, AgreementTransition } from '../domain/agreement';

export class AgreementRepository {
  constructor(
    readonly collection: Collection<Agreement>,
    private readonly audited: AuditedWrites,
  ) {}

  /** Stores a proposal with its event; false when it exists already (the same form sent twice). */
  insertOnce(agreement: Agreement, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.collection, agreement, events);
  }

  byId(id: string): Promise<Agreement | null> {
    return this.collection.findOne({ _id: id });
  }

  forCase(caseId: string, limit = 500): Promise<Agreement[]> {
    return this.collection.find({ caseId }).sort({ createdAt: -1 }).limit(limit).toArray();
  }

  ownedBy(ownerId: string, statuses: AgreementStatus[]): Promise<Agreement[]> {
    return this.collection.find({ ownerId, status: { $in: statuses } }).sort({ dueDate: 1 }).limit(200).toArray();
  }

  /** Reminders: accepted agreements due on or before `lastDay` (index agreements_by_status_due). */
  acceptedDueBy(lastDay: string): Promise<Agreement[]> {
    return this.collection.find({ status: 'accepted', dueDate: { $lte: lastDay } }).toArray();
  }

  /** Reminders: accepted or done agreements followed up after `after`, through `through` (index agreements_by_followup). */
  followUpsBetween(after: string, through: string): Promise<Agreement[]> {
    return this.collection.find({ followUpDate: { $gt: after, $lte: through }, status: { $in: ['accepted', 'done'] } }).toArray();
  }

  /** Reminders: proposals still unanswered that were made in [from, to] (index agreements_by_status_created). */
  proposedBetween(from: Date, to: Date): Promise<Agreement[]> {
    return this.collection.find({ status: 'proposed', createdAt: { $gte: from, $lte: to } }).toArray();
  }

  /** Moves the agreement only from the state (version) it was read in; false if someone got there first. */
  transition(agreement: Agreement, step: AgreementTransition, events: EventDraft[]): Promise<boolean> {
    return this.audited.update(
      this.collection,
      { _id: agreement._id, version: agreement.version },
      { $set: { status: step.to, updatedAt: step.at }, $push: { history: step }, $inc: { version: 1 } },
      events,
    );
  }
}
