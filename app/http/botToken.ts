import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Checks the Bot Connector's token on `POST /api/messages` before the body is read, the way
 * botframework-connector checks a channel token (ChannelValidation), but without its habits of
 * answering 500 for a forged token and writing the PEM key to the console. botbuilder checks the
 * token again inside the turn; by then it is one we accepted. See docs/edge.md.
 */

export const BOT_FRAMEWORK_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
export const BOT_FRAMEWORK_TOKEN_ISSUER = 'https://api.botframework.com';
/** The algorithms botframework-connector allows (AuthenticationConstants.AllowedSigningAlgorithms). */
const ALGORITHMS: jwt.Algorithm[] = ['RS256', 'RS384', 'RS512'];
/** botframework-connector's clock skew for channel tokens. */
const CLOCK_TOLERANCE_SECONDS = 5 * 60;
const MAX_TOKEN_LENGTH = 8 * 1024;
const KEY_REFRESH_MS = 24 * 60 * 60 * 1000;
/** An unknown key ID makes us look for new keys at most this often (a forged kid must not make us fetch on every request). */
const UNKNOWN_KEY_REFRESH_MS = 5 * 60 * 1000;
const FETCH_TIMEOUT_MS = 10_000;
const FAILED_FETCH_RETRY_MS = 5_000;

export type BotTokenRefusalReason =
  | 'missing'
  | 'malformed'
  | 'bad_algorithm'
  | 'bad_issuer'
  | 'unknown_key'
  | 'bad_signature'
  | 'bad_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid'
  | 'channel_not_endorsed'
  | 'keys_unavailable';

export class BotTokenRefused extends Error {
  constructor(readonly reason: BotTokenRefusalReason) {
    super(`bot token refused: ${reason}`);
  }

  /** 503 when we could not get the Bot Framework's keys (our problem, retry later); 401 otherwise. */
  get status(): 401 | 503 {
    return this.reason === 'keys_unavailable' ? 503 : 401;
  }
}

export interface VerifiedBotToken {
  /** The raw Authorization header, for botbuilder's own check. */
  header: string;
  /** The `serviceurl` claim: the only serviceUrl this request's activity may carry. */
  serviceUrl?: string;
  /** Channels the signing key is endorsed for (empty: any). */
  endorsements: string[];
}

interface SigningKey {
  key: KeyObject;
  endorsements: string[];
}

type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface BotTokenVerifierOptions {
  appId: string;
  metadataUrl?: string;
  issuer?: string;
  fetch?: Fetch;
  now?: () => number;
}

/** The Bot Framework's published signing keys, fetched through its OpenID configuration and cached. */
class KeySet {
  private keys = new Map<string, SigningKey>();
  private fetchedAt = 0;
  private lastAttempt = 0;
  private lastFailure = 0;
  private refreshing?: Promise<void>;

  constructor(
    private readonly metadataUrl: string,
    private readonly fetchFn: Fetch,
    private readonly now: () => number,
  ) {}

