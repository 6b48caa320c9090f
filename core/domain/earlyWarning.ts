import type { AssessmentRound } from './assessment';
import { meanScore } from './assessmentSummary';
import { addDays, copenhagenDate } from './dates';
import type { Observation } from './observation';
import { PROFESSIONAL_ROLES, type Role } from './roles';
import { ASSESSMENT_AREAS, LEVEL_SCORE, type AssessmentArea, type WellbeingLevel } from './scales';

/**
 * Early warning inside a case (issue #14, part 1): rules over a case's observations and closed
 * assessment rounds that say when the people around a child should look again, together.
 *
 * Pure functions over plain data. Each signal names the rule and the inputs that set it off: the
 * observations' IDs, or a round and an area. A signal never carries a score or any other number
 * about the child. A signal can rest on professionals-only observations: show it to those who may
 * see its inputs (docs/early-warning.md).
 */

export interface EarlyWarningRules {
  /** Yellow or red from at least `minDisciplines` different roles within the last `windowDays` days. */
  crossDiscipline: {
    enabled: boolean;
    /** Calendar days in Copenhagen, counted back from the day of `now`; an observation exactly this many days old still counts. */
    windowDays: number;
    minDisciplines: number;
    levels: readonly WellbeingLevel[];
    /** The roles that count as disciplines: the professional roles unless configured otherwise. */
    disciplines: readonly Role[];
  };
  /** Any red observation. */
  redObservation: {
    enabled: boolean;
    /** Only red observations at most this many calendar days old; without it, any red observation. */
    withinDays?: number;
  };
  /** Between the last two closed rounds, an area turned red, or fell by at least `minSteps` levels. */
  areaWorsened: {
    enabled: boolean;
    turnsRed: boolean;
    /** Levels on the green–yellow–red scale: 2 is green to red. */
    minSteps: number;
  };
  /** In the latest closed round, the family's and the professionals' average for an area differ by at least `minDifference` steps (scale 0–2). */
  disagreement: {
    enabled: boolean;
    minDifference: number;
  };
}

export const DEFAULT_EARLY_WARNING_RULES: EarlyWarningRules = {
  crossDiscipline: { enabled: true, windowDays: 56, minDisciplines: 2, levels: ['yellow', 'red'], disciplines: PROFESSIONAL_ROLES },
  redObservation: { enabled: true },
  areaWorsened: { enabled: true, turnsRed: true, minSteps: 2 },
  disagreement: { enabled: true, minDifference: 1.5 },
};

export type WarningObservation = Pick<Observation, '_id' | 'authorRole' | 'level' | 'createdAt'>;
export type WarningRound = Pick<AssessmentRound, '_id' | 'number' | 'status' | 'summary'>;

export interface EarlyWarningInput {
  /** The moment the rules are judged at. Observations after it are not looked at. */
  now: Date;
  observations: readonly WarningObservation[];
  /** The case's rounds; only closed rounds with a summary are looked at. */
  rounds: readonly WarningRound[];
}

export type AreaWorsening = 'turnedRed' | 'fellSteps';

export interface CrossDisciplineSignal {
  rule: 'crossDiscipline';
  observationIds: string[];
}
export interface RedObservationSignal {
  rule: 'redObservation';
  observationIds: string[];
}
export interface AreaWorsenedSignal {
  rule: 'areaWorsened';
  roundId: string;
  previousRoundId: string;
  area: AssessmentArea;
  reasons: AreaWorsening[];
}
export interface DisagreementSignal {
  rule: 'disagreement';
  roundId: string;
  area: AssessmentArea;
}
export type EarlyWarningSignal = CrossDisciplineSignal | RedObservationSignal | AreaWorsenedSignal | DisagreementSignal;

/** Averages are stored to two decimals; this keeps a boundary like 1.5 on the side it is meant to be. */
const EPSILON = 1e-9;

const oldestFirst = (a: WarningObservation, b: WarningObservation): number => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

/** Observations made on the days from `windowDays` days before the day of `now` up to `now` itself. */
function within(observations: readonly WarningObservation[], now: Date, windowDays: number | undefined): WarningObservation[] {
  const first = windowDays === undefined ? undefined : addDays(copenhagenDate(now), -windowDays);
  return observations.filter((o) => o.createdAt.getTime() <= now.getTime() && (first === undefined || copenhagenDate(o.createdAt) >= first));
}

export function crossDisciplineSignal(input: EarlyWarningInput, rule: EarlyWarningRules['crossDiscipline']): CrossDisciplineSignal | null {
  if (!rule.enabled) return null;
  const concerns = within(input.observations, input.now, rule.windowDays).filter((o) => rule.levels.includes(o.level) && rule.disciplines.includes(o.authorRole));
  const disciplines = new Set(concerns.map((o) => o.authorRole));
  if (disciplines.size < Math.max(1, rule.minDisciplines)) return null;
  return { rule: 'crossDiscipline', observationIds: concerns.sort(oldestFirst).map((o) => o._id) };
}

export function redObservationSignal(input: EarlyWarningInput, rule: EarlyWarningRules['redObservation']): RedObservationSignal | null {
  if (!rule.enabled) return null;
  const red = within(input.observations, input.now, rule.withinDays).filter((o) => o.level === 'red');
  return red.length ? { rule: 'redObservation', observationIds: red.sort(oldestFirst).map((o) => o._id) } : null;
}

