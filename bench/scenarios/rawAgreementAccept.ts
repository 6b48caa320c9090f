import { createCoreWithInternals } from '../../core';
import { draft, versionKey } from '../../core/audit/events';
import { collections, ensureIndexes } from '../../core/persistence/database';
import type { Scenario } from '../scenario';
import { seedAgreements, seedCase } from '../seedCase';

const POOL = 5000;

/**
 * The driver operations of one Accept click, in the order AgreementService.transition does them. The bot
 * stores a conversation's reference only when it changed, so a repeat visit costs no write here either.
 */
export const scenario: Scenario = {
  name: 'raw-agreement-accept',
  description: 'driver ops of an accept: case + agreement findOne, conditional update returning the agreement, chained event, outbox cleared',
  target: 'direct',
  async prepare({ db }) {
    await ensureIndexes(db);
    const c = collections(db);
    const { internals: core } = createCoreWithInternals(db);
    const seeded = await seedCase(db, 'bench-raw-accept');
    const ids = await seedAgreements(db, seeded, POOL, 'proposed');
    return async (i) => {
      const at = new Date();
      const kase = await c.cases.findOne({ _id: seeded.kase._id });
      const agreement = await c.agreements.findOne({ _id: ids[i]! });
      if (!kase || !agreement) throw new Error('seed missing');
      const step = { from: 'proposed' as const, to: 'accepted' as const, by: seeded.parent.id, byName: seeded.parent.name, at };
      const event = draft('agreement.accepted', { agreementId: agreement._id, what: agreement.what, from: 'proposed', to: 'accepted' }, { key: versionKey('agreement', agreement._id, agreement.version + 1), caseId: kase._id, at, actor: { userId: seeded.parent.id, name: seeded.parent.name } });
      if (!(await core.agreementRepository.transition(agreement, step, [event]))) throw new Error('update lost');
    };
  },
};
