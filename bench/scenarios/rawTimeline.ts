import { randomUUID } from 'node:crypto';
import { collections, ensureIndexes } from '../../core/persistence/database';
import { AUDIT_ONLY_TYPES, TIMELINE_PAGE_SIZE } from '../../core/services/timelineService';
import { upsertConversation } from '../rawOps';
import type { Scenario } from '../scenario';
import { seedCase, seedEvents } from '../seedCase';

/** The driver operations of one `timeline` command, in the bot's order. */
export const scenario: Scenario = {
  name: 'raw-timeline-2000',
  description: 'driver ops of `tidslinje` on 2,000 events: conversation upsert, inbox insert, 2× case findOne, count, find page, read-audit insert',
  target: 'direct',
  maxRequests: { warmup: 10, requests: 100 },
  async prepare({ db }) {
    await ensureIndexes(db);
    const c = collections(db);
    const seeded = await seedCase(db, 'bench-raw-timeline');
    await seedEvents(db, seeded, 2000);
    return async (i) => {
      const at = new Date();
      const familyView = i % 2 === 0;
      await upsertConversation(db, seeded.channel, at);
      await c.inbox.insertOne({ _id: `${seeded.channel}|${randomUUID()}`, receivedAt: at });
      const kase = await c.cases.findOne({ 'conversation.conversationId': seeded.channel });
      if (!kase || !(await c.cases.findOne({ _id: kase._id }))) throw new Error('case missing');
      const filter = { caseId: kase._id, type: { $nin: AUDIT_ONLY_TYPES }, ...(familyView ? { visibility: 'all' as const } : {}) };
      await c.events.countDocuments(filter);
      const page = await c.events.find(filter).sort({ at: -1, _id: -1 }).skip(0).limit(TIMELINE_PAGE_SIZE).toArray();
      if (page.length !== TIMELINE_PAGE_SIZE) throw new Error('short page');
      await c.events.insertOne({ _id: randomUUID(), caseId: kase._id, at, actorId: seeded.teacher.id, actorName: seeded.teacher.name, type: 'case.read', visibility: 'professionals', data: { what: 'timeline' } });
    };
  },
};
