import { randomUUID } from 'node:crypto';
import { cardAction } from '../../test/harness/activities';
import type { Scenario } from '../scenario';
import { seedCase } from '../seedCase';

/** A teacher submits the observation form (Action.Execute); the bot stores it and posts the card. */
export const scenario: Scenario = {
  name: 'observation-submit',
  description: '`observation.submit` invoke: validate, store, audit, post the observation card',
  target: 'app',
  budget: { baseline: ['echo', 'raw-observation-submit'], maxRatio: 1.5 },
  async prepare({ db, serviceUrl, postActivity }) {
    const seeded = await seedCase(db, 'bench-observe');
    return async () => {
      const activity = cardAction(
        'observation.submit',
        { caseId: seeded.kase._id, formId: randomUUID(), area: 'child_school', level: 'yellow', sosColumn: 'worries', text: 'Trækker sig i frikvartererne.' },
        { serviceUrl, from: seeded.teacher, conversationId: `${seeded.channel};messageid=1` },
      );
      const { body } = await postActivity(activity, { replies: 1 });
      if ((body as Record<string, unknown>)?.statusCode !== 200) throw new Error(`observation.submit failed: ${JSON.stringify(body).slice(0, 200)}`);
    };
  },
};
