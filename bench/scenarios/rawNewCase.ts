import { randomUUID } from 'node:crypto';
import { createCoreWithInternals } from '../../core';
import { draft, versionKey } from '../../core/audit/events';
import type { Case } from '../../core/domain/case';
import { collections, ensureIndexes } from '../../core/persistence/database';
import type { Scenario } from '../scenario';

const TENANT_ID = 'tenant-kommune-0001';
const TEAM_ID = '19:team-skole@thread.tacv2';
const SERVICE_URL = 'http://127.0.0.1:9/';

/**
 * The database work of one `new case` turn, in the same order as the bot (SamspilBot +
 * CaseService.createCase): conversation upsert, inbox claim, and the
 * case insert with its event through the audited write path (outbox, chain append, outbox cleared).
 */
export const scenario: Scenario = {
  name: 'raw-new-case',
  description: 'the database work of `new case` alone: conversation upsert, inbox insert, audited case insert (outbox + chained event; the unique index refuses a second case)',
  target: 'direct',
  async prepare({ db, runId }) {
    // The same indexes the app creates, so the unique checks cost the same.
    await ensureIndexes(db);
    const c = collections(db);
    const { internals: core } = createCoreWithInternals(db);
    return async (i) => {
      const conversationId = `19:bench-raw-${runId}-${i}@thread.tacv2`;
      const user = { id: `29:bench-sagsbehandler-${i % 20}`, name: `Bench Sagsbehandler ${i % 20}`, aadObjectId: randomUUID() };
      const at = new Date();
      await c.conversations.updateOne(
        { _id: conversationId },
        {
          $set: {
            kind: 'channel',
            tenantId: TENANT_ID,
            teamId: TEAM_ID,
            channelId: conversationId,
            serviceUrl: SERVICE_URL,
            reference: {
              user: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
              bot: { id: '28:samspil-bot', name: 'Samspil' },
              conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
              channelId: 'msteams',
              locale: 'da-DK',
              serviceUrl: SERVICE_URL,
            },
            updatedAt: at,
          },
        },
        { upsert: true },
      );
      await c.inbox.insertOne({ _id: `${conversationId}|act-${randomUUID()}`, receivedAt: at });
      const caseId = randomUUID();
      const kase: Case = {
        _id: caseId,
        title: `Bench ${i}`,
        childRef: 'AB',
        status: 'open',
        coordinatorId: user.id,
        members: [
          { userId: user.id, aadObjectId: user.aadObjectId, name: user.name, role: 'caseworker', status: 'active', addedBy: user.id, addedAt: at, consent: { state: 'not_needed' } },
        ],
        conversation: { conversationId, tenantId: TENANT_ID, teamId: TEAM_ID, channelId: conversationId, kind: 'channel' },
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      await core.caseRepository.insert(kase, [draft('case.created', { title: `Bench ${i}`, childRef: 'AB', coordinatorId: user.id }, { key: versionKey('case', caseId, 1), caseId, at, actor: { userId: user.id, name: user.name } })]);
    };
  },
};
