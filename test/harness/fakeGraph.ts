import { randomBytes, randomUUID } from 'node:crypto';
import { closeNow, listenOnLoopback } from './localServer';
import { FakeOnlineMeetings } from './fakeGraphMeetings';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * A local stand-in for Microsoft Graph (the Teams channel APIs Samspil uses) and for the Entra ID
 * token endpoint, speaking their HTTP protocols: form-encoded client-credential requests and
 * OAuth JSON answers; Graph's JSON bodies, `{ error: { code, message } }` refusals, 202 + Location
 * for archiving, 429 + Retry-After for throttling. It enforces the permissions the real services
 * would (resource-specific consent per team, tenant-wide application permissions) and records every
 * call, so tests assert on what happened in "Teams".
 *
 * msal-node refuses plain-http authorities, so the app keeps its https authority and the test
 * gives msal `networkClient()`, which routes those https requests here.
 */

export interface GraphCall {
  service: 'entra' | 'graph';
  method: string;
  path: string;
  body: unknown;
  status: number;
  at: number;
}

export interface FakeUser {
  aadObjectId: string;
  displayName: string;
}

export interface FakeChannelMember {
  /** The membership ID Graph uses in /members/{id}. */
  id: string;
  userId: string;
  displayName: string;
  roles: string[];
}

export interface FakeChannel {
  id: string;
  displayName: string;
  description?: string;
  membershipType: 'standard' | 'private';
  createdDateTime: string;
  webUrl: string;
  isArchived: boolean;
  members: FakeChannelMember[];
}

interface FakeTeam {
  aadGroupId: string;
  tenantId: string;
  members: FakeUser[];
  /** Resource-specific permissions consented for this team (granted at install). */
  rsc: Set<string>;
  channels: FakeChannel[];
}

interface FakeApp {
  clientId: string;
  clientSecret: string;
  /** Tenant-wide application permissions granted by an admin. */
  applicationPermissions: Set<string>;
}

export interface ScriptedGraphFailure {
  status: number;
  retryAfterSeconds?: number;
  times: number;
  match?: (method: string, path: string) => boolean;
}

