import type { Server } from 'restify';
import type { Core } from '../core';
import { body, param, type TabCall } from './http';

/**
 * Barnets stemme in the tab (docs/child-voice.md): read it house by house, write an entry (a
 * professional, a parent or the child), and, when the setting is on, the coordinator's "15 or
 * older" mark and the young person's own yes to professionals.
 */
export function registerChildVoiceApi(server: Server, core: Core, call: TabCall): void {
  const base = '/tab/api/cases/:caseId/child-voice';
  server.get(base, call(({ req, identity }) => core.childVoice.list(identity.actor, param(req, 'caseId'))));
  server.post(
    base,
    call(async ({ req, identity }) => {
      const input = body(req);
      const { entry, created } = await core.childVoice.record(identity.actor, param(req, 'caseId'), {
        formId: input.formId,
        house: input.house,
        text: input.text,
        how: input.how,
        date: input.date,
        professionalsOnly: input.professionalsOnly,
      });
      return { id: entry._id, house: entry.house, created };
    }),
  );
  server.post(
    `${base}/youth`,
    call(async ({ req, identity }) => {
      const { settings, changed } = await core.childVoice.markYouth(identity.actor, param(req, 'caseId'), body(req).youth15Plus);
      return { youth15Plus: settings.youth15Plus, changed };
    }),
  );
  server.post(
    `${base}/consent`,
    call(async ({ req, identity }) => {
      const { settings, changed } = await core.childVoice.decideYouthConsent(identity.actor, param(req, 'caseId'), body(req).allowed);
      return { allowed: settings.allowed, changed };
    }),
  );
}
