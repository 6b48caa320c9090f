import type { AgreementStatus } from './agreement';
import { AGREEMENT_STATUSES, isOpen } from './agreement';
import type { CaseStatus } from './case';
import { copenhagenDate, copenhagenTime } from './dates';
import type { Meeting, MeetingStatus } from './meeting';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS, type AssessmentArea, type WellbeingLevel } from './scales';

/**
 * A leader's overview across the cases of a unit (issue #14, part 2; docs/leader.md): aggregates
 * only, computed from one small projection document per case (`CaseFacts`). Pure functions.
 *
 * **Counts under 5 are never given out.** Every count leaves as a number of at least 5 or as the
 * string "< 5" (`Count`), decided here on the server, so no small number reaches a browser. Where
 * a group of counts is shown with its total, a single suppressed cell could be worked out by
 * subtraction; then the next smallest cell is suppressed too (secondary suppression). Medians are
 * given only over 5 values or more.
 *
 * Aggregate sections are listed in `LEADER_SECTIONS`; each is one function over the same facts
 * (meetings, #15, were added that way).
 */

export const SUPPRESS_BELOW = 5;
export const SUPPRESSED = '< 5' as const;
export type Count = number | typeof SUPPRESSED;

/** A count as it may be shown: itself from 5 up, otherwise "< 5". */
export const suppress = (n: number): Count => (n < SUPPRESS_BELOW ? SUPPRESSED : n);

/**
 * Counts shown together with their total: each under 5 is suppressed, and if exactly one cell is
 * (while the total is shown), the smallest other cell is suppressed as well, so that neither can be
 * worked out from the total and the rest.
 */
export function suppressGroup<K extends string>(counts: Record<K, number>, total: number): Record<K, Count> {
  const keys = Object.keys(counts) as K[];
  const hidden = new Set(keys.filter((k) => counts[k] < SUPPRESS_BELOW));
  if (hidden.size === 1 && total >= SUPPRESS_BELOW) {
    const next = keys.filter((k) => !hidden.has(k)).sort((a, b) => counts[a] - counts[b])[0];
    if (next !== undefined) hidden.add(next);
  }
  return Object.fromEntries(keys.map((k) => [k, hidden.has(k) ? SUPPRESSED : counts[k]])) as Record<K, Count>;
}

