import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, type ConnectorClient, type ConnectorFactory } from 'botframework-connector';
import type { PersonalChat } from '../../core/reminders/ledger';
import { botAuthentication, type BotCredentials } from '../adapter';
import { retryAfterMs } from '../retryAfter';

/** Where one reminder goes, and how we found it. */
export interface DeliveryTarget {
  conversationId: string;
  reference: Partial<ConversationReference>;
  via: 'personal' | 'case';
}

export interface Delivered {
  activityId?: string;
  conversationId: string;
  /** A personal chat made just now: remember it so that the next reminder goes straight there. */
  createdReference?: Partial<ConversationReference>;
}

/** A failed send, with what the retry logic needs. `status` is undefined for network errors. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SendError';
  }

  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status === 412 || this.status >= 500;
  }
}

interface HeaderBag {
  get?: (name: string) => string | null | undefined;
  [name: string]: unknown;
}

function retryAfterOf(headers: HeaderBag | undefined): number | undefined {
  if (!headers) return undefined;
  const raw = typeof headers.get === 'function' ? headers.get('retry-after') : (headers['retry-after'] ?? headers['Retry-After']);
  return typeof raw === 'string' ? retryAfterMs(raw) : undefined;
}

export function toSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const e = error as { statusCode?: number; message?: string; response?: { status?: number; headers?: HeaderBag } };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : e?.response?.status;
  return new SendError(String(e?.message ?? error).slice(0, 300), status, retryAfterOf(e?.response?.headers));
}

/** A send that hangs (a dead connection) fails and is retried instead of holding a lane. */
const SEND_TIMEOUT_MS = 30_000;

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

interface PipelineHolder {
  client?: { pipeline?: { removePolicy(options: { phase?: string; name?: string }): unknown } };
}

/**
 * Proactive delivery over the Bot Connector REST API with botbuilder's own `ConnectorClient`
 * (botframework-connector) and the bot's credentials from `ConfigurationBotFrameworkAuthentication`.
 *
 * Why not `CloudAdapter.continueConversationAsync`: per message it builds a claims identity, a
 * connector factory, a user-token client (a whole HTTP pipeline), a turn context and runs the
 * middleware, none of which a reminder needs; measured here it cost twice the CPU of the POST
 * itself (3.3 s against 1.6 s for 5,000 cards). It also posts as a reply to the random ID of its
 * continuation activity; a reminder is a new message (send to conversation).
 */
export class ReminderSender {
  private readonly factory: ConnectorFactory;
  private readonly clients = new Map<string, Promise<ConnectorClient>>();
  private readonly bot: { id: string; name: string };

  constructor(
    credentials: BotCredentials,
    private readonly botAppId: string,
  ) {
    this.bot = { id: botAppId ? `28:${botAppId}` : '28:samspil', name: 'Samspil' };
    // The identity the adapter gives its own proactive turns: audience and app ID are the bot.
    const identity = new ClaimsIdentity([
      { type: AuthenticationConstants.AudienceClaim, value: botAppId },
      { type: AuthenticationConstants.AppIdClaim, value: botAppId },
    ]);
    this.factory = botAuthentication(credentials).createConnectorFactory(identity);
  }

  /**
   * One client per service URL, as botbuilder's `BotFrameworkAdapter` keeps them; its credentials
   * fetch and cache tokens themselves. botbuilder's pipeline retries 429 and 5xx three times by
   * itself; the worker keeps its own durable schedule (backoff, Retry-After, a limit, a record),
   * so the SDK's retry phase is removed: one attempt is one request, the layers never multiply.
   */
  private connector(serviceUrl: string): Promise<ConnectorClient> {
    let client = this.clients.get(serviceUrl);
    if (!client) {
      if (this.clients.size >= 1_000) this.clients.clear();
      client = this.factory.create(serviceUrl, undefined).then((created) => {
        (created as unknown as PipelineHolder).client?.pipeline?.removePolicy({ phase: 'Retry' });
        return created;
      });
      client.catch(() => this.clients.delete(serviceUrl));
      this.clients.set(serviceUrl, client);
    }
    return client;
  }

