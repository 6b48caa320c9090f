import type { Collection } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';
import type { AssessmentAnswer, AssessmentRound, AssessmentSummary } from '../domain/assessment';

export class AssessmentRepository {
  constructor(
    private readonly rounds: Collection<AssessmentRound>,
    private readonly answers: Collection<AssessmentAnswer>,
    private readonly audited: AuditedWrites,
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
  insertRound(round: AssessmentRound, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.rounds, round, events);
  }

  /**
   * Saves a person's answer as version `answer.version`: the first as an insert, later ones only
   * over the version they replace. False when someone (the same person, twice at once) got there first.
   */
  saveAnswer(answer: AssessmentAnswer & { version: number }, events: EventDraft[]): Promise<boolean> {
    if (answer.version === 1) return this.audited.insert(this.answers, answer, events);
    const { _id, version, ...fields } = answer;
    return this.audited.update(this.answers, { _id, version: version - 1 }, { $set: { ...fields, version } }, events);
  }

  answersFor(roundId: string): Promise<AssessmentAnswer[]> {
    return this.answers.find({ roundId }).toArray();
  }

  answerOf(roundId: string, userId: string): Promise<AssessmentAnswer | null> {
    return this.answers.findOne({ _id: `${roundId}|${userId}` });
  }

  /** Closes only an open round, so two closes produce one summary. */
  close(round: AssessmentRound, by: string, at: Date, summary: AssessmentSummary, events: EventDraft[]): Promise<boolean> {
    return this.audited.update(this.rounds, { _id: round._id, version: round.version }, { $set: { status: 'closed', closedAt: at, closedBy: by, summary }, $inc: { version: 1 } }, events);
  }

  closedRounds(caseId: string): Promise<AssessmentRound[]> {
    return this.rounds.find({ caseId, status: 'closed' }).sort({ number: 1 }).limit(100).toArray();
  }
}
