import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { memberClearance } from '../../core/domain/audience';
import type { Case, Member } from '../../core/domain/case';
import { DomainError } from '../../core/domain/errors';
import { decide } from '../../core/domain/policy';
import { ASSESSMENT_AREAS } from '../../core/domain/scales';
import type { Locale } from '../../core/i18n';
import type { AgreementTarget } from '../../core/services/agreementService';
import { MINUTES_VIEW_VERB, minutesCard } from '../cards/minutesCard';
import { AGREEMENT_VERBS, agreementCardFor, agreementFormCard } from '../cards/agreementCards';
import { ASSESSMENT_VERBS, assessmentFormCard, assessmentSavedCard, assessmentSummaryCard } from '../cards/assessmentCards';
import { ADAPTIVE_CARD_CONTENT_TYPE, refreshFor, type AdaptiveCard } from '../cards/card';
import { CASE_REFRESH_VERB, caseCard } from '../cards/caseCard';
import { FORM_OPEN_VERB } from '../cards/formCards';
import { CONSENT_VERBS, consentCardFor, MEMBERS_PAGE_VERB, membersCard } from '../cards/memberCards';
import { cardMessage } from '../cards/message';
import { activeMemberIds } from '../cards/neutralCard';
import { OBSERVATION_SUBMIT_VERB, OBSERVATION_VIEW_VERB, observationCard, observationCardFor, observationFormCard, observationSavedCard } from '../cards/observationCards';
import { TIMELINE_VERB, timelineCard } from '../cards/timelineCard';
import { createReminderCardActions } from '../reminders/actions';
import { createEarlyWarningCardActions } from '../earlyWarnings';
import { createChildVoiceCardActions } from './childVoiceHandlers';
import { createMeetingCardActions, openMeetingForm } from './meetingHandlers';
import { createHandoverCardActions } from './handoverHandlers';
import { actorOf } from '../turn';
import type { BotDependencies } from './commandHandlers';

/** A card action returns what the clicker sees in place of the card: a view for them alone. */
export type CardActionHandler = (context: TurnContext, locale: Locale, data: Record<string, unknown>) => Promise<AdaptiveCard>;

export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
}

const assessmentViewer = (kase: Case, member: Member) => ({
  answers: decide(kase, member, 'assessment.answer').allowed,
  closes: decide(kase, member, 'assessment.close').allowed,
});

/**
 * Every Action.Execute verb the bot understands. Each is authorized by the core; what a change
 * posts into the room goes through the publisher, and the cards showing the changed thing are
 * updated from the audit trail (bot/audience/publisher.ts), wherever the change was made.
 */
