import type { Case } from '../domain/case';
import { copenhagenDate } from '../domain/dates';
import { membersOf } from './personExport';

/**
 * The rules of a person's rights that need no database: when erasure must be refused, and when a
 * closed case is due for the controller's deletion review. The service applies them.
 */

export interface ErasureBlockers {
  /** Cases under a legal retention hold, with the hold's reason. */
  holds: Array<{ caseId: string; reason: string }>;
  /** Open cases in which the person is still an active or proposed member. */
  active: string[];
}

/**
 * Erasure is refused, with the reasons, when any case it would touch is under a retention hold, or
 * when the person still takes part in an open case: the case needs them, and pseudonymising them
 * there would lock them out mid-case. Remove them (or close the case) first.
 */
export function erasureBlockers(cases: Case[], isPerson: (id: unknown) => boolean): ErasureBlockers {
  return {
    holds: cases.filter((c) => c.retentionHold).map((c) => ({ caseId: c._id, reason: c.retentionHold!.reason })),
    active: cases.filter((c) => c.status === 'open' && membersOf(c, isPerson).some((m) => m.status === 'active' || m.status === 'pending')).map((c) => c._id),
  };
}

/**
 * The day a closed case is due for deletion review: its closing day (in Copenhagen) `years` later.
 * A case closed on 29 February is due on 1 March of a year without one.
 */
export function reviewDueOn(closedAt: Date, years: number): string {
  const [y, m, d] = copenhagenDate(closedAt).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

/** Due from the review day on (Copenhagen calendar days). */
export const isDueForReview = (closedAt: Date, years: number, now: Date): boolean => copenhagenDate(now) >= reviewDueOn(closedAt, years);
