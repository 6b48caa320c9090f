import type { Case } from '../core/domain/case';
import type { Locale } from '../core/i18n';
import type { Minutes } from '../core/services/overviewService';
import { minutesCard } from './cards/minutesCard';
import type { CaseConversationPort } from '../core';
import type { RoomPublisher } from './audience/publisher';
import { cardMessage } from './cards/message';
import { activeMemberIds } from './cards/neutralCard';
import { t } from '../core/i18n';

/**
 * What the tab posts into a case's conversation, through the publisher like everything else, so
 * the room's least-privileged reader decides what it shows. A refused send throws: nothing is
 * reported as posted that the connector did not accept.
 */
export function createCaseConversationPort(publisher: RoomPublisher): CaseConversationPort {
  return {
    postMinutes(kase: Case, minutes: Minutes, meetingId: string, locale: Locale) {
      const own = { meetingId, userIds: activeMemberIds(kase) };
      return publisher.postToCase(kase, { kind: 'minutes', meetingId }, locale, (c) =>
        cardMessage(minutesCard(locale, minutes, c, own), c === 'outsider' ? undefined : t(locale, 'tab.minutes.title', { title: kase.title })),
      );
    },
    postAgreement(kase: Case, agreementId: string, locale: Locale) {
      return publisher.postToCase(kase, { kind: 'agreement', agreementId }, locale);
    },
    async isPosted(kase: Case, agreementId: string) {
      return publisher.isPosted(kase._id, { kind: 'agreement', agreementId });
    },
  };
}
