import {
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../core';
import { isDomainError } from '../core/domain/errors';
import { renderRefusal, t, type Locale } from '../core/i18n';
import { caseCard, CASE_REFRESH_VERB } from './cards/caseCard';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from './cards/card';
import { helpCard } from './cards/helpCard';
import { parseCommand, type Command } from './commands';
import { actorOf, caseConversationOf, channelConversationId, conversationRecordOf, localeOf } from './turn';

const cardMessage = (card: AdaptiveCard, text?: string) => MessageFactory.attachment(CardFactory.adaptiveCard(card), text);

/**
 * The Teams bot. It only translates between activities and the domain core: parse,
 * call the core, render a card or a localized refusal.
 */
export class SamspilBot extends TeamsActivityHandler {
  constructor(
    private readonly core: Core,
    private readonly logger: Logger,
  ) {
    super();

    this.onTurn(async (context, next) => {
      await this.rememberConversation(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      const deliveryKey = await this.claimDelivery(context);
      if (deliveryKey !== null) {
        try {
          await this.handleCommand(context, parseCommand(context.activity.text ?? ''));
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
    try {
      await this.core.conversations.remember(conversationRecordOf(activity));
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
    try {
      switch (command.name) {
        case 'help':
          await context.sendActivity(cardMessage(helpCard(locale)));
          return;
        case 'newCase':
          await this.newCase(context, locale, command.title, command.childRef);
          return;
        case 'case': {
          const kase = await this.core.cases.openCaseOfConversation(actorOf(context.activity), caseConversationOf(context.activity).conversationId);
          await context.sendActivity(cardMessage(caseCard(locale, kase)));
          return;
        }
        case 'unknown':
          await context.sendActivity(command.text ? t(locale, 'hint.unknownCommand', { command: command.text.slice(0, 40) }) : t(locale, 'hint.empty'));
          return;
      }
    } catch (error) {
      await this.refuse(context, locale, error);
    }
  }

  private async newCase(context: TurnContext, locale: Locale, title: string, childRef: string): Promise<void> {
    const conversation = caseConversationOf(context.activity);
    if (conversation.kind === 'personal') {
      await context.sendActivity(t(locale, 'error.caseNeedsSharedConversation'));
      return;
    }
    const kase = await this.core.cases.createCase(actorOf(context.activity), conversation, { title, childRef });
    await context.sendActivity(cardMessage(caseCard(locale, kase), t(locale, 'case.created', { title: kase.title })));
  }

  /** Domain refusals become a localized sentence; anything else is logged and reported as ours. */
  private async refuse(context: TurnContext, locale: Locale, error: unknown): Promise<void> {
    if (isDomainError(error)) {
      await context.sendActivity(renderRefusal(locale, error.key, error.params));
      return;
    }
    throw error;
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const locale = localeOf(context.activity);
    const verb = invokeValue?.action?.verb;
    try {
      if (verb === CASE_REFRESH_VERB) {
        const kase = await this.core.cases.openCaseOfConversation(actorOf(context.activity), caseConversationOf(context.activity).conversationId);
        return cardResponse(caseCard(locale, kase));
      }
      return messageResponse(400, t(locale, 'error.invalidAction'));
    } catch (error) {
      if (isDomainError(error)) {
        const status = error.kind === 'forbidden' ? 403 : error.kind === 'not_found' ? 404 : 400;
        return messageResponse(status, renderRefusal(locale, error.key, error.params));
      }
      this.logger.error({ err: error, verb }, 'card action failed');
      return messageResponse(500, t(locale, 'error.internal'));
    }
  }
}

function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> };
}

function messageResponse(statusCode: number, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code: String(statusCode), message } as unknown as Record<string, unknown> };
}
