import { COMMAND_TARGET, type Scenario } from '../scenario';
import { chatClick, seedAgreements, seedCase } from '../seedCase';

const POOL = 5000;

/** A guardian clicks Accept on a proposed agreement (adaptiveCard/action invoke). */
export const scenario: Scenario = {
  name: 'agreement-accept',
  description: '`agreement.accept` invoke by a guardian: authorize, claim the version, transition, audit, answer with the card',
  target: 'app',
  budget: { baseline: ['echo', 'raw-agreement-accept'], maxRatio: 1.5 },
  absolute: { ...COMMAND_TARGET, floor: ['echo', 'raw-agreement-accept'] },
  async prepare({ db, serviceUrl, postActivity, setRoster }) {
    const seeded = await seedCase(db, 'bench-accept', setRoster);
    const ids = await seedAgreements(db, seeded, POOL, 'proposed');
    return async (i) => {
      const agreementId = ids[i];
      if (!agreementId) throw new Error(`more requests than the ${POOL} seeded agreements`);
      const activity = chatClick('agreement.accept', { caseId: seeded.kase._id, agreementId }, seeded, seeded.parent, serviceUrl);
      const { body } = await postActivity(activity, { replies: 0 });
      if ((body as Record<string, unknown>)?.statusCode !== 200) throw new Error(`accept failed: ${JSON.stringify(body).slice(0, 200)}`);
    };
  },
};
