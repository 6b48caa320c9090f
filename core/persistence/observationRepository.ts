import type { Collection, Filter } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { Observation } from '../domain/observation';

export class ObservationRepository {
  constructor(
    private readonly collection: Collection<Observation>,
    private readonly audited: AuditedWrites,
  ) {}

  /** Stores an observation with its event; false when it exists already (the same form submitted twice). */
  insertOnce(observation: Observation, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.collection, observation, events);
  }

  /** These observations of a case, by ID (missing ones left out), in one read by the `_id` index. */
  async byIds(caseId: string, ids: readonly string[]): Promise<Observation[]> {
    if (ids.length === 0) return [];
    return (await this.collection.find({ _id: { $in: [...new Set(ids)] }, caseId }).toArray()) as Observation[];
  }

  byId(id: string): Promise<Observation | null> {
    return this.collection.findOne({ _id: id });
  }

  countFamilyVisible(caseId: string, since?: Date): Promise<number> {
    return this.collection.countDocuments(since ? { caseId, visibility: 'all', createdAt: { $gt: since } } : { caseId, visibility: 'all' });
  }

  forCase(caseId: string, filter: { familyVisibleOnly: boolean; area?: string; level?: string; since?: Date; limit?: number }): Promise<Observation[]> {
    const query: Filter<Observation> = { caseId };
    if (filter.familyVisibleOnly) query.visibility = 'all';
    if (filter.area) query.area = filter.area as Observation['area'];
    if (filter.level) query.level = filter.level as Observation['level'];
    if (filter.since) query.createdAt = { $gt: filter.since };
    return this.collection.find(query).sort({ createdAt: -1 }).limit(filter.limit ?? 200).toArray();
  }
}
