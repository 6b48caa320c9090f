import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import type { CaseConversationPort, Core } from '../core';
import { DomainError, isDomainError } from '../core/domain/errors';
import { isDatabaseUnavailable } from '../core';
import { renderRefusal, resolveLocale, t } from '../core/i18n';
import type { Directory, Profile } from './auth/graph';
import { TokenRefused, type TabIdentity, type TokenVerifier } from './auth/tokens';
import { registerChildVoiceApi } from './childVoiceApi';
import { registerHandoverApi } from './handoverApi';
import { body, cardLocaleOf, describeError, param, query, type CallContext } from './http';
import { registerLeaderApi } from './leaderApi';
import { registerMeetingApi, type MeetingInvitationsPort } from './meetingsApi';

export interface TabApiDependencies {
  core: Core;
  logger: Logger;
  verifier: TokenVerifier;
  directory?: Directory;
  caseConversation?: CaseConversationPort;
  /** Sends a meeting's missing invitations (the bot's meeting notices). */
  meetingInvitations?: MeetingInvitationsPort;
}

const STATUS = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, unavailable: 503 } as const;

/**
 * The tab's JSON API. Every call carries the Teams SSO token as a Bearer token; the caller is
 * mapped to case membership by the token's object ID, and every call is authorized by the core
 * with the same policy as the bot. Refusals are localized from the client's Accept-Language.
 */
