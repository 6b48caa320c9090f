import { channelMessage } from '../../test/harness/activities';
import type { Scenario } from '../scenario';
import { seedCase, seedEvents } from '../seedCase';

/** `timeline` on a case with 2,000 events: count, one page of ten, the read audit, the card. */
export const scenario: Scenario = {
  name: 'timeline-2000',
  description: '`tidslinje` in a case with 2,000 events (page 1 of the family-visible and professional view)',
  target: 'app',
  maxRequests: { warmup: 10, requests: 100 },
  budget: { baseline: ['echo', 'raw-timeline-2000'], maxRatio: 1.5 },
  async prepare({ db, serviceUrl, postActivity }) {
    const seeded = await seedCase(db, 'bench-timeline');
    await seedEvents(db, seeded, 2000);
    return async (i) => {
      const from = i % 2 ? seeded.teacher : seeded.parent;
      const { replies } = await postActivity(channelMessage('tidslinje', { serviceUrl, from, channel: seeded.channel }));
      if (!Array.isArray(replies[0]?.attachments)) throw new Error(`timeline did not answer with a card: ${JSON.stringify(replies[0]).slice(0, 200)}`);
    };
  },
};
