import { MongoServerError, type Db } from 'mongodb';
import { collections } from '../core/persistence/database';

/** The conversation-reference upsert every bot turn makes, tolerating the same insert race the app does. */
export async function upsertConversation(db: Db, conversationId: string, at: Date): Promise<void> {
  const update = { $set: { kind: 'channel' as const, serviceUrl: 'http://127.0.0.1:9/', reference: { conversation: { id: conversationId } }, updatedAt: at } };
  try {
    await collections(db).conversations.updateOne({ _id: conversationId }, update, { upsert: true });
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    await collections(db).conversations.updateOne({ _id: conversationId }, update);
  }
}
