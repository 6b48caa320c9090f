import type { Logger } from 'pino';
import type { Server } from 'restify';
import type { Core } from '../core';
import { DomainError } from '../core/domain/errors';
import type { Directory } from './auth/graph';
import type { TabIdentity } from './auth/tokens';
import { query, type TabCall } from './http';

/**
 * The leader's overview (docs/leader.md): `GET /tab/api/leader/overview?unit=&team=&from=YYYY-MM&to=YYYY-MM`.
 * Whether the caller leads a unit is decided by the core from the unit configuration and the
 * caller's membership of the units' Entra groups, which the tab reads from Microsoft Graph on
 * behalf of the caller (`POST /me/checkMemberGroups`). If Graph cannot answer, nothing is shown.
 */
export function registerLeaderApi(server: Server, core: Core, call: TabCall, directory: Directory | undefined, logger: Logger): void {
  async function groupsOf(identity: TabIdentity): Promise<Set<string>> {
    const groupIds = core.leaderOverview.leaderGroupIds();
    const oid = identity.actor.aadObjectId;
    if (groupIds.length === 0 || !oid || !identity.assertion || !directory?.memberGroups) return new Set();
    try {
      return await directory.memberGroups(identity.assertion, identity.tenantId, oid, groupIds);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not read group membership for the leader overview');
      throw new DomainError('error.leaderCheckFailed', {}, 'unavailable');
    }
  }

  server.get(
    '/tab/api/leader/overview',
    call(async ({ req, identity }) =>
      core.leaderOverview.overview(identity.actor, await groupsOf(identity), { unit: query(req, 'unit'), team: query(req, 'team'), from: query(req, 'from'), to: query(req, 'to') }),
    ),
  );
}
