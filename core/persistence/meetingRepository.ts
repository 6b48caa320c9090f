import type { Collection } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { Minutes } from '../services/overviewService';

/**
 * One posted set of minutes. Kept in a small collection of its own (as well as in the audit
 * trail) so that finding the last meeting never scans a case's whole, ever-growing audit trail.
 */
export interface MeetingRecord {
  /** The form ID of the post, so a repeated post records one meeting. */
  _id: string;
  caseId: string;
  at: Date;
  by: string;
  byName: string;
  since: Date | null;
  decisions: number;
  activityId?: string;
  /** What the posted minutes said (family-visible content only), so the card can be drawn again. */
  minutes?: Minutes;
}

export const MEETINGS_COLLECTION = 'meetings';

export class MeetingRepository {
  constructor(
    private readonly collection: Collection<MeetingRecord>,
    private readonly audited: AuditedWrites,
  ) {}

  /** Records a meeting with its event; false when it was recorded already. */
  insert(record: MeetingRecord, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.collection, record, events);
  }

  byId(id: string): Promise<MeetingRecord | null> {
    return this.collection.findOne({ _id: id });
  }

  lastOf(caseId: string): Promise<MeetingRecord | null> {
    return this.collection.findOne({ caseId }, { sort: { at: -1 } });
  }
}