  /**
   * POST /v3/conversations/{id}/activities (send to conversation) through the client's own
   * pipeline: the bot's token, proxy settings and user agent as for every SDK call. The body is
   * serialized with JSON.stringify rather than the SDK's model mapper, which walked every card
   * element and was a third of the sweep's CPU; the wire format is the same JSON.
   */
  async send(target: DeliveryTarget, activity: Partial<Activity>): Promise<Delivered> {
    const { reference } = target;
    if (!reference.serviceUrl) throw new SendError('the stored conversation has no service URL', 404);
    const url = `${reference.serviceUrl.replace(/\/*$/, '/')}v3/conversations/${encodeURIComponent(target.conversationId)}/activities`;
    let response: Awaited<ReturnType<ConnectorClient['sendRequest']>>;
    try {
      const client = await this.connector(reference.serviceUrl);
      const outgoing = TurnContext.applyConversationReference({ type: 'message', ...activity }, { ...reference, activityId: undefined });
      response = await client.sendRequest(
        createPipelineRequest({
          url,
          method: 'POST',
          body: JSON.stringify(outgoing),
          headers: createHttpHeaders({ 'Content-Type': 'application/json; charset=utf-8' }),
          timeout: SEND_TIMEOUT_MS,
          allowInsecureConnection: url.startsWith('http:'),
        }),
      );
    } catch (error) {
      throw toSendError(error);
    }
    const body = parseJson(response.bodyAsText);
    if (response.status < 200 || response.status >= 300) {
      const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
      throw new SendError(`the Bot Connector answered ${response.status}${typeof message === 'string' ? `: ${message}` : ''}`.slice(0, 300), response.status, retryAfterOf(response.headers as unknown as HeaderBag));
    }
    const id = (body as { id?: unknown } | undefined)?.id;
    return { activityId: typeof id === 'string' ? id : undefined, conversationId: target.conversationId };
  }

  /** Sends to a personal chat known only by its ID and service URL (as stored with the day's plan). */
  sendToPersonalChat(chat: PersonalChat, user: { id: string; name: string }, activity: Partial<Activity>): Promise<Delivered> {
    return this.send({ conversationId: chat.conversationId, reference: this.personalReference(chat, user), via: 'personal' }, activity);
  }

  private personalReference(chat: PersonalChat, user: { id: string; name: string }, tenantId?: string): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl: chat.serviceUrl,
      bot: this.bot,
      user: { id: user.id, name: user.name },
      conversation: { id: chat.conversationId, conversationType: 'personal', tenantId, isGroup: false, name: '' },
    };
  }

  /**
   * Creates (or, in Teams, finds) the 1:1 chat between the bot and a user and sends the reminder
   * in it. Needs the service URL and tenant of a conversation the bot is in with that user.
   */
  async sendToNewPersonalChat(user: { id: string; name: string }, serviceUrl: string, tenantId: string | undefined, activity: Partial<Activity>): Promise<Delivered> {
    try {
      const client = await this.connector(serviceUrl);
      const created = await client.conversations.createConversation({
        isGroup: false,
        bot: this.bot,
        members: [{ id: user.id, name: user.name }],
        tenantId,
        channelData: { tenant: { id: tenantId } },
      } as Parameters<ConnectorClient['conversations']['createConversation']>[0]);
      if (!created?.id) throw new SendError('the personal chat could not be created');
      const createdReference = this.personalReference({ conversationId: created.id, serviceUrl }, user, tenantId);
      const delivered = await this.send({ conversationId: created.id, reference: createdReference, via: 'personal' }, activity);
      return { ...delivered, createdReference };
    } catch (error) {
      throw toSendError(error);
    }
  }
}