export function createCardActions(deps: BotDependencies): Record<string, CardActionHandler> {
  const { core, publisher } = deps;

  function transitionHandler(to: AgreementTarget): CardActionHandler {
    return async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const { agreement, kase, member } = await core.agreements.transition(actor, data.caseId, data.agreementId, to, { reason: data.reason });
      return agreementCardFor(locale, agreement, kase, member, core.agreements.today());
    };
  }

  function consentHandler(decision: 'approve' | 'decline'): CardActionHandler {
    return async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const change = await core.members.decideConsent(actor, data.caseId, data.userId, decision);
      if (change.changed) {
        const key = decision === 'approve' ? 'consent.approved' : 'consent.declined';
        await publisher.post(context, change.kase, { kind: 'text', key, params: { guardian: change.member.consent.byName ?? '', name: change.member.name } }, locale);
      }
      const viewer = change.kase.members.find((m) => m.userId === actor.userId) ?? change.member;
      return consentCardFor(locale, change.kase, change.member, viewer);
    };
  }

  return {
    [CASE_REFRESH_VERB]: async (context, locale, data) => {
      const { kase, member } = await core.cases.view(actorOf(context.activity), data.caseId);
      return caseCard(locale, kase, memberClearance(member));
    },

    [CONSENT_VERBS.approve]: consentHandler('approve'),
    [CONSENT_VERBS.decline]: consentHandler('decline'),
    [CONSENT_VERBS.withdraw]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const change = await core.members.withdrawConsent(actor, data.caseId, data.userId);
      if (change.changed) await publisher.post(context, change.kase, { kind: 'text', key: 'consent.withdrawn', params: { guardian: actor.name, name: change.member.name } }, locale);
      const viewer = change.kase.members.find((m) => m.userId === actor.userId) ?? change.member;
      return consentCardFor(locale, change.kase, change.member, viewer);
    },
    [CONSENT_VERBS.view]: async (context, locale, data) => {
      const { kase, member } = await core.members.list(actorOf(context.activity), data.caseId, 'consent');
      const target = kase.members.find((m) => m.userId === data.userId);
      if (!target) throw new DomainError('error.memberNotFound', {}, 'not_found');
      return consentCardFor(locale, kase, target, member);
    },

    // Only the person the form was handed to gets its inputs; anyone else a refusal without content.
    [FORM_OPEN_VERB]: async (context, locale, data) => {
      const { kase, member, form, observation, agreement } = await core.forms.reopen(actorOf(context.activity), data.caseId, data.formId);
      const own = refreshFor(FORM_OPEN_VERB, { caseId: kase._id, formId: form._id }, [form.requesterId]);
      if (form.kind === 'observation') {
        if (observation) return observationSavedCard(locale, observation);
        return { ...observationFormCard(locale, kase, form._id, decide(kase, member, 'observation.createProfessionalOnly').allowed), refresh: own };
      }
      if (form.kind === 'meeting') return openMeetingForm(deps, locale, kase, member, form);
      if (agreement) return agreementCardFor(locale, agreement, kase, member, core.agreements.today());
      return { ...agreementFormCard(locale, kase, form._id, core.agreements.today()), refresh: own };
    },

    [OBSERVATION_SUBMIT_VERB]: async (context, locale, data) => {
      const { observation, kase, created } = await core.observations.create(actorOf(context.activity), data.caseId, {
        formId: data.formId,
        area: data.area,
        level: data.level,
        sosColumn: data.sosColumn,
        text: data.text,
        professionalsOnly: data.professionalsOnly,
      });
      if (created) {
        await publisher.post(context, kase, { kind: 'observation', observationId: observation._id }, locale, (c) => cardMessage(observationCard(locale, observation, kase, c)));
        await publisher.refreshSubject(kase._id, { kind: 'form', formId: data.formId });
      }
      return observationSavedCard(locale, observation);
    },
    [OBSERVATION_VIEW_VERB]: async (context, locale, data) => {
      const { observation, kase, member } = await core.observations.get(actorOf(context.activity), data.caseId, data.observationId);
      return observationCardFor(locale, observation, kase, member);
    },

    [ASSESSMENT_VERBS.submit]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const ratings = Object.fromEntries(ASSESSMENT_AREAS.map((area) => [area, data[`rating_${area}`]]));
      const { answer, round, kase, member } = await core.assessments.answer(actor, data.caseId, data.roundId, { ratings, comment: data.comment });
      return assessmentSavedCard(locale, kase, round, assessmentViewer(kase, member), answer);
    },
    [ASSESSMENT_VERBS.close]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const { round, summary, closed, kase, member } = await core.assessments.close(actor, data.caseId, data.roundId);
      if (closed) await publisher.post(context, kase, { kind: 'summary', roundId: round._id }, locale);
      return assessmentSummaryCard(locale, kase, summary, memberClearance(member), round._id);
    },
    [ASSESSMENT_VERBS.view]: async (context, locale, data) => {
      const { kase, member, round, own } = await core.assessments.view(actorOf(context.activity), data.caseId, data.roundId);
      if (round.status === 'closed' && round.summary) return assessmentSummaryCard(locale, kase, round.summary, memberClearance(member), round._id);
      return assessmentFormCard(locale, kase, round, assessmentViewer(kase, member), own ?? undefined);
    },

    [AGREEMENT_VERBS.submit]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const { agreement, kase, member, created } = await core.agreements.propose(actor, data.caseId, {
        formId: data.formId,
        what: data.what,
        ownerId: data.ownerId,
        dueDate: data.dueDate,
        followUpDate: data.followUpDate,
      });
      if (created) {
        await publisher.post(context, kase, { kind: 'agreement', agreementId: agreement._id }, locale);
        await publisher.refreshSubject(kase._id, { kind: 'form', formId: data.formId });
      }
      return agreementCardFor(locale, agreement, kase, member, core.agreements.today());
    },
    [AGREEMENT_VERBS.accept]: transitionHandler('accepted'),
    [AGREEMENT_VERBS.decline]: transitionHandler('declined'),
    [AGREEMENT_VERBS.done]: transitionHandler('done'),
    [AGREEMENT_VERBS.cancel]: transitionHandler('cancelled'),
    [AGREEMENT_VERBS.refresh]: async (context, locale, data) => {
      const { agreement, kase, member } = await core.agreements.get(actorOf(context.activity), data.caseId, data.agreementId);
      return agreementCardFor(locale, agreement, kase, member, core.agreements.today());
    },

    [MEMBERS_PAGE_VERB]: async (context, locale, data) => {
      const { kase, member } = await core.members.list(actorOf(context.activity), data.caseId);
      return membersCard(locale, kase, typeof data.page === 'number' ? data.page : 1, member);
    },

    [TIMELINE_VERB]: async (context, locale, data) => {
      const view = await core.timeline.page(actorOf(context.activity), data.caseId, data.page);
      return timelineCard(locale, view);
    },

    [MINUTES_VIEW_VERB]: async (context, locale, data) => {
      const { kase, member, meeting } = await core.overview.meeting(actorOf(context.activity), data.caseId, data.meetingId);
      return minutesCard(locale, meeting.minutes!, memberClearance(member), { meetingId: meeting._id, userIds: activeMemberIds(kase) });
    },

    // Coordinator handover and the child's voice (bot/handlers/handoverHandlers.ts, childVoiceHandlers.ts).
    ...createHandoverCardActions(deps),
    ...createChildVoiceCardActions(deps),
    // Case meetings (bot/handlers/meetingHandlers.ts): the form, answers, proposals, the coordinator's actions, reminders.
    ...createMeetingCardActions(deps),
    // Reminder cards (bot/reminders/actions.ts): Mark done, Snooze.
    ...createReminderCardActions(core),
    // Early-warning cards (bot/earlyWarnings): open a round, propose an agreement, dismiss with a reason.
    ...createEarlyWarningCardActions(core, deps.teamsAppId),
  };
}
