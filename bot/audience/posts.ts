import type { Activity } from 'botbuilder';
import type { Core, PostSpec } from '../../core';
import type { Clearance } from '../../core/domain/audience';
import type { Case } from '../../core/domain/case';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import { minutesCard } from '../cards/minutesCard';
import type { Minutes } from '../../core/services/overviewService';
import { agreementCard } from '../cards/agreementCards';
import { assessmentSummaryCard, roundCard } from '../cards/assessmentCards';
import { caseCard } from '../cards/caseCard';
import { formBaseCard } from '../cards/formCards';
import { meetingCard } from '../cards/meetingCards';
import { consentRequestCard } from '../cards/memberCards';
import { cardMessage } from '../cards/message';
import { activeMemberIds } from '../cards/neutralCard';
import { observationCard } from '../cards/observationCards';
import { closingCard } from '../channels/closingCard';

/** A message rendered for a room whose least-privileged reader has the given clearance. */
export type RoomRender = (clearance: Clearance) => Partial<Activity>;

/** Texts that name people or the case: members see them, a room with outsiders gets a neutral line. */
export const textRender =
  (locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): RoomRender =>
  (clearance) => ({ type: 'message', text: clearance === 'outsider' ? t(locale, 'neutral.update') : t(locale, key, params) });

/** The minutes of a meeting as the room may read them; the members' own view is behind the card's refresh. */
export function minutesRender(locale: Locale, kase: Case, minutes: Minutes, meetingId: string): RoomRender {
  const own = { meetingId, userIds: activeMemberIds(kase) };
  return (c) => cardMessage(minutesCard(locale, minutes, c, own), c === 'outsider' ? undefined : t(locale, 'tab.minutes.title', { title: kase.title }));
}

/**
 * How each kind of post is drawn from the current data. The first post and every later update
 * (a status change, a room whose audience changed) go through here, so they cannot differ.
 * Returns undefined when the thing shown no longer exists.
 */
export async function renderPost(core: Core, kase: Case, spec: PostSpec, locale: Locale): Promise<RoomRender | undefined> {
  switch (spec.kind) {
    case 'case':
      return (c) => cardMessage(caseCard(locale, kase, c));
    case 'agreement': {
      const agreement = await core.agreements.find(spec.agreementId);
      if (!agreement || agreement.caseId !== kase._id) return undefined;
      const today = core.agreements.today();
      return (c) => cardMessage(agreementCard(locale, agreement, kase, today, c));
    }
    case 'observation': {
      const observation = await core.observations.find(spec.observationId);
      if (!observation || observation.caseId !== kase._id) return undefined;
      return (c) => cardMessage(observationCard(locale, observation, kase, c));
    }
    case 'consent': {
      const member = kase.members.find((m) => m.userId === spec.userId);
      if (!member) return undefined;
      return (c) => cardMessage(consentRequestCard(locale, kase, member, c));
    }
    case 'round': {
      const round = await core.assessments.findRound(spec.roundId);
      if (!round || round.caseId !== kase._id) return undefined;
      return (c) => cardMessage(roundCard(locale, kase, round, c));
    }
    case 'summary': {
      const round = await core.assessments.findRound(spec.roundId);
      if (!round?.summary || round.caseId !== kase._id) return undefined;
      const summary = round.summary;
      return (c) => cardMessage(assessmentSummaryCard(locale, kase, summary, c, round._id));
    }
    case 'closing':
      return (c) =>
        cardMessage(
          closingCard(locale, kase, { closedBy: spec.closedBy, closedAt: kase.updatedAt, ...spec.counts, channel: spec.channel }, c),
          c === 'outsider' ? undefined : t(locale, 'close.done', { title: kase.title }),
        );
    case 'minutes': {
      const meeting = await core.overview.findMeeting(kase._id, spec.meetingId);
      if (!meeting?.minutes) return undefined;
      return minutesRender(locale, kase, meeting.minutes, meeting._id);
    }
    case 'meeting': {
      const meeting = await core.meetings.findForCard(kase._id, spec.meetingId);
      if (!meeting) return undefined;
      const now = core.now();
      // Only whether Barnets stemme is on the agenda: its words are in each member's own view.
      const voiceOnAgenda = await core.meetings.agendaVoiceInRoom(kase, meeting);
      return (c) => cardMessage(meetingCard(locale, meeting, kase, c, now, voiceOnAgenda));
    }
    case 'form': {
      const form = await core.forms.find(spec.formId);
      if (!form || form.caseId !== kase._id) return undefined;
      const submitted = await core.forms.isSubmitted(form);
      return () => cardMessage(formBaseCard(locale, form, submitted));
    }
    case 'text':
      return textRender(locale, spec.key as MessageKey, spec.params);
  }
}
