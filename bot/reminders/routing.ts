import type { Activity, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { Case } from '../../core/domain/case';
import { t, type Locale } from '../../core/i18n';
import type { ConversationRecord } from '../../core';
import type { ReminderDelivery } from '../../core/reminders/delivery';
import type { EntryRecord } from '../../core/reminders/ledger';
import type { Clock } from '../../core/services/caseService';
import { ConversationRateLimiter, GlobalRateLimiter } from './rateLimit';
import { SendError, type Delivered, type DeliveryTarget, type ReminderSender } from './sender';

export type Via = 'personal' | 'created' | 'case';
export type Routed = Delivered & { via: Via };

/**
 * What routing reads besides the plan, kept for one sweep of one day: personal chats of people
 * planned without one (and chats found or created while sending), and, for the fallback routes
 * only, cases and their conversations.
 */
export interface RouteCache {
  personal: Map<string, ConversationRecord>;
  cases: Map<string, Case | null>;
  caseConversations: Map<string, ConversationRecord | null>;
}

/**
 * Where a reminder goes:
 * 1. the person's personal chat with the bot: the one stored with the plan (`entry.to`), or, for
 *    people who had none when the day was planned, the one stored now. If the planned chat refuses
 *    the message for good (a 4xx other than 429/412: the chat moved), the current one, if it differs;
 * 2. otherwise a personal chat created from the case conversation's service URL and tenant (Teams
 *    returns the existing 1:1 chat), which is then stored;
 * 3. if that is refused for good, the case conversation: only a neutral text with an @mention and
 *    no card, because others read that conversation.
 * Every send waits for the global budget (shared through the database) and the per-conversation limits.
 */
export class DeliveryRouter {
  private readonly global: GlobalRateLimiter;
  private readonly perConversation = new ConversationRateLimiter();

  constructor(
    private readonly core: Core,
    private readonly repository: ReminderDelivery,
    private readonly sender: ReminderSender,
    private readonly logger: Logger,
    private readonly now: Clock,
    ratePerSecond: number,
  ) {
    this.global = new GlobalRateLimiter(repository, ratePerSecond);
  }

  /** A cache for one sweep of a day, with the stored personal chats of recipients planned without one. */
  async prepare(entries: EntryRecord[]): Promise<RouteCache> {
    const withoutChat = [...new Set(entries.filter((e) => !e.to).map((e) => e.recipientId))];
    return { personal: await this.repository.personalChats(withoutChat), cases: new Map(), caseConversations: new Map() };
  }

  async route(entry: EntryRecord, activity: Partial<Activity>, locale: Locale, cache: RouteCache): Promise<Routed> {
    const { recipientId: userId, recipientName: name, caseId } = entry;
    if (entry.to && !cache.personal.has(userId)) {
      await this.limit(entry.to.conversationId);
      try {
        return { ...(await this.sender.sendToPersonalChat(entry.to, { id: userId, name }, activity)), via: 'personal' };
      } catch (error) {
        if (!(error instanceof SendError) || error.retryable) throw error;
        // Refused for good: the chat may have moved since planning. Go on with the current one if
        // it differs, or the route for someone without a chat if it is gone.
        const current = await this.currentPersonalChat(userId, cache);
        if (current && current._id === entry.to.conversationId && current.serviceUrl === entry.to.serviceUrl) throw error;
      }
    }
    const personal = cache.personal.get(userId);
    if (personal) {
      await this.limit(personal._id);
      const target: DeliveryTarget = { conversationId: personal._id, reference: personal.reference as Partial<ConversationReference>, via: 'personal' };
      return { ...(await this.sender.send(target, activity)), via: 'personal' };
    }
    const kase = await this.caseOf(caseId, cache);
    const caseRecord = kase ? await this.caseConversationOf(kase, cache) : null;
    if (!kase || !caseRecord) throw new SendError('no stored conversation reference for the case or the person', 404);
    try {
      await this.limit(`new:${userId}`);
      const delivered = await this.sender.sendToNewPersonalChat({ id: userId, name }, caseRecord.serviceUrl, kase.conversation.tenantId ?? caseRecord.tenantId, activity);
      if (delivered.createdReference) await this.rememberPersonalChat(userId, delivered, caseRecord, cache);
      return { ...delivered, via: 'created' };
    } catch (error) {
      if (error instanceof SendError && error.retryable) throw error;
      this.logger.info({ userId, status: (error as SendError)?.status }, 'no personal chat with this person; reminding in the case conversation');
    }
    return this.mentionInCase(caseRecord, { id: userId, name }, activity, locale);
  }

  /** The case's room is read by others: it gets only an @mention that names nothing of the reminder. */
  private async mentionInCase(caseRecord: ConversationRecord, user: { id: string; name: string }, activity: Partial<Activity>, locale: Locale): Promise<Routed> {
    await this.limit(caseRecord._id);
    const mention = `<at>${user.name}</at>`;
    const inCase: Partial<Activity> = {
      type: 'message',
      channelData: activity.channelData,
      text: t(locale, 'reminder.mentionNeutral', { mention }),
      entities: [{ type: 'mention', text: mention, mentioned: { id: user.id, name: user.name } } as never],
    };
    const target: DeliveryTarget = { conversationId: caseRecord._id, reference: caseRecord.reference as Partial<ConversationReference>, via: 'case' };
    return { ...(await this.sender.send(target, inCase)), via: 'case' };
  }

  /** The person's newest stored personal chat, read now (and kept for the rest of the sweep). */
  private async currentPersonalChat(userId: string, cache: RouteCache): Promise<ConversationRecord | undefined> {
    const newest = (await this.repository.personalChats([userId])).get(userId);
    if (newest) cache.personal.set(userId, newest);
    return newest;
  }

  /** A case the fallback routes need (its service URL and tenant); read once per sweep. */
  private async caseOf(caseId: string, cache: RouteCache): Promise<Case | null> {
    if (!cache.cases.has(caseId)) cache.cases.set(caseId, (await this.repository.casesByIds([caseId]))[0] ?? null);
    return cache.cases.get(caseId) ?? null;
  }

  private async caseConversationOf(kase: Case, cache: RouteCache): Promise<ConversationRecord | null> {
    const id = kase.conversation.conversationId;
    if (!cache.caseConversations.has(id)) cache.caseConversations.set(id, (await this.repository.conversationsByIds([id]))[0] ?? null);
    return cache.caseConversations.get(id) ?? null;
  }

  private async limit(conversationId: string): Promise<void> {
    await this.global.take();
    await this.perConversation.take(conversationId);
  }

  private async rememberPersonalChat(userId: string, delivered: Delivered, caseRecord: ConversationRecord, cache: RouteCache): Promise<void> {
    const record: ConversationRecord = {
      _id: delivered.conversationId,
      kind: 'personal',
      tenantId: caseRecord.tenantId,
      userId,
      serviceUrl: caseRecord.serviceUrl,
      reference: JSON.parse(JSON.stringify(delivered.createdReference)) as Record<string, unknown>,
      updatedAt: this.now(),
    };
    cache.personal.set(userId, record);
    await this.core.conversations.remember(record).catch((error: unknown) => this.logger.warn({ err: error }, 'could not store the new personal chat'));
  }
}
