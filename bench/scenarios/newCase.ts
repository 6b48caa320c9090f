import { groupChatMessage, makeUser } from '../../test/harness/activities';
import type { Scenario } from '../scenario';

/** `new case` in a group chat that has none yet (its one reader is the sender), so every request really creates a case. */
export const scenario: Scenario = {
  name: 'new-case',
  description: '`new case` @mentioned in a fresh group chat each time (creates the case and its audit entry, reads the roster)',
  target: 'app',
  budget: { baseline: ['echo', 'raw-new-case'], maxRatio: 1.5 },
  absolute: { p50Ms: 80, p99Ms: 300, floor: ['echo', 'raw-new-case'] },
  async prepare({ serviceUrl, postActivity, setRoster, runId }) {
    const users = Array.from({ length: 20 }, (_, i) => makeUser(`Bench Sagsbehandler ${i}`));
    return async (i) => {
      const from = users[i % users.length]!;
      const chatId = `19:bench-${runId}-${i}@thread.v2`;
      setRoster(chatId, [from]);
      const { replies } = await postActivity(groupChatMessage(`new case Bench ${i} / AB`, { serviceUrl, from, chatId }));
      if (!Array.isArray(replies[0]?.attachments)) throw new Error(`new case did not answer with the case card: ${JSON.stringify(replies[0]).slice(0, 200)}`);
    };
  },
};
