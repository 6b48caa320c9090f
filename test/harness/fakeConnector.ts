import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeNow, listenOnLoopback } from './localServer';

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

export interface RosterMember {
  id: string;
  name: string;
  aadObjectId: string;
  userPrincipalName?: string;
  tenantId?: string;
}

/**
 * A local stand-in for the Bot Connector service. It speaks the same REST protocol
 * (v3 conversations API) and records every call so that tests can assert on what users saw.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  readonly rosters = new Map<string, RosterMember[]>();
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

    if (match?.[3]) return this.members(res, call, match[3], match[4]);
    this.calls.push(call);
    if (call.method === 'POST' && path === '/v3/conversations') {
      const id = `a:created-${++this.counter}`;
      return this.reply(res, 201, { id, activityId: body.activity ? `activity-${this.counter}` : undefined });
    }
    if (call.method === 'POST' || call.method === 'PUT') return this.reply(res, 200, { id: call.replyToId && call.method === 'PUT' ? call.replyToId : `activity-${++this.counter}` });
    if (call.method === 'DELETE') return this.reply(res, 200, {});
    return this.reply(res, 404, { error: { code: 'NotFound', message: path } });
  }

  private members(res: ServerResponse, call: ConnectorCall, kind: string, memberId?: string): void {
    const roster = this.rosters.get(call.conversationId ?? '') ?? [];
    if (memberId) {
      const member = roster.find((m) => m.id === decodeURIComponent(memberId) || m.aadObjectId === decodeURIComponent(memberId));
      return member ? this.reply(res, 200, member) : this.reply(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
    }
    return kind === 'pagedmembers' ? this.reply(res, 200, { members: roster }) : this.reply(res, 200, roster);
  }

  private reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}
