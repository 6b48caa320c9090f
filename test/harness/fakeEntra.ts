import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { closeNow, listenOnLoopback } from './localServer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import jwt from 'jsonwebtoken';
import type { MsalOverrides } from '../../tab/auth/graph';

/**
 * A local stand-in for Entra ID and Microsoft Graph, for offline tests of the tab's sign-in:
 * - the key set (JWKS) that tokens are checked against;
 * - the v2 token endpoint, answering the on-behalf-of grant;
 * - Graph's /users/{id} and /users/{id}/photos/48x48/$value.
 * Tokens are signed with a local RSA key; a second key that is not in the key set makes
 * "bad signature" tokens.
 */

export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const CLIENT_SECRET = 'fake-client-secret';
export const APP_ID_URI = `api://samspil.example.org/${CLIENT_ID}`;
export const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
export const OTHER_ALLOWED_TENANT = 'bbbbbbbb-0000-4000-8000-000000000002';
export const FOREIGN_TENANT = 'cccccccc-0000-4000-8000-000000000003';
export const AUTHORITY_HOST = 'https://login.microsoftonline.com';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

function makeKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', kty: 'RSA', alg: 'RS256' } };
}

export interface TokenOptions {
  oid: string;
  name?: string;
  tid?: string;
  aud?: string;
  iss?: string;
  scp?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key that is not in the published key set. */
  untrustedKey?: boolean;
  alg?: 'RS256' | 'HS256';
}

export interface GraphUser {
  displayName: string;
  photo?: Buffer;
}

export class FakeEntra {
  private server?: Server;
  private readonly trusted = makeKey(`kid-${randomUUID().slice(0, 8)}`);
  private readonly untrusted = makeKey(`kid-${randomUUID().slice(0, 8)}`);
  /** Graph access tokens issued by the on-behalf-of grant, and whose they are. */
  private readonly issuedGraphTokens = new Map<string, { oid: string; tid: string }>();
  readonly graphUsers = new Map<string, GraphUser>();
  /** Entra groups: their direct members (object IDs) and the groups nested in them. */
  readonly groups = new Map<string, { members: Set<string>; groups: Set<string> }>();
  readonly calls: Array<{ method: string; path: string; body?: string; authorization?: string }> = [];
  url = '';

