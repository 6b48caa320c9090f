import { collections } from '../../core/persistence/database';
import { MEETINGS_COLLECTION, type MeetingRecord } from '../../core/persistence/meetingRepository';
import { OVERVIEW_OBSERVATION_LIMIT } from '../../core/services/overviewService';
import type { Scenario } from '../scenario';
import { LARGE_CASE, seedLargeCase } from './tabOverview';

/**
 * The baseline for `tab-overview`: the same documents read straight from the driver, in the same
 * shape as the overview service reads them (the case first, then the rest in parallel), without
 * HTTP, sign-in, the policy, the audit insert or JSON.
 */
export const scenario: Scenario = {
  name: 'raw-tab-overview',
  description: 'the driver reads of the case overview alone: case findOne, then agreements, observations, rounds and the last meeting in parallel',
  target: 'direct',
  maxRequests: { warmup: 10, requests: 100 },
  async prepare({ db, runId }) {
    const { caseId } = await seedLargeCase(db, runId);
    const c = collections(db);
    const meetings = db.collection<MeetingRecord>(MEETINGS_COLLECTION);
    return async () => {
      const kase = await c.cases.findOne({ _id: caseId });
      if (!kase) throw new Error('the case is gone');
      const [agreements, observations] = await Promise.all([
        c.agreements.find({ caseId }).sort({ createdAt: -1 }).limit(500).toArray(),
        c.observations.find({ caseId }).sort({ createdAt: -1 }).limit(OVERVIEW_OBSERVATION_LIMIT).toArray(),
        c.assessmentRounds.find({ caseId, status: 'closed' }).sort({ number: 1 }).limit(100).toArray(),
        meetings.findOne({ caseId }, { sort: { at: -1 } }),
      ]);
      if (agreements.length !== LARGE_CASE.agreements || observations.length !== OVERVIEW_OBSERVATION_LIMIT) throw new Error('seeded data missing');
    };
  },
};
