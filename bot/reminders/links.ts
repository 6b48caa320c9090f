import type { CaseConversation } from '../../core/domain/case';
import type { ConversationRecord } from '../../core';

/** A Teams deep link to the conversation a case lives in (channel or group chat). */
export function caseDeepLink(conversation: CaseConversation, title: string, record?: ConversationRecord | null): string {
  const tenant = conversation.tenantId ? `tenantId=${encodeURIComponent(conversation.tenantId)}` : '';
  if (conversation.kind === 'channel' && conversation.channelId) {
    const query = [record?.aadGroupId ? `groupId=${encodeURIComponent(record.aadGroupId)}` : '', tenant].filter(Boolean).join('&');
    return `https://teams.microsoft.com/l/channel/${encodeURIComponent(conversation.channelId)}/${encodeURIComponent(title)}${query ? `?${query}` : ''}`;
  }
  return `https://teams.microsoft.com/l/chat/${encodeURIComponent(conversation.conversationId)}/conversations${tenant ? `?${tenant}` : ''}`;
}
