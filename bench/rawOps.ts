import type { Db } from 'mongodb';
import { collections } from '../core/persistence/database';
import { upsertById } from '../core/persistence/writes';

/** The conversation-reference upsert every bot turn makes, tolerating the same insert race the app does. */
export async function upsertConversation(db: Db, conversationId: string, at: Date): Promise<void> {
  const update = { $set: { kind: 'channel' as const, serviceUrl: 'http://127.0.0.1:9/', reference: { conversation: { id: conversationId } }, updatedAt: at } };
  await upsertById(collections(db).conversations, { _id: conversationId }, update);
}
