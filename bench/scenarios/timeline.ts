import type { Scenario } from '../scenario';
import { chatMessage, seedCase, seedEvents, type SeededCase } from '../seedCase';

/**
 * `timeline` on a case with 2,000 events: count, one page of ten, the read audit, the card. Every
 * other request is a parent's family view in the family's chat, the rest a teacher's full view in
 * a chat of professionals (a professional's view goes into a room only where everyone may read it).
 */
export const scenario: Scenario = {
  name: 'timeline-2000',
  description: '`tidslinje` in a case with 2,000 events (page 1 of the family view and of the professional view)',
  target: 'app',
  maxRequests: { warmup: 10, requests: 100 },
  budget: { baseline: ['echo', 'raw-timeline-2000'], maxRatio: 1.5 },
  absolute: { p50Ms: 80, floor: ['echo', 'raw-timeline-2000'] },
  async prepare({ db, serviceUrl, postActivity, setRoster }) {
    const family = await seedCase(db, 'bench-timeline-family', setRoster);
    const professionals = await seedCase(db, 'bench-timeline-professionals', setRoster, { withParent: false });
    await seedEvents(db, family, 2000);
    await seedEvents(db, professionals, 2000);
    return async (i) => {
      const [seeded, from]: [SeededCase, SeededCase['teacher']] = i % 2 ? [professionals, professionals.teacher] : [family, family.parent];
      const { replies } = await postActivity(chatMessage('tidslinje', seeded, from, serviceUrl));
      if (!Array.isArray(replies[0]?.attachments)) throw new Error(`timeline did not answer with a card: ${JSON.stringify(replies[0]).slice(0, 200)}`);
    };
  },
};
