import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeNow, listenOnLoopback } from './localServer';
import { personalChatIdOf } from './activities';

/** One call the bot made to the Bot Connector REST API. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  replyToId?: string;
  body: Record<string, unknown>;
  at: number;
}

export interface ScriptedFailure {
  status: number;
  retryAfterSeconds?: number;
  /** How many matching calls get this answer before the connector recovers. */
  times: number;
  match?: (call: ConnectorCall) => boolean;
}

/**
 * A roster entry exactly as the Bot Connector's members API returns it (GET …/members,
 * …/pagedmembers, …/members/{id}): the Entra object ID is `objectId`, never `aadObjectId`.
 */
export interface RosterMember {
  id: string;
  name: string;
  objectId: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName: string;
  tenantId: string;
  userRole: 'user' | 'guest' | 'anonymous';
}

/** A test user as the members API describes them. */
export function rosterEntry(user: { id: string; name: string; aadObjectId: string }, options: { tenantId?: string; guest?: boolean } = {}): RosterMember {
  const [givenName, ...rest] = user.name.split(' ');
  const login = user.name.toLowerCase().normalize('NFD').replace(/[^a-z]+/g, '.');
  return {
    id: user.id,
    name: user.name,
    objectId: user.aadObjectId,
    givenName,
    surname: rest.join(' ') || undefined,
    email: `${login}@kommune.example`,
    userPrincipalName: options.guest ? `${login}_gmail.com#EXT#@kommune.onmicrosoft.com` : `${login}@kommune.example`,
    tenantId: options.tenantId ?? 'tenant-kommune-0001',
    userRole: options.guest ? 'guest' : 'user',
  };
}



/**
 * A local stand-in for the Bot Connector service. It speaks the same REST protocol
 * (v3 conversations API) and records every call so that tests can assert on what users saw.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  readonly rosters = new Map<string, RosterMember[]>();
  /** The most entries one page of the members API returns, whatever pageSize asks for (Teams: 500). */
  pageLimit = 500;
  /** Calls to the members API (rosters), kept apart from the messages the bot sent. */
  readonly memberCalls: ConnectorCall[] = [];
  private failures: ScriptedFailure[] = [];
  private server?: Server;
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res));
    this.server = server;
    this.url = `${url}/`;
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  failNext(failure: ScriptedFailure): void {
    this.failures.push({ ...failure });
  }

  /** Teams answers again: scripted failures still waiting are dropped. */
  clearFailures(): void {
    this.failures = [];
  }

  reset(): void {
    this.calls.length = 0;
    this.failures = [];
  }

  /** Activities the bot sent (replies, proactive messages), in order. */
  get sentActivities(): Array<ConnectorCall & { activity: Record<string, unknown> }> {
    return this.calls.filter((c) => c.method === 'POST' && /\/activities(\/|$)/.test(c.path)).map((c) => ({ ...c, activity: c.body }));
  }

  get updatedActivities(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'PUT');
  }

  get createdConversations(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations');
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('FakeConnector.waitFor: timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return this.reply(res, 400, { error: { code: 'BadSyntax', message: 'Invalid JSON' } });
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = /^\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?|\/(pagedmembers|members)(?:\/([^/]+))?)?$/.exec(path);
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      conversationId: match?.[1] ? decodeURIComponent(match[1]) : undefined,
      replyToId: match?.[2] ? decodeURIComponent(match[2]) : undefined,
      body,
      at: Date.now(),
    };

    const failure = this.failures.find((f) => f.times > 0 && (!f.match || f.match(call)));
    if (failure) {
      failure.times -= 1;
      const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'Retry-After': String(failure.retryAfterSeconds) } : {};
      return this.reply(res, failure.status, { error: { code: 'Scripted', message: `scripted ${failure.status}` } }, headers);
    }

    if (match?.[3]) {
      this.memberCalls.push(call);
      return this.members(res, call, match[3], match[4], new URL(req.url ?? '/', 'http://x').searchParams);
    }
    this.calls.push(call);
    if (call.method === 'POST' && path === '/v3/conversations') {
      // As Teams answers: a post into a channel is a new thread, `<channel>;messageid=<activity>`;
      // a 1:1 chat is the person's one chat with the bot, the same ID every time.
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      const members = (body.members as Array<{ id?: string }> | undefined) ?? [];
      const activityId = body.activity ? `${Date.now()}${++this.counter}` : undefined;
      if (channel) return this.reply(res, 201, { id: `${channel};messageid=${activityId ?? ++this.counter}`, activityId });
      const id = members.length === 1 && members[0]?.id ? personalChatIdOf({ id: members[0].id }) : `19:created-${++this.counter}@thread.v2`;
      return this.reply(res, 201, { id, activityId });
    }
    if (call.method === 'POST' || call.method === 'PUT') return this.reply(res, 200, { id: call.replyToId && call.method === 'PUT' ? call.replyToId : `activity-${++this.counter}` });
    if (call.method === 'DELETE') return this.reply(res, 200, {});
    return this.reply(res, 404, { error: { code: 'NotFound', message: path } });
  }

  /** Puts people in a conversation's roster (a group chat, or a team by its team ID), as Teams would list them. */
  setRoster(conversationId: string, members: RosterMember[]): void {
    this.rosters.set(conversationId, [...members]);
  }

  private members(res: ServerResponse, call: ConnectorCall, kind: string, memberId: string | undefined, query: URLSearchParams): void {
    const roster = this.rosters.get(call.conversationId ?? '');
    if (!roster) return this.reply(res, 404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
    if (memberId) {
      const member = roster.find((m) => m.id === decodeURIComponent(memberId) || m.objectId === decodeURIComponent(memberId));
      return member ? this.reply(res, 200, member) : this.reply(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found in the conversation.' } });
    }
    if (kind !== 'pagedmembers') return this.reply(res, 200, roster);
    // Real pages are small and come with an opaque continuation token; callers must follow it.
    const start = Number(query.get('continuationToken') ?? '0') || 0;
    const size = Math.min(Number(query.get('pageSize') ?? this.pageLimit) || this.pageLimit, this.pageLimit);
    const members = roster.slice(start, start + size);
    const next = start + size < roster.length ? String(start + size) : undefined;
    return this.reply(res, 200, next ? { continuationToken: next, members } : { members });
  }

  private reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}
