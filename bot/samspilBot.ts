import { TeamsActivityHandler, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../core';
import { isDomainError } from '../core/domain/errors';
import { renderRefusal, t } from '../core/i18n';
import { parseCommand, type Command } from './commands';
import type { ChannelCommands } from './channels/commands';
import { CARD_ACTIONS, cardResponse } from './handlers/cardActions';
import { cardData } from './handlers/cardData';
import { COMMAND_HANDLERS } from './handlers/commandHandlers';
import { ReferenceCache } from './referenceCache';
import { channelConversationId, conversationRecordOf, localeOf } from './turn';

/**
 * The Teams bot. It only translates between activities and the domain core: parse,
 * call a handler, render a card or a localized refusal.
 */
const STATIC_ANSWERS: ReadonlySet<Command['name']> = new Set(['help', 'unknown']);

export class SamspilBot extends TeamsActivityHandler {
  private readonly recentlyStored = new ReferenceCache();

  constructor(
    private readonly core: Core,
    private readonly logger: Logger,
    /** Case channels through Graph (bot/channels); without it a case stays where it was created. */
    private readonly channels?: ChannelCommands,
  ) {
    super();

    this.onTurn(async (context, next) => {
      await this.rememberConversation(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      const command = parseCommand(context.activity.text ?? '');
      // Help and hints read nothing and change nothing: a repeat costs less than a database write.
      const deliveryKey = STATIC_ANSWERS.has(command.name) ? '' : await this.claimDelivery(context);
      if (deliveryKey !== null) {
        try {
          await this.handleCommand(context, command);
        } catch (error) {
          // Nothing was done, so let a redelivery try again.
          if (deliveryKey) await this.core.inbox.release(deliveryKey).catch(() => undefined);
          throw error;
        }
      }
      await next();
    });
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
   * Teams redelivers activities; the second copy of the same ID is dropped.
   * Returns the claimed key, '' when the activity has no ID, or null for a repeat.
   */
  private async claimDelivery(context: TurnContext): Promise<string | null> {
    const { activity } = context;
    if (!activity.id) return '';
    const key = `${channelConversationId(activity.conversation.id)}|${activity.id}`;
    if (await this.core.inbox.claim(key)) return key;
    this.logger.info({ activityId: activity.id }, 'ignored a repeated delivery');
    return null;
  }

  private async handleCommand(context: TurnContext, command: Command): Promise<void> {
    const locale = localeOf(context.activity);
    const handler = COMMAND_HANDLERS[command.name] as (c: TurnContext, core: Core, l: typeof locale, cmd: Command) => Promise<void>;
    try {
      if (this.channels && (await this.channels.handle(context, locale, command))) return;
      await handler(context, this.core, locale, command);
    } catch (error) {
      // Domain refusals become a localized sentence; anything else is ours and goes to onTurnError.
      if (!isDomainError(error)) throw error;
      await context.sendActivity(renderRefusal(locale, error.key, error.params));
    }
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const locale = localeOf(context.activity);
    const verb = invokeValue?.action?.verb;
    const handler = typeof verb === 'string' && Object.hasOwn(CARD_ACTIONS, verb) ? CARD_ACTIONS[verb] : undefined;
    try {
      if (!handler) return errorResponse(400, t(locale, 'error.invalidAction'));
      return cardResponse(await handler(context, this.core, locale, cardData(invokeValue.action.data ?? {})));
    } catch (error) {
      if (isDomainError(error)) {
        const status = error.kind === 'forbidden' ? 403 : error.kind === 'not_found' ? 404 : error.kind === 'conflict' ? 409 : 400;
        return errorResponse(status, renderRefusal(locale, error.key, error.params));
      }
      this.logger.error({ err: error, verb }, 'card action failed');
      return errorResponse(500, t(locale, 'error.internal'));
    }
  }
}

/** Universal Actions report a refusal as an error response; Teams shows its message to the clicker. */
function errorResponse(statusCode: number, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code: String(statusCode), message } as unknown as Record<string, unknown> };
}
