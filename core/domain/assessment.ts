import type { Role, RoleGroup } from './roles';
import type { AssessmentArea, WellbeingLevel } from './scales';

export interface AssessmentRound {
  _id: string;
  caseId: string;
  /** 1, 2, 3… per case, for "change since the last round". */
  number: number;
  status: 'open' | 'closed';
  openedBy: string;
  openedAt: Date;
  closedAt?: Date;
  closedBy?: string;
  summary?: AssessmentSummary;
  version: number;
}

export type LevelCounts = Record<WellbeingLevel, number>;

export interface AreaSummary {
  area: AssessmentArea;
  counts: LevelCounts;
  professional: LevelCounts;
  family: LevelCounts;
  /** Mean score, 0 = all green … 2 = all red; null when nobody rated the area. */
  average: number | null;
  /** Professionals and family are a whole level or more apart on average. */
  disagreement: boolean;
  /** Change in mean score since the previous closed round; negative is better. */
  changeSincePrevious: number | null;
}

export interface AssessmentSummary {
  roundNumber: number;
  respondents: number;
  areas: AreaSummary[];
}

/** One person's answers in one round. Private until the round is closed. */
export interface AssessmentAnswer {
  /** `${roundId}|${userId}`: one answer per person per round; a resubmit replaces it. */
  _id: string;
  roundId: string;
  caseId: string;
  userId: string;
  name: string;
  role: Role;
  group: RoleGroup;
  ratings: Record<AssessmentArea, WellbeingLevel>;
  comment?: string;
  submittedAt: Date;
  /** Each save of the answer is a new version (and an event). */
  version?: number;
}

export const ASSESSMENT_COMMENT_MAX = 1000;
