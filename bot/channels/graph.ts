import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node';
import type { Logger } from 'pino';
import { retryAfterMs } from '../retryAfter';

/**
 * A small Microsoft Graph client for app-only calls (client credentials). Tokens come from
 * msal-node, one ConfidentialClientApplication per tenant, which caches them until they expire.
 * Throttling (429, and 503/504 with Retry-After) is retried a bounded number of times, so that
 * a user waiting for an answer in Teams never waits long.
 */

export interface GraphCredentials {
  clientId: string;
  clientSecret: string;
}

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  /** e.g. https://login.microsoftonline.com */
  authorityHost: string;
  /** Absent: Graph is not configured, every call throws GraphError 'no_credentials'. */
  credentials?: GraphCredentials;
  /** Tests route msal-node's HTTP calls to a local fake; production leaves it unset. */
  networkClient?: INetworkModule;
  logger: Logger;
  /** Retries after throttling, on top of the first attempt. */
  maxRetries?: number;
  /** The longest single wait we accept; a longer Retry-After gives up at once. */
  maxRetryWaitMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A refused or failed Graph call, with Graph's own error code (`error.code`) and message. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GraphError';
  }

  /** The app lacks the permission, consent or credentials for this call. */
  get notAllowed(): boolean {
    return this.status === 401 || this.status === 403 || this.code === 'no_credentials' || this.code === 'token_refused';
  }

  get throttled(): boolean {
    return this.status === 429 || this.status === 503 || this.status === 504;
  }
}

export interface GraphResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

const RETRYABLE = new Set([429, 503, 504]);

export class GraphClient {
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GraphClientOptions) {
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get configured(): boolean {
    return !!this.options.credentials;
  }

  /** The base URL's origin, so that a user@odata.bind reference points at the same Graph. */
  get origin(): string {
    return new URL(this.options.baseUrl).origin;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /**
   * One msal app per tenant: an app-only token is issued by the tenant whose data it touches.
   * The tenant's endpoints are given as metadata, so msal makes no discovery calls.
   */
  private appFor(tenantId: string): ConfidentialClientApplication {
    const credentials = this.options.credentials;
    if (!credentials) throw new GraphError(0, 'no_credentials', 'Microsoft Graph has no credentials configured');
    let app = this.apps.get(tenantId);
    if (!app) {
      const host = this.options.authorityHost;
      const authority = `${host}/${tenantId}`;
      const hostName = new URL(host).host;
      app = new ConfidentialClientApplication({
        auth: {
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          authority,
          authorityMetadata: JSON.stringify({
            token_endpoint: `${authority}/oauth2/v2.0/token`,
            authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
            end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
            jwks_uri: `${authority}/discovery/v2.0/keys`,
            issuer: `${authority}/v2.0`,
          }),
          cloudDiscoveryMetadata: JSON.stringify({
            tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
            'api-version': '1.1',
            metadata: [{ preferred_network: hostName, preferred_cache: hostName, aliases: [hostName] }],
          }),
        },
        system: this.options.networkClient ? { networkClient: this.options.networkClient } : {},
      });
      this.apps.set(tenantId, app);
    }
    return app;
  }

  private async token(tenantId: string): Promise<string> {
    const app = this.appFor(tenantId);
    try {
      const result = await app.acquireTokenByClientCredential({ scopes: [`${this.origin}/.default`] });
      if (!result?.accessToken) throw new Error('no access token in the response');
      return result.accessToken;
    } catch (error) {
      // Wrong secret, or the app is not consented in this tenant: Entra ID refuses the token.
      const message = error instanceof Error ? error.message : String(error);
      throw new GraphError(401, 'token_refused', `Entra ID refused an app-only token: ${message}`);
    }
  }

  /** Calls Graph; a non-2xx answer throws GraphError after the bounded throttling retries. */
  async call<T = unknown>(tenantId: string, method: string, path: string, body?: unknown): Promise<GraphResponse<T>> {
    const url = `${this.options.baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(tenantId);
      const response = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      if (response.ok) return { status: response.status, headers: response.headers, body: parsed as T };

      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? (response.status === 429 ? 1000 * 2 ** attempt : undefined);
      const failure = new GraphError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `${method} ${path} answered ${response.status}`, wait);
      if (!RETRYABLE.has(response.status) || wait === undefined || attempt >= this.maxRetries || wait > this.maxRetryWaitMs) throw failure;
      this.options.logger.info({ status: response.status, path, waitMs: wait, attempt: attempt + 1 }, 'Graph throttled the call; retrying');
      await this.sleep(wait);
    }
  }
}
