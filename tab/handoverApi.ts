import type { Server } from 'restify';
import type { Core } from '../core';
import { body, param, type TabCall } from './http';

/**
 * Coordinator handover in the tab (docs/handover.md): the same service and rules as the bot. The
 * proposed person's card, the family's card and the summary follow the change's event
 * (bot/handlers/notices.ts), so a proposal made here reaches the proposed person in Teams too.
 */
export function registerHandoverApi(server: Server, core: Core, call: TabCall): void {
  const base = '/tab/api/cases/:caseId/coordinator';
  server.get(base, call(({ req, identity }) => core.handover.status(identity.actor, param(req, 'caseId'))));
  server.get(`${base}/summary`, call(({ req, identity }) => core.handover.summary(identity.actor, param(req, 'caseId'))));
  server.post(
    `${base}/handover`,
    call(async ({ req, identity }) => {
      const { value, changed } = await core.handover.propose(identity.actor, param(req, 'caseId'), body(req).toUserId);
      return { handoverId: value.id, toName: value.toName, changed };
    }),
  );
  const answer = (step: 'cancel' | 'accept' | 'decline') =>
    call(async ({ req, identity }) => {
      const caseId = param(req, 'caseId');
      const handoverId = param(req, 'handoverId');
      const result =
        step === 'cancel'
          ? await core.handover.cancel(identity.actor, caseId, handoverId)
          : step === 'accept'
            ? await core.handover.accept(identity.actor, caseId, handoverId)
            : await core.handover.decline(identity.actor, caseId, handoverId, body(req).reason);
      return { status: result.value.status, changed: result.changed };
    });
  server.post(`${base}/handover/:handoverId/cancel`, answer('cancel'));
  server.post(`${base}/handover/:handoverId/accept`, answer('accept'));
  server.post(`${base}/handover/:handoverId/decline`, answer('decline'));
  server.post(
    `${base}/takeover`,
    call(async ({ req, identity }) => {
      const { value, changed } = await core.handover.takeOver(identity.actor, param(req, 'caseId'), body(req).vacancyId);
      return { coordinator: value.takenByName, changed };
    }),
  );
}
