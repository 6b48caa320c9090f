import type { Clearance } from '../domain/audience';
import type { PostedCard, PostedCardRepository } from '../persistence/postedCardRepository';

/** The messages posted into case conversations, kept so they can be drawn again when their room or subject changes. */
export class PostedCardService {
  constructor(private readonly cards: PostedCardRepository) {}

  remember(card: PostedCard): Promise<void> {
    return this.cards.remember(card);
  }

  renderedFor(id: string, clearance: Clearance, at: Date): Promise<void> {
    return this.cards.renderedFor(id, clearance, at);
  }

  /** Every posted card that shows this thing (an agreement, an observation, a form …). */
  forSubject(caseId: string, match: Partial<Record<string, unknown>>): Promise<PostedCard[]> {
    return this.cards.forSubject(caseId, match);
  }

  inConversation(conversationId: string): Promise<PostedCard[]> {
    return this.cards.inConversation(conversationId);
  }
}
