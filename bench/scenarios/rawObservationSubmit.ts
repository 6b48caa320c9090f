import { randomUUID } from 'node:crypto';
import { collections, ensureIndexes } from '../../core/persistence/database';
import { upsertConversation } from '../rawOps';
import type { Scenario } from '../scenario';
import { seedCase } from '../seedCase';

/** The driver operations of one observation submit, in the bot's order. */
export const scenario: Scenario = {
  name: 'raw-observation-submit',
  description: 'driver ops of an observation submit: conversation upsert, case findOne, observation findOne + insert, event insert',
  target: 'direct',
  async prepare({ db }) {
    await ensureIndexes(db);
    const c = collections(db);
    const seeded = await seedCase(db, 'bench-raw-observe');
    return async () => {
      const at = new Date();
      await upsertConversation(db, seeded.channel, at);
      const kase = await c.cases.findOne({ _id: seeded.kase._id });
      if (!kase) throw new Error('case missing');
      const formId = randomUUID();
      if (await c.observations.findOne({ _id: formId })) throw new Error('duplicate form');
      await c.observations.insertOne({ _id: formId, caseId: kase._id, authorId: seeded.teacher.id, authorName: seeded.teacher.name, authorRole: 'teacher', area: 'child_school', level: 'yellow', sosColumn: 'worries', text: 'Trækker sig i frikvartererne.', visibility: 'all', createdAt: at });
      await c.events.insertOne({ _id: randomUUID(), caseId: kase._id, at, actorId: seeded.teacher.id, actorName: seeded.teacher.name, type: 'observation.created', visibility: 'all', data: { observationId: formId, area: 'child_school', level: 'yellow', text: 'Trækker sig i frikvartererne.' } });
    };
  },
};
