import { TurnContext, type Activity, type ConversationAccount, type ConversationReference } from 'botbuilder';
import { maskCpr } from '../core/domain/cpr';
import { truncate } from '../core/i18n/format';
import type { Actor, CaseConversation } from '../core/domain/case';
import { resolveLocale, type Locale } from '../core/i18n';
import type { ConversationRecord } from '../core';

/** Translates the Teams-shaped parts of an activity into the core's plain types. */

export const channelConversationId = (conversationId: string): string => conversationId.split(';messageid=')[0] ?? conversationId;

export function localeOf(activity: Activity): Locale {
  return resolveLocale(activity.locale);
}

/** Names as long as Teams allows display names; longer ones are shortened visibly. */
export const NAME_MAX = 256;

/**
 * A name we take from Teams (a person, a team, a conversation): never a CPR number, never unbounded.
 * We cannot refuse someone's name, so a CPR number in it is masked rather than stored.
 */
export const safeName = (name: string | undefined): string | undefined => (name ? truncate(maskCpr(name), NAME_MAX) : undefined);

export function actorOf(activity: Activity): Actor {
  return { userId: activity.from.id, aadObjectId: activity.from.aadObjectId, name: safeName(activity.from.name) || activity.from.id };
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string; aadGroupId?: string };
  channel?: { id?: string };
}

const channelDataOf = (activity: Activity): TeamsChannelData => (activity.channelData ?? {}) as TeamsChannelData;

export function conversationKind(activity: Activity): CaseConversation['kind'] {
  const type = activity.conversation.conversationType;
  if (type === 'channel' || channelDataOf(activity).channel?.id) return 'channel';
  if (type === 'groupChat' || activity.conversation.isGroup) return 'groupChat';
  return 'personal';
}

export function caseConversationOf(activity: Activity): CaseConversation {
  const data = channelDataOf(activity);
  return {
    conversationId: channelConversationId(activity.conversation.id),
    tenantId: data.tenant?.id ?? activity.conversation.tenantId,
    teamId: data.team?.id,
    channelId: data.channel?.id,
    kind: conversationKind(activity),
  };
}

/**
 * What we store so that we can write to this conversation later without being asked: only the
 * fields a proactive message needs, with names masked and bounded. Everything else in an activity
 * is untrusted and not kept.
 */
export function conversationRecordOf(activity: Activity): ConversationRecord {
  const data = channelDataOf(activity);
  const conversation = caseConversationOf(activity);
  const full = TurnContext.getConversationReference(activity);
  const reference: Partial<ConversationReference> = {
    channelId: full.channelId,
    serviceUrl: full.serviceUrl,
    locale: full.locale,
    bot: full.bot ? { id: full.bot.id, name: safeName(full.bot.name) ?? '' } : undefined,
    user: conversation.kind === 'personal' && full.user ? { id: full.user.id, name: safeName(full.user.name) ?? '', aadObjectId: full.user.aadObjectId } : undefined,
    // Point the stored reference at the channel itself, not at one thread in it.
    conversation: {
      id: conversation.conversationId,
      conversationType: full.conversation?.conversationType,
      tenantId: full.conversation?.tenantId,
      isGroup: full.conversation?.isGroup,
    } as ConversationAccount,
  };
  return {
    _id: conversation.conversationId,
    kind: conversation.kind,
    tenantId: conversation.tenantId,
    teamId: data.team?.id,
    teamName: safeName(data.team?.name),
    aadGroupId: data.team?.aadGroupId,
    channelId: data.channel?.id,
    userId: conversation.kind === 'personal' ? activity.from.id : undefined,
    aadObjectId: conversation.kind === 'personal' ? activity.from.aadObjectId : undefined,
    locale: conversation.kind === 'personal' && activity.locale ? localeOf(activity) : undefined,
    serviceUrl: activity.serviceUrl,
    reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    updatedAt: new Date(),
  };
}
