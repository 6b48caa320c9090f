import { DomainError, isDomainError } from '../domain/errors';
import type { Actor } from '../domain/case';
import type { Locale } from '../i18n';
import type { InboxRepository } from '../persistence/inboxRepository';
import type { CaseConversationPort } from '../ports';
import type { OverviewService } from './overviewService';

export type MinutesPosted = { posted: true; decisions: number } | { posted: false; repeated: true };

/**
 * Posting a meeting's minutes: authorize, claim the form (a double click posts once), draw the
 * minutes, post them into the case conversation, and only then record the meeting as held: "since
 * the last meeting" moves when the connector accepted the card, not before. A failed send
 * releases the claim, so trying again works.
 */
export class MinutesService {
  constructor(
    private readonly overview: OverviewService,
    private readonly claims: InboxRepository,
  ) {}

  async post(actor: Actor, caseId: unknown, rawFormId: unknown, locale: Locale, conversation: CaseConversationPort | undefined, onSendFailure: (error: unknown) => void = () => undefined): Promise<MinutesPosted> {
    const { kase, formId } = await this.overview.authorizeMinutes(actor, caseId, rawFormId);
    const key = `tab-minutes|${kase._id}|${formId}`;
    if (!(await this.claims.claim(key))) return { posted: false, repeated: true };
    try {
      if (!conversation) throw new DomainError('error.minutesNotSent', {}, 'unavailable');
      const minutes = await this.overview.minutes(actor, kase._id);
      const { activityId } = await conversation.postMinutes(kase, minutes, formId, locale).catch((error: unknown) => {
        if (isDomainError(error)) throw error;
        onSendFailure(error);
        throw new DomainError('error.minutesNotSent', {}, 'unavailable');
      });
      await this.overview.recordMinutesPosted(actor, kase, minutes, { formId, activityId });
      return { posted: true, decisions: minutes.decisions.length };
    } catch (error) {
      await this.claims.release(key).catch(() => undefined);
      throw error;
    }
  }
}
