import { TurnContext, type Activity, type ConversationAccount } from 'botbuilder';
import type { Actor, CaseConversation } from '../core/domain/case';
import { resolveLocale, type Locale } from '../core/i18n';
import type { ConversationRecord } from '../core/persistence/conversationRepository';

/** Translates the Teams-shaped parts of an activity into the core's plain types. */

export const channelConversationId = (conversationId: string): string => conversationId.split(';messageid=')[0] ?? conversationId;

export function localeOf(activity: Activity): Locale {
  return resolveLocale(activity.locale);
}

export function actorOf(activity: Activity): Actor {
  return { userId: activity.from.id, aadObjectId: activity.from.aadObjectId, name: activity.from.name || activity.from.id };
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

/** What we store so that we can write to this conversation later without being asked. */
export function conversationRecordOf(activity: Activity): ConversationRecord {
  const data = channelDataOf(activity);
  const conversation = caseConversationOf(activity);
  const reference = TurnContext.getConversationReference(activity);
  // Point the stored reference at the channel itself, not at one thread in it.
  reference.conversation = { ...reference.conversation, id: conversation.conversationId } as ConversationAccount;
  delete reference.activityId;
  return {
    _id: conversation.conversationId,
    kind: conversation.kind,
    tenantId: conversation.tenantId,
    teamId: data.team?.id,
    teamName: data.team?.name,
    aadGroupId: data.team?.aadGroupId,
    channelId: data.channel?.id,
    userId: conversation.kind === 'personal' ? activity.from.id : undefined,
    aadObjectId: conversation.kind === 'personal' ? activity.from.aadObjectId : undefined,
    serviceUrl: activity.serviceUrl,
    reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    updatedAt: new Date(),
  };
}
