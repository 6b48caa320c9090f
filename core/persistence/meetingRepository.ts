import type { Collection } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { Meeting } from '../domain/meeting';
import type { Minutes } from '../services/overviewService';
import { insertOnce } from './writes';

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

/** Scheduled case meetings (core/domain/meeting.ts): apart from the posted minutes above. */
export const SCHEDULED_MEETINGS_COLLECTION = 'scheduledMeetings';

/** The most meetings one case lists (upcoming and past), and one person's "mine møder". */
const CASE_MEETINGS_LIMIT = 200;

/**
 * Scheduled meetings. Every change is a conditional update on `{_id, version}` with its event
 * (AuditedWrites), so two coordinators' clicks, a double click or a redelivery change a meeting once.
 * Lookups are by `_id`, by `caseId` (index `scheduledMeetings_by_case`), and by start for reminder
 * planning (index `scheduledMeetings_by_status_start`).
 */
export class ScheduledMeetingRepository {
  constructor(
    readonly collection: Collection<Meeting>,
    private readonly audited: AuditedWrites,
  ) {}

  /** False when a meeting with this ID exists already (the same form submitted twice). */
  insert(meeting: Meeting, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.collection, meeting, events);
  }

  byId(id: string): Promise<Meeting | null> {
    return this.collection.findOne({ _id: id });
  }

  forCase(caseId: string, limit = CASE_MEETINGS_LIMIT): Promise<Meeting[]> {
    return this.collection.find({ caseId }).sort({ startsAt: -1 }).limit(limit).toArray();
  }

  /** Meetings of these cases (each by equality: the patched FerretDB uses the index for that, not for `$in`). */
  async forCases(caseIds: string[]): Promise<Meeting[]> {
    const lists = await Promise.all([...new Set(caseIds)].map((id) => this.forCase(id)));
    return lists.flat();
  }

  /** Scheduled meetings starting in [from, to): reminder planning. */
  scheduledBetween(from: Date, to: Date): Promise<Meeting[]> {
    return this.collection.find({ status: 'scheduled', startsAt: { $gte: from, $lt: to } }).toArray();
  }

  /** Upcoming meetings one person takes part in, across cases ("mine møder"). */
  upcomingFor(userId: string, after: Date): Promise<Meeting[]> {
    return this.collection.find({ 'participants.userId': userId, status: 'scheduled', endsAt: { $gt: after } }).sort({ startsAt: 1 }).limit(CASE_MEETINGS_LIMIT).toArray();
  }

  /** The same, for someone known only by their Entra object ID (the tab). */
  upcomingForAad(aadObjectId: string, after: Date): Promise<Meeting[]> {
    return this.collection.find({ 'participants.aadObjectId': aadObjectId, status: 'scheduled', endsAt: { $gt: after } }).sort({ startsAt: 1 }).limit(CASE_MEETINGS_LIMIT).toArray();
  }

  /**
   * Replaces the meeting's changing fields if nobody changed it since it was read. False on a lost
   * race: the caller reads again and decides again.
   */
  update(meeting: Meeting, changes: Partial<Omit<Meeting, '_id' | 'caseId' | 'version'>>, events: EventDraft[]): Promise<boolean> {
    return this.audited.update(this.collection, { _id: meeting._id, version: meeting.version }, { $set: changes, $inc: { version: 1 } }, events);
  }
}

export async function ensureScheduledMeetingIndexes(collection: Collection<Meeting>): Promise<void> {
  await collection.createIndex({ caseId: 1, startsAt: -1 }, { name: 'scheduledMeetings_by_case' });
  await collection.createIndex({ status: 1, startsAt: 1 }, { name: 'scheduledMeetings_by_status_start' });
  await collection.createIndex({ 'participants.userId': 1, status: 1 }, { name: 'scheduledMeetings_by_participant' });
}

/**
 * One message about a meeting to one person (an invitation, a move, a cancellation, a note to the
 * coordinator): claimed by a unique insert before it is sent, so two instances, a redelivery or a
 * double click send it once; marked sent afterwards, or deleted when the send failed so it can be
 * tried again. A claim left `sending` by a crash may be taken over after `staleMs`.
 */
export interface MeetingNotice {
  /** `<kind>|<meetingId>|r<revision>|<userId>` or a similar deterministic key. */
  _id: string;
  meetingId: string;
  userId: string;
  kind: string;
  revision: number;
  state: 'sending' | 'sent';
  at: Date;
  sentAt?: Date;
}

export const MEETING_NOTICES_COLLECTION = 'meetingNotices';

export class MeetingNoticeRepository {
  constructor(readonly collection: Collection<MeetingNotice>) {}

  async claim(notice: Omit<MeetingNotice, 'state'>, staleMs: number): Promise<boolean> {
    const claim: MeetingNotice = { ...notice, state: 'sending' };
    if (await insertOnce(this.collection, claim)) return true;
    const existing = await this.collection.findOne({ _id: notice._id });
    if (!existing || existing.state !== 'sending' || existing.at.getTime() > notice.at.getTime() - staleMs) return false;
    const taken = await this.collection.updateOne({ _id: notice._id, state: 'sending', at: existing.at }, { $set: { at: notice.at } });
    return taken.modifiedCount === 1;
  }

  async sent(id: string, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { state: 'sent', sentAt: at } });
  }

  async release(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id, state: 'sending' });
  }

  forMeeting(meetingId: string): Promise<MeetingNotice[]> {
    return this.collection.find({ meetingId }).limit(1000).toArray();
  }
}

export async function ensureMeetingNoticeIndexes(collection: Collection<MeetingNotice>): Promise<void> {
  await collection.createIndex({ meetingId: 1 }, { name: 'meetingNotices_by_meeting' });
}
