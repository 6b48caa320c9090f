import type { Collection } from 'mongodb';
import type { Clearance } from '../domain/audience';
import { upsertById } from './writes';

/**
 * What a posted message shows, declaratively, so that it can be rendered again from the current
 * data and the room's current audience (bot/audience/posts.ts renders it).
 */
export type PostSpec =
  | { kind: 'case' }
  | { kind: 'agreement'; agreementId: string }
  | { kind: 'observation'; observationId: string }
  | { kind: 'consent'; userId: string }
  | { kind: 'round'; roundId: string }
  | { kind: 'summary'; roundId: string }
  | { kind: 'closing'; closedBy: string; counts: { observations: number; assessments: number; agreements: number }; channel?: 'archiving' | 'kept' }
  | { kind: 'minutes'; meetingId: string }
  /** A scheduled meeting (core/domain/meeting.ts); `minutes` above is the minutes of a held one. */
  | { kind: 'meeting'; meetingId: string }
  | { kind: 'form'; formId: string }
  | { kind: 'text'; key: string; params: Record<string, string | number> };

/** One message the bot posted into a shared conversation about a case, and how it was rendered. */
export interface PostedCard {
  /** `<conversation>|<activity ID>`. */
  _id: string;
  caseId: string;
  /** The conversation without any `;messageid=` suffix: the room. */
  conversationId: string;
  /** The conversation ID the message was posted to (a channel thread keeps its suffix). */
  postedTo: string;
  activityId: string;
  locale: 'da' | 'en';
  spec: PostSpec;
  /** The room's clearance it was last rendered for. */
  renderedFor: Clearance;
  postedAt: Date;
  updatedAt: Date;
  /** An update Teams did not take: drawn again until it does (a string, so the index serves the lookup). */
  stale?: 'pending';
}

/** Cards shown per room when its audience changes; older ones are left as they are. */
export const RESYNC_LIMIT = 100;

export class PostedCardRepository {
  constructor(private readonly collection: Collection<PostedCard>) {}

  async remember(card: PostedCard): Promise<void> {
    const { _id, ...fields } = card;
    await upsertById(this.collection, { _id }, { $set: fields });
  }

  async renderedFor(id: string, clearance: Clearance, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { renderedFor: clearance, updatedAt: at }, $unset: { stale: '' } });
  }

  async markStale(id: string): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { stale: 'pending' } });
  }

  stale(limit: number): Promise<PostedCard[]> {
    return this.collection.find({ stale: 'pending' }).limit(limit).toArray();
  }

  /** Messages that show one thing (an agreement, a consent request …), newest first. */
  forSubject(caseId: string, match: Partial<Record<string, unknown>>): Promise<PostedCard[]> {
    const filter: Record<string, unknown> = { caseId };
    for (const [key, value] of Object.entries(match)) filter[`spec.${key}`] = value;
    return this.collection.find(filter).sort({ postedAt: -1 }).limit(RESYNC_LIMIT).toArray();
  }

  inConversation(conversationId: string): Promise<PostedCard[]> {
    return this.collection.find({ conversationId }).sort({ postedAt: -1 }).limit(RESYNC_LIMIT).toArray();
  }
}