export function registerTabApi(server: Server, deps: TabApiDependencies): void {
  const { core, logger, verifier } = deps;

  const send = (res: Response, status: number, payload: unknown) => {
    res.header('Cache-Control', 'no-store');
    res.status(status);
    res.json(payload);
  };

  const call = (handler: (ctx: CallContext) => Promise<unknown>) => async (req: Request, res: Response) => {
    const locale = resolveLocale(req.header('accept-language'));
    let identity: TabIdentity;
    try {
      identity = await verifier.verify(req.header('authorization'));
    } catch (error) {
      const reason = error instanceof TokenRefused ? error.reason : 'error';
      logger.info({ reason, path: req.path() }, 'tab API call refused: token');
      if (reason === 'not_configured') return send(res, 503, { error: 'auth_not_configured', message: t(locale, 'tab.error.authNotConfigured') });
      // The same answer for every reason: a caller learns nothing about why, or about any case.
      res.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      return send(res, 401, { error: 'unauthorized', message: t(locale, 'tab.error.unauthorized') });
    }
    try {
      send(res, 200, await handler({ req, identity, locale }));
    } catch (error) {
      if (isDomainError(error)) return send(res, STATUS[error.kind], { error: error.kind, key: error.key, message: renderRefusal(locale, error.key, error.params) });
      if (isDatabaseUnavailable(error)) return send(res, 503, { error: 'unavailable', message: t(locale, 'error.databaseDown') });
      logger.error({ err: error, path: req.path() }, 'tab API call failed');
      send(res, 500, { error: 'internal', message: t(locale, 'error.internal') });
    }
  };

  server.get('/tab/api/me', call(async ({ identity }) => ({ name: identity.actor.name, mode: verifier.mode })));

  /** The caller's cases, and the case bound to the tab's channel or chat if there is one. */
  server.get(
    '/tab/api/cases',
    call(async ({ req, identity }) => {
      const conversationId = query(req, 'conversationId');
      const [cases, bound] = await Promise.all([
        core.overview.casesOf(identity.actor),
        conversationId ? core.overview.caseOfConversation(identity.actor, conversationId) : Promise.resolve(null),
      ]);
      return { cases, bound };
    }),
  );

  server.get('/tab/api/cases/:caseId/overview', call(({ req, identity }) => core.overview.overview(identity.actor, param(req, 'caseId'), 'viewer')));
  server.get('/tab/api/cases/:caseId/stage', call(({ req, identity }) => core.overview.overview(identity.actor, param(req, 'caseId'), 'everyone')));
  server.get('/tab/api/cases/:caseId/agenda', call(({ req, identity }) => core.overview.agenda(identity.actor, param(req, 'caseId'))));
  server.get('/tab/api/cases/:caseId/minutes', call(({ req, identity }) => core.overview.minutes(identity.actor, param(req, 'caseId'))));
  server.get(
    '/tab/api/cases/:caseId/observations',
    call(({ req, identity }) => core.overview.observations(identity.actor, param(req, 'caseId'), { area: query(req, 'area'), level: query(req, 'level') })),
  );

  /**
   * The case as an HL7 FHIR R4 Bundle, downloaded as a file (docs/fhir.md). Only the coordinator may;
   * `professional=true` includes professionals-only content. Every export is in the audit trail.
   */
  server.get('/tab/api/cases/:caseId/export/fhir', async (req: Request, res: Response) =>
    call(async ({ identity }) => {
      const flag = query(req, 'professional') ?? 'false';
      if (flag !== 'true' && flag !== 'false') throw new DomainError('error.exportScope');
      const { bundle, fileName } = await core.exports.forCoordinator(identity.actor, param(req, 'caseId'), { professional: flag === 'true' });
      res.header('Content-Disposition', `attachment; filename="${fileName}"`);
      return bundle;
    })(req, res),
  );

  /**
   * A member's data for their access request (GDPR art. 15, docs/audit.md), for the case's coordinator
   * only and from this case only: the export as JSON and its Danish summary. Refusals and the export
   * are in the access log.
   */
  server.get(
    '/tab/api/cases/:caseId/members/:userId/gdpr-export',
    call(async ({ req, identity }) => {
      const { export: data, html, fileName } = await core.gdpr.exportMemberForCoordinator(identity.actor, param(req, 'caseId'), param(req, 'userId'));
      return { fileName, data, html };
    }),
  );

  /** Names and photos from Microsoft Graph (on behalf of the caller), for the case's members only. */
  server.get(
    '/tab/api/cases/:caseId/profiles',
    call(async ({ req, identity }) => {
      const { kase } = await core.members.list(identity.actor, param(req, 'caseId'), 'tab.profiles');
      const profiles: Record<string, Profile> = {};
      if (!deps.directory || !identity.assertion) return { profiles, source: 'case' };
      const members = kase.members.filter((m) => m.status !== 'removed' && m.aadObjectId);
      const found = await deps.directory.profiles(identity.assertion, identity.tenantId, members.map((m) => m.aadObjectId!));
      for (const m of members) {
        const profile = found.get(m.aadObjectId!);
        if (profile) profiles[m.userId] = profile;
      }
      return { profiles, source: 'graph' };
    }),
  );

  /**
   * A decision made in the meeting, recorded as a proposed agreement (the family still says yes).
   * Its card goes to the case conversation, drawn for the room's audience. If that send fails, the
   * proposal stands and the answer says so; sending the same form again posts the card.
   */
  server.post(
    '/tab/api/cases/:caseId/agreements',
    call(async ({ req, identity, locale }) => {
      const input = body(req);
      const { agreement, kase, created } = await core.agreements.propose(identity.actor, param(req, 'caseId'), {
        formId: input.formId,
        what: input.what,
        ownerId: input.ownerId,
        dueDate: input.dueDate,
        followUpDate: input.followUpDate,
      });
      let posted = false;
      if (deps.caseConversation) {
        try {
          posted = !created && (await deps.caseConversation.isPosted(kase, agreement._id));
          if (!posted) {
            await deps.caseConversation.postAgreement(kase, agreement._id, cardLocaleOf(req, locale));
            posted = true;
          }
        } catch (error) {
          logger.warn({ err: describeError(error), caseId: kase._id }, 'the proposal was saved, but its card could not be posted');
        }
      }
      return { id: agreement._id, status: agreement.status, created, posted };
    }),
  );

  /** One step on an agreement from the tab: mark done (owner), accept or decline (a guardian, with a reason). */
  const step = (to: 'done' | 'accepted' | 'declined') =>
    call(async ({ req, identity }) => {
      const { agreement, changed } = await core.agreements.transition(identity.actor, param(req, 'caseId'), param(req, 'agreementId'), to, { reason: body(req).reason });
      return { id: agreement._id, status: agreement.status, changed };
    });
  server.post('/tab/api/cases/:caseId/agreements/:agreementId/done', step('done'));
  server.post('/tab/api/cases/:caseId/agreements/:agreementId/accept', step('accepted'));
  server.post('/tab/api/cases/:caseId/agreements/:agreementId/decline', step('declined'));

  /**
   * Posts the minutes to the case conversation as a card. The form ID makes a double click post
   * once; the meeting counts as held (the "since the last meeting" mark) only once the card is out.
   */
  server.post(
    '/tab/api/cases/:caseId/minutes',
    call(async ({ req, identity, locale }) => {
      const caseId = param(req, 'caseId');
      return core.minutes.post(identity.actor, caseId, body(req).formId, cardLocaleOf(req, locale), deps.caseConversation, (error) =>
        logger.warn({ err: describeError(error), caseId }, 'the minutes could not be posted'),
      );
    }),
  );

  // Coordinator handover and the child's voice (tab/handoverApi.ts, tab/childVoiceApi.ts).
  registerHandoverApi(server, core, call);
  registerChildVoiceApi(server, core, call);
  // The leader's overview across a unit's cases (tab/leaderApi.ts, docs/leader.md).
  registerLeaderApi(server, core, call, deps.directory, logger);
  // Case meetings (tab/meetingsApi.ts, docs/meetings.md).
  registerMeetingApi(server, { core, call, logger, caseConversation: deps.caseConversation, invitations: deps.meetingInvitations });
}
