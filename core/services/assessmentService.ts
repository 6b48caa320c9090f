import { randomUUID } from 'node:crypto';
import { ASSESSMENT_COMMENT_MAX, type AssessmentAnswer, type AssessmentRound, type AssessmentSummary } from '../domain/assessment';
import { summarizeRound } from '../domain/assessmentSummary';
import type { Actor, Case, Member } from '../domain/case';
import { DomainError } from '../domain/errors';
import { roleGroup } from '../domain/roles';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS, type AssessmentArea, type WellbeingLevel } from '../domain/scales';
import { cleanText } from '../domain/text';
import type { AssessmentRepository } from '../persistence/assessmentRepository';
import { draft, versionKey } from '../audit/events';
import type { CaseAccess } from './access';
import type { Clock } from './caseService';
import { oneOf } from './observationService';
import { UUID } from '../domain/ids';

export interface AnswerInput {
  ratings: Partial<Record<AssessmentArea, unknown>>;
  comment?: unknown;
}

const ROUND_ID = UUID;

/** Well-being rounds: everyone rates alone; the joint picture appears when the coordinator closes the round. */
export class AssessmentService {
  constructor(
    private readonly assessments: AssessmentRepository,
    private readonly access: CaseAccess,
    private readonly now: Clock,
  ) {}

  async open(actor: Actor, caseId: unknown): Promise<{ round: AssessmentRound; created: boolean }> {
    const { kase } = await this.access.caseFor(actor, caseId, 'assessment.open');
    for (let attempt = 0; attempt < 3; attempt++) {
      const open = await this.assessments.openRound(kase._id);
      if (open) return { round: open, created: false };
      const latest = await this.assessments.latestRound(kase._id);
      const round: AssessmentRound = { _id: randomUUID(), caseId: kase._id, number: (latest?.number ?? 0) + 1, status: 'open', openedBy: actor.userId, openedAt: this.now(), version: 1 };
      const opened = draft('assessment.opened', { roundId: round._id, number: round.number }, { key: versionKey('round', round._id, 1), caseId: kase._id, at: round.openedAt, actor });
      if (await this.assessments.insertRound(round, [opened])) return { round, created: true };
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  async answer(actor: Actor, caseId: unknown, rawRoundId: unknown, input: AnswerInput): Promise<{ answer: AssessmentAnswer; round: AssessmentRound; kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'assessment.answer');
    const round = await this.roundOf(kase._id, rawRoundId);
    if (round.status !== 'open') throw new DomainError('error.roundClosed', {}, 'conflict');
    const ratings = {} as Record<AssessmentArea, WellbeingLevel>;
    for (const area of ASSESSMENT_AREAS) ratings[area] = oneOf<WellbeingLevel>(input.ratings?.[area], WELLBEING_LEVELS, 'field.level');
    const comment = cleanText(input.comment, 'field.comment', ASSESSMENT_COMMENT_MAX, { required: false });
    const answer: AssessmentAnswer = {
      _id: `${round._id}|${member.userId}`,
      roundId: round._id,
      caseId: kase._id,
      userId: member.userId,
      name: member.name,
      role: member.role,
      group: roleGroup(member.role),
      ratings,
      comment: comment || undefined,
      submittedAt: this.now(),
    };
    // Each save is a version of the person's answer. The answer stays private until the round
    // closes; the history only says who answered.
    for (let attempt = 0; attempt < 5; attempt++) {
      const previous = await this.assessments.answerOf(round._id, member.userId);
      const version = previous ? (previous.version ?? 1) + 1 : 1;
      const answered = draft('assessment.answered', { roundId: round._id, number: round.number }, { key: versionKey('answer', answer._id, version), caseId: kase._id, at: answer.submittedAt, actor: member });
      if (await this.assessments.saveAnswer({ ...answer, version }, [answered])) return { answer: { ...answer, version }, round, kase, member };
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  async close(actor: Actor, caseId: unknown, rawRoundId: unknown): Promise<{ round: AssessmentRound; summary: AssessmentSummary; closed: boolean; kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'assessment.close');
    const round = await this.roundOf(kase._id, rawRoundId);
    if (round.status === 'closed' && round.summary) return { round, summary: round.summary, closed: false, kase, member };
    const answers = await this.assessments.answersFor(round._id);
    if (answers.length === 0) throw new DomainError('error.noAnswers');
    const previous = (await this.assessments.closedRounds(kase._id)).filter((r) => r.number < round.number).at(-1);
    const summary = summarizeRound(round.number, answers, previous?.summary);
    const at = this.now();
    const closing = draft('assessment.closed', { roundId: round._id, number: round.number, summary }, { key: versionKey('round', round._id, round.version + 1), caseId: kase._id, at, actor });
    if (!(await this.assessments.close(round, actor.userId, at, summary, [closing]))) {
      const winner = await this.assessments.round(round._id);
      if (winner?.summary) return { round: winner, summary: winner.summary, closed: false, kase, member };
      throw new DomainError('error.busy', {}, 'conflict');
    }
    return { round: { ...round, status: 'closed', closedAt: at, closedBy: actor.userId, summary }, summary, closed: true, kase, member };
  }

  /** A round as its member sees it: the summary once closed, else the round with their own answer. */
  async view(actor: Actor, caseId: unknown, rawRoundId: unknown): Promise<{ kase: Case; member: Member; round: AssessmentRound; own: AssessmentAnswer | null }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    const round = await this.roundOf(kase._id, rawRoundId);
    const own = round.status === 'closed' ? null : await this.assessments.answerOf(round._id, member.userId);
    return { kase, member, round, own };
  }

  /** A round by ID without an actor: for drawing a posted card again for its room's readers. */
  findRound(roundId: string): Promise<AssessmentRound | null> {
    return this.assessments.round(roundId);
  }

  private async roundOf(caseId: string, raw: unknown): Promise<AssessmentRound> {
    const round = typeof raw === 'string' && ROUND_ID.test(raw) ? await this.assessments.round(raw) : null;
    if (!round || round.caseId !== caseId) throw new DomainError('error.roundNotFound', {}, 'not_found');
    return round;
  }
}
