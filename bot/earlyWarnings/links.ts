import type { ConversationRecord } from '../../core';
import type { Case } from '../../core/domain/case';
import type { EarlyWarningView } from '../../core/services/earlyWarningService';
import { caseDeepLink } from '../reminders/links';

/** The entity ID the tab's configuration page saves for a case (tab/web/host.ts ENTITY_PREFIX). */
const ENTITY_PREFIX = 'samspil-case:';

/**
 * A Teams deep link to the case's tab in its channel or chat, opened at one thing (`subEntityId`:
 * `observation:<id>` or `round:<id>`, which the tab scrolls to). Needs the Teams app ID (the
 * manifest's `id`); without it, or for a case without a channel or chat, the case's conversation.
 */
export function tabDeepLink(kase: Case, record: ConversationRecord | null, teamsAppId: string | undefined, subEntityId?: string): string {
  const { conversation } = kase;
  if (!teamsAppId || conversation.kind === 'personal') return caseDeepLink(conversation, kase.title, record);
  const context =
    conversation.kind === 'channel'
      ? { subEntityId, channelId: conversation.channelId ?? conversation.conversationId }
      : { subEntityId, chatId: conversation.conversationId, contextType: 'chat' };
  const query = [`context=${encodeURIComponent(JSON.stringify(context))}`];
  if (conversation.kind === 'channel' && record?.aadGroupId) query.push(`groupId=${encodeURIComponent(record.aadGroupId)}`);
  if (conversation.tenantId) query.push(`tenantId=${encodeURIComponent(conversation.tenantId)}`);
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/${encodeURIComponent(`${ENTITY_PREFIX}${kase._id}`)}?${query.join('&')}`;
}

/** Where each of a warning's inputs can be seen, and the case itself. */
export function warningLinks(kase: Case, record: ConversationRecord | null, warning: EarlyWarningView, teamsAppId: string | undefined): { case: string; inputs: Record<string, string> } {
  const inputs: Record<string, string> = {};
  for (const input of warning.inputs) inputs[input.id] = tabDeepLink(kase, record, teamsAppId, `${input.kind}:${input.id}`);
  return { case: tabDeepLink(kase, record, teamsAppId), inputs };
}
