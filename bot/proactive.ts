import { type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Core } from '../core';
import { DomainError } from '../core/domain/errors';
import type { AdaptiveCard } from './cards/card';
import { cardMessage } from './cards/message';

/** Sends a card to the conversation a case lives in; resolves to the new message's ID. */
export type PostToCaseConversation = (caseId: string, card: AdaptiveCard, text?: string) => Promise<{ activityId?: string }>;

/**
 * Proactive posting for adapters that must not know botbuilder (the tab): the stored
 * conversation reference of the case's channel or group chat, and `continueConversationAsync`.
 * In a channel the reference points at the channel itself, so the card starts a new post.
 */
export function createCaseConversationPoster(adapter: CloudAdapter, core: Pick<Core, 'caseRepository' | 'conversations'>, botAppId: string | undefined): PostToCaseConversation {
  return async (caseId, card, text) => {
    const kase = await core.caseRepository.byId(caseId);
    if (!kase) throw new DomainError('error.caseNotFound', {}, 'not_found');
    const record = await core.conversations.get(kase.conversation.conversationId);
    if (!record) throw new DomainError('error.noConversationReference', {}, 'conflict');
    let activityId: string | undefined;
    await adapter.continueConversationAsync(botAppId ?? '', record.reference as Partial<ConversationReference>, async (context) => {
      const response = await context.sendActivity(cardMessage(card, text));
      activityId = response?.id;
    });
    return { activityId };
  };
}
