import { MongoBulkWriteError, MongoServerError, type Collection, type Db } from 'mongodb';
import type { DayRecord, EntryRecord } from '../reminders/ledger';
import type { ReminderItem, ReminderKind } from '../reminders/rules';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { Case } from '../domain/case';
import type { ConversationRecord } from './conversationRepository';
import { insertOnce, upsertById } from './writes';

/** Which days have a ledger, and whether it still has work. Small: one document per day. */
export interface ReminderDay {
  _id: string;
  state: 'planning' | 'open' | 'closed';
  by: string;
  plannedAt: Date;
  closedAt?: Date;
}

export interface ReminderPreference {
  _id: string;
  digest: boolean;
  locale?: 'da' | 'en';
  updatedAt: Date;
}

export interface ReminderSnooze {
  _id: string;
  until: Date;
  by: string;
  at: Date;
}

/** A reminder that could not be delivered after every attempt. Insert-only. */
export interface ReminderFailure {
  _id: string;
  day: string;
  caseId: string;
  kind: ReminderKind;
  recipientId: string;
  recipientName: string;
  attempts: number;
  error: string;
  at: Date;
  items: ReminderItem[];
}

export interface RateSlot {
  _id: string;
  second: number;
}

/** One ledger collection per Copenhagen day, so a sweep reads only what is due, never what exists. */
export const dayCollectionName = (day: string): string => `reminders_${day.replace(/-/g, '')}`;

/**
 * A filter value for "one of these IDs": plain equality for one, which the patched FerretDB answers
 * through the index (it does not for `$in`, whatever the list).
 */
const oneOf = (ids: string[]): string | { $in: string[] } => (ids.length === 1 ? (ids[0] as string) : { $in: ids });

/** MongoDB's code for "ns not found" (dropping a collection that is not there). */
const NAMESPACE_NOT_FOUND = 26;
export const REMINDER_SNOOZES = 'reminderSnoozes';

/**
 * Storage for reminders. Everything a sweep writes is an insert with a deterministic `_id`, and
 * it reads one day's ledger: unique `_id` inserts are atomic on every backend, and an insertMany
 * is one transaction on FerretDB where each updated document is a transaction of its own (see
 * docs/reminders.md, "Why the ledger stays insert-only").
 */
export class ReminderRepository {
  readonly days: Collection<ReminderDay>;
  readonly preferences: Collection<ReminderPreference>;
  readonly snoozes: Collection<ReminderSnooze>;
  readonly failures: Collection<ReminderFailure>;
  readonly rate: Collection<RateSlot>;
  private readonly conversations: Collection<ConversationRecord>;

  constructor(
    private readonly db: Db,
    private readonly audited: AuditedWrites,
  ) {
    this.days = db.collection<ReminderDay>('reminderDays');
    this.preferences = db.collection<ReminderPreference>('reminderPreferences');
    this.snoozes = db.collection<ReminderSnooze>(REMINDER_SNOOZES);
    this.failures = db.collection<ReminderFailure>('reminderFailures');
    this.rate = db.collection<RateSlot>('reminderRate');
    this.conversations = db.collection<ConversationRecord>('conversations');
  }

  ledger(day: string): Collection<DayRecord> {
    return this.db.collection<DayRecord>(dayCollectionName(day));
  }

  // ---- days ----

  /** True when this caller is the first to plan `day`. */
  async beginPlanning(day: string, by: string, at: Date): Promise<boolean> {
    return insertOnce(this.days, { _id: day, state: 'planning', by, plannedAt: at });
  }

  async finishPlanning(day: string): Promise<void> {
    await this.days.updateOne({ _id: day, state: 'planning' }, { $set: { state: 'open' } });
  }

  dayInfo(day: string): Promise<ReminderDay | null> {
    return this.days.findOne({ _id: day });
  }

  async lastPlannedBefore(day: string): Promise<ReminderDay | undefined> {
    const last = await this.days.find({ _id: { $lt: day } }).sort({ _id: -1 }).limit(1).toArray();
    return last[0];
  }

  /** Days whose ledger may still hold work, oldest first. */
  openDays(through: string): Promise<ReminderDay[]> {
    return this.days.find({ state: { $ne: 'closed' }, _id: { $lte: through } }).sort({ _id: 1 }).toArray();
  }

  async closeDay(day: string, at: Date): Promise<void> {
    await this.days.updateOne({ _id: day }, { $set: { state: 'closed', closedAt: at } });
  }

  /**
   * Retention: drops the ledgers of closed days before `day` and forgets those days, except the
   * newest planned day (planning starts its window after it, even after a long outage). The ledger
   * goes first, so a crash in between leaves a closed day whose ledger is dropped again next time.
   * Returns the days dropped.
   */
  async dropClosedDaysBefore(day: string): Promise<string[]> {
    const [newest] = await this.days.find({}).sort({ _id: -1 }).limit(1).toArray();
    const old = await this.days.find({ state: 'closed', _id: { $lt: day } }).toArray();
    const dropped: string[] = [];
    for (const { _id } of old) {
      if (_id === newest?._id) continue;
      await this.ledger(_id)
        .drop()
        .catch((error: unknown) => {
          if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
        });
      await this.days.deleteOne({ _id, state: 'closed' });
      dropped.push(_id);
    }
    return dropped;
  }

  // ---- a day's ledger ----

  /** Adds planned occurrences; ones already there (same key) are left as they are. */
  async addEntries(day: string, entries: EntryRecord[]): Promise<number> {
    if (entries.length === 0) return 0;
    return (await this.insertMany(this.ledger(day), entries)).size;
  }

  readDay(day: string): Promise<DayRecord[]> {
    return this.ledger(day).find({}).toArray();
  }

