import { channelId, makeUser, channelMessage } from '../../test/harness/activities';
import type { Scenario } from '../scenario';

/** `new case` in a channel that has none yet, so every request really creates a case. */
export const scenario: Scenario = {
  name: 'new-case',
  description: '`new case` @mentioned in a fresh channel each time (creates the case and its audit entry)',
  target: 'app',
  budget: { baseline: ['echo', 'raw-new-case'], maxRatio: 1.5 },
  async prepare({ serviceUrl, postActivity }) {
    const users = Array.from({ length: 20 }, (_, i) => makeUser(`Bench Sagsbehandler ${i}`));
    return async (i) => {
      const activity = channelMessage(`new case Bench ${i} / AB`, { serviceUrl, from: users[i % users.length]!, channel: channelId(`bench-${i}`) });
      const { replies } = await postActivity(activity);
      if (!Array.isArray(replies[0]?.attachments)) throw new Error(`new case did not answer with the case card: ${JSON.stringify(replies[0]).slice(0, 200)}`);
    };
  },
};
