import type { Case } from '../domain/case';
import type { ConversationRecord } from '../persistence/conversationRepository';
import type { ReminderDay, ReminderFailure, ReminderPreference, ReminderRepository } from '../persistence/reminderRepository';
import type { DayRecord } from './ledger';

/**
 * What a reminder sender (bot/reminders) may do with the ledger: read what is due, claim and
 * record outcomes (every write an insert with a deterministic `_id`), take its share of the send
 * budget, and look up where to deliver. The sender never sees a collection.
 */
export class ReminderDelivery {
  constructor(private readonly repository: ReminderRepository) {}

  openDays(through: string): Promise<ReminderDay[]> {
    return this.repository.openDays(through);
  }

  readDay(day: string): Promise<DayRecord[]> {
    return this.repository.readDay(day);
  }

  closeDay(day: string, at: Date): Promise<void> {
    return this.repository.closeDay(day, at);
  }

  /** Inserts ledger records in one batch; returns the IDs this call inserted (the rest existed already). */
  insertRecords(day: string, records: DayRecord[]): Promise<Set<string>> {
    return this.repository.insertMany(this.repository.ledger(day), records);
  }

  /** One record; false when it existed already. */
  record(day: string, record: DayRecord): Promise<boolean> {
    return this.repository.record(day, record);
  }

  preferencesOf(userIds: string[]): Promise<ReminderPreference[]> {
    return this.repository.preferencesOf(userIds);
  }

  addFailure(failure: ReminderFailure): Promise<void> {
    return this.repository.addFailure(failure);
  }

  countFailures(): Promise<number> {
    return this.repository.countFailures();
  }

  takeRateChunk(second: number, chunk: number): Promise<boolean> {
    return this.repository.takeRateChunk(second, chunk);
  }

  pruneRate(beforeSecond: number): Promise<number> {
    return this.repository.pruneRate(beforeSecond);
  }

  casesByIds(ids: string[]): Promise<Case[]> {
    return this.repository.casesByIds(ids);
  }

  personalChats(userIds: string[]): Promise<Map<string, ConversationRecord>> {
    return this.repository.personalChats(userIds);
  }

  conversationsByIds(ids: string[]): Promise<ConversationRecord[]> {
    return this.repository.conversationsByIds(ids);
  }
}
