import type { Collection } from 'mongodb';
import { insertOnce, upsertById } from './writes';
import type { AssessmentAnswer, AssessmentRound, AssessmentSummary } from '../domain/assessment';

export class AssessmentRepository {
  constructor(
    private readonly rounds: Collection<AssessmentRound>,
    private readonly answers: Collection<AssessmentAnswer>,
  ) {}

  openRound(caseId: string): Promise<AssessmentRound | null> {
    return this.rounds.findOne({ caseId, status: 'open' });
  }

  latestRound(caseId: string): Promise<AssessmentRound | null> {
    return this.rounds.findOne({ caseId }, { sort: { number: -1 } });
  }

  round(id: string): Promise<AssessmentRound | null> {
    return this.rounds.findOne({ _id: id });
  }

  /** False when another round with the same number won a race (unique index on case + number). */
  insertRound(round: AssessmentRound): Promise<boolean> {
    return insertOnce(this.rounds, round);
  }

  async saveAnswer(answer: AssessmentAnswer): Promise<void> {
    const { _id, ...fields } = answer;
    await upsertById(this.answers, { _id }, { $set: fields });
  }

  answersFor(roundId: string): Promise<AssessmentAnswer[]> {
    return this.answers.find({ roundId }).toArray();
  }

  answerOf(roundId: string, userId: string): Promise<AssessmentAnswer | null> {
    return this.answers.findOne({ _id: `${roundId}|${userId}` });
  }

  /** Closes only an open round, so two closes produce one summary. */
  async close(round: AssessmentRound, by: string, at: Date, summary: AssessmentSummary): Promise<boolean> {
    const result = await this.rounds.updateOne(
      { _id: round._id, version: round.version },
      { $set: { status: 'closed', closedAt: at, closedBy: by, summary }, $inc: { version: 1 } },
    );
    return result.modifiedCount === 1;
  }

  closedRounds(caseId: string): Promise<AssessmentRound[]> {
    return this.rounds.find({ caseId, status: 'closed' }).sort({ number: 1 }).limit(100).toArray();
  }
}
