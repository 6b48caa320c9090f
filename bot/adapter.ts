import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { t } from '../core/i18n';
import { localeOf } from './turn';

export interface BotCredentials {
  MicrosoftAppId?: string;
  MicrosoftAppPassword?: string;
  MicrosoftAppType: string;
  MicrosoftAppTenantId?: string;
}

/** The bot's identity for botbuilder; empty (no token checks, unsigned replies) without an app ID. */
export function botAuthentication(credentials: BotCredentials): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication(
    credentials.MicrosoftAppId
      ? {
          MicrosoftAppId: credentials.MicrosoftAppId,
          MicrosoftAppPassword: credentials.MicrosoftAppPassword,
          MicrosoftAppType: credentials.MicrosoftAppType,
          MicrosoftAppTenantId: credentials.MicrosoftAppTenantId,
        }
      : {},
  );
}

/**
 * With an app ID the adapter checks every inbound JWT and signs outbound calls.
 * Without one it runs open, which is only for local use (playground, tests).
 */
export function createAdapter(credentials: BotCredentials, logger: Logger): CloudAdapter {
  if (!credentials.MicrosoftAppId) {
    logger.warn('MicrosoftAppId is not set: the bot accepts unauthenticated requests. Use this only on your own machine.');
  }
  const adapter = new CloudAdapter(botAuthentication(credentials));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, activityType: context.activity.type }, 'unhandled error in bot turn');
    try {
      if (context.activity.type === 'message') await context.sendActivity(t(localeOf(context.activity), 'error.internal'));
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not tell the user about the error');
    }
  };
  return adapter;
}
