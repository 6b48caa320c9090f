import { TeamsActivityHandler, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../core';
import { isDomainError } from '../core/domain/errors';
import { renderRefusal, t } from '../core/i18n';
import { isDatabaseUnavailable } from '../core';
import { hadDeferredPost, outcomeOf } from './audience/publisher';
import { cardMessage } from './cards/message';
import { helpCard } from './cards/helpCard';
import { parseCommand, type Command } from './commands';
import { cardResponse, createCardActions, type CardActionHandler } from './handlers/cardActions';
import { cardData } from './handlers/cardData';
import { createCommandHandlers, type BotDependencies, type CommandHandlers } from './handlers/commandHandlers';
import { coordinatorMayHaveLeft } from './handlers/handoverHandlers';
import { ReferenceCache } from './referenceCache';
import { caseConversationOf, channelConversationId, conversationRecordOf, localeOf } from './turn';

/**
 * The Teams bot. It only translates between activities and the domain core: parse, call a
 * handler, and let the publisher render what the room may see (bot/audience/publisher.ts).
 */
const STATIC_ANSWERS: ReadonlySet<Command['name']> = new Set(['help', 'unknown', 'usage']);
/** Commands that change something: when their post waits for Teams, the change is saved all the same. */
const CHANGES: ReadonlySet<Command['name']> = new Set(['newCase', 'addMember', 'removeMember', 'withdrawConsent', 'observe', 'assess', 'agree', 'closeCase', 'remindersDigest', 'handover', 'handoverCancel']);

interface MentionEntity {
  type?: string;
  mentioned?: { id?: string };
}

export class SamspilBot extends TeamsActivityHandler {
  private readonly recentlyStored = new ReferenceCache();
  private readonly core: Core;
  private readonly logger: Logger;
  private readonly commands: CommandHandlers;
  private readonly cardActions: Record<string, CardActionHandler>;

  constructor(private readonly deps: BotDependencies) {
    super();
    this.core = deps.core;
    this.logger = deps.logger;
    this.commands = createCommandHandlers(deps);
    this.cardActions = createCardActions(deps);

    // The reference is stored beside the turn, not before it: a slow database costs one wait, not two.
    this.onTurn(async (context, next) => {
      const remembering = this.rememberConversation(context);
      try {
        await next();
      } finally {
        await remembering;
      }
    });

    this.onMessage(async (context, next) => {
      const command = parseCommand(context.activity.text ?? '', this.mentionsOfOthers(context));
      // Help and hints read nothing and change nothing: a repeat costs less than a database write.
      const delivery = STATIC_ANSWERS.has(command.name) ? { key: '', repeat: false } : await this.claimDelivery(context);
      if (delivery.repeat) {
        await this.answerRepeat(context, delivery.key);
      } else {
        try {
          await this.handleCommand(context, command);
        } catch (error) {
          // Nothing was done, so let a redelivery try again.
          if (delivery.key) await this.core.conversations.releaseDelivery(delivery.key).catch(() => undefined);
          throw error;
        }
        const outcome = outcomeOf(context);
        if (delivery.key && outcome.length > 0) {
          await this.core.conversations.recordOutcome(delivery.key, outcome).catch((error: unknown) => this.logger.warn({ err: error }, 'could not keep the outcome of a command'));
        }
      }
      await next();
    });

    // Who can read the conversation changed: read the roster again, redraw the cards, warn the coordinator.
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) await this.welcome(context);
      if ((context.activity.membersAdded ?? []).some((m) => m.id !== botId)) await this.audienceChanged(context);
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      if ((context.activity.membersRemoved ?? []).some((m) => m.id !== context.activity.recipient?.id)) await this.audienceChanged(context);
      // A coordinator whose account left the case's conversation has left the case (docs/handover.md).
      await coordinatorMayHaveLeft(this.deps, context);
      await next();
    });
  }

  private mentionsOfOthers(context: TurnContext): number {
    const botId = context.activity.recipient?.id;
    return ((context.activity.entities ?? []) as MentionEntity[]).filter((e) => e.type === 'mention' && e.mentioned?.id && e.mentioned.id !== botId).length;
  }

  private async welcome(context: TurnContext): Promise<void> {
    const locale = localeOf(context.activity);
    await context.sendActivity(cardMessage(helpCard(locale), t(locale, 'welcome.installed')));
  }

  private async audienceChanged(context: TurnContext): Promise<void> {
    try {
      const room = await this.deps.publisher.rooms.rosterChanged(context);
      const conversationId = caseConversationOf(context.activity).conversationId;
      const kase = await this.core.cases.ofConversation(conversationId);
      if (!room || !kase) return;
      if (room.readers) {
        await this.core.members.linkIdentities(kase._id, room.readers.filter((r) => r.userId).map((r) => ({ userId: r.userId!, aadObjectId: r.aadObjectId })));
      }
      await this.deps.publisher.resyncRoom(conversationId);
      await this.deps.publisher.warnAboutOutsiders(kase, room, { serviceUrl: context.activity.serviceUrl, tenantId: caseConversationOf(context.activity).tenantId }, localeOf(context.activity));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not follow a change of who is in the conversation');
    }
  }

  private async rememberConversation(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (!activity.conversation?.id || !activity.serviceUrl) return;
    const record = conversationRecordOf(activity);
    if (this.recentlyStored.isFresh(record)) return;
    try {
      await this.core.conversations.remember(record);
      this.recentlyStored.add(record);
    } catch (error) {
      // Losing one reference update must not cost the user their answer.
      this.logger.warn({ err: error }, 'could not store the conversation reference');
    }
  }

  /**
   * Teams redelivers activities; the second copy of the same ID changes nothing.
   * Returns the key ('' when the activity has no ID) and whether it was handled before.
   */
  private async claimDelivery(context: TurnContext): Promise<{ key: string; repeat: boolean }> {
    const { activity } = context;
    if (!activity.id) return { key: '', repeat: false };
    const key = `${channelConversationId(activity.conversation.id)}|${activity.id}`;
    if (await this.core.conversations.claimDelivery(key)) return { key, repeat: false };
    this.logger.info({ activityId: activity.id }, 'a repeated delivery: answered with its original outcome');
    return { key, repeat: true };
  }

  /** A redelivery is answered as the first delivery was (what was done), never "already done". */
  private async answerRepeat(context: TurnContext, key: string): Promise<void> {
    const outcome = await this.core.conversations.outcomeOf(key);
    if (!outcome?.length) return;
    const kase = await this.core.cases.ofConversation(caseConversationOf(context.activity).conversationId);
    const locale = localeOf(context.activity);
    for (const { key: message, params } of outcome) {
      if (kase) await this.deps.publisher.post(context, kase, { kind: 'text', key: message, params }, locale);
    }
  }

  private async handleCommand(context: TurnContext, command: Command): Promise<void> {
    const locale = localeOf(context.activity);
    const handler = this.commands[command.name] as (c: TurnContext, l: typeof locale, cmd: Command) => Promise<void>;
    try {
      await handler(context, locale, command);
    } catch (error) {
      // Domain refusals become a localized sentence; anything else is ours and goes to onTurnError.
      if (!isDomainError(error)) throw error;
      await context.sendActivity(renderRefusal(locale, error.key, error.params));
    }
    // Teams did not take a post: say what happened (if Teams takes this), and the catch-up sends it.
    if (hadDeferredPost(context)) {
      await context.sendActivity(t(locale, CHANGES.has(command.name) ? 'delivery.savedLater' : 'delivery.answerLater')).catch(() => undefined);
    }
  }

  /** An invoke we do not handle is the sender's mistake: 400 with a reason, not 501. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const response = await super.onInvokeActivity(context);
    if (response?.status !== 501) return response;
    const locale = localeOf(context.activity);
    return { status: 400, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: t(locale, 'error.invalidAction') } } };
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    // A card that names its language (reminders, warnings, invitations: sent in the person's language)
    // answers in it, whatever language the clicking client reports.
    const cardLocale = (invokeValue?.action?.data as Record<string, unknown> | undefined)?.locale;
    const locale = cardLocale === 'da' || cardLocale === 'en' ? cardLocale : localeOf(context.activity);
    const verb = invokeValue?.action?.verb;
    const handler = typeof verb === 'string' && Object.hasOwn(this.cardActions, verb) ? this.cardActions[verb] : undefined;
    try {
      if (!handler) return errorResponse(400, t(locale, 'error.invalidAction'));
      return cardResponse(await handler(context, locale, cardData(invokeValue.action.data ?? {})));
    } catch (error) {
      if (isDomainError(error)) {
        const status = { forbidden: 403, not_found: 404, conflict: 409, unavailable: 503, invalid: 400 }[error.kind];
        return errorResponse(status, renderRefusal(locale, error.key, error.params));
      }
      if (isDatabaseUnavailable(error)) return errorResponse(503, t(locale, 'error.databaseDown'));
      this.logger.error({ err: error, verb }, 'card action failed');
      return errorResponse(500, t(locale, 'error.internal'));
    }
  }
}

/** Universal Actions report a refusal as an error response; Teams shows its message to the clicker. */
function errorResponse(statusCode: number, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code: String(statusCode), message } as unknown as Record<string, unknown> };
}
