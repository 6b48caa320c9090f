import { makeUser, personalMessage } from '../../test/harness/activities';
import { COMMAND_TARGET, type Scenario } from '../scenario';

/** `help` in a personal chat: conversation upsert, inbox claim, the help card. */
export const scenario: Scenario = {
  name: 'help',
  description: '`help` in a personal chat (conversation upsert + inbox claim + Adaptive Card reply)',
  target: 'app',
  budget: { baseline: ['echo'], maxRatio: 1.2 },
  absolute: { ...COMMAND_TARGET, floor: ['echo'] },
  async prepare({ serviceUrl, postActivity }) {
    const users = Array.from({ length: 20 }, (_, i) => makeUser(`Bench Bruger ${i}`));
    return async (i) => {
      const { replies } = await postActivity(personalMessage('help', { serviceUrl, from: users[i % users.length]! }));
      if (!Array.isArray(replies[0]?.attachments)) throw new Error(`help answered without a card: ${JSON.stringify(replies[0]).slice(0, 200)}`);
    };
  },
};
