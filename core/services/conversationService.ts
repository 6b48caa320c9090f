import type { Reader, RoomKind } from '../domain/audience';
import type { ConversationRecord, ConversationRepository } from '../persistence/conversationRepository';
import type { DeliveryOutcome, InboxRepository } from '../persistence/inboxRepository';
import type { RoomRecord, RoomRepository } from '../persistence/roomRepository';

/**
 * What the bot remembers about its conversations: the references it posts through later, who
 * reads each room (the roster it last read), and which deliveries it has handled already.
 */
export class ConversationService {
  constructor(
    private readonly references: ConversationRepository,
    private readonly rooms: RoomRepository,
    private readonly inbox: InboxRepository,
  ) {}

  remember(record: ConversationRecord): Promise<void> {
    return this.references.remember(record);
  }

  get(conversationId: string): Promise<ConversationRecord | null> {
    return this.references.get(conversationId);
  }

  /** The person's personal chat with the bot, if the bot has one. */
  personalChatOf(userId: string): Promise<ConversationRecord | null> {
    return this.references.personalChatOf(userId);
  }

  /** The language the person last wrote to the bot in. */
  localeOf(userId: string): Promise<'da' | 'en' | undefined> {
    return this.references.localeOf(userId);
  }

  roomOf(conversationId: string): Promise<RoomRecord | null> {
    return this.rooms.get(conversationId);
  }

  saveRoom(conversationId: string, kind: RoomKind, readers: Reader[], readAt: Date): Promise<void> {
    return this.rooms.save(conversationId, kind, readers, readAt);
  }

  forgetRoom(conversationId: string): Promise<void> {
    return this.rooms.forget(conversationId);
  }

  markWarned(conversationId: string, keys: string[]): Promise<void> {
    return this.rooms.markWarned(conversationId, keys);
  }

  warnedAbout(conversationId: string): Promise<Set<string>> {
    return this.rooms.warnedAbout(conversationId);
  }

  /** True for the first delivery of this key; a redelivery gets false. */
  claimDelivery(key: string): Promise<boolean> {
    return this.inbox.claim(key);
  }

  /** Lets a delivery that failed be handled again when it is redelivered. */
  releaseDelivery(key: string): Promise<void> {
    return this.inbox.release(key);
  }

  /** What a handled delivery answered, for answering a redelivery the same way. */
  recordOutcome(key: string, outcome: DeliveryOutcome[]): Promise<void> {
    return this.inbox.recordOutcome(key, outcome);
  }

  outcomeOf(key: string): Promise<DeliveryOutcome[] | undefined> {
    return this.inbox.outcomeOf(key);
  }
}
