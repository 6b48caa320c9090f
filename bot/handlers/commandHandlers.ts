import { CardFactory, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import { memberClearance } from '../../core/domain/audience';
import { activeMember, type Case } from '../../core/domain/case';
import { looksLikeCpr } from '../../core/domain/cpr';
import { DomainError } from '../../core/domain/errors';
import { t, type Locale } from '../../core/i18n';
import { roleLabel, truncate } from '../../core/i18n/format';
import type { RoomPublisher } from '../audience/publisher';
import { agreementListCard, tasksCard } from '../cards/agreementCards';
import { caseCard } from '../cards/caseCard';
import { formBaseCard } from '../cards/formCards';
import { helpCard } from '../cards/helpCard';
import { membersCard } from '../cards/memberCards';
import { cardMessage } from '../cards/message';
import { timelineCard } from '../cards/timelineCard';
import { closeCaseCommand, type ChannelCommands } from '../channels/commands';
import type { Command } from '../commands';
import { actorOf, caseConversationOf } from '../turn';
import { createChildVoiceCommands } from './childVoiceHandlers';
import { createHandoverCommands } from './handoverHandlers';
import { createMeetingCommands, myMeetingsMessageCard } from './meetingHandlers';
import { personFromCommand } from './people';

/** What the command handlers need: the core, the one publisher, and case channels when configured. */
export interface BotDependencies {
  core: Core;
  publisher: RoomPublisher;
  logger: Logger;
  /** Case channels through Graph (bot/channels); without them a case stays where it was created. */
  channels?: ChannelCommands;
  /** The Teams app ID (TEAMS_APP_ID), for deep links to the case's tab. */
  teamsAppId?: string;
}

type Handler<C extends Command['name']> = (context: TurnContext, locale: Locale, command: Extract<Command, { name: C }>) => Promise<void>;
export type CommandHandlers = { [C in Command['name']]: Handler<C> };

const USAGE = { add: 'usage.add', remove: 'usage.remove', withdraw: 'usage.withdraw' } as const;
const UNKNOWN_ECHO_MAX = 40;

/**
 * One small handler per command, and the only table of them: each calls the core and hands what
 * it shows to the publisher, which decides what the room may see (bot/audience/publisher.ts).
 */
export function createCommandHandlers(deps: BotDependencies): CommandHandlers {
  const { core, publisher } = deps;

  /** The case of the conversation the command was typed in; links the sender's Entra ID if it was missing. */
  async function caseHere(context: TurnContext): Promise<Case> {
    const kase = await core.cases.ofConversation(caseConversationOf(context.activity).conversationId);
    if (!kase) throw new DomainError('error.noCase', {}, 'not_found');
    const actor = actorOf(context.activity);
    const member = activeMember(kase, actor);
    if (member && !member.aadObjectId && actor.aadObjectId) {
      await core.members.linkIdentities(kase._id, [{ userId: member.userId, aadObjectId: actor.aadObjectId }]).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not store a member’s Entra object ID'));
    }
    return kase;
  }

  async function person(context: TurnContext, who: string) {
    const found = await personFromCommand(context, who);
    if (!found) throw new DomainError(who ? 'error.personNotFound' : 'error.mentionMissing', { name: truncate(who, 60) });
    return found;
  }

  const where = (context: TurnContext) => ({ serviceUrl: context.activity.serviceUrl, tenantId: caseConversationOf(context.activity).tenantId });

  return {
    // Coordinator handover and the child's voice (bot/handlers/handoverHandlers.ts, childVoiceHandlers.ts).
    ...createHandoverCommands(deps),
    // Case meetings (bot/handlers/meetingHandlers.ts): `møde`, `møder`.
    ...createMeetingCommands(deps),
    ...createChildVoiceCommands(deps),

    help: async (context, locale) => {
      await context.sendActivity(cardMessage(helpCard(locale)));
    },

    newCase: async (context, locale, command) => {
      if (deps.channels && (await deps.channels.newCaseInOwnChannel(context, locale, command.title, command.childRef))) return;
      const conversation = caseConversationOf(context.activity);
      if (conversation.kind === 'personal') {
        await context.sendActivity(t(locale, 'error.caseNeedsSharedConversation'));
        return;
      }
      const kase = await core.cases.createCase(actorOf(context.activity), conversation, { title: command.title, childRef: command.childRef });
      publisher.recordOutcome(context, 'case.created', { title: kase.title });
      const { room } = await publisher.clearanceHere(context, kase);
      await publisher.post(context, kase, { kind: 'case' }, locale, (c) =>
        cardMessage(caseCard(locale, kase, c), c === 'outsider' ? t(locale, 'case.createdNeutral') : t(locale, 'case.created', { title: kase.title })),
      );
      await publisher.warnAboutOutsiders(kase, room, where(context), locale);
    },

    case: async (context, locale) => {
      const kase = await core.cases.openCaseOfConversation(actorOf(context.activity), caseConversationOf(context.activity).conversationId);
      await publisher.post(context, kase, { kind: 'case' }, locale);
    },

    addMember: async (context, locale, { who, role, legalBasis }) => {
      const kase = await caseHere(context);
      const actor = actorOf(context.activity);
      await core.access.check(actor, kase, 'member.add');
      const target = await person(context, who);
      const change = await core.members.add(actor, kase._id, { ...target, role, legalBasis });
      const params = { name: change.member.name, role: roleLabel(locale, change.member.role) };
      const key = change.member.status === 'pending' ? 'members.added.pending' : 'members.added.active';
      await publisher.post(context, change.kase, { kind: 'text', key, params }, locale);
      if (change.member.status === 'pending') await publisher.post(context, change.kase, { kind: 'consent', userId: change.member.userId }, locale);
    },

    removeMember: async (context, locale, { who }) => {
      const kase = await caseHere(context);
      const actor = actorOf(context.activity);
      await core.access.check(actor, kase, 'member.remove');
      const target = await person(context, who);
      const change = await core.members.remove(actor, kase._id, target.userId);
      await publisher.post(context, change.kase, { kind: 'text', key: 'members.removed', params: { name: change.member.name } }, locale);
    },

    withdrawConsent: async (context, locale, { who }) => {
      const kase = await caseHere(context);
      const actor = actorOf(context.activity);
      await core.access.check(actor, kase, 'consent.withdraw');
      const target = await person(context, who);
      const change = await core.members.withdrawConsent(actor, kase._id, target.userId);
      await publisher.post(context, change.kase, { kind: 'text', key: 'consent.withdrawn', params: { guardian: actor.name, name: change.member.name } }, locale);
    },

    members: async (context, locale) => {
      const kase = await caseHere(context);
      const actor = actorOf(context.activity);
      const { kase: current, member: viewer } = await core.members.list(actor, kase._id);
      await publisher.showView(context, current, { needs: 'member', what: 'what.members', message: (placed) => cardMessage(membersCard(locale, current, 1, placed === 'personal' ? viewer : undefined)) }, locale);
    },

    observe: async (context, locale) => {
      const kase = await caseHere(context);
      const { form } = await core.forms.open(actorOf(context.activity), kase._id, 'observation');
      await publisher.post(context, kase, { kind: 'form', formId: form._id }, locale, () => cardMessage(formBaseCard(locale, form, false)));
    },

    assess: async (context, locale) => {
      const kase = await caseHere(context);
      const { round, created } = await core.assessments.open(actorOf(context.activity), kase._id);
      if (!created) await publisher.post(context, kase, { kind: 'text', key: 'assess.alreadyOpen', params: { number: round.number } }, locale);
      await publisher.post(context, kase, { kind: 'round', roundId: round._id }, locale);
    },

    agree: async (context, locale) => {
      const kase = await caseHere(context);
      const { form } = await core.forms.open(actorOf(context.activity), kase._id, 'agreement');
      await publisher.post(context, kase, { kind: 'form', formId: form._id }, locale, () => cardMessage(formBaseCard(locale, form, false)));
    },

    agreements: async (context, locale) => {
      const kase = await caseHere(context);
      const actor = actorOf(context.activity);
      const { agreements } = await core.agreements.listForCase(actor, kase._id);
      const card = cardMessage(agreementListCard(locale, kase, agreements, core.agreements.today()));
      await publisher.showView(context, kase, { needs: 'member', what: 'what.agreements', message: () => card }, locale);
    },

    remindersDigest: async (context, locale, command) => {
      if (command.on === undefined) {
        await context.sendActivity(t(locale, 'reminder.digest.usage'));
        return;
      }
      await core.reminders.setDigest(actorOf(context.activity), command.on, locale);
      await context.sendActivity(command.on ? t(locale, 'reminder.digest.on', { time: core.reminders.hours.start }) : t(locale, 'reminder.digest.off'));
    },

    // The sender's agreements span cases: never into a shared room.
    tasks: async (context, locale) => {
      const tasks = await core.agreements.listOwnedBy(actorOf(context.activity));
      const card = cardMessage(tasksCard(locale, tasks, core.agreements.today()));
      // "Mine møder" beside the agreements (docs/meetings.md).
      card.attachments = [...(card.attachments ?? []), CardFactory.adaptiveCard(await myMeetingsMessageCard(deps, context, locale))];
      await publisher.showView(context, null, { needs: 'member', crossCase: true, what: 'what.tasks', message: () => card }, locale);
    },

    // A professional's timeline holds professionals-only events: it goes to the room only if everyone there may read it.
    timeline: async (context, locale, { page }) => {
      const kase = await caseHere(context);
      const actor = actorOf(context.activity);
      const view = await core.timeline.pageIn(actor, kase, page);
      const card = cardMessage(timelineCard(locale, view));
      await publisher.showView(context, kase, { needs: memberClearance(activeMember(kase, actor)), what: 'what.timeline', message: () => card }, locale);
    },

    closeCase: async (context, locale) => {
      await closeCaseCommand(context, core, publisher, locale, deps.channels?.caseChannels);
    },

    usage: async (context, locale, { command }) => {
      await context.sendActivity(t(locale, USAGE[command]));
    },

    // Never repeat something that looks like a CPR number back into the room.
    unknown: async (context, locale, { text }) => {
      if (!text) return void (await context.sendActivity(t(locale, 'hint.empty')));
      if (looksLikeCpr(text)) return void (await context.sendActivity(t(locale, 'hint.unknownCommandCpr')));
      await context.sendActivity(t(locale, 'hint.unknownCommand', { command: truncate(text, UNKNOWN_ECHO_MAX) }));
    },
  };
}