  async get(kid: string): Promise<SigningKey | undefined> {
    const now = this.now();
    const stale = now - this.fetchedAt > KEY_REFRESH_MS;
    const unknown = !this.keys.has(kid);
    if (this.keys.size === 0) {
      // Nothing to check against: fetch, but after a failure not more than every few seconds.
      if (now - this.lastFailure < FAILED_FETCH_RETRY_MS) throw new Error('Bot Framework keys unavailable');
      await this.refresh();
    } else if ((stale || unknown) && now - this.lastAttempt >= UNKNOWN_KEY_REFRESH_MS) {
      // Old keys keep working through an outage of the metadata endpoint.
      await this.refresh().catch(() => undefined);
    }
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.load()
      .catch((error: unknown) => {
        this.lastFailure = this.now();
        throw error;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    this.lastAttempt = this.now();
    const metadata = (await this.json(this.metadataUrl)) as { jwks_uri?: unknown };
    if (typeof metadata.jwks_uri !== 'string') throw new Error('OpenID configuration without jwks_uri');
    const jwks = (await this.json(metadata.jwks_uri)) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw new Error('key set without keys');
    const keys = new Map<string, SigningKey>();
    for (const jwk of jwks.keys as Array<Record<string, unknown>>) {
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') continue;
      try {
        const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
        const endorsements = Array.isArray(jwk.endorsements) ? jwk.endorsements.filter((e): e is string => typeof e === 'string') : [];
        keys.set(jwk.kid, { key, endorsements });
      } catch {
        // a key we cannot read is a key nobody can use
      }
    }
    this.keys = keys;
    this.fetchedAt = this.now();
  }

  private async json(url: string): Promise<unknown> {
    const response = await this.fetchFn(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${response.status} from the Bot Framework key endpoint`);
    return response.json();
  }
}

const reasonOf = (error: unknown): BotTokenRefusalReason => {
  if (error instanceof jwt.TokenExpiredError) return 'expired';
  if (error instanceof jwt.NotBeforeError) return 'not_yet_valid';
  const message = error instanceof Error ? error.message : '';
  if (/signature/.test(message)) return 'bad_signature';
  if (/audience/.test(message)) return 'bad_audience';
  if (/issuer/.test(message)) return 'bad_issuer';
  if (/algorithm/.test(message)) return 'bad_algorithm';
  return 'invalid';
};

export class BotTokenVerifier {
  private readonly keys: KeySet;
  private readonly issuer: string;

  constructor(private readonly options: BotTokenVerifierOptions) {
    this.issuer = options.issuer ?? BOT_FRAMEWORK_TOKEN_ISSUER;
    const fetchFn: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.keys = new KeySet(options.metadataUrl ?? BOT_FRAMEWORK_OPENID_METADATA_URL, fetchFn, options.now ?? Date.now);
  }

  /** Checks the Authorization header: signature, algorithm, issuer, audience, expiry. Throws BotTokenRefused. */
  async verify(header: string | undefined): Promise<VerifiedBotToken> {
    if (!header) throw new BotTokenRefused('missing');
    const parts = header.split(' ');
    if (parts.length !== 2 || parts[0] !== 'Bearer' || !parts[1] || parts[1].length > MAX_TOKEN_LENGTH) throw new BotTokenRefused('malformed');
    const token = parts[1];
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object') throw new BotTokenRefused('malformed');
    if (!ALGORITHMS.includes(decoded.header.alg as jwt.Algorithm)) throw new BotTokenRefused('bad_algorithm');
    // The issuer first, as botframework-connector does: a token for someone else costs no key lookup.
    if (decoded.payload.iss !== this.issuer) throw new BotTokenRefused('bad_issuer');
    if (typeof decoded.header.kid !== 'string') throw new BotTokenRefused('unknown_key');
    if (typeof decoded.payload.exp !== 'number') throw new BotTokenRefused('malformed');

    let signingKey: SigningKey | undefined;
    try {
      signingKey = await this.keys.get(decoded.header.kid);
    } catch {
      throw new BotTokenRefused('keys_unavailable');
    }
    if (!signingKey) throw new BotTokenRefused('unknown_key');

    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, signingKey.key, {
        algorithms: ALGORITHMS,
        issuer: this.issuer,
        audience: this.options.appId,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        complete: false,
      }) as jwt.JwtPayload;
    } catch (error) {
      throw new BotTokenRefused(reasonOf(error));
    }
    return { header, serviceUrl: typeof claims.serviceurl === 'string' ? claims.serviceurl : undefined, endorsements: signingKey.endorsements };
  }

  /** After the body is read: the signing key must be endorsed for the activity's channel. */
  static checkChannel(token: VerifiedBotToken, channelId: string): void {
    if (token.endorsements.length > 0 && !token.endorsements.includes(channelId)) throw new BotTokenRefused('channel_not_endorsed');
  }
}
