import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node';
import type { Logger } from 'pino';

/** What the directory tells us about a person; both parts are optional (guests often have no photo). */
export interface Profile {
  displayName?: string;
  /** A data: URL of the 48×48 photo. */
  photo?: string;
}

/** Test and sovereign-cloud hooks for msal-node. Production leaves them unset. */
export interface MsalOverrides {
  networkClient?: INetworkModule;
  /** JSON of the tenant's OpenID configuration, so msal does not fetch it. */
  authorityMetadata?: (tenantId: string) => string;
  cloudDiscoveryMetadata?: string;
}

export interface GraphSettings {
  clientId: string;
  clientSecret: string;
  graphUrl: string;
  authorityHost?: string;
  msal?: MsalOverrides;
  logger: Logger;
  /** How long a fetched profile is reused. */
  profileTtlMs?: number;
}

export interface Directory {
  /** Profiles of the given object IDs, seen with the caller's delegated rights. Missing ones are absent. */
  profiles(assertion: string, tenantId: string, objectIds: string[]): Promise<Map<string, Profile>>;
  /**
   * Which of the given groups the signed-in user is a member of, directly or through nested groups.
   * Throws when the directory cannot answer (the caller then decides nothing).
   */
  memberGroups?(assertion: string, tenantId: string, userObjectId: string, groupIds: string[]): Promise<Set<string>>;
}

/** `checkMemberGroups` for the signed-in user needs only User.Read (delegated); at most 20 groups per request. */
export const MEMBERSHIP_SCOPES = ['https://graph.microsoft.com/User.Read'];
const CHECK_MEMBER_GROUPS_MAX = 20;

export const GRAPH_SCOPES = ['https://graph.microsoft.com/User.ReadBasic.All'];
const MAX_PHOTO_BYTES = 64 * 1024;
const MEMBERSHIP_TTL_MS = 5 * 60 * 1000;

/**
 * Microsoft Graph through the on-behalf-of flow. msal-node keeps the OBO access tokens in its
 * in-memory cache (keyed by the incoming assertion), and profiles are cached here for a while,
 * so an overview that is opened again does not call Entra ID or Graph again.
 */
export class GraphDirectory implements Directory {
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  private readonly cache = new Map<string, { at: number; profile: Profile }>();
  private readonly memberships = new Map<string, { at: number; groups: Set<string> }>();
  private readonly ttl: number;

  constructor(private readonly settings: GraphSettings) {
    this.ttl = settings.profileTtlMs ?? 15 * 60 * 1000;
  }

  /** One msal app per tenant: the OBO exchange happens in the tenant that issued the user's token. */
  private appFor(tenantId: string): ConfidentialClientApplication {
    let app = this.apps.get(tenantId);
    if (!app) {
      const { clientId, clientSecret, msal } = this.settings;
      const authority = `${this.settings.authorityHost ?? 'https://login.microsoftonline.com'}/${tenantId}`;
      app = new ConfidentialClientApplication({
        auth: {
          clientId,
          clientSecret,
          authority,
          ...(msal?.authorityMetadata ? { authorityMetadata: msal.authorityMetadata(tenantId) } : {}),
          ...(msal?.cloudDiscoveryMetadata ? { cloudDiscoveryMetadata: msal.cloudDiscoveryMetadata } : {}),
        },
        system: msal?.networkClient ? { networkClient: msal.networkClient } : {},
      });
      this.apps.set(tenantId, app);
    }
    return app;
  }

  private async graphToken(assertion: string, tenantId: string, scopes: string[] = GRAPH_SCOPES): Promise<string> {
    const result = await this.appFor(tenantId).acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes });
    if (!result?.accessToken) throw new Error('on-behalf-of returned no token');
    return result.accessToken;
  }

  async profiles(assertion: string, tenantId: string, objectIds: string[]): Promise<Map<string, Profile>> {
    const found = new Map<string, Profile>();
    const missing: string[] = [];
    const now = Date.now();
    for (const oid of new Set(objectIds)) {
      const hit = this.cache.get(oid);
      if (hit && now - hit.at < this.ttl) found.set(oid, hit.profile);
      else missing.push(oid);
    }
    if (missing.length === 0) return found;

    let token: string;
    try {
      token = await this.graphToken(assertion, tenantId);
    } catch (error) {
      // Without Graph the tab still works with the names stored in the case.
      this.settings.logger.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'on-behalf-of token for Graph failed');
      return found;
    }
    await Promise.all(
      missing.map(async (oid) => {
        const profile = await this.fetchProfile(token, oid);
        if (profile) {
          this.cache.set(oid, { at: now, profile });
          found.set(oid, profile);
        }
      }),
    );
    return found;
  }

  /**
   * Group membership of the signed-in user (the leader's overview, docs/leader.md):
   * `POST /me/checkMemberGroups` on behalf of the user, which is transitive (nested groups count),
   * 20 group IDs per request. Answers are kept for 5 minutes per user, so a leader who changes
   * filters does not ask Graph again; a removal from the group takes effect within that time.
   */
  async memberGroups(assertion: string, tenantId: string, userObjectId: string, groupIds: string[]): Promise<Set<string>> {
    const wanted = [...new Set(groupIds.map((g) => g.toLowerCase()))].sort();
    const key = `${tenantId}|${userObjectId.toLowerCase()}|${wanted.join(',')}`;
    const hit = this.memberships.get(key);
    if (hit && Date.now() - hit.at < MEMBERSHIP_TTL_MS) return hit.groups;
    const token = await this.graphToken(assertion, tenantId, MEMBERSHIP_SCOPES);
    const groups = new Set<string>();
    for (let i = 0; i < wanted.length; i += CHECK_MEMBER_GROUPS_MAX) {
      const response = await fetch(`${this.settings.graphUrl.replace(/\/$/, '')}/v1.0/me/checkMemberGroups`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ groupIds: wanted.slice(i, i + CHECK_MEMBER_GROUPS_MAX) }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`Graph checkMemberGroups answered ${response.status}`);
      const body = (await response.json()) as { value?: unknown };
      for (const id of Array.isArray(body.value) ? body.value : []) if (typeof id === 'string') groups.add(id.toLowerCase());
    }
    if (this.memberships.size >= 10_000) this.memberships.clear();
    this.memberships.set(key, { at: Date.now(), groups });
    return groups;
  }

  private async fetchProfile(token: string, oid: string): Promise<Profile | undefined> {
    const base = `${this.settings.graphUrl.replace(/\/$/, '')}/v1.0/users/${encodeURIComponent(oid)}`;
    const headers = { Authorization: `Bearer ${token}` };
    try {
      const [user, photo] = await Promise.all([
        fetch(`${base}?$select=id,displayName`, { headers, signal: AbortSignal.timeout(5_000) }),
        fetch(`${base}/photos/48x48/$value`, { headers, signal: AbortSignal.timeout(5_000) }),
      ]);
      const profile: Profile = {};
      if (user.ok) {
        const body = (await user.json()) as { displayName?: unknown };
        if (typeof body.displayName === 'string') profile.displayName = body.displayName.slice(0, 200);
      }
      if (photo.ok) {
        const type = photo.headers.get('content-type') ?? '';
        const bytes = Buffer.from(await photo.arrayBuffer());
        if (/^image\/(jpeg|png)$/.test(type) && bytes.length <= MAX_PHOTO_BYTES) profile.photo = `data:${type};base64,${bytes.toString('base64')}`;
      } else {
        await photo.body?.cancel();
      }
      return profile.displayName || profile.photo ? profile : undefined;
    } catch (error) {
      this.settings.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'Graph profile lookup failed');
      return undefined;
    }
  }
}