const GRAPH_ROOT = '/v1.0';
const FORBIDDEN_NAME = /[~#%&*{}+/\\:<>?|'",]/;

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  /** Online meetings and their attendance reports (fakeGraphMeetings.ts). */
  readonly onlineMeetings = new FakeOnlineMeetings();
  private readonly apps = new Map<string, FakeApp>();
  private readonly teams = new Map<string, FakeTeam>();
  private readonly tokens = new Map<string, { clientId: string; tenantId: string }>();
  private failures: ScriptedGraphFailure[] = [];
  private server?: Server;
  url = '';

  /** The authority hosts whose requests `networkClient()` routes here. */
  constructor(private readonly authorityHosts: string[] = ['login.microsoftonline.com']) {}

  async start(): Promise<this> {
    const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res));
    this.server = server;
    this.url = url;
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  /** GRAPH_BASE_URL for the app under test. */
  get graphBaseUrl(): string {
    return `${this.url}${GRAPH_ROOT}`;
  }

  registerApp(app: { clientId: string; clientSecret: string; applicationPermissions?: string[] }): void {
    this.apps.set(app.clientId, { clientId: app.clientId, clientSecret: app.clientSecret, applicationPermissions: new Set(app.applicationPermissions ?? []) });
  }

  grantApplicationPermissions(clientId: string, permissions: string[]): void {
    for (const permission of permissions) this.apps.get(clientId)?.applicationPermissions.add(permission);
  }

  addTeam(team: { aadGroupId: string; tenantId: string; members: FakeUser[]; rsc?: string[] }): void {
    this.teams.set(team.aadGroupId, { ...team, rsc: new Set(team.rsc ?? []), channels: [] });
  }

  addTeamMember(aadGroupId: string, user: FakeUser): void {
    this.teams.get(aadGroupId)?.members.push(user);
  }

  /** Makes a channel exist already, e.g. to provoke a name conflict. */
  addChannel(aadGroupId: string, displayName: string): FakeChannel {
    const team = this.teams.get(aadGroupId)!;
    const channel = this.newChannel(team, displayName, undefined, 'standard');
    team.channels.push(channel);
    return channel;
  }

  channels(aadGroupId: string): FakeChannel[] {
    return this.teams.get(aadGroupId)?.channels ?? [];
  }

  failNext(failure: ScriptedGraphFailure): void {
    this.failures.push({ ...failure });
  }

  reset(): void {
    this.calls.length = 0;
    this.failures = [];
  }

  graphCalls(method?: string, pathPattern?: RegExp): GraphCall[] {
    return this.calls.filter((c) => c.service === 'graph' && (!method || c.method === method) && (!pathPattern || pathPattern.test(c.path)));
  }

  get tokenRequests(): GraphCall[] {
    return this.calls.filter((c) => c.service === 'entra' && c.path.endsWith('/oauth2/v2.0/token'));
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('FakeGraph.waitFor: timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** msal-node's network client: the https authority requests go to this local server. */
  networkClient(): INetworkModule {
    const forward = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
      const target = new URL(url);
      if (!this.authorityHosts.includes(target.host)) throw new Error(`FakeGraph: msal-node tried to reach ${target.host}, which is not faked`);
      const response = await fetch(`${this.url}${target.pathname}${target.search}`, { method, headers: options?.headers, body: options?.body });
      const text = await response.text();
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: response.status, headers, body: (text ? JSON.parse(text) : {}) as T };
    };
    return {
      sendGetRequestAsync: (url, options) => forward('GET', url, options),
      sendPostRequestAsync: (url, options) => forward('POST', url, options),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const record = (service: GraphCall['service'], status: number, body: unknown) =>
      this.calls.push({ service, method, path: url.pathname, body, status, at: Date.now() });

    if (!url.pathname.startsWith(`${GRAPH_ROOT}/`)) {
      const answer = this.entra(method, url, raw);
      record('entra', answer.status, Object.fromEntries(new URLSearchParams(raw)));
      return this.reply(res, answer.status, answer.body);
    }

    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      record('graph', 400, raw);
      return this.reply(res, 400, graphError('BadRequest', 'Invalid request body'));
    }
    const path = url.pathname.slice(GRAPH_ROOT.length);
    const failure = this.failures.find((f) => f.times > 0 && (!f.match || f.match(method, path)));
    if (failure) {
      failure.times -= 1;
      record('graph', failure.status, body);
      const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'Retry-After': String(failure.retryAfterSeconds) } : {};
      const error = failure.status === 429 ? graphError('TooManyRequests', 'Please retry again later.') : graphError('ServiceUnavailable', 'Service unavailable');
      return this.reply(res, failure.status, error, headers);
    }
    const answer = this.graph(method, path, body, req.headers.authorization, url.searchParams);
    record('graph', answer.status, body);
    return this.reply(res, answer.status, answer.body, answer.headers);
  }

  /** The Entra ID endpoints msal-node may call: token, and (unused when metadata is given) discovery. */
  private entra(method: string, url: URL, raw: string): { status: number; body: unknown } {
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (method === 'POST' && token) {
      const tenantId = decodeURIComponent(token[1]!);
      const form = new URLSearchParams(raw);
      const app = this.apps.get(form.get('client_id') ?? '');
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: oauthError('unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.') };
      if (!app) return { status: 400, body: oauthError('unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory '${tenantId}'.`) };
      if (form.get('client_secret') !== app.clientSecret) return { status: 401, body: oauthError('invalid_client', 'AADSTS7000215: Invalid client secret provided.') };
      const scope = form.get('scope') ?? '';
      if (!/\/\.default$/.test(scope)) return { status: 400, body: oauthError('invalid_scope', 'AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed.') };
      const accessToken = `fake-${randomBytes(16).toString('hex')}`;
      this.tokens.set(accessToken, { clientId: app.clientId, tenantId });
      return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken } };
    }
    const openid = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (method === 'GET' && openid) {
      const base = `https://${this.authorityHosts[0]}/${openid[1]}`;
      return {
        status: 200,
        body: { token_endpoint: `${base}/oauth2/v2.0/token`, authorization_endpoint: `${base}/oauth2/v2.0/authorize`, issuer: `${base}/v2.0`, jwks_uri: `${base}/discovery/v2.0/keys`, end_session_endpoint: `${base}/oauth2/v2.0/logout` },
      };
    }
    return { status: 404, body: oauthError('invalid_request', `FakeGraph: no Entra ID endpoint ${method} ${url.pathname}`) };
  }

  private graph(method: string, path: string, body: unknown, authorization: string | undefined, query = new URLSearchParams()): { status: number; body?: unknown; headers?: Record<string, string> } {
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token) return { status: 401, body: graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.') };
    const app = this.apps.get(token.clientId)!;
    const meetings = this.onlineMeetings.handle(method, path, body, { clientId: app.clientId, tenantId: token.tenantId, roles: app.applicationPermissions, baseUrl: this.graphBaseUrl, query });
    if (meetings) return meetings;

    const match = /^\/teams\/([^/]+)\/channels(?:\/([^/]+)(?:\/(members|archive)(?:\/([^/]+))?)?)?$/.exec(path);
    if (!match) return { status: 404, body: graphError('UnknownError', `FakeGraph: no route ${method} ${path}`) };
    const team = this.teams.get(decodeURIComponent(match[1]!));
    if (!team || team.tenantId !== token.tenantId) return { status: 404, body: graphError('NotFound', 'No team found with Group Id ' + decodeURIComponent(match[1]!)) };
    const has = (...permissions: string[]) => permissions.some((p) => app.applicationPermissions.has(p) || team.rsc.has(p));
    const forbidden = (needed: string[]) => ({
      status: 403,
      body: graphError('Forbidden', `Missing role permissions on the request. API requires one of '${needed.join(', ')}'. Roles on the request '${[...app.applicationPermissions, ...team.rsc].join(', ')}'.`),
    });

    const channelId = match[2] ? decodeURIComponent(match[2]) : undefined;
    if (!channelId) {
      if (method !== 'POST') return { status: 405, body: graphError('MethodNotAllowed', method) };
      return this.createChannel(team, body as Record<string, unknown>, { has, tenantWide: app.applicationPermissions, forbidden });
    }
    const channel = team.channels.find((c) => c.id === channelId);
    if (!channel) return { status: 404, body: graphError('NotFound', `Channel ${channelId} not found`) };

    if (match[3] === 'archive') {
      if (method !== 'POST') return { status: 405, body: graphError('MethodNotAllowed', method) };
      if (!app.applicationPermissions.has('ChannelSettings.ReadWrite.All')) return forbidden(['ChannelSettings.ReadWrite.All']);
      channel.isArchived = true;
      return { status: 202, headers: { Location: `/teams/${team.aadGroupId}/operations/${randomUUID()}` } };
    }
    if (match[3] === 'members') {
      if (channel.membershipType !== 'private') return { status: 400, body: graphError('BadRequest', 'Members of a standard channel follow the team.') };
      if (!app.applicationPermissions.has('ChannelMember.ReadWrite.All') && !(method === 'GET' && app.applicationPermissions.has('ChannelMember.Read.All'))) {
        return forbidden(method === 'GET' ? ['ChannelMember.Read.All', 'ChannelMember.ReadWrite.All'] : ['ChannelMember.ReadWrite.All']);
      }
      const membershipId = match[4] ? decodeURIComponent(match[4]) : undefined;
      if (method === 'GET' && !membershipId) {
        return { status: 200, body: { '@odata.count': channel.members.length, value: channel.members.map((m) => memberJson(m, team.tenantId)) } };
      }
      if (method === 'POST' && !membershipId) {
        const member = this.memberFrom(team, body as Record<string, unknown>);
        if ('error' in member) return { status: 400, body: graphError('BadRequest', member.error) };
        if (channel.members.some((m) => m.userId === member.userId)) return { status: 409, body: graphError('Conflict', 'The user is already a member of the channel.') };
        channel.members.push(member);
        return { status: 201, body: memberJson(member, team.tenantId) };
      }
      if (method === 'DELETE' && membershipId) {
        const index = channel.members.findIndex((m) => m.id === membershipId);
        if (index < 0) return { status: 404, body: graphError('NotFound', 'Membership not found') };
        channel.members.splice(index, 1);
        return { status: 204 };
      }
      return { status: 405, body: graphError('MethodNotAllowed', method) };
    }
    if (method === 'GET') return { status: 200, body: channelJson(channel, team) };
    return { status: 405, body: graphError('MethodNotAllowed', method) };
  }

  private createChannel(
    team: FakeTeam,
    body: Record<string, unknown> | undefined,
    { has, tenantWide, forbidden }: { has: (...p: string[]) => boolean; tenantWide: Set<string>; forbidden: (needed: string[]) => { status: number; body: unknown } },
  ): { status: number; body: unknown } {
    const membershipType = body?.membershipType === 'private' ? 'private' : 'standard';
    // Resource-specific consent covers standard channels only; private ones need the tenant-wide permission.
    if (membershipType === 'private' ? !tenantWide.has('Channel.Create') : !has('Channel.Create.Group', 'Channel.Create')) {
      return forbidden(membershipType === 'private' ? ['Channel.Create'] : ['Channel.Create.Group', 'Channel.Create']);
    }
    const displayName = typeof body?.displayName === 'string' ? body.displayName : '';
    if (!displayName.trim()) return { status: 400, body: graphError('BadRequest', 'displayName is required.') };
    if (displayName.length > 50 || FORBIDDEN_NAME.test(displayName) || displayName.includes('..') || /^[_.]/.test(displayName) || /\.$/.test(displayName)) {
      return { status: 400, body: graphError('BadRequest', `Channel name '${displayName}' is invalid.`) };
    }
    if (team.channels.some((c) => c.displayName.toLowerCase() === displayName.toLowerCase())) {
      return { status: 400, body: graphError('BadRequest', 'Channel name already existed, please use other name') };
    }
    const channel = this.newChannel(team, displayName, typeof body?.description === 'string' ? body.description : undefined, membershipType);
    if (membershipType === 'private') {
      const members = Array.isArray(body?.members) ? (body.members as Array<Record<string, unknown>>) : [];
      for (const raw of members) {
        const member = this.memberFrom(team, raw);
        if ('error' in member) return { status: 400, body: graphError('BadRequest', member.error) };
        channel.members.push(member);
      }
      if (!channel.members.some((m) => m.roles.includes('owner'))) {
        return { status: 400, body: graphError('BadRequest', 'A private channel created with application permissions must have an owner in members.') };
      }
    }
    team.channels.push(channel);
    return { status: 201, body: channelJson(channel, team) };
  }

  private newChannel(team: FakeTeam, displayName: string, description: string | undefined, membershipType: 'standard' | 'private'): FakeChannel {
    const id = `19:${randomBytes(16).toString('hex')}@thread.tacv2`;
    return {
      id,
      displayName,
      description,
      membershipType,
      createdDateTime: new Date().toISOString(),
      webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(id)}/${encodeURIComponent(displayName)}?groupId=${team.aadGroupId}&tenantId=${team.tenantId}`,
      isArchived: false,
      members: [],
    };
  }

  /** An aadUserConversationMember from its JSON; the user must be in the team. */
  private memberFrom(team: FakeTeam, raw: Record<string, unknown>): FakeChannelMember | { error: string } {
    if (raw['@odata.type'] !== '#microsoft.graph.aadUserConversationMember') return { error: 'Only aadUserConversationMember is supported.' };
    const bind = typeof raw['user@odata.bind'] === 'string' ? raw['user@odata.bind'] : '';
    const userId = /\/users\('([^']+)'\)$/.exec(bind)?.[1];
    if (!userId) return { error: `Invalid user@odata.bind '${bind}'.` };
    const user = team.members.find((m) => m.aadObjectId.toLowerCase() === userId.toLowerCase());
    if (!user) return { error: `User ${userId} is not a member of the team.` };
    const roles = Array.isArray(raw.roles) ? (raw.roles as string[]) : [];
    return { id: Buffer.from(`${randomUUID()}#${userId}`).toString('base64'), userId: user.aadObjectId, displayName: user.displayName, roles };
  }

  private reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) {
      res.writeHead(status, { 'Content-Length': '0', ...headers });
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
}

function graphError(code: string, message: string): unknown {
  return { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } };
}

function oauthError(error: string, description: string): unknown {
  return { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() };
}

function channelJson(channel: FakeChannel, team: FakeTeam): unknown {
  return {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#teams('${team.aadGroupId}')/channels/$entity`,
    id: channel.id,
    createdDateTime: channel.createdDateTime,
    displayName: channel.displayName,
    description: channel.description ?? null,
    isFavoriteByDefault: null,
    email: '',
    isArchived: channel.isArchived,
    webUrl: channel.webUrl,
    membershipType: channel.membershipType,
    tenantId: team.tenantId,
  };
}

function memberJson(member: FakeChannelMember, tenantId: string): unknown {
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    id: member.id,
    roles: member.roles,
    displayName: member.displayName,
    visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    userId: member.userId,
    email: null,
    tenantId,
  };
}