/** The median, or null for fewer than SUPPRESS_BELOW values (a median of two cases identifies them). */
export function median(values: readonly number[]): number | null {
  if (values.length < SUPPRESS_BELOW) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * One scheduled meeting as the overview counts it: what `meetingMeasures` (core/domain/meeting.ts)
 * counts of it, and nothing else. No names, no user IDs, no reasons.
 */
export interface MeetingFacts {
  startsAt: Date;
  status: MeetingStatus;
  /** Participants invited (the coordinator, who calls the meeting and comes to it, included). */
  invited: number;
  /** Of those, how many have answered (yes or no). */
  answered: number;
  /** Each participant's cancellation (afbud): the notice it gave, in minutes (negative: after the start). */
  cancellationNotices: number[];
  /** Present and not present, once attendance was recorded (from Teams or ticked off by the coordinator). */
  attendance: { present: number; absent: number } | null;
}

/** A meeting's facts, as `LeaderOverviewService.rebuild` stores them. */
export function meetingFactsOf(m: Pick<Meeting, 'startsAt' | 'status' | 'participants' | 'cancellations' | 'attendance'>): MeetingFacts {
  return {
    startsAt: new Date(m.startsAt),
    status: m.status,
    invited: m.participants.length,
    answered: m.participants.filter((p) => p.answer === 'accepted' || p.answer === 'declined').length,
    cancellationNotices: m.cancellations.map((c) => c.noticeMinutes),
    attendance: m.attendance ? { present: m.participants.filter((p) => p.attendance === 'present').length, absent: m.participants.filter((p) => p.attendance === 'absent').length } : null,
  };
}

/** What the overview knows about one case: a projection kept in step with its history (leaderFacts). */
export interface CaseFacts {
  _id: string;
  teamId: string | null;
  conversationId: string;
  status: CaseStatus;
  createdAt: Date;
  closedAt: Date | null;
  /** The last change a person made in the case. */
  lastActivityAt: Date;
  /** The position in the case's history these facts reflect. */
  seq: number;
  agreements: Array<{ status: AgreementStatus; dueDate: string; createdAt: Date; acceptedAt: Date | null }>;
  rounds: Array<{ number: number; closedAt: Date; levels: Partial<Record<AssessmentArea, WellbeingLevel>> }>;
  warnings: Array<{ raisedAt: Date; status: 'open' | 'dismissed' | 'acted'; answered: boolean; timeToActionMs: number | null }>;
  /** When each person still waiting for the family's consent was proposed. */
  pendingConsent: Date[];
  /** The case's scheduled meetings (the newest 200 by start, as the meetings list reads them). */
  meetings: MeetingFacts[];
  /** Entra object IDs of the active members (lower case): whose own cases may be named to them. */
  memberIds: string[];
  refreshedAt: Date;
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const MAX_MONTHS = 36;
export const DEFAULT_MONTHS = 12;

export interface Period {
  /** First and last month, YYYY-MM, both included. */
  from: string;
  to: string;
}

export interface AggregateSettings {
  now: Date;
  period: Period;
  inactiveWeeks: number;
  consentPendingDays: number;
}

export const OVERDUE_AGE_BUCKETS = ['1-7', '8-30', '31-90', '91+'] as const;
export type OverdueAge = (typeof OVERDUE_AGE_BUCKETS)[number];

/** How much notice a cancellation (afbud) gave: the buckets of `meetingMeasures` (core/domain/meeting.ts). */
export const NOTICE_BUCKETS = ['under24h', 'from24to72h', 'over72h'] as const;
export type NoticeBucket = (typeof NOTICE_BUCKETS)[number];

export interface TrendMonth {
  month: string;
  casesOpened: Count;
  warnings: Count;
  agreementsAccepted: Count;
  roundsClosed: Count;
}

export interface LeaderAggregates {
  /** Cases open at the end of the period, and closed during it. */
  cases: { total: Count; open: Count; closed: Count };
  /** Agreements proposed during the period, by their status now. */
  agreements: { total: Count; byStatus: Record<AgreementStatus, Count> };
  /** Open agreements past their due date today, by how many days. */
  overdue: { total: Count; byAge: Record<OverdueAge, Count>; medianDays: number | null };
  /** Each case's latest closed round up to the end of the period: how many cases stand at each level, per area. */
  assessment: { cases: Count; areas: Record<AssessmentArea, { rated: Count; levels: Record<WellbeingLevel, Count> }> };
  /** Early warnings raised during the period; the time from an episode's first warning to the first accepted agreement after it. */
  timeToAction: { warnings: Count; episodes: Count; medianDays: number | null; awaiting: Count };
  inactive: { weeks: number; cases: Count };
  consentPending: { days: number; requests: Count; cases: Count };
  /**
   * Meetings starting in the period (issue #15): held (started, not cancelled), still to come, or
   * cancelled by the coordinator; their invitations answered; the participants' cancellations (afbud)
   * by notice; attendance where it was recorded. The same counts as `meetingMeasures` (./meeting.ts).
   */
  meetings: {
    total: Count;
    held: Count;
    upcoming: Count;
    cancelled: Count;
    invitations: { sent: Count; answered: Count; unanswered: Count };
    cancellations: { total: Count; byNotice: Record<NoticeBucket, Count>; medianNoticeHours: number | null };
    attendance: { meetings: Count; present: Count; absent: Count };
  };
  trend: TrendMonth[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const monthOf = (date: Date): string => copenhagenDate(date).slice(0, 7);
const days = (ms: number): number => Math.round((ms / DAY_MS) * 10) / 10;

/** The months of a period, in order. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  let [y, m] = period.from.split('-').map(Number) as [number, number];
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > period.to || months.length > MAX_MONTHS) break;
    months.push(month);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return months;
}

/** The period from the last `count` months up to and including the month of `now`. */
export function lastMonths(now: Date, count = DEFAULT_MONTHS): Period {
  const to = monthOf(now);
  let [y, m] = to.split('-').map(Number) as [number, number];
  m -= count - 1;
  while (m < 1) [y, m] = [y - 1, m + 12];
  return { from: `${y}-${String(m).padStart(2, '0')}`, to };
}

/** The instant the first day of a month starts in Copenhagen (UTC+1, or +2 in summer). */
const monthStart = (month: string): number => copenhagenTime(`${month}-01`, '00:00').getTime();

/**
 * A period's months as instants: which month a moment falls in, by comparing numbers. (Formatting
 * every date in Copenhagen time instead took a tenth of a second for 1,000 cases.)
 */
class Months {
  readonly months: string[];
  private readonly starts: number[];
  readonly start: number;
  readonly end: number;

  constructor(period: Period) {
    this.months = monthsOf(period);
    const [y, m] = period.to.split('-').map(Number) as [number, number];
    const after = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    this.starts = this.months.map(monthStart);
    this.start = this.starts[0] ?? 0;
    this.end = monthStart(after);
  }

  /** Within the period (Copenhagen months). */
  has(date: Date | null): date is Date {
    if (!date) return false;
    const t = date.getTime();
    return t >= this.start && t < this.end;
  }

  /** On or before the period's last month. */
  byEnd(date: Date): boolean {
    return date.getTime() < this.end;
  }

  /** The index of the month a moment falls in, or -1 outside the period. */
  indexOf(date: Date | null): number {
    if (!this.has(date)) return -1;
    const t = date.getTime();
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (this.starts[mid]! <= t) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

function casesSection(facts: readonly CaseFacts[], months: Months) {
  const openAtEnd = facts.filter((f) => months.byEnd(f.createdAt) && (!f.closedAt || f.closedAt.getTime() >= months.end)).length;
  const closed = facts.filter((f) => months.has(f.closedAt)).length;
  return { total: suppress(openAtEnd + closed), ...suppressGroup({ open: openAtEnd, closed }, openAtEnd + closed) };
}

/** The cases the period looks at: open at some point in it. */
const activeIn = (facts: readonly CaseFacts[], months: Months) => facts.filter((f) => months.byEnd(f.createdAt) && (!f.closedAt || f.closedAt.getTime() >= months.start));

function agreementsSection(facts: readonly CaseFacts[], months: Months) {
  const counts = Object.fromEntries(AGREEMENT_STATUSES.map((s) => [s, 0])) as Record<AgreementStatus, number>;
  for (const f of facts) for (const a of f.agreements) if (months.has(a.createdAt)) counts[a.status] += 1;
  const total = Object.values<number>(counts).reduce((x, y) => x + y, 0);
  return { total: suppress(total), byStatus: suppressGroup(counts, total) };
}

function overdueSection(facts: readonly CaseFacts[], today: string) {
  const ages: number[] = [];
  for (const f of facts) {
    if (f.status !== 'open') continue;
    for (const a of f.agreements) if (isOpen(a.status) && a.dueDate < today) ages.push(daysBetween(a.dueDate, today));
  }
  const counts: Record<OverdueAge, number> = { '1-7': 0, '8-30': 0, '31-90': 0, '91+': 0 };
  for (const age of ages) counts[age <= 7 ? '1-7' : age <= 30 ? '8-30' : age <= 90 ? '31-90' : '91+'] += 1;
  return { total: suppress(ages.length), byAge: suppressGroup(counts, ages.length), medianDays: median(ages) };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function assessmentSection(facts: readonly CaseFacts[], months: Months) {
  const latest = facts.flatMap((f) => {
    const round = f.rounds.filter((r) => months.byEnd(r.closedAt)).sort((a, b) => b.number - a.number)[0];
    return round ? [round] : [];
  });
  const areas = Object.fromEntries(
    ASSESSMENT_AREAS.map((area) => {
      const counts = Object.fromEntries(WELLBEING_LEVELS.map((l) => [l, 0])) as Record<WellbeingLevel, number>;
      for (const round of latest) {
        const level = round.levels[area];
        if (level) counts[level] += 1;
      }
      const rated = WELLBEING_LEVELS.reduce((sum, l) => sum + counts[l], 0);
      return [area, { rated: suppress(rated), levels: suppressGroup(counts, rated) }];
    }),
  ) as LeaderAggregates['assessment']['areas'];
  return { cases: suppress(latest.length), areas };
}

function timeToActionSection(facts: readonly CaseFacts[], months: Months) {
  const warnings = facts.flatMap((f) => f.warnings.filter((w) => months.has(w.raisedAt)));
  const times = warnings.flatMap((w) => (w.timeToActionMs === null ? [] : [w.timeToActionMs]));
  const awaiting = warnings.filter((w) => w.status !== 'dismissed' && !w.answered).length;
  const mid = median(times);
  return { warnings: suppress(warnings.length), episodes: suppress(times.length), medianDays: mid === null ? null : days(mid), awaiting: suppress(awaiting) };
}

function inactiveSection(facts: readonly CaseFacts[], now: Date, weeks: number) {
  const before = now.getTime() - weeks * 7 * DAY_MS;
  return { weeks, cases: suppress(facts.filter((f) => f.status === 'open' && f.lastActivityAt.getTime() < before).length) };
}

function consentSection(facts: readonly CaseFacts[], now: Date, days: number) {
  const before = now.getTime() - days * DAY_MS;
  let requests = 0;
  let cases = 0;
  for (const f of facts) {
    if (f.status !== 'open') continue;
    const waiting = f.pendingConsent.filter((at) => at.getTime() < before).length;
    requests += waiting;
    if (waiting) cases += 1;
  }
  return { days, requests: suppress(requests), cases: suppress(cases) };
}

/** The meeting counts of the period, before suppression: the same numbers `meetingMeasures` gives for these meetings. */
export function meetingTotals(facts: readonly CaseFacts[], settings: Pick<AggregateSettings, 'now' | 'period'>) {
  return meetingCounts(facts, new Months(settings.period), settings.now);
}

const noticeHours = (minutes: number): number => Math.round((minutes / 60) * 10) / 10;

function meetingCounts(facts: readonly CaseFacts[], months: Months, now: Date) {
  const t = { meetings: 0, held: 0, upcoming: 0, cancelled: 0, sent: 0, answered: 0, notices: [] as number[], attendanceMeetings: 0, present: 0, absent: 0 };
  for (const f of facts) {
    for (const m of f.meetings) {
      if (!months.has(m.startsAt)) continue;
      t.meetings += 1;
      if (m.status === 'cancelled') t.cancelled += 1;
      else if (m.startsAt.getTime() <= now.getTime()) t.held += 1;
      else t.upcoming += 1;
      t.sent += m.invited;
      t.answered += m.answered;
      for (const minutes of m.cancellationNotices) t.notices.push(noticeHours(minutes));
      if (m.attendance) {
        t.attendanceMeetings += 1;
        t.present += m.attendance.present;
        t.absent += m.attendance.absent;
      }
    }
  }
  const byNotice: Record<NoticeBucket, number> = { under24h: 0, from24to72h: 0, over72h: 0 };
  for (const h of t.notices) byNotice[h < 24 ? 'under24h' : h <= 72 ? 'from24to72h' : 'over72h'] += 1;
  return { ...t, byNotice };
}

function meetingsSection(facts: readonly CaseFacts[], months: Months, now: Date): LeaderAggregates['meetings'] {
  const t = meetingCounts(facts, months, now);
  // A cell that cannot be other than 0 in this period (nothing is still to come in a past period,
  // nothing has been held in a future one) is known to every reader: it must not count as the second
  // hidden cell beside a small one, so it is left out of the group (and shown as "< 5").
  const possible = { held: months.start <= now.getTime(), upcoming: months.end > now.getTime(), cancelled: true };
  const cells = Object.fromEntries((['held', 'upcoming', 'cancelled'] as const).filter((k) => possible[k]).map((k) => [k, t[k]]));
  const shown = suppressGroup(cells, t.meetings) as Partial<Record<'held' | 'upcoming' | 'cancelled', Count>>;
  const mid = median(t.notices);
  return {
    total: suppress(t.meetings),
    held: shown.held ?? SUPPRESSED,
    upcoming: shown.upcoming ?? SUPPRESSED,
    cancelled: shown.cancelled ?? SUPPRESSED,
    invitations: { sent: suppress(t.sent), ...suppressGroup({ answered: t.answered, unanswered: t.sent - t.answered }, t.sent) },
    cancellations: { total: suppress(t.notices.length), byNotice: suppressGroup(t.byNotice, t.notices.length), medianNoticeHours: mid === null ? null : Math.round(mid * 10) / 10 },
    // Present and not present add up to the people recorded: hidden together as a group with its total.
    attendance: { meetings: suppress(t.attendanceMeetings), ...suppressGroup({ present: t.present, absent: t.absent }, t.present + t.absent) },
  };
}

function trendSection(facts: readonly CaseFacts[], months: Months): TrendMonth[] {
  const zero = () => months.months.map(() => 0);
  const opened = zero();
  const warnings = zero();
  const accepted = zero();
  const rounds = zero();
  const add = (into: number[], date: Date | null) => {
    const i = months.indexOf(date);
    if (i >= 0) into[i]! += 1;
  };
  for (const f of facts) {
    add(opened, f.createdAt);
    for (const w of f.warnings) add(warnings, w.raisedAt);
    for (const a of f.agreements) add(accepted, a.acceptedAt);
    for (const r of f.rounds) add(rounds, r.closedAt);
  }
  return months.months.map((month, i) => ({ month, casesOpened: suppress(opened[i]!), warnings: suppress(warnings[i]!), agreementsAccepted: suppress(accepted[i]!), roundsClosed: suppress(rounds[i]!) }));
}

/** Every section of the overview, over the unit's (filtered) cases. */
export function aggregate(facts: readonly CaseFacts[], settings: AggregateSettings): LeaderAggregates {
  const { now, period } = settings;
  const months = new Months(period);
  const active = activeIn(facts, months);
  return {
    cases: casesSection(facts, months),
    agreements: agreementsSection(facts, months),
    overdue: overdueSection(facts, copenhagenDate(now)),
    assessment: assessmentSection(active, months),
    timeToAction: timeToActionSection(facts, months),
    inactive: inactiveSection(facts, now, settings.inactiveWeeks),
    consentPending: consentSection(facts, now, settings.consentPendingDays),
    meetings: meetingsSection(facts, months, now),
    trend: trendSection(facts, months),
  };
}

/** The names of the sections, in the order the page shows them. */
export const LEADER_SECTIONS = ['cases', 'agreements', 'overdue', 'timeToAction', 'inactive', 'consentPending', 'meetings', 'assessment', 'trend'] as const satisfies ReadonlyArray<keyof LeaderAggregates>;

/** What a case of the leader's own (they are an active member) may show by name: hints, no numbers. */
export function attentionOf(facts: CaseFacts, now: Date, settings: Pick<AggregateSettings, 'inactiveWeeks' | 'consentPendingDays'>) {
  const today = copenhagenDate(now);
  return {
    overdueAgreements: facts.agreements.some((a) => isOpen(a.status) && a.dueDate < today),
    inactive: facts.status === 'open' && facts.lastActivityAt.getTime() < now.getTime() - settings.inactiveWeeks * 7 * DAY_MS,
    consentPending: facts.pendingConsent.some((at) => at.getTime() < now.getTime() - settings.consentPendingDays * DAY_MS),
    /** A warning nobody has answered yet: not dismissed, not acted on, no agreement accepted since. */
    openWarnings: facts.warnings.some((w) => w.status === 'open' && !w.answered),
  };
}

/** Parses a YYYY-MM period from untrusted input; null when it is not one. */
export function periodFrom(from: unknown, to: unknown, now: Date): Period | null {
  const fallback = lastMonths(now);
  const f = from === undefined ? undefined : from;
  const t = to === undefined ? undefined : to;
  if ((f !== undefined && (typeof f !== 'string' || !MONTH.test(f))) || (t !== undefined && (typeof t !== 'string' || !MONTH.test(t)))) return null;
  const period = { from: (f as string | undefined) ?? (t ? lastMonths(new Date(`${t}-15T12:00:00Z`)).from : fallback.from), to: (t as string | undefined) ?? fallback.to };
  if (period.from > period.to || monthsOf(period).length > MAX_MONTHS) return null;
  return period;
}
