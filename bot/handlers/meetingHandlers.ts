import type { TurnContext } from 'botbuilder';
import type { Case, Member } from '../../core/domain/case';
import { copenhagenDate } from '../../core/domain/dates';
import { DomainError } from '../../core/domain/errors';
import { parseWhen, type Meeting } from '../../core/domain/meeting';
import { meetingItem } from '../../core/reminders/meetingRules';
import { t, type Locale } from '../../core/i18n';
import type { FormRecord } from '../../core';
import { refreshFor, type AdaptiveCard } from '../cards/card';
import { FORM_OPEN_VERB, formBaseCard } from '../cards/formCards';
import {
  caseChoiceCard,
  invitationCard,
  MEETING_VERBS,
  meetingCardFor,
  meetingFormCard,
  meetingListCard,
  meetingReminderCard,
  myMeetingsCard,
  proposalCard,
  scheduledBanner,
  type MeetingReminderState,
  type MeetingSurface,
} from '../cards/meetingCards';
import { cardMessage } from '../cards/message';
import { caseDeepLink } from '../reminders/links';
import { actorOf, caseConversationOf } from '../turn';
import type { CardActionHandler } from './cardActions';
import type { BotDependencies, CommandHandlers } from './commandHandlers';

/**
 * Case meetings in the bot (docs/meetings.md): `møde` / `meeting` opens the scheduling form (in the
 * case's conversation, or in one's own chat for a case one coordinates), `møder` / `meetings` lists
 * meetings, and the meeting cards' buttons. Everything is decided by the meeting service; what a
 * change means for other people follows from its event (bot/meetings/notifier.ts).
 */

const whenOf = (text: string, today: string): Record<string, string> => {
  const { date, time } = parseWhen(text, today);
  return { ...(date ? { date } : {}), ...(time ? { time } : {}) };
};

const surfaceOf = (data: Record<string, unknown>): MeetingSurface => (data.surface === 'invite' || data.surface === 'reminder' || data.surface === 'proposal' ? data.surface : 'view');

export function createMeetingCommands(deps: BotDependencies): Pick<CommandHandlers, 'meeting' | 'meetings'> {
  const { core, publisher } = deps;
  const today = () => copenhagenDate(core.now());

  return {
    meeting: async (context, locale, { when }) => {
      const actor = actorOf(context.activity);
      const prefill = whenOf(when, today());
      if (caseConversationOf(context.activity).kind === 'personal') {
        const cases = await core.meetings.casesToSchedule(actor);
        if (cases.length === 0) throw new DomainError('meeting.error.noCoordinatedCase', {}, 'forbidden');
        if (cases.length > 1) return void (await context.sendActivity(cardMessage(caseChoiceCard(locale, cases, prefill))));
        const { form, kase, member } = await core.forms.open(actor, cases[0]!._id, 'meeting', prefill);
        return void (await context.sendActivity(cardMessage(formCard(locale, kase, form, member))));
      }
      const kase = await core.cases.ofConversation(caseConversationOf(context.activity).conversationId);
      if (!kase) throw new DomainError('error.noCase', {}, 'not_found');
      // The room sees who is scheduling; the form itself reaches only the coordinator (refresh, "Åbn formularen").
      const { form } = await core.forms.open(actor, kase._id, 'meeting', prefill);
      await publisher.post(context, kase, { kind: 'form', formId: form._id }, locale, () => cardMessage(formBaseCard(locale, form, false)));
    },

    meetings: async (context, locale) => {
      const actor = actorOf(context.activity);
      if (caseConversationOf(context.activity).kind === 'personal') {
        const mine = await core.meetings.upcomingFor(actor);
        const card = cardMessage(myMeetingsCard(locale, mine));
        return publisher.showView(context, null, { needs: 'member', crossCase: true, what: 'what.meetings', message: () => card }, locale);
      }
      const kase = await core.cases.ofConversation(caseConversationOf(context.activity).conversationId);
      if (!kase) throw new DomainError('error.noCase', {}, 'not_found');
      const list = await core.meetings.list(actor, kase._id, 'meetings');
      const upcoming = await Promise.all(list.upcoming.map((m) => core.meetings.findForCard(kase._id, m.id)));
      const card = cardMessage(meetingListCard(locale, kase, upcoming.filter((m): m is Meeting => !!m)));
      await publisher.showView(context, kase, { needs: 'member', what: 'what.meetings', message: () => card }, locale);
    },
  };

  function formCard(locale: Locale, kase: Case, form: FormRecord, member: Member): AdaptiveCard {
    return { ...meetingFormCard(locale, kase, form._id, member.userId, today(), form.prefill), refresh: refreshFor(FORM_OPEN_VERB, { caseId: kase._id, formId: form._id }, [form.requesterId]) };
  }
}

