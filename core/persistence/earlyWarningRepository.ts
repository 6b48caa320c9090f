import type { Collection, Filter } from 'mongodb';
import type { AuditedWrites, Outboxed } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { EarlyWarningRule, EarlyWarningSignal } from '../domain/earlyWarning';
import type { Role } from '../domain/roles';
import type { WellbeingLevel } from '../domain/scales';

export const EARLY_WARNINGS_COLLECTION = 'earlyWarnings';

export type EarlyWarningStatus = 'open' | 'dismissed' | 'acted';
export type EarlyWarningAction = 'round' | 'agreement';

/**
 * Getting the card to the coordinator's personal chat: `pending` (to send, from `deliveryNextAt`),
 * `sending` (claimed by an instance until `deliveryLeaseUntil`), `sent`, or `failed` (given up;
 * the warning still shows in the tab).
 */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed';

/** What the card and the tab say beside the signal: plain facts about the inputs, never content. */
export interface WarningDetails {
  /** crossDiscipline: the roles whose observations set it off. */
  disciplines?: Role[];
  /** areaWorsened: the area's level in the previous and the latest round. */
  from?: WellbeingLevel;
  to?: WellbeingLevel;
  /** Round rules: the round's number. */
  roundNumber?: number;
}

/**
 * One warning told to a case's coordinator: a rule that fired, with the inputs that set it off.
 * `_id` is `<caseId>:<hash of rule and inputs>`, so the same warning is stored once however many
 * times, and by however many instances, it is found.
 */
export interface EarlyWarningRecord extends Outboxed {
  _id: string;
  caseId: string;
  /** Where the case lives (a Teams team, a channel or a chat): the leader's overview selects by it. */
  teamId: string | null;
  conversationId: string;
  rule: EarlyWarningRule;
  /** `rule|inputs` (core/domain/earlyWarning.ts signalKey). */
  key: string;
  signal: EarlyWarningSignal;
  /** The inputs the signal names, and those no earlier warning of the rule named. */
  inputs: string[];
  newInputs: string[];
  details: WarningDetails;
  raisedAt: Date;
  status: EarlyWarningStatus;
  dismissal?: { by: string; byName: string; at: Date; reason: string };
  actions: Array<{ action: EarlyWarningAction; by: string; byName: string; at: Date; roundId?: string; roundNumber?: number; formId?: string }>;
  /** The first agreement accepted after the warning was raised. */
  answered?: { agreementId: string; at: Date };
  /** Set on the first warning of an episode when an agreement is accepted after it. */
  timeToActionMs?: number;
  deliveryState: DeliveryState;
  deliveryAttempts: number;
  deliveryNextAt: Date;
  deliveryLeaseUntil?: Date;
  deliveredAt?: Date;
  deliveredTo?: string;
  version: number;
}

/** Warnings: stored and changed through the audited write path; delivery is bookkeeping beside it. */
export class EarlyWarningRepository {
  constructor(
    readonly collection: Collection<EarlyWarningRecord>,
    private readonly audited: AuditedWrites,
  ) {}

  /** Stores a warning with its `earlyWarning.raised` event; false when it exists already. */
  insert(record: EarlyWarningRecord, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.collection, record, events);
  }

  byId(id: string): Promise<EarlyWarningRecord | null> {
    return this.collection.findOne({ _id: id });
  }

  /** A case's warnings, newest first (index earlyWarnings_by_case). */
  forCase(caseId: string, limit = 500): Promise<EarlyWarningRecord[]> {
    return this.collection.find({ caseId }).sort({ raisedAt: -1 }).limit(limit).toArray();
  }

  /** A change a person made (dismissal, action, time to action), only over the version it was read in. */
  update(record: EarlyWarningRecord, set: Partial<EarlyWarningRecord>, events: EventDraft[], push?: { actions: EarlyWarningRecord['actions'][number] }): Promise<boolean> {
    return this.audited.update(
      this.collection,
      { _id: record._id, version: record.version },
      { $set: set, $inc: { version: 1 }, ...(push ? { $push: { actions: push.actions } } : {}) } as never,
      events,
    );
  }

  /**
   * The first warning of an episode: answered by the first agreement accepted after it, and how long
   * that took. Once only: false when the warning was answered meanwhile (another instance).
   */
  async recordTimeToAction(id: string, answered: { agreementId: string; at: Date }, ms: number): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: id, answered: { $exists: false } } as Filter<EarlyWarningRecord>, { $set: { answered, timeToActionMs: ms } });
    return result.modifiedCount === 1;
  }

  /** Marks a later warning of an episode as answered by the same agreement. */
  async markAnswered(id: string, answered: { agreementId: string; at: Date }): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: id, answered: { $exists: false } } as Filter<EarlyWarningRecord>, { $set: { answered } });
    return result.modifiedCount === 1;
  }

  // ---- delivery ----

  /**
   * Warnings due to be sent by `now`, and sends whose instance stopped (index earlyWarnings_by_delivery).
   * Cards waiting for a coordinator stay pending for long: only the due ones are read.
   */
  async deliveries(now: Date): Promise<EarlyWarningRecord[]> {
    const [pending, sending] = await Promise.all([
      this.collection.find({ deliveryState: 'pending', deliveryNextAt: { $lte: now } } as Filter<EarlyWarningRecord>).limit(500).toArray(),
      this.collection.find({ deliveryState: 'sending' }).limit(500).toArray(),
    ]);
    return [...pending, ...sending];
  }

  /** Claims a send: one instance wins (a conditional update on the state it read). */
  async claim(record: EarlyWarningRecord, leaseUntil: Date): Promise<boolean> {
    const filter = { _id: record._id, deliveryState: record.deliveryState, deliveryAttempts: record.deliveryAttempts } as Filter<EarlyWarningRecord>;
    const result = await this.collection.updateOne(filter, { $set: { deliveryState: 'sending', deliveryLeaseUntil: leaseUntil }, $inc: { deliveryAttempts: 1 } });
    return result.modifiedCount === 1;
  }

  async delivered(id: string, at: Date, to: string): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { deliveryState: 'sent', deliveredAt: at, deliveredTo: to }, $unset: { deliveryLeaseUntil: '' } });
  }

  /** The case's cards still waiting to be sent are due at `at` (a coordinator arrived). */
  async dueNow(caseId: string, at: Date): Promise<void> {
    await this.collection.updateMany({ caseId, deliveryState: 'pending' } as Filter<EarlyWarningRecord>, { $set: { deliveryNextAt: at } });
  }

  /** A claimed send that found nobody to send to: waiting is not a try, so the claim's attempt is given back. */
  async waitForRecipient(id: string, until: Date): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { deliveryState: 'pending', deliveryNextAt: until }, $inc: { deliveryAttempts: -1 }, $unset: { deliveryLeaseUntil: '' } });
  }

  async deliveryFailed(id: string, next: { state: 'pending' | 'failed'; at: Date }): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { deliveryState: next.state, deliveryNextAt: next.at }, $unset: { deliveryLeaseUntil: '' } });
  }
}
