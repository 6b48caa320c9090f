import { makeUser, personalMessage } from '../../test/harness/activities';
import type { Scenario } from '../scenario';

/** The floor: the same message as `help`, answered by a bot that only echoes it (no database, no card). */
export const scenario: Scenario = {
  name: 'echo',
  description: 'bare echo bot: same CloudAdapter and restify, no database; replies with the text',
  target: 'echo',
  floor: true,
  async prepare({ serviceUrl, postActivity }) {
    const users = Array.from({ length: 20 }, (_, i) => makeUser(`Bench Bruger ${i}`));
    return async (i) => {
      await postActivity(personalMessage('help', { serviceUrl, from: users[i % users.length]! }));
    };
  },
};
