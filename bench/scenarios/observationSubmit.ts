import type { Scenario } from '../scenario';
import { COMMAND_TARGET } from '../scenario';
import { chatClick, seedCase, seedForms } from '../seedCase';

const POOL = 5000;

/** A teacher submits the observation form handed to her (Action.Execute); the bot stores it and posts the card. */
export const scenario: Scenario = {
  name: 'observation-submit',
  description: '`observation.submit` invoke: own form check, validate, store, audit, post the observation card for the room',
  target: 'app',
  budget: { baseline: ['echo', 'raw-observation-submit'], maxRatio: 1.5 },
  absolute: { ...COMMAND_TARGET, floor: ['echo', 'raw-observation-submit'] },
  async prepare({ db, serviceUrl, postActivity, setRoster }) {
    const seeded = await seedCase(db, 'bench-observe', setRoster);
    const forms = await seedForms(db, seeded, 'observation', seeded.teacher, POOL);
    return async (i) => {
      const formId = forms[i];
      if (!formId) throw new Error(`more requests than the ${POOL} seeded forms`);
      const activity = chatClick('observation.submit', { caseId: seeded.kase._id, formId, area: 'child_school', level: 'yellow', sosColumn: 'worries', text: 'Trækker sig i frikvartererne.' }, seeded, seeded.teacher, serviceUrl);
      const { body } = await postActivity(activity, { replies: 1 });
      if ((body as Record<string, unknown>)?.statusCode !== 200) throw new Error(`observation.submit failed: ${JSON.stringify(body).slice(0, 200)}`);
    };
  },
};
