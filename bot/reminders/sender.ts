import {
  CloudAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import { botAuthentication, type BotCredentials } from '../adapter';

/** botbuilder re-exports neither type; derive them rather than import a transitive package. */
type BotFrameworkAuthentication = NonNullable<ConstructorParameters<typeof CloudAdapter>[0]>;
type ConnectorFactory = ReturnType<BotFrameworkAuthentication['createConnectorFactory']>;

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
  if (typeof raw !== 'string' || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function toSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const e = error as { statusCode?: number; message?: string; response?: { status?: number; headers?: HeaderBag } };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : e?.response?.status;
  return new SendError(String(e?.message ?? error).slice(0, 300), status, retryAfterOf(e?.response?.headers));
}

interface PipelineHolder {
  client?: { pipeline?: { removePolicy(options: { phase?: string; name?: string }): unknown } };
}

/**
 * botbuilder's HTTP pipeline retries 429 and 5xx up to three times by itself. The reminder
 * worker keeps its own durable retry schedule (backoff with jitter, Retry-After, a limit, a
 * record), so it removes the SDK's retry phase from the clients it uses: one attempt is one
 * request, and the two retry layers never multiply.
 */
function withoutSdkRetries(auth: BotFrameworkAuthentication): BotFrameworkAuthentication {
  // Connector clients are reused per (identity, service URL, audience), as botbuilder's own
  // BotFrameworkAdapter does: building one (pipeline, serializers) for every proactive send was
  // about a tenth of the sweep's CPU. Their credentials fetch and cache tokens themselves.
  const clients = new Map<string, Promise<Awaited<ReturnType<ConnectorFactory['create']>>>>();
  return new Proxy(auth, {
    get(target, property, receiver) {
      if (property === 'createConnectorFactory') {
        return (...args: Parameters<BotFrameworkAuthentication['createConnectorFactory']>): ConnectorFactory => {
          const factory = target.createConnectorFactory(...args);
          const identity = JSON.stringify(args[0]?.claims ?? []);
          return {
            create: (serviceUrl: string, audience?: string) => {
              const key = `${identity}|${serviceUrl}|${audience ?? ''}`;
              let client = clients.get(key);
              if (!client) {
                if (clients.size >= 1_000) clients.clear();
                client = factory.create(serviceUrl, audience).then((created) => {
                  (created as unknown as PipelineHolder).client?.pipeline?.removePolicy({ phase: 'Retry' });
                  return created;
                });
                client.catch(() => clients.delete(key));
                clients.set(key, client);
              }
              return client;
            },
          } as ConnectorFactory;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Proactive delivery with botbuilder's CloudAdapter: continue a stored conversation, or create the personal chat. */
export class ReminderSender {
  private readonly adapter: CloudAdapter;

  constructor(
    credentials: BotCredentials,
    private readonly botAppId: string,
  ) {
    this.adapter = new CloudAdapter(withoutSdkRetries(botAuthentication(credentials)));
  }

  async send(target: DeliveryTarget, activity: Partial<Activity>): Promise<Delivered> {
    let activityId: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.botAppId, target.reference, async (context) => {
        activityId = (await context.sendActivity(activity))?.id;
      });
    } catch (error) {
      throw toSendError(error);
    }
    return { activityId, conversationId: target.conversationId };
  }

  /**
   * Creates (or, in Teams, finds) the 1:1 chat between the bot and a user and sends the reminder
   * in it. Needs the service URL and tenant of a conversation the bot is in with that user.
   */
  async sendToNewPersonalChat(user: { id: string; name: string }, serviceUrl: string, tenantId: string | undefined, activity: Partial<Activity>): Promise<Delivered> {
    let delivered: Delivered | undefined;
    try {
      await this.adapter.createConversationAsync(
        this.botAppId,
        'msteams',
        serviceUrl,
        '',
        {
          isGroup: false,
          bot: { id: this.botAppId ? `28:${this.botAppId}` : '28:samspil', name: 'Samspil' },
          members: [{ id: user.id, name: user.name }],
          tenantId,
          channelData: { tenant: { id: tenantId } },
          activity: undefined as unknown as Activity,
        },
        async (context) => {
          const reference = TurnContext.getConversationReference(context.activity);
          const sent = await context.sendActivity(activity);
          delivered = { activityId: sent?.id, conversationId: context.activity.conversation.id, createdReference: reference };
        },
      );
    } catch (error) {
      throw toSendError(error);
    }
    if (!delivered) throw new SendError('the personal chat could not be created');
    return delivered;
  }
}
