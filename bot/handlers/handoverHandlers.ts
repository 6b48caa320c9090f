import type { TurnContext } from 'botbuilder';
import type { Case } from '../../core/domain/case';
import { DomainError, isDomainError } from '../../core/domain/errors';
import { t } from '../../core/i18n';
import { truncate } from '../../core/i18n/format';
import { HANDOVER_VERBS, offerCard, statusCard, summaryCard, vacancyOutcomeCard } from '../cards/handoverCards';
import { cardMessage } from '../cards/message';
import { actorOf, caseConversationOf } from '../turn';
import type { CardActionHandler } from './cardActions';
import type { BotDependencies, CommandHandlers } from './commandHandlers';
import { personFromCommand } from './people';

/** The case of the conversation a command was typed in. */
export async function caseOfTurn(deps: BotDependencies, context: TurnContext): Promise<Case> {
  const kase = await deps.core.cases.ofConversation(caseConversationOf(context.activity).conversationId);
  if (!kase) throw new DomainError('error.noCase', {}, 'not_found');
  return kase;
}

const mentionsSomeone = (context: TurnContext) =>
  ((context.activity.entities ?? []) as Array<{ type?: string; mentioned?: { id?: string } }>).some((e) => e.type === 'mention' && e.mentioned?.id && e.mentioned.id !== context.activity.recipient?.id);

/**
 * `overdrag tovholder @person`, `træk overdragelse tilbage`, `tovholder`. What a change means for
 * others (the card to the proposed person, the notice in the room, the family's card, the summary)
 * follows from its event (bot/handlers/notices.ts), whichever surface made the change.
 */
export function createHandoverCommands(deps: BotDependencies): Pick<CommandHandlers, 'handover' | 'handoverCancel' | 'coordinator'> {
  const { core, publisher } = deps;
  return {
    handover: async (context, locale, { who }) => {
      if (!who && !mentionsSomeone(context)) return void (await context.sendActivity(t(locale, 'handover.usage')));
      const kase = await caseOfTurn(deps, context);
      const actor = actorOf(context.activity);
      await core.access.check(actor, kase, 'coordinator.handover');
      const target = await personFromCommand(context, who);
      if (!target) throw new DomainError(who ? 'error.personNotFound' : 'error.mentionMissing', { name: truncate(who, 60) });
      const { kase: after, changed, value } = await core.handover.propose(actor, kase._id, target.userId);
      if (!changed) await publisher.post(context, after, { kind: 'text', key: 'handover.proposedRepeat', params: { to: value.toName } }, locale);
    },

    handoverCancel: async (context, locale) => {
      const kase = await caseOfTurn(deps, context);
      const actor = actorOf(context.activity);
      await core.access.check(actor, kase, 'coordinator.handover');
      if (!kase.handover) return void (await context.sendActivity(t(locale, 'handover.error.nothingToCancel')));
      await core.handover.cancel(actor, kase._id, kase.handover.id);
    },

    coordinator: async (context, locale) => {
      const kase = await caseOfTurn(deps, context);
      const view = await core.handover.status(actorOf(context.activity), kase._id);
      // In a room the card is read by everyone there: only the asker's own chat gets the asker's buttons.
      const roomView = { ...view, viewer: NO_BUTTONS };
      await publisher.showView(context, kase, { needs: 'member', what: 'what.coordinator', message: (placed) => cardMessage(statusCard(locale, placed === 'personal' ? view : roomView)) }, locale);
    },
  };
}

const NO_BUTTONS = { coordinator: false, canPropose: false, canCancel: false, canAnswer: false, canTakeOver: false };

/** The buttons of the handover cards. Each returns what the clicker sees in place of the card. */
export function createHandoverCardActions(deps: BotDependencies): Record<string, CardActionHandler> {
  const { core } = deps;
  return {
    [HANDOVER_VERBS.accept]: async (context, locale, data) => {
      const { kase, value } = await core.handover.accept(actorOf(context.activity), data.caseId, data.handoverId);
      return offerCard(locale, kase._id, kase.title, value, 'accepted');
    },
    [HANDOVER_VERBS.decline]: async (context, locale, data) => {
      const { kase, value } = await core.handover.decline(actorOf(context.activity), data.caseId, data.handoverId, data.reason);
      return offerCard(locale, kase._id, kase.title, value, 'declined');
    },
    [HANDOVER_VERBS.cancel]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const { kase } = await core.handover.cancel(actor, data.caseId, data.handoverId);
      return statusCard(locale, await core.handover.status(actor, kase._id));
    },
    // The first click wins; a later one learns who took over instead of getting an error.
    [HANDOVER_VERBS.takeOver]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      try {
        await core.handover.takeOver(actor, data.caseId, data.vacancyId);
        return vacancyOutcomeCard(locale, { kind: 'you' });
      } catch (error) {
        if (!isDomainError(error) || error.key !== 'handover.error.alreadyTaken') throw error;
        return vacancyOutcomeCard(locale, { kind: 'other', name: String(error.params.name ?? '') });
      }
    },
    [HANDOVER_VERBS.summary]: async (context, locale, data) => summaryCard(locale, await core.handover.summary(actorOf(context.activity), data.caseId)),
    [HANDOVER_VERBS.status]: async (context, locale, data) => statusCard(locale, await core.handover.status(actorOf(context.activity), data.caseId)),
  };
}

/**
 * Teams said people left the conversation (conversationUpdate with membersRemoved): if the case's
 * coordinator is among them, the case has lost its coordinator and asks its professionals to take
 * over. Everyone else keeps their membership. Never fails the turn.
 */
export async function coordinatorMayHaveLeft(deps: BotDependencies, context: TurnContext): Promise<void> {
  const left = (context.activity.membersRemoved ?? []).filter((m) => m.id && m.id !== context.activity.recipient?.id).map((m) => ({ userId: m.id, aadObjectId: m.aadObjectId }));
  if (left.length === 0) return;
  try {
    await deps.core.handover.leftConversation(caseConversationOf(context.activity).conversationId, left);
  } catch (error) {
    deps.logger.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'could not record that the coordinator left the conversation');
  }
}
