import { randomUUID } from 'node:crypto';
import { createCoreWithInternals } from '../../core';
import { draft } from '../../core/audit/events';
import { collections, ensureIndexes } from '../../core/persistence/database';
import type { Scenario } from '../scenario';
import { seedCase, seedForms } from '../seedCase';

/**
 * The driver operations of one observation submit, in the bot's order. The bot stores a conversation's
 * reference only when it changed, so a repeat visit costs no write here either.
 */
export const scenario: Scenario = {
  name: 'raw-observation-submit',
  description: 'database work of an observation submit: case findOne, form findOne, audited insert (outbox + chained event; a repeated form is refused by the insert)',
  target: 'direct',
  async prepare({ db }) {
    await ensureIndexes(db);
    const c = collections(db);
    const { internals: core } = createCoreWithInternals(db);
    const seeded = await seedCase(db, 'bench-raw-observe');
    const forms = await seedForms(db, seeded, 'observation', seeded.teacher, 5000);
    return async (i) => {
      const at = new Date();
      const kase = await c.cases.findOne({ _id: seeded.kase._id });
      if (!kase) throw new Error('case missing');
      const formId = forms[i] ?? randomUUID();
      if (!(await c.forms.findOne({ _id: formId }))) throw new Error('form missing');
      const created = draft('observation.created', { observationId: formId, area: 'child_school', level: 'yellow', text: 'Trækker sig i frikvartererne.' }, { key: `observation:${formId}`, caseId: kase._id, at, actor: { userId: seeded.teacher.id, name: seeded.teacher.name } });
      await core.observationRepository.insertOnce({ _id: formId, caseId: kase._id, authorId: seeded.teacher.id, authorName: seeded.teacher.name, authorRole: 'teacher', area: 'child_school', level: 'yellow', sosColumn: 'worries', text: 'Trækker sig i frikvartererne.', visibility: 'all', createdAt: at }, [created]);
    };
  },
};