/** "Åbn formularen" on a meeting form: the form for its coordinator, or the meeting it made once submitted. */
export async function openMeetingForm(deps: BotDependencies, locale: Locale, kase: Case, member: Member, form: FormRecord): Promise<AdaptiveCard> {
  const { core } = deps;
  const made = await core.meetings.fromForm(member, kase, form._id);
  if (made) return meetingCardFor(locale, made, kase, member, core.now(), 'view', undefined, await core.meetings.agendaVoice(member, kase, member, made, 'bot'));
  const own = refreshFor(FORM_OPEN_VERB, { caseId: kase._id, formId: form._id }, [form.requesterId]);
  return { ...meetingFormCard(locale, kase, form._id, member.userId, copenhagenDate(core.now()), form.prefill), refresh: own };
}

export function createMeetingCardActions(deps: BotDependencies): Record<string, CardActionHandler> {
  const { core, publisher } = deps;

  /** What the clicker sees after acting, as the kind of card they clicked on, with Barnets stemme on the agenda as they may read it. */
  async function cardFor(context: TurnContext, locale: Locale, meeting: Meeting, kase: Case, member: Member, surface: MeetingSurface, banner?: string): Promise<AdaptiveCard> {
    const voice = await core.meetings.agendaVoice(actorOf(context.activity), kase, member, meeting, 'bot');
    if (surface === 'invite') return invitationCard(locale, meeting, kase, member, core.now(), banner, voice);
    return meetingCardFor(locale, meeting, kase, member, core.now(), surface === 'proposal' ? 'view' : surface, banner, voice);
  }

  async function reminderCard(locale: Locale, data: Record<string, unknown>, meeting: Meeting, kase: Case, member: Member, state: MeetingReminderState): Promise<AdaptiveCard> {
    const kind = data.kind === 'meeting_soon' ? 'meeting_soon' : 'meeting_before';
    const key = typeof data.reminderKey === 'string' ? data.reminderKey.slice(0, 300) : '';
    const record = await core.conversations.get(kase.conversation.conversationId);
    return meetingReminderCard(locale, { key, kind, item: meetingItem(meeting, kase, kind, member.userId), link: caseDeepLink(kase.conversation, kase.title, record), state, today: copenhagenDate(core.now()) });
  }

  const declineReasonOf = (data: Record<string, unknown>): unknown => Object.entries(data).find(([key]) => key.startsWith('declineReason_'))?.[1];

  return {
    [MEETING_VERBS.submit]: async (context, locale, data) => {
      const { meeting, kase, member, created } = await core.meetings.schedule(actorOf(context.activity), data.caseId, {
        formId: data.formId,
        date: data.date,
        time: data.time,
        durationMinutes: data.durationMinutes,
        place: data.place,
        teams: data.teams,
        participantIds: data.participantIds,
      });
      // The room's form card says the meeting is scheduled; the meeting's own card and the invitations follow its event.
      if (created) await publisher.refreshSubject(kase._id, { kind: 'form', formId: data.formId });
      return cardFor(context, locale, meeting, kase, member, 'view', scheduledBanner(locale, meeting, created));
    },

    [MEETING_VERBS.pickCase]: async (context, locale, data) => {
      const prefill = Object.fromEntries(['date', 'time'].flatMap((k) => (typeof data[k] === 'string' && (data[k] as string).length <= 10 ? [[k, data[k] as string]] : [])));
      const { form, kase, member } = await core.forms.open(actorOf(context.activity), data.caseId, 'meeting', prefill);
      return { ...meetingFormCard(locale, kase, form._id, member.userId, copenhagenDate(core.now()), form.prefill), refresh: refreshFor(FORM_OPEN_VERB, { caseId: kase._id, formId: form._id }, [form.requesterId]) };
    },

    [MEETING_VERBS.view]: async (context, locale, data) => {
      const { meeting, kase, member } = await core.meetings.get(actorOf(context.activity), data.caseId, data.meetingId);
      return cardFor(context, locale, meeting, kase, member, 'view');
    },

    [MEETING_VERBS.invitation]: async (context, locale, data) => {
      const { meeting, kase, member } = await core.meetings.get(actorOf(context.activity), data.caseId, data.meetingId);
      return cardFor(context, locale, meeting, kase, member, 'invite');
    },

    [MEETING_VERBS.accept]: async (context, locale, data) => {
      const surface = surfaceOf(data);
      const { meeting, kase, member } = await core.meetings.answer(actorOf(context.activity), data.caseId, data.meetingId, 'accepted', { via: surface === 'invite' ? 'invitation' : 'card' });
      return cardFor(context, locale, meeting, kase, member, surface);
    },

    [MEETING_VERBS.decline]: async (context, locale, data) => {
      const surface = surfaceOf(data);
      const { meeting, kase, member } = await core.meetings.answer(actorOf(context.activity), data.caseId, data.meetingId, 'declined', { reason: data.reason, via: surface === 'invite' ? 'invitation' : 'card' });
      return cardFor(context, locale, meeting, kase, member, surface);
    },

    [MEETING_VERBS.propose]: async (context, locale, data) => {
      const { meeting, kase, member } = await core.meetings.proposeMove(actorOf(context.activity), data.caseId, data.meetingId, { date: data.date, time: data.time, note: data.note });
      return cardFor(context, locale, meeting, kase, member, surfaceOf(data));
    },

    [MEETING_VERBS.acceptProposal]: async (context, locale, data) => {
      const { meeting, kase, member, proposal } = await core.meetings.decideProposal(actorOf(context.activity), data.caseId, data.meetingId, data.proposalId, 'accept');
      if (surfaceOf(data) === 'proposal') return proposalCard(locale, meeting, kase, proposal, core.now());
      return cardFor(context, locale, meeting, kase, member, surfaceOf(data), t(locale, 'tab.meeting.proposal.accepted'));
    },

    [MEETING_VERBS.declineProposal]: async (context, locale, data) => {
      const { meeting, kase, member, proposal } = await core.meetings.decideProposal(actorOf(context.activity), data.caseId, data.meetingId, data.proposalId, 'decline', { reason: declineReasonOf(data) });
      if (surfaceOf(data) === 'proposal') return proposalCard(locale, meeting, kase, proposal, core.now());
      return cardFor(context, locale, meeting, kase, member, surfaceOf(data), t(locale, 'tab.meeting.proposal.declined'));
    },

    [MEETING_VERBS.cancel]: async (context, locale, data) => {
      const { meeting, kase, member } = await core.meetings.cancel(actorOf(context.activity), data.caseId, data.meetingId, { reason: data.cancelReason });
      return cardFor(context, locale, meeting, kase, member, 'view', t(locale, 'meeting.coordinator.cancelled'));
    },

    [MEETING_VERBS.link]: async (context, locale, data) => {
      const { meeting, kase, member } = await core.meetings.setLink(actorOf(context.activity), data.caseId, data.meetingId, data.joinUrl);
      return cardFor(context, locale, meeting, kase, member, 'view', t(locale, 'meeting.coordinator.linkSaved'));
    },

    // From a reminder: "Jeg kan ikke komme" (afbud, with an optional reason) and "Foreslå et andet tidspunkt".
    [MEETING_VERBS.reminderCancel]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      try {
        const { meeting, kase, member } = await core.meetings.answer(actor, data.caseId, data.meetingId, 'declined', { reason: data.reason, via: 'reminder' });
        return reminderCard(locale, data, meeting, kase, member, { kind: 'cancelled' });
      } catch (error) {
        // The coordinator cancelled it meanwhile: the reminder says so instead of refusing.
        if (!(error instanceof DomainError) || error.key !== 'meeting.error.cancelled') throw error;
        const { meeting, kase, member } = await core.meetings.get(actor, data.caseId, data.meetingId);
        return reminderCard(locale, data, meeting, kase, member, { kind: 'gone' });
      }
    },

    [MEETING_VERBS.reminderPropose]: async (context, locale, data) => {
      const { meeting, kase, member } = await core.meetings.proposeMove(actorOf(context.activity), data.caseId, data.meetingId, { date: data.date, time: data.time, note: data.note });
      return reminderCard(locale, data, meeting, kase, member, { kind: 'proposed' });
    },
  };
}

/** For `opgaver` / `tasks` in a personal chat: "mine møder" beside the agreements. */
export async function myMeetingsMessageCard(deps: BotDependencies, context: TurnContext, locale: Locale): Promise<AdaptiveCard> {
  return myMeetingsCard(locale, await deps.core.meetings.upcomingFor(actorOf(context.activity)));
}
