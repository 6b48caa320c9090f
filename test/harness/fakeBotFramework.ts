import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { MicrosoftAppCredentials, PasswordServiceClientCredentialFactory, type AppCredentials } from 'botframework-connector';
import { closeNow, listenOnLoopback } from './localServer';

/**
 * A local stand-in for the Bot Framework's token service, for offline tests of the bot's inbound
 * authentication: the OpenID configuration and key set (JWKS) the Bot Connector's tokens are checked
 * against, and a signer for those tokens, honest or forged. Point the app at it with `env()`.
 */

export const BOT_APP_ID = '9a8b7c6d-0000-4000-8000-00000000b0b1';
export const BOT_ISSUER = 'https://api.botframework.com';

interface RsaKey {
  kid: string;
  privateKey: KeyObject;
  publicPem: string;
  jwk: Record<string, unknown>;
}

function rsaKey(kid: string): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), jwk: publicKey.export({ format: 'jwk' }) };
}

export interface BotTokenOptions {
  /** The `serviceurl` claim: where the Bot Connector accepts this conversation's replies. */
  serviceUrl?: string;
  aud?: string;
  iss?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Seconds from now that the token becomes valid (`nbf`). */
  notBefore?: number;
  /**
   * How it is signed: `RS256` with the published key (honest), `foreign` (RS256 with a key that is
   * not published, under the published key's kid), `none` (no signature), `HS256-public` (HMAC with
   * the published public key as the secret, the classic key-confusion forgery).
   */
  signing?: 'RS256' | 'foreign' | 'none' | 'HS256-public';
  kid?: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class FakeBotFramework {
  private server?: Server;
  private readonly trusted = rsaKey(`bf-${randomUUID().slice(0, 8)}`);
  private readonly foreign = rsaKey(`bf-${randomUUID().slice(0, 8)}`);
  /** Channels the published key is endorsed for (the real key set lists msteams, webchat, …). */
  endorsements = ['msteams', 'webchat', 'directline'];
  readonly calls: string[] = [];
  url = '';

  async start(): Promise<this> {
    const { server, url } = await listenOnLoopback((req, res) => this.handle(req, res));
    this.server = server;
    this.url = url;
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** The public key in PEM form: what must never appear in a log. */
  get publicKeyPem(): string {
    return this.trusted.publicPem;
  }

  get metadataFetches(): number {
    return this.calls.filter((path) => path.endsWith('/openidconfiguration')).length;
  }

  /** The settings that put the app in authenticated mode against this fake. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { MicrosoftAppId: BOT_APP_ID, MicrosoftAppPassword: 'not-used-offline', MicrosoftAppType: 'MultiTenant', BOT_OPENID_METADATA_URL: this.metadataUrl, ...extra };
  }

  /** A token as the Bot Connector sends it with an activity, or a forgery of one. */
  token(options: BotTokenOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const signing = options.signing ?? 'RS256';
    const alg = signing === 'none' ? 'none' : signing === 'HS256-public' ? 'HS256' : 'RS256';
    const header = { alg, typ: 'JWT', kid: options.kid ?? this.trusted.kid, x5t: options.kid ?? this.trusted.kid };
    const payload = {
      serviceurl: options.serviceUrl,
      nbf: now + (options.notBefore ?? -300),
      exp: now + (options.expiresIn ?? 3600),
      iss: options.iss ?? BOT_ISSUER,
      aud: options.aud ?? BOT_APP_ID,
    };
    const input = `${b64url(header)}.${b64url(payload)}`;
    let signature: Buffer;
    if (signing === 'none') signature = Buffer.alloc(0);
    else if (signing === 'HS256-public') signature = createHmac('sha256', this.trusted.publicPem).update(input).digest();
    else signature = sign('sha256', Buffer.from(input), signing === 'foreign' ? this.foreign.privateKey : this.trusted.privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.calls.push(path);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/v1/.well-known/openidconfiguration') {
      return json(200, {
        issuer: BOT_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (path === '/v1/.well-known/keys') {
      return json(200, { keys: [{ ...this.trusted.jwk, kty: 'RSA', use: 'sig', kid: this.trusted.kid, x5t: this.trusted.kid, endorsements: this.endorsements }] });
    }
    json(404, { error: 'not_found' });
  }
}

/**
 * The bot's outbound credentials, offline: botbuilder would get a token from Entra ID with
 * msal-node; these send the replies to the fake Bot Connector unsigned instead.
 */
export class OfflineBotCredentials extends PasswordServiceClientCredentialFactory {
  constructor() {
    super(BOT_APP_ID, 'not-used-offline');
  }

  override async createCredentials(): Promise<AppCredentials> {
    return MicrosoftAppCredentials.Empty;
  }
}