  /** Inserts the records; returns the IDs that this call inserted (the rest existed already). */
  async insertMany<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<Set<string>> {
    const inserted = new Set(docs.map((d) => d._id));
    if (docs.length === 0) return inserted;
    try {
      await collection.insertMany(docs as never[], { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      for (const writeError of writeErrors) {
        if (writeError.code !== 11000) throw error;
        const doc = docs[writeError.index];
        if (doc) inserted.delete(doc._id);
      }
    }
    return inserted;
  }

  async record(day: string, record: DayRecord): Promise<boolean> {
    return insertOnce(this.ledger(day), record);
  }

  // ---- preferences, snoozes, failures ----

  async setPreference(userId: string, digest: boolean, locale: 'da' | 'en', at: Date): Promise<void> {
    await upsertById(this.preferences, { _id: userId }, { $set: { digest, locale, updatedAt: at } });
  }

  preferencesOf(userIds: string[]): Promise<ReminderPreference[]> {
    return userIds.length ? this.preferences.find({ _id: oneOf(userIds) }).toArray() : Promise.resolve([]);
  }

  digestUsers(): Promise<ReminderPreference[]> {
    return this.preferences.find({ digest: true }).toArray();
  }

  /** Sets (or moves) a snooze together with its `reminder.snoozed` event: both or neither. */
  async snooze(subject: string, until: Date, by: string, at: Date, event: EventDraft<'reminder.snoozed'>): Promise<void> {
    await this.audited.update(this.snoozes, { _id: subject }, { $set: { until, by, at } }, [event], { upsert: true });
  }

  activeSnoozes(now: Date): Promise<ReminderSnooze[]> {
    return this.snoozes.find({ until: { $gt: now } }).toArray();
  }

  snoozeOf(subject: string): Promise<ReminderSnooze | null> {
    return this.snoozes.findOne({ _id: subject });
  }

  async addFailure(failure: ReminderFailure): Promise<void> {
    await insertOnce(this.failures, failure);
  }

  failuresSince(at: Date): Promise<ReminderFailure[]> {
    return this.failures.find({ at: { $gt: at } }).toArray();
  }

  countFailures(): Promise<number> {
    return this.failures.countDocuments({});
  }

  // ---- shared rate limit ----

  /** One chunk of the global send budget for one second; false when another instance has it. */
  takeRateChunk(second: number, chunk: number): Promise<boolean> {
    return insertOnce(this.rate, { _id: `${second}:${chunk}`, second });
  }

  /** Removes the rate slots of seconds before `beforeSecond`; returns how many. */
  async pruneRate(beforeSecond: number): Promise<number> {
    return (await this.rate.deleteMany({ second: { $lt: beforeSecond } })).deletedCount;
  }

  // ---- cases ----

  casesByIds(ids: string[]): Promise<Case[]> {
    return ids.length ? this.db.collection<Case>('cases').find({ _id: oneOf(ids) }).toArray() : Promise.resolve([]);
  }

  /** Open cases without a coordinator (docs/handover.md; index cases_by_coordinator_state). */
  casesWithVacantCoordinator(): Promise<Case[]> {
    return this.db.collection<Case>('cases').find({ coordinatorState: 'vacant', status: 'open' }).toArray();
  }

  /** Open cases where someone waits for the family's consent (index cases_by_consent_state). */
  casesWithPendingConsent(): Promise<Case[]> {
    return this.db.collection<Case>('cases').find({ 'members.consent.state': 'pending', status: 'open' }).toArray();
  }

  // ---- where to deliver ----

  /** Each person's newest stored personal chat with the bot (a person can have had several). */
  async personalChats(userIds: string[]): Promise<Map<string, ConversationRecord>> {
    const newest = new Map<string, ConversationRecord>();
    if (userIds.length === 0) return newest;
    for (const record of await this.conversations.find({ kind: 'personal', userId: oneOf(userIds) }).toArray()) {
      const known = record.userId ? newest.get(record.userId) : undefined;
      if (record.userId && (!known || known.updatedAt < record.updatedAt)) newest.set(record.userId, record);
    }
    return newest;
  }

  conversationsByIds(ids: string[]): Promise<ConversationRecord[]> {
    return ids.length ? this.conversations.find({ _id: oneOf(ids) }).toArray() : Promise.resolve([]);
  }
}

/**
 * Indexes for MongoDB and Cosmos DB. The patched FerretDB uses one only for string equality on its
 * first key (`status: 'accepted'`, `'members.consent.state': 'pending'`); ranges, booleans and
 * dates are filtered after a scan there (the collections they serve are small or read once a day).
 */
export async function ensureReminderIndexes(db: Db): Promise<void> {
  const agreements = db.collection('agreements');
  await agreements.createIndex({ status: 1, dueDate: 1 }, { name: 'agreements_by_status_due' });
  await agreements.createIndex({ followUpDate: 1 }, { name: 'agreements_by_followup' });
  await agreements.createIndex({ status: 1, createdAt: 1 }, { name: 'agreements_by_status_created' });
  await db.collection('cases').createIndex({ 'members.consent.state': 1 }, { name: 'cases_by_consent_state' });
  await db.collection('cases').createIndex({ coordinatorState: 1 }, { name: 'cases_by_coordinator_state' });
  await db.collection<ReminderPreference>('reminderPreferences').createIndex({ digest: 1 }, { name: 'preferences_by_digest' });
  await db.collection<ReminderSnooze>(REMINDER_SNOOZES).createIndex({ until: 1 }, { name: 'snoozes_by_until' });
  await db.collection<ReminderFailure>('reminderFailures').createIndex({ at: 1 }, { name: 'failures_by_time' });
  await db.collection<RateSlot>('reminderRate').createIndex({ second: 1 }, { name: 'rate_by_second' });
}

