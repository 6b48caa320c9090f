import jwt, { type JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import type { Actor } from '../../core/domain/case';

/** Who is calling the tab API, as the token (or the dev stand-in) tells us. */
export interface TabIdentity {
  actor: Actor;
  tenantId: string;
  /** The raw Entra token, kept only for the on-behalf-of flow to Graph; absent in dev mode. */
  assertion?: string;
}

/** Why a token was refused. Logged for operators; the caller only ever sees a bare 401. */
export class TokenRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRefused';
  }
}

export interface TokenVerifier {
  readonly mode: 'entra' | 'dev' | 'unconfigured';
  verify(authorization: string | undefined): Promise<TabIdentity>;
}

export interface EntraSettings {
  clientId: string;
  appIdUri?: string;
  allowedTenants: readonly string[];
  jwksUri: string;
  /** The delegated scope the tab's SSO token must carry. */
  requiredScope?: string;
}

/** The tab identifies people by their Entra object ID; the core matches either ID. */
export function actorFromOid(oid: string, name: string): Actor {
  return { userId: `aad:${oid}`, aadObjectId: oid, name };
}

const OID = /^[0-9a-fA-F-]{8,64}$/;

function bearer(authorization: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{10,8192})$/.exec(authorization ?? '');
  if (!match?.[1]) throw new TokenRefused('missing_token');
  return match[1];
}

/** Both issuers Entra ID uses for a tenant: v1 (sts.windows.net) and v2 (login.microsoftonline.com). */
export const entraIssuers = (tenantId: string): string[] => [`https://sts.windows.net/${tenantId}/`, `https://login.microsoftonline.com/${tenantId}/v2.0`];

/**
 * Validates Teams SSO tokens: RS256 signature against Entra's key set (jwks-rsa caches the keys),
 * audience (the App ID URI or the client ID), issuer (v1 or v2 for the token's own tenant),
 * expiry, the tenant allow-list, and the delegated scope.
 */
export class EntraTokenVerifier implements TokenVerifier {
  readonly mode = 'entra' as const;
  private readonly jwks: JwksClient;
  private readonly audiences: [string, ...string[]];
  private readonly tenants: ReadonlySet<string>;

  constructor(private readonly settings: EntraSettings) {
    this.jwks = new JwksClient({ jwksUri: settings.jwksUri, cache: true, cacheMaxAge: 6 * 60 * 60 * 1000, rateLimit: true, jwksRequestsPerMinute: 10, timeout: 5_000 });
    this.audiences = settings.appIdUri ? [settings.appIdUri, settings.clientId] : [settings.clientId];
    this.tenants = new Set(settings.allowedTenants.map((id) => id.toLowerCase()));
  }

  async verify(authorization: string | undefined): Promise<TabIdentity> {
    const token = bearer(authorization);
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new TokenRefused('malformed');
    if (decoded.header.alg !== 'RS256' || !decoded.header.kid) throw new TokenRefused('algorithm_or_kid');

    let key: string;
    try {
      key = (await this.jwks.getSigningKey(decoded.header.kid)).getPublicKey();
    } catch {
      throw new TokenRefused('unknown_key');
    }

    let claims: JwtPayload;
    try {
      claims = jwt.verify(token, key, { algorithms: ['RS256'], audience: this.audiences, clockTolerance: 60, complete: false }) as JwtPayload;
    } catch (error) {
      throw new TokenRefused(error instanceof Error ? error.name : 'invalid');
    }
    if (typeof claims.exp !== 'number') throw new TokenRefused('no_expiry');

    const tenantId = typeof claims.tid === 'string' ? claims.tid : '';
    if (!this.tenants.has(tenantId.toLowerCase())) throw new TokenRefused('tenant_not_allowed');
    if (typeof claims.iss !== 'string' || !entraIssuers(tenantId).includes(claims.iss)) throw new TokenRefused('issuer');
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
    const required = this.settings.requiredScope ?? 'access_as_user';
    if (!scopes.includes(required)) throw new TokenRefused('scope');
    const oid = claims.oid;
    if (typeof oid !== 'string' || !OID.test(oid)) throw new TokenRefused('no_oid');
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : oid;
    return { actor: actorFromOid(oid, name), tenantId, assertion: token };
  }
}

/**
 * Local development without Entra ID (TAB_AUTH_MODE=dev): the "token" is `dev.<base64url JSON>`
 * with oid, name and tid, as the fake host makes it. Nothing is verified, which is why the
 * configuration refuses this mode in production and every page shows a banner.
 */
export class DevTokenVerifier implements TokenVerifier {
  readonly mode = 'dev' as const;

  async verify(authorization: string | undefined): Promise<TabIdentity> {
    const token = bearer(authorization);
    if (!token.startsWith('dev.')) throw new TokenRefused('not_a_dev_token');
    let claims: { oid?: unknown; name?: unknown; tid?: unknown };
    try {
      claims = JSON.parse(Buffer.from(token.slice(4), 'base64url').toString('utf8')) as typeof claims;
    } catch {
      throw new TokenRefused('malformed');
    }
    if (typeof claims.oid !== 'string' || !OID.test(claims.oid)) throw new TokenRefused('no_oid');
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : claims.oid;
    const tenantId = typeof claims.tid === 'string' ? claims.tid : 'dev';
    return { actor: actorFromOid(claims.oid, name), tenantId };
  }
}

/** Entra mode without a client ID: the tab cannot sign anyone in, and says so. */
export class UnconfiguredVerifier implements TokenVerifier {
  readonly mode = 'unconfigured' as const;
  async verify(): Promise<TabIdentity> {
    throw new TokenRefused('not_configured');
  }
}
