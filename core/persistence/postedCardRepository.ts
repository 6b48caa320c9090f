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
  /** What it shows, as one indexed string (`subjectOf(spec)`), so a lookup by subject reads only those cards. */
  subject?: string;
}

/** The field that names the thing each kind of card shows; kinds without one show the case or a one-off. */
const SUBJECT_FIELD: Partial<Record<PostSpec['kind'], string>> = {
  agreement: 'agreementId',
  observation: 'observationId',
  consent: 'userId',
  round: 'roundId',
  summary: 'roundId',
  minutes: 'meetingId',
  meeting: 'meetingId',
  form: 'formId',
};

/** A subject names one thing of one case when its field is a generated ID; a person (`userId`) may be in many cases. */
const namesOneCase = (kind: PostSpec['kind']): boolean => {
  const field = SUBJECT_FIELD[kind];
  return !!field && field !== 'userId';
};

/** A card's subject as callers name it: `{ kind: 'agreement', agreementId }`, `{ kind: 'case' }` … */
export type SubjectRef = { kind: PostSpec['kind'] } & Record<string, unknown>;

/** `agreement:<id>`, `form:<id>`, `case:` …: one string per thing shown, the same for a spec and a lookup. */
export function subjectOf(spec: SubjectRef): string {
  const field = SUBJECT_FIELD[spec.kind];
  return `${spec.kind}:${field ? String(spec[field] ?? '') : ''}`;
}

/** Cards shown per room when its audience changes; older ones are left as they are. */
export const RESYNC_LIMIT = 100;

export class PostedCardRepository {
  constructor(private readonly collection: Collection<PostedCard>) {}

  async remember(card: PostedCard): Promise<void> {
    const { _id, ...fields } = card;
    await upsertById(this.collection, { _id }, { $set: { ...fields, subject: subjectOf(card.spec) } });
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
  async forSubject(caseId: string, match: SubjectRef): Promise<PostedCard[]> {
    const subject = subjectOf(match);
    // A subject that names one thing by its ID is read by the subject alone: with `caseId` beside it, the
    // embedded database may choose the case's index and scan every card of the case (docs/database.md).
    if (!namesOneCase(match.kind)) return this.collection.find({ caseId, subject }).sort({ postedAt: -1 }).limit(RESYNC_LIMIT).toArray();
    const cards = await this.collection.find({ subject }).sort({ postedAt: -1 }).limit(RESYNC_LIMIT).toArray();
    return cards.filter((card) => card.caseId === caseId);
  }

  /** Cards remembered before `subject` existed get it (once, at start-up). */
  async backfillSubjects(): Promise<number> {
    let updated = 0;
    for (const card of await this.collection.find({ subject: { $exists: false } }, { projection: { _id: 1, spec: 1 } }).toArray()) {
      const result = await this.collection.updateOne({ _id: card._id, subject: { $exists: false } }, { $set: { subject: subjectOf(card.spec) } });
      updated += result.modifiedCount;
    }
    return updated;
  }

  inConversation(conversationId: string): Promise<PostedCard[]> {
    return this.collection.find({ conversationId }).sort({ postedAt: -1 }).limit(RESYNC_LIMIT).toArray();
  }
}
