import type { Clearance } from '../domain/audience';
import { randomUUID } from 'node:crypto';
import type { PendingPost, PendingPostRepository } from '../persistence/pendingPostRepository';
import type { PostedCard, PostedCardRepository, PostSpec, SubjectRef } from '../persistence/postedCardRepository';

/** How long a post Teams did not take waits before the next try: doubling from 15 s, at most 30 minutes. */
export const PENDING_BACKOFF_MS = (attempts: number): number => Math.min(15_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
/** After this many tries (about a day) a post is given up and logged. */
export const PENDING_MAX_ATTEMPTS = 60;

/** The messages posted into case conversations, kept so they can be drawn again when their room or subject changes. */
export class PostedCardService {
  constructor(
    private readonly cards: PostedCardRepository,
    private readonly pending: PendingPostRepository,
  ) {}

  remember(card: PostedCard): Promise<void> {
    return this.cards.remember(card);
  }

  renderedFor(id: string, clearance: Clearance, at: Date): Promise<void> {
    return this.cards.renderedFor(id, clearance, at);
  }

  /** Every posted card that shows this thing (an agreement, an observation, a form …). */
  forSubject(caseId: string, match: SubjectRef): Promise<PostedCard[]> {
    return this.cards.forSubject(caseId, match);
  }

  inConversation(conversationId: string): Promise<PostedCard[]> {
    return this.cards.inConversation(conversationId);
  }

  /** A card update Teams did not take: drawn again later. */
  markStale(id: string): Promise<void> {
    return this.cards.markStale(id);
  }

  stale(limit: number): Promise<PostedCard[]> {
    return this.cards.stale(limit);
  }

  /** A post Teams did not take: sent again later, drawn from the data as it is then. */
  async defer(caseId: string, spec: PostSpec, locale: 'da' | 'en', error: string, now: Date): Promise<void> {
    await this.pending.add({ _id: randomUUID(), caseId, spec, locale, createdAt: now, attempts: 1, nextAt: new Date(now.getTime() + PENDING_BACKOFF_MS(1)), lastError: error });
  }

  duePosts(now: Date, limit: number): Promise<PendingPost[]> {
    return this.pending.due(now, limit);
  }

  posted(pending: PendingPost): Promise<void> {
    return this.pending.done(pending._id);
  }

  /** Another try failed: later again, or given up (true) after PENDING_MAX_ATTEMPTS. */
  async notPosted(pending: PendingPost, error: string, now: Date): Promise<boolean> {
    const attempts = pending.attempts + 1;
    if (attempts > PENDING_MAX_ATTEMPTS) {
      await this.pending.done(pending._id);
      return true;
    }
    await this.pending.failed(pending._id, attempts, new Date(now.getTime() + PENDING_BACKOFF_MS(attempts)), error);
    return false;
  }
}
