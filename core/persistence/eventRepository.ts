import { randomUUID } from 'node:crypto';
import type { Collection, Filter } from 'mongodb';
import type { CaseEvent } from '../domain/events';

/** The audit trail. It only appends and reads; there is deliberately no update or delete. */
let sequence = 0;

/**
 * Event IDs sort in the order they were written (wall-clock milliseconds, then a per-process
 * counter, then randomness), so events with the same business time keep their real order.
 */
export function sortableEventId(): string {
  sequence = (sequence + 1) % 1_679_616;
  return `${Date.now().toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}-${randomUUID().slice(0, 8)}`;
}

export type EventListener = (event: CaseEvent) => void | Promise<void>;

export class EventRepository {
  private readonly listeners: EventListener[] = [];

  constructor(private readonly collection: Collection<CaseEvent>) {}

  /**
   * Side effects outside the core (channel membership, notifications) follow the audit trail.
   * Listeners run after the event is stored; a failing listener is reported, never rethrown.
   */
  subscribe(listener: EventListener, onError: (error: unknown) => void = () => undefined): void {
    this.listeners.push(async (event) => {
      try {
        await listener(event);
      } catch (error) {
        onError(error);
      }
    });
  }

  async append(event: Omit<CaseEvent, '_id' | 'at'> & { _id?: string; at?: Date }): Promise<CaseEvent> {
    const full: CaseEvent = { ...event, _id: event._id ?? sortableEventId(), at: event.at ?? new Date() };
    await this.collection.insertOne(full);
    for (const listener of this.listeners) void listener(full);
    return full;
  }

  timeline(caseId: string, options: { includeProfessionalOnly: boolean; excludeTypes: string[]; skip: number; limit: number }): Promise<CaseEvent[]> {
    return this.collection.find(timelineFilter(caseId, options)).sort({ at: -1, _id: -1 }).skip(options.skip).limit(options.limit).toArray();
  }

  countTimeline(caseId: string, options: { includeProfessionalOnly: boolean; excludeTypes: string[] }): Promise<number> {
    return this.collection.countDocuments(timelineFilter(caseId, options));
  }

  /** How many events of one type a case has (counted by the database, not loaded). */
  count(caseId: string, type: string): Promise<number> {
    return this.collection.countDocuments({ caseId, type });
  }

  forCase(caseId: string, { limit = 50, skip = 0, includeProfessionalOnly = true } = {}): Promise<CaseEvent[]> {
    const filter = includeProfessionalOnly ? { caseId } : { caseId, visibility: 'all' as const };
    return this.collection.find(filter).sort({ at: -1, _id: -1 }).skip(skip).limit(limit).toArray();
  }
}

function timelineFilter(caseId: string, { includeProfessionalOnly, excludeTypes }: { includeProfessionalOnly: boolean; excludeTypes: string[] }): Filter<CaseEvent> {
  const filter: Filter<CaseEvent> = { caseId, type: { $nin: excludeTypes } };
  if (!includeProfessionalOnly) filter.visibility = 'all';
  return filter;
}
