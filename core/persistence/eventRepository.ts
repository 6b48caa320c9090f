import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { CaseEvent } from '../domain/events';

/** The audit trail. It only appends and reads; there is deliberately no update or delete. */
export class EventRepository {
  constructor(private readonly collection: Collection<CaseEvent>) {}

  async append(event: Omit<CaseEvent, '_id' | 'at'> & { _id?: string; at?: Date }): Promise<CaseEvent> {
    const full: CaseEvent = { ...event, _id: event._id ?? randomUUID(), at: event.at ?? new Date() };
    await this.collection.insertOne(full);
    return full;
  }

  forCase(caseId: string, { limit = 50, skip = 0, includeProfessionalOnly = true } = {}): Promise<CaseEvent[]> {
    const filter = includeProfessionalOnly ? { caseId } : { caseId, visibility: 'all' as const };
    return this.collection.find(filter).sort({ at: -1, _id: -1 }).skip(skip).limit(limit).toArray();
  }
}
