import type { Case } from '../core/domain/case';
import type { Locale } from '../core/i18n';
import type { Minutes } from '../core/services/overviewService';
import type { CaseConversationPort } from '../core';
import type { RoomPublisher } from './audience/publisher';
import { minutesRender } from './audience/posts';

/**
 * What the tab posts into a case's conversation, through the publisher like everything else, so
 * the room's least-privileged reader decides what it shows. A refused send throws: nothing is
 * reported as posted that the connector did not accept.
 */
export function createCaseConversationPort(publisher: RoomPublisher): CaseConversationPort {
  return {
    postMinutes(kase: Case, minutes: Minutes, meetingId: string, locale: Locale) {
      return publisher.postToCase(kase, { kind: 'minutes', meetingId }, locale, minutesRender(locale, kase, minutes, meetingId));
    },
    postAgreement(kase: Case, agreementId: string, locale: Locale) {
      return publisher.postToCase(kase, { kind: 'agreement', agreementId }, locale);
    },
    async isPosted(kase: Case, agreementId: string) {
      return publisher.isPosted(kase._id, { kind: 'agreement', agreementId });
    },
  };
}
