import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { checkBodyHeaders, hasBody, HttpRefusal, MAX_ACTIVITY_BYTES, readJsonBody, sendRefusal } from '../app/http/body';
import { BotTokenRefused, BotTokenVerifier, type VerifiedBotToken } from '../app/http/botToken';
import { localServiceUrlProblem, type Endpoint } from '../app/http/serviceUrl';
import type { SamspilAdapter } from './adapter';

/** Where Teams posts activities; the server's JSON body parser skips it (the bot reads its own body after the token). */
export const BOT_ROUTE = '/api/messages';

/** Display names: Entra ID allows 256 characters for a user, group (team) or chat name. */
const name = z.string().max(256).nullish();
const account = z.object({ id: z.string().min(1).max(500), name, aadObjectId: z.string().max(100).nullish(), role: z.string().max(50).nullish() }).passthrough();
const when = z.string().max(64).nullish();

/**
 * The smallest shape an activity must have before botbuilder sees it, with bounds on the untrusted
 * fields the bot reads or stores (names, IDs, text). botbuilder throws (and would answer 500) on some
 * malformed bodies; we answer 400 with a reason instead. Fields not named here pass through as they are.
 */
const inboundActivity = z
  .object({
    type: z.string().min(1).max(100),
    id: z.string().max(500).nullish(),
    name: z.string().max(200).nullish(),
    channelId: z.string().min(1).max(100),
    serviceUrl: z.string().url().max(2000),
    timestamp: when,
    localTimestamp: when,
    expiration: when,
    replyToId: z.string().max(500).nullish(),
    from: account,
    recipient: account,
    conversation: z
      .object({ id: z.string().min(1).max(1000), name, tenantId: z.string().max(100).nullish(), conversationType: z.string().max(50).nullish() })
      .passthrough(),
    // A Teams message is at most about 28 KB.
    text: z.string().max(28_000).nullish(),
    locale: z.string().max(20).nullish(),
    membersAdded: z.array(account).nullish(),
    membersRemoved: z.array(account).nullish(),
    channelData: z
      .object({
        eventType: z.string().max(100).nullish(),
        tenant: z.object({ id: z.string().max(100).nullish() }).passthrough().nullish(),
        team: z.object({ id: z.string().max(500).nullish(), name, aadGroupId: z.string().max(100).nullish() }).passthrough().nullish(),
        channel: z.object({ id: z.string().max(500).nullish(), name }).passthrough().nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export interface BotEndpointOptions {
  adapter: SamspilAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  logger: Logger;
  /** With an app ID: the Bot Connector's token is checked before the body is read. Without: local mode. */
  verifier?: BotTokenVerifier;
  /** Local mode: loopback endpoints a serviceUrl must not name (the database, this server). */
  deniedServiceEndpoints?: () => Endpoint[];
  maxBodyBytes?: number;
}

/** One line for the log: no stack, no key material, no token. */
function logSafe(error: unknown): { type: string; message: string } {
  const type = error instanceof Error ? error.constructor.name : typeof error;
  const message = (error instanceof Error ? error.message : String(error))
    .replace(/-----BEGIN[\s\S]*?-----END[^-]*-----/g, '[key]')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]')
    .split('\n')[0]!
    .slice(0, 300);
  return { type, message };
}

/**
 * `POST /api/messages`, in this order (docs/edge.md): media type and encoding (415) → the token, in
 * authenticated mode (401, before a byte of the body is read) → the body (413, 400) → the activity's
 * shape (400) → its serviceUrl (400) → the bot.
 */
export function registerBotRoutes(server: Server, options: BotEndpointOptions): void {
  const { adapter, bot, logger, verifier, deniedServiceEndpoints = () => [], maxBodyBytes = MAX_ACTIVITY_BYTES } = options;

  const refuseToken = (req: Request, res: Response, reason: string, status: number) => {
    logger.info({ reason, client: req.socket.remoteAddress }, 'bot request refused: token');
    const message = status === 503 ? 'The Bot Framework signing keys are unavailable; try again.' : `The token was refused (${reason}).`;
    sendRefusal(res, new HttpRefusal(status, status === 503 ? 'unavailable' : 'unauthorized', message, hasBody(req)), status === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {});
  };
  const badRequest = (res: Response, code: string, message: string) => sendRefusal(res, new HttpRefusal(400, code, message));

  server.post(BOT_ROUTE, async (req: Request, res: Response) => {
    const headerProblem = checkBodyHeaders(req, { requireJson: true });
    if (headerProblem) return sendRefusal(res, headerProblem);

    let token: VerifiedBotToken | undefined;
    if (verifier) {
      try {
        token = await verifier.verify(req.headers.authorization);
      } catch (error) {
        if (error instanceof BotTokenRefused) return refuseToken(req, res, error.reason, error.status);
        throw error;
      }
    }

    let body: unknown;
    try {
      body = await readJsonBody(req, res, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof HttpRefusal)) throw error;
      if (error.code === 'aborted') return void res.destroy();
      return sendRefusal(res, error);
    }

    const parsed = inboundActivity.safeParse(body);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
        .join('; ');
      return badRequest(res, 'invalid_activity', `Not a valid Bot Framework activity (${reason}).`);
    }
    const activity = parsed.data;

    if (token) {
      try {
        BotTokenVerifier.checkChannel(token, activity.channelId);
      } catch (error) {
        if (error instanceof BotTokenRefused) return refuseToken(req, res, error.reason, error.status);
        throw error;
      }
      // The Bot Connector signs the serviceUrl it will accept replies on into the token.
      if (token.serviceUrl !== activity.serviceUrl) {
        logger.info({ client: req.socket.remoteAddress }, 'bot request refused: serviceUrl is not the one in the token');
        return badRequest(res, 'service_url_not_allowed', 'The serviceUrl is not the one the token names.');
      }
    } else {
      const problem = localServiceUrlProblem(activity.serviceUrl, deniedServiceEndpoints());
      if (problem) return badRequest(res, 'service_url_not_allowed', `serviceUrl refused: ${problem}.`);
    }

    try {
      const invoke = await adapter.processInbound(token?.header ?? '', activity as unknown as Activity, (context) => bot.run(context));
      res.status(invoke?.status ?? 200);
      if (invoke?.body) res.send(invoke.body);
      res.end();
    } catch (error) {
      if (error instanceof AuthenticationError) {
        // botbuilder's own check disagreed with ours (for instance a key rotated in between).
        return refuseToken(req, res, 'botbuilder', 401);
      }
      logger.error({ err: logSafe(error), activityType: activity.type }, 'activity processing failed');
      if (!res.headersSent) {
        res.status(500);
        res.json({ error: 'internal_error' });
      }
    }
  });
}
