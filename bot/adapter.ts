import { CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Logger } from 'pino';
import { t } from '../core/i18n';
import { isDatabaseUnavailable } from '../core';
import { localeOf } from './turn';

export interface BotCredentials {
  MicrosoftAppId?: string;
  MicrosoftAppPassword?: string;
  MicrosoftAppType: string;
  MicrosoftAppTenantId?: string;
  /**
   * Where the Bot Connector's token signing keys are published (BOT_OPENID_METADATA_URL). Unset or
   * the public cloud's URL: botbuilder's defaults. Tests point it at a local fake.
   */
  BOT_OPENID_METADATA_URL?: string;
}

/** Test hooks: offline tests replace the outbound token source (msal-node against Entra ID). */
export interface BotAdapterOverrides {
  credentialsFactory?: ServiceClientCredentialsFactory;
}

/** The bot's identity for botbuilder; empty (no token checks, unsigned replies) without an app ID. */
export function botAuthentication(credentials: BotCredentials, overrides: BotAdapterOverrides = {}): ConfigurationBotFrameworkAuthentication {
  if (!credentials.MicrosoftAppId) return new ConfigurationBotFrameworkAuthentication({}, overrides.credentialsFactory);
  const identity = {
    MicrosoftAppId: credentials.MicrosoftAppId,
    MicrosoftAppPassword: credentials.MicrosoftAppPassword,
    MicrosoftAppType: credentials.MicrosoftAppType,
    MicrosoftAppTenantId: credentials.MicrosoftAppTenantId,
  };
  const metadataUrl = credentials.BOT_OPENID_METADATA_URL;
  if (!metadataUrl || metadataUrl === AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl) {
    return new ConfigurationBotFrameworkAuthentication(identity, overrides.credentialsFactory);
  }
  // Setting one endpoint makes botbuilder take every endpoint from the settings: the public cloud's, but this one.
  return new ConfigurationBotFrameworkAuthentication(
    {
      ...identity,
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    },
    overrides.credentialsFactory,
  );
}

/**
 * CloudAdapter with one entry point for an activity the HTTP edge (bot/httpEndpoint.ts) has already
 * read, checked and authenticated. `CloudAdapter.process` would parse `req.body` itself, write every
 * error to the console and send its message (botbuilder's, with the PEM key of a failed token check)
 * back to the caller; here errors are thrown to the edge, which answers briefly and logs one line.
 */
export class SamspilAdapter extends CloudAdapter {
  /** Runs one inbound activity; botbuilder checks `authHeader` again (empty in local mode). */
  async processInbound(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    // What CloudAdapter.process does to a parsed body (botbuilder's validateAndFixActivity).
    const raw = activity as Activity & Record<string, unknown>;
    for (const field of ['timestamp', 'expiration', 'localTimestamp'] as const) {
      const value = raw[field];
      if (typeof value === 'string') {
        raw[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = value;
        raw[field] = new Date(value);
      }
    }
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * With an app ID the adapter checks every inbound JWT and signs outbound calls.
 * Without one it runs open, which is only for local use (playground, tests).
 */
export function createAdapter(credentials: BotCredentials, logger: Logger, overrides: BotAdapterOverrides = {}): SamspilAdapter {
  if (!credentials.MicrosoftAppId) {
    logger.warn('MicrosoftAppId is not set: the bot accepts unauthenticated requests. Use this only on your own machine.');
  }
  const adapter = new SamspilAdapter(botAuthentication(credentials, overrides));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const unavailable = isDatabaseUnavailable(error);
    if (unavailable) logger.warn({ activityType: context.activity.type }, 'the database is not reachable; the user is asked to try again');
    else logger.error({ err: error, activityType: context.activity.type }, 'unhandled error in bot turn');
    try {
      if (context.activity.type === 'message') await context.sendActivity(t(localeOf(context.activity), unavailable ? 'error.databaseDown' : 'error.internal'));
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not tell the user about the error');
    }
  };
  return adapter;
}