/**
 * An area's level from its average: the nearest step, a half rounded towards more worry.
 * Below 0.5 green, from 0.5 yellow, from 1.5 red.
 */
export function levelOfAverage(average: number): WellbeingLevel {
  if (average + EPSILON >= 1.5) return 'red';
  if (average + EPSILON >= 0.5) return 'yellow';
  return 'green';
}

/** Closed rounds with a summary, oldest first. */
const closedRounds = (rounds: readonly WarningRound[]) =>
  rounds.filter((r): r is WarningRound & { summary: NonNullable<WarningRound['summary']> } => r.status === 'closed' && !!r.summary).sort((a, b) => a.number - b.number);

export function areaWorsenedSignals(input: EarlyWarningInput, rule: EarlyWarningRules['areaWorsened']): AreaWorsenedSignal[] {
  if (!rule.enabled) return [];
  const closed = closedRounds(input.rounds);
  const latest = closed.at(-1);
  const previous = closed.at(-2);
  if (!latest || !previous) return [];
  const signals: AreaWorsenedSignal[] = [];
  for (const area of ASSESSMENT_AREAS) {
    const now = latest.summary.areas.find((a) => a.area === area)?.average ?? null;
    const before = previous.summary.areas.find((a) => a.area === area)?.average ?? null;
    if (now === null || before === null) continue;
    const [from, to] = [levelOfAverage(before), levelOfAverage(now)];
    const reasons: AreaWorsening[] = [];
    if (rule.turnsRed && to === 'red' && from !== 'red') reasons.push('turnedRed');
    if (LEVEL_SCORE[to] - LEVEL_SCORE[from] >= Math.max(1, rule.minSteps)) reasons.push('fellSteps');
    if (reasons.length) signals.push({ rule: 'areaWorsened', roundId: latest._id, previousRoundId: previous._id, area, reasons });
  }
  return signals;
}

export function disagreementSignals(input: EarlyWarningInput, rule: EarlyWarningRules['disagreement']): DisagreementSignal[] {
  if (!rule.enabled) return [];
  const latest = closedRounds(input.rounds).at(-1);
  if (!latest) return [];
  const signals: DisagreementSignal[] = [];
  for (const area of ASSESSMENT_AREAS) {
    const summary = latest.summary.areas.find((a) => a.area === area);
    if (!summary) continue;
    const family = meanScore(summary.family);
    const professionals = meanScore(summary.professional);
    if (family === null || professionals === null) continue;
    if (Math.abs(family - professionals) + EPSILON >= rule.minDifference) signals.push({ rule: 'disagreement', roundId: latest._id, area });
  }
  return signals;
}

/** Every rule that fires, in a fixed order: cross-discipline, red, worsened areas, disagreements (areas in scale order). */
export function evaluateEarlyWarning(input: EarlyWarningInput, rules: EarlyWarningRules = DEFAULT_EARLY_WARNING_RULES): EarlyWarningSignal[] {
  return [
    crossDisciplineSignal(input, rules.crossDiscipline),
    redObservationSignal(input, rules.redObservation),
    ...areaWorsenedSignals(input, rules.areaWorsened),
    ...disagreementSignals(input, rules.disagreement),
  ].filter((signal): signal is EarlyWarningSignal => signal !== null);
}

// ---- Telling people once (issue #14, part 1: wiring) ----

export type EarlyWarningRule = EarlyWarningSignal['rule'];
export const EARLY_WARNING_RULES: readonly EarlyWarningRule[] = ['crossDiscipline', 'redObservation', 'areaWorsened', 'disagreement'];

/**
 * The inputs a signal names, as stable strings: observation IDs for the observation rules,
 * `<roundId>|<area>` for the round rules.
 */
export function signalInputs(signal: EarlyWarningSignal): string[] {
  switch (signal.rule) {
    case 'crossDiscipline':
    case 'redObservation':
      return [...signal.observationIds];
    case 'areaWorsened':
    case 'disagreement':
      return [`${signal.roundId}|${signal.area}`];
  }
}

/** A signal's identity: its rule and the inputs that set it off. The same warning always has the same key. */
export function signalKey(signal: EarlyWarningSignal): string {
  return `${signal.rule}|${[...signalInputs(signal)].sort().join(',')}`;
}

/** What was told before, per warning: its rule and the inputs it named. */
export interface ToldWarning {
  rule: EarlyWarningRule;
  inputs: readonly string[];
}

/**
 * The signals that are news: those naming an input that no earlier warning of the same rule named.
 * A signal stays true while its inputs do, and an observation-based signal grows and shrinks as
 * observations come and leave its window; it is told again only when something new sets it off
 * (a new red observation, a new concern from another discipline), never because an old input
 * left the window. A round rule's input is one round and area, so it is told once per round and area.
 * Returns each news signal with the inputs that are new in it.
 */
export function newSignals(signals: readonly EarlyWarningSignal[], told: readonly ToldWarning[]): Array<{ signal: EarlyWarningSignal; newInputs: string[] }> {
  const known = new Map<EarlyWarningRule, Set<string>>();
  for (const warning of told) {
    const inputs = known.get(warning.rule) ?? new Set<string>();
    for (const input of warning.inputs) inputs.add(input);
    known.set(warning.rule, inputs);
  }
  return signals.flatMap((signal) => {
    const seen = known.get(signal.rule) ?? new Set<string>();
    const fresh = signalInputs(signal).filter((input) => !seen.has(input));
    return fresh.length ? [{ signal, newInputs: fresh }] : [];
  });
}