  async start(): Promise<this> {
    const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res));
    this.server = server;
    this.url = url;
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  get jwksUri(): string {
    return `${this.url}/common/discovery/v2.0/keys`;
  }

  get graphUrl(): string {
    return this.url;
  }

  /** The settings the app reads, pointing the tab at this fake. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      TAB_AUTH_MODE: 'entra',
      TAB_CLIENT_ID: CLIENT_ID,
      TAB_CLIENT_SECRET: CLIENT_SECRET,
      TAB_APP_ID_URI: APP_ID_URI,
      TAB_ALLOWED_TENANTS: `${TENANT},${OTHER_ALLOWED_TENANT}`,
      TAB_JWKS_URI: this.jwksUri,
      TAB_GRAPH_URL: this.graphUrl,
      ...extra,
    };
  }

  /** A Teams SSO token as Entra ID issues it (v1 by default: sts.windows.net issuer, App ID URI audience). */
  token(options: TokenOptions): string {
    const tid = options.tid ?? TENANT;
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: options.aud ?? APP_ID_URI,
      iss: options.iss ?? `https://sts.windows.net/${tid}/`,
      iat: now - 60,
      nbf: now - 60,
      exp: now + (options.expiresIn ?? 3600),
      oid: options.oid,
      tid,
      name: options.name ?? 'Test Person',
      scp: options.scp ?? 'access_as_user',
      ver: '1.0',
    };
    if (options.alg === 'HS256') return jwt.sign(claims, 'a-shared-secret', { algorithm: 'HS256', keyid: this.trusted.kid });
    const key = options.untrustedKey ? this.untrusted : this.trusted;
    return jwt.sign(claims, key.privateKey, { algorithm: 'RS256', keyid: options.untrustedKey ? this.trusted.kid : key.kid });
  }

  /** A v2 token (login.microsoftonline.com/…/v2.0 issuer, client ID audience). */
  tokenV2(options: TokenOptions): string {
    const tid = options.tid ?? TENANT;
    return this.token({ ...options, aud: options.aud ?? CLIENT_ID, iss: options.iss ?? `${AUTHORITY_HOST}/${tid}/v2.0` });
  }

  private graphFailures: { status: number; times: number } = { status: 503, times: 0 };

  /** The next `times` Graph calls answer `status` (throttling, an outage). */
  failGraph(status: number, times: number): void {
    this.graphFailures = { status, times };
  }

  /** Adds an Entra group with direct members and nested groups (membership is transitive, as in Entra ID). */
  addGroup(groupId: string, { members = [], groups = [] }: { members?: string[]; groups?: string[] } = {}): void {
    this.groups.set(groupId.toLowerCase(), { members: new Set(members.map((m) => m.toLowerCase())), groups: new Set(groups.map((g) => g.toLowerCase())) });
  }

  /** Whether a user is in a group, directly or through nested groups. */
  private isMember(oid: string, groupId: string, seen = new Set<string>()): boolean {
    const group = this.groups.get(groupId.toLowerCase());
    if (!group || seen.has(groupId)) return false;
    seen.add(groupId);
    return group.members.has(oid.toLowerCase()) || [...group.groups].some((child) => this.isMember(oid, child, seen));
  }

  get oboCalls(): number {
    return this.calls.filter((c) => c.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(c.path)).length;
  }

  get graphCalls(): number {
    return this.calls.filter((c) => c.path.startsWith('/v1.0/')).length;
  }

  /** msal-node, kept offline: https authority metadata given as JSON, and its HTTP calls sent here. */
  msal(): MsalOverrides {
    const networkClient: INetworkModule = {
      sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => this.forward<T>('GET', url, options),
      sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => this.forward<T>('POST', url, options),
    };
    return {
      networkClient,
      authorityMetadata: (tenantId) =>
        JSON.stringify({
          token_endpoint: `${AUTHORITY_HOST}/${tenantId}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          jwks_uri: `${AUTHORITY_HOST}/${tenantId}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: `${AUTHORITY_HOST}/${tenantId}/v2.0`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
          authorization_endpoint: `${AUTHORITY_HOST}/${tenantId}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${AUTHORITY_HOST}/${tenantId}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${AUTHORITY_HOST}/${tenantId}/oauth2/v2.0/logout`,
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'oid', 'tid', 'name'],
          kerberos_endpoint: `${AUTHORITY_HOST}/${tenantId}/kerberos`,
          tenant_region_scope: 'EU',
          cloud_instance_name: 'microsoftonline.com',
          cloud_graph_host_name: 'graph.windows.net',
          msgraph_host: 'graph.microsoft.com',
          rbac_url: 'https://pas.windows.net',
        }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${AUTHORITY_HOST}/{tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'] }],
      }),
    };
  }

  private async forward<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const target = new URL(url);
    if (target.origin !== AUTHORITY_HOST) throw new Error(`msal tried to reach ${target.origin}, which the offline test does not allow`);
    const response = await fetch(`${this.url}${target.pathname}${target.search}`, { method, headers: options?.headers, body: options?.body });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    return { status: response.status, headers, body: (await response.json()) as T };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const authorization = req.headers.authorization;
    this.calls.push({ method: req.method ?? 'GET', path, body, authorization });
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };

    if (req.method === 'GET' && path === '/common/discovery/v2.0/keys') return json(200, { keys: [this.trusted.jwk] });

    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === 'POST' && token) {
      const form = new URLSearchParams(body);
      const assertion = form.get('assertion') ?? '';
      const valid =
        form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
        form.get('requested_token_use') === 'on_behalf_of' &&
        form.get('client_id') === CLIENT_ID &&
        form.get('client_secret') === CLIENT_SECRET &&
        assertion.split('.').length === 3;
      if (!valid) return json(400, { error: 'invalid_grant', error_description: 'AADSTS50013: Assertion failed signature validation.' });
      const claims = jwt.decode(assertion) as { oid?: string; tid?: string } | null;
      const accessToken = `graph-${randomUUID()}`;
      this.issuedGraphTokens.set(accessToken, { oid: claims?.oid ?? '', tid: claims?.tid ?? token[1]! });
      const clientInfo = Buffer.from(JSON.stringify({ uid: claims?.oid ?? 'x', utid: claims?.tid ?? token[1] })).toString('base64url');
      return json(200, {
        token_type: 'Bearer',
        scope: form.get('scope') ?? '',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
        client_info: clientInfo,
      });
    }

    // POST /me/checkMemberGroups: which of up to 20 groups the signed-in user is in (transitively).
    if (path.startsWith('/v1.0/') && this.graphFailures.times > 0) {
      this.graphFailures.times -= 1;
      return json(this.graphFailures.status, { error: { code: this.graphFailures.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'Service unavailable' } });
    }
    if (req.method === 'POST' && path === '/v1.0/me/checkMemberGroups') {
      const caller = this.issuedGraphTokens.get((authorization ?? '').replace(/^Bearer /, ''));
      if (!caller) return json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } });
      let ids: unknown;
      try {
        ids = (JSON.parse(body) as { groupIds?: unknown }).groupIds;
      } catch {
        ids = undefined;
      }
      const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || !ids.every((id) => typeof id === 'string' && guid.test(id))) {
        return json(400, { error: { code: 'Request_BadRequest', message: 'Invalid value specified for property \'groupIds\' of resource \'CheckMemberGroups\'.' } });
      }
      const value = (ids as string[]).filter((id) => this.isMember(caller.oid, id));
      return json(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)', value });
    }

    const user = /^\/v1\.0\/users\/([^/]+)(\/photos\/48x48\/\$value)?$/.exec(decodeURIComponent(path));
    if (req.method === 'GET' && user) {
      const bearer = (authorization ?? '').replace(/^Bearer /, '');
      if (!this.issuedGraphTokens.has(bearer)) return json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } });
      const found = this.graphUsers.get(user[1]!);
      if (!found) return json(404, { error: { code: 'Request_ResourceNotFound', message: 'not found' } });
      if (!user[2]) return json(200, { id: user[1], displayName: found.displayName });
      if (!found.photo) return json(404, { error: { code: 'ImageNotFound', message: 'no photo' } });
      const png = found.photo.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      res.writeHead(200, { 'Content-Type': png ? 'image/png' : 'image/jpeg', 'Content-Length': found.photo.length });
      return void res.end(found.photo);
    }
    json(404, { error: 'not_found', path });
  }
}
