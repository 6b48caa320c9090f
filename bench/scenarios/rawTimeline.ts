import { createCoreWithInternals } from '../../core';
import { ensureIndexes } from '../../core/persistence/database';
import { TIMELINE_PAGE_SIZE } from '../../core/services/timelineService';
import type { Scenario } from '../scenario';
import { seedCase, seedEvents } from '../seedCase';

/**
 * The database work of one `timeline` command: inbox insert, the case, one page of the chain, the read
 * in the access log. The bot stores a conversation's reference only when it changed, so not here either.
 */
export const scenario: Scenario = {
  name: 'raw-timeline-2000',
  description: 'database work of `tidslinje` on 2,000 events: inbox insert, the case by its conversation, one page by chain position, access-log append',
  target: 'direct',
  maxRequests: { warmup: 10, requests: 100 },
  async prepare({ db, runId }) {
    await ensureIndexes(db);
    const { internals: core } = createCoreWithInternals(db);
    const seeded = await seedCase(db, 'bench-raw-timeline');
    await seedEvents(db, seeded, 2000);
    return async (i) => {
      const at = new Date();
      const view = i % 2 === 0 ? 'family' : 'professional';
      await core.inbox.claim(`${seeded.channel}|${runId}-${i}`);
      const kase = await core.caseRepository.byConversation(seeded.channel);
      if (!kase) throw new Error('case missing');
      const page = await core.events.page(kase._id, view, 1, TIMELINE_PAGE_SIZE);
      if (page.events.length !== TIMELINE_PAGE_SIZE) throw new Error('short page');
      await core.accessLog.record(kase._id, { at, actorId: seeded.teacher.id, actorName: seeded.teacher.name, action: 'read', part: 'timeline', surface: 'bot' });
    };
  },
};
