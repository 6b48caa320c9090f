import type { Collection } from 'mongodb';
import { upsertById } from './writes';

/**
 * A stored conversation reference, kept so that the bot can write proactively later
 * (reminders, consent requests). The reference itself is opaque to the core.
 */
export interface ConversationRecord {
  _id: string;
  kind: 'personal' | 'channel' | 'groupChat';
  tenantId?: string;
  teamId?: string;
  teamName?: string;
  aadGroupId?: string;
  channelId?: string;
  /** For a personal chat: the user it is with. */
  userId?: string;
  aadObjectId?: string;
  /** For a personal chat: the language the person's Teams client last used with us. */
  locale?: 'da' | 'en';
  serviceUrl: string;
  reference: Record<string, unknown>;
  updatedAt: Date;
}

export class ConversationRepository {
  constructor(private readonly collection: Collection<ConversationRecord>) {}

  /** Merges what we learn; fields that only arrive in some events (team name) are kept. */
  async remember(record: ConversationRecord): Promise<void> {
    const { _id, ...fields } = record;
    const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    await upsertById(this.collection, { _id }, { $set: set });
  }

  get(conversationId: string): Promise<ConversationRecord | null> {
    return this.collection.findOne({ _id: conversationId });
  }

  /** The language a person uses with us, from their personal chat; undefined if we never had one. */
  async localeOf(userId: string): Promise<'da' | 'en' | undefined> {
    return (await this.personalChatOf(userId))?.locale;
  }

  personalChatOf(userId: string): Promise<ConversationRecord | null> {
    return this.collection.findOne({ userId, kind: 'personal' }, { sort: { updatedAt: -1 } });
  }
}
