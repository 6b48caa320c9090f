import type { Collection } from 'mongodb';
import type { Reader, RoomKind } from '../domain/audience';
import { upsertById } from './writes';

/**
 * Who can read a conversation, as last read from Teams (a group chat's roster, a private
 * channel's members). Kept so that not every message costs a roster call; re-read when stale.
 */
export interface RoomRecord {
  _id: string;
  kind: RoomKind;
  readers: Reader[];
  readAt: Date;
  /** Outsiders the coordinator has been warned about in this room (reader keys). */
  warned?: string[];
}

export class RoomRepository {
  constructor(private readonly collection: Collection<RoomRecord>) {}

  get(conversationId: string): Promise<RoomRecord | null> {
    return this.collection.findOne({ _id: conversationId });
  }

  async save(conversationId: string, kind: RoomKind, readers: Reader[], readAt: Date): Promise<void> {
    await upsertById(this.collection, { _id: conversationId }, { $set: { kind, readers, readAt } });
  }

  /** Makes the next look at this room read its audience from Teams again. */
  async forget(conversationId: string): Promise<void> {
    await this.collection.updateOne({ _id: conversationId }, { $set: { readAt: new Date(0) } });
  }

  async markWarned(conversationId: string, keys: string[]): Promise<void> {
    await upsertById(this.collection, { _id: conversationId }, { $addToSet: { warned: { $each: keys } } } as never);
  }

  async warnedAbout(conversationId: string): Promise<Set<string>> {
    return new Set((await this.collection.findOne({ _id: conversationId }, { projection: { warned: 1 } }))?.warned ?? []);
  }
}
