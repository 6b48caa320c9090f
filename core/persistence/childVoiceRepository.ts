import type { Collection, Db } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { ChildVoiceEntry, ChildVoiceSettings } from '../domain/childVoice';

export const CHILD_VOICE_ENTRIES = 'childVoiceEntries';
export const CHILD_VOICE_SETTINGS = 'childVoiceSettings';

/** How many entries a case's child voice shows; the oldest beyond it are left out of views. */
export const CHILD_VOICE_LIST_LIMIT = 300;

/**
 * Barnets stemme: the entries (insert-only, one per writer and form) and, per case, the young
 * person's age mark and own yes to professionals (docs/child-voice.md). Every write carries its event.
 */
export class ChildVoiceRepository {
  constructor(
    private readonly entries: Collection<ChildVoiceEntry>,
    private readonly settingsCollection: Collection<ChildVoiceSettings>,
    private readonly audited: AuditedWrites,
  ) {}

  /** Stores an entry with its event; false when it exists already (the same form submitted twice). */
  insertOnce(entry: ChildVoiceEntry, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.entries, entry, events);
  }

  byId(id: string): Promise<ChildVoiceEntry | null> {
    return this.entries.findOne({ _id: id });
  }

  /** Newest first (the day it was said, then when it was written down). */
  forCase(caseId: string, limit = CHILD_VOICE_LIST_LIMIT): Promise<ChildVoiceEntry[]> {
    return this.entries.find({ caseId }).sort({ date: -1, createdAt: -1 }).limit(limit).toArray();
  }

  settings(caseId: string): Promise<ChildVoiceSettings | null> {
    return this.settingsCollection.findOne({ _id: caseId });
  }

  /** Saves `next` over the version it replaces (an insert for version 1); false on a lost race. */
  saveSettings(next: ChildVoiceSettings, events: EventDraft[]): Promise<boolean> {
    if (next.version === 1) return this.audited.insert(this.settingsCollection, next, events);
    const { _id, version, ...fields } = next;
    return this.audited.update(this.settingsCollection, { _id, version: version - 1 }, { $set: { ...fields, version } }, events);
  }
}

export async function ensureChildVoiceIndexes(db: Db): Promise<void> {
  await db.collection(CHILD_VOICE_ENTRIES).createIndex({ caseId: 1, date: -1, createdAt: -1 }, { name: 'childVoice_by_case' });
}
