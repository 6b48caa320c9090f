import type { Case } from './domain/case';
import type { Locale } from './i18n';
import type { Minutes } from './services/overviewService';

/**
 * Posting into a case's conversation: the bot provides it (bot/proactive.ts) and renders each post
 * for the room's audience, so core and tab never touch botbuilder. A send that was refused throws.
 */
export interface CaseConversationPort {
  postMinutes(kase: Case, minutes: Minutes, meetingId: string, locale: Locale): Promise<{ activityId?: string }>;
  postAgreement(kase: Case, agreementId: string, locale: Locale): Promise<{ activityId?: string }>;
  isPosted(kase: Case, agreementId: string): Promise<boolean>;
}
