import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { Core } from '../../core';
import type { Agreement } from '../../core/domain/agreement';
import type { Case } from '../../core/domain/case';
import { DomainError } from '../../core/domain/errors';
import { ASSESSMENT_AREAS } from '../../core/domain/scales';
import { t, type Locale } from '../../core/i18n';
import type { AgreementTarget } from '../../core/services/agreementService';
import { AGREEMENT_VERBS, agreementCard, agreementCardFor } from '../cards/agreementCards';
import { ASSESSMENT_VERBS, assessmentSavedCard, assessmentSummaryCard } from '../cards/assessmentCards';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from '../cards/card';
import { CASE_REFRESH_VERB, caseCard } from '../cards/caseCard';
import { CONSENT_VERBS, consentDecidedCard, MEMBERS_PAGE_VERB, membersCard } from '../cards/memberCards';
import { OBSERVATION_SUBMIT_VERB, observationCard, observationSavedCard } from '../cards/observationCards';
import { TIMELINE_VERB, timelineCard } from '../cards/timelineCard';
import { actorOf, channelConversationId } from '../turn';
import { cardMessage } from '../cards/message';
import { REMINDER_CARD_ACTIONS } from '../reminders/actions';

export type CardActionHandler = (context: TurnContext, core: Core, locale: Locale, data: Record<string, unknown>) => Promise<AdaptiveCard>;

export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
}

/** Posts the refreshed agreement card over the original message, so everyone sees the new state. */
async function refreshAgreementMessage(context: TurnContext, core: Core, locale: Locale, agreement: Agreement, kase: Case): Promise<void> {
  const here = channelConversationId(context.activity.conversation.id);
  if (here !== kase.conversation.conversationId) return;
  const activityId = await core.agreements.cardOf(agreement._id);
  if (!activityId) return;
  const message = cardMessage(agreementCard(locale, agreement, kase, core.agreements.today()));
  await context.updateActivity({ ...message, id: activityId, type: 'message' });
}

function transitionHandler(to: AgreementTarget): CardActionHandler {
  return async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const { agreement, kase, changed } = await core.agreements.transition(actor, data.caseId, data.agreementId, to, { reason: data.reason });
    if (changed) await refreshAgreementMessage(context, core, locale, agreement, kase);
    const { member } = await core.access.check(actor, kase, 'agreement.read');
    return agreementCardFor(locale, agreement, kase, member, core.agreements.today());
  };
}

function consentHandler(decision: 'approve' | 'decline'): CardActionHandler {
  return async (context, core, locale, data) => {
    const change = await core.members.decideConsent(actorOf(context.activity), data.caseId, data.userId, decision);
    if (change.changed) {
      const key = decision === 'approve' ? 'consent.approved' : 'consent.declined';
      await context.sendActivity(t(locale, key, { guardian: change.member.consent.byName ?? '', name: change.member.name }));
    }
    return consentDecidedCard(locale, change.member);
  };
}

/** Every Action.Execute verb the bot understands. Each handler is authorized by the core. */
export const CARD_ACTIONS: Record<string, CardActionHandler> = {
  [CASE_REFRESH_VERB]: async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const { kase } = await core.access.caseFor(actor, data.caseId, 'case.read');
    await core.access.recordRead(actor, kase, 'case');
    return caseCard(locale, kase);
  },

  [CONSENT_VERBS.approve]: consentHandler('approve'),
  [CONSENT_VERBS.decline]: consentHandler('decline'),
  [CONSENT_VERBS.withdraw]: async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const change = await core.members.withdrawConsent(actor, data.caseId, data.userId);
    if (change.changed) await context.sendActivity(t(locale, 'consent.withdrawn', { guardian: actor.name, name: change.member.name }));
    return consentDecidedCard(locale, change.member);
  },

  [OBSERVATION_SUBMIT_VERB]: async (context, core, locale, data) => {
    const { observation, created } = await core.observations.create(actorOf(context.activity), data.caseId, {
      formId: data.formId,
      area: data.area,
      level: data.level,
      sosColumn: data.sosColumn,
      text: data.text,
      professionalsOnly: data.professionalsOnly,
    });
    if (created) {
      // Family members read the case conversation: a professionals-only observation is announced, never shown.
      if (observation.visibility === 'all') await context.sendActivity(cardMessage(observationCard(locale, observation)));
      else await context.sendActivity(t(locale, 'observation.hiddenNotice', { name: observation.authorName }));
    }
    return observationSavedCard(locale, observation);
  },

  [ASSESSMENT_VERBS.submit]: async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const ratings = Object.fromEntries(ASSESSMENT_AREAS.map((area) => [area, data[`rating_${area}`]]));
    const answer = await core.assessments.answer(actor, data.caseId, data.roundId, { ratings, comment: data.comment });
    const { kase } = await core.access.caseFor(actor, data.caseId, 'case.read');
    const round = await core.assessmentRepository.round(answer.roundId);
    if (!round) throw new DomainError('error.roundNotFound', {}, 'not_found');
    return assessmentSavedCard(locale, kase, round, answer);
  },

  [ASSESSMENT_VERBS.close]: async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const { summary, closed } = await core.assessments.close(actor, data.caseId, data.roundId);
    const { kase } = await core.access.caseFor(actor, data.caseId, 'case.read');
    const card = assessmentSummaryCard(locale, kase, summary);
    if (closed) await context.sendActivity(cardMessage(card));
    return card;
  },

  [AGREEMENT_VERBS.submit]: async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const { agreement, kase, created } = await core.agreements.propose(actor, data.caseId, {
      formId: data.formId,
      what: data.what,
      ownerId: data.ownerId,
      dueDate: data.dueDate,
      followUpDate: data.followUpDate,
    });
    const today = core.agreements.today();
    if (created) {
      const posted = await context.sendActivity(cardMessage(agreementCard(locale, agreement, kase, today)));
      if (posted?.id) await core.agreements.rememberCard(agreement._id, posted.id);
    }
    const { member } = await core.access.check(actor, kase, 'agreement.read');
    return agreementCardFor(locale, agreement, kase, member, today);
  },
  [AGREEMENT_VERBS.accept]: transitionHandler('accepted'),
  [AGREEMENT_VERBS.decline]: transitionHandler('declined'),
  [AGREEMENT_VERBS.done]: transitionHandler('done'),
  [AGREEMENT_VERBS.cancel]: transitionHandler('cancelled'),
  [AGREEMENT_VERBS.refresh]: async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const { agreement, kase } = await core.agreements.get(actor, data.caseId, data.agreementId);
    const { member } = await core.access.check(actor, kase, 'agreement.read');
    return agreementCardFor(locale, agreement, kase, member, core.agreements.today());
  },

  [MEMBERS_PAGE_VERB]: async (context, core, locale, data) => {
    const actor = actorOf(context.activity);
    const kase = await core.members.list(actor, data.caseId);
    await core.access.recordRead(actor, kase, 'members');
    return membersCard(locale, kase, typeof data.page === 'number' ? data.page : 1);
  },

  [TIMELINE_VERB]: async (context, core, locale, data) => {
    const view = await core.timeline.page(actorOf(context.activity), data.caseId, data.page);
    return timelineCard(locale, view);
  },
  // Reminder cards (bot/reminders/actions.ts): Mark done, Snooze.
  ...REMINDER_CARD_ACTIONS,
};
