import type { LatencySummary } from './load';
import type { Absolute, Budget, Target } from './scenario';

export interface ScenarioResult {
  name: string;
  description: string;
  target: Target;
  floor: boolean;
  budget?: Budget;
  absolute?: Absolute;
  /** Measured requests that succeeded. */
  requests: number;
  errors: number;
  warmupErrors: number;
  firstError?: string;
  latencyMs: LatencySummary;
  throughputPerSecond: number;
  /** Peak RSS of the child process during the measured phase. */
  peakRssBytes: number;
  /** The machine's 1-minute load average when the scenario started: other work skews the numbers. */
  loadAverageAtStart?: number;
  /** Set when the scenario could not run at all. */
  failed?: string;
}

export interface Evaluated extends ScenarioResult {
  /** p50 divided by the floor's p50. */
  ratioToFloor?: number;
  budgetResult?: { baselineMs: number; ratio: number; maxRatio: number; pass: boolean };
  /** `floorMs`: the p50s of `absolute.floor` added up, from the same run. */
  absoluteResult?: { p50Ms: number; p99Ms?: number; pass: boolean; floorMs?: number };
}

export function evaluate(results: ScenarioResult[]): Evaluated[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  const floor = results.find((r) => r.floor && !r.failed);
  const p50Sum = (names: string[]): number | undefined => {
    const parts = names.map((name) => byName.get(name));
    return parts.every((p) => p && !p.failed) ? parts.reduce((sum, p) => sum + (p?.latencyMs.p50 ?? 0), 0) : undefined;
  };
  return results.map((result) => {
    if (result.failed) return result;
    const evaluated: Evaluated = { ...result };
    if (floor) evaluated.ratioToFloor = result.latencyMs.p50 / floor.latencyMs.p50;
    if (result.budget) {
      const baselineMs = p50Sum(result.budget.baseline);
      if (baselineMs !== undefined) {
        const ratio = result.latencyMs.p50 / baselineMs;
        evaluated.budgetResult = { baselineMs, ratio, maxRatio: result.budget.maxRatio, pass: ratio <= result.budget.maxRatio };
      }
    }
    if (result.absolute) {
      const { p50Ms, p99Ms } = result.absolute;
      evaluated.absoluteResult = {
        p50Ms,
        p99Ms,
        pass: result.latencyMs.p50 <= p50Ms && (p99Ms === undefined || result.latencyMs.p99 <= p99Ms),
        floorMs: result.absolute.floor ? p50Sum(result.absolute.floor) : undefined,
      };
    }
    return evaluated;
  });
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '–');
const mb = (bytes: number) => (bytes > 0 ? (bytes / 1024 / 1024).toFixed(1) : '–');

export function formatTable(rows: Evaluated[]): string {
  const header = ['scenario', 'target', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'peak RSS MB', '× floor p50', 'absolute target', 'target (p50)'];
  const lines = rows.map((r) => {
    if (r.failed) return [r.name, r.target, '–', '–', '–', '–', '–', '–', '–', '–', `FAILED: ${r.failed.split('\n')[0]}`];
    const absolute = r.absoluteResult
      ? `p50 ≤ ${r.absoluteResult.p50Ms}${r.absoluteResult.p99Ms !== undefined ? `, p99 ≤ ${r.absoluteResult.p99Ms}` : ''} ${r.absoluteResult.pass ? 'pass' : 'miss'}` +
        (r.absoluteResult.floorMs !== undefined ? ` (floors ${ms(r.absoluteResult.floorMs)})` : '')
      : '';
    const budget = r.budgetResult
      ? `${r.budgetResult.ratio.toFixed(2)}× of ${r.budget?.baseline.join(' + ')} (≤ ${r.budgetResult.maxRatio}×) ${r.budgetResult.pass ? 'pass' : 'miss'}`
      : r.budget
        ? 'n/a (baseline missing)'
        : r.floor
          ? '(floor)'
          : '';
    return [
      r.name,
      r.target,
      r.errors ? `${r.requests} (${r.errors} failed)` : String(r.requests),
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p95),
      ms(r.latencyMs.p99),
      r.throughputPerSecond.toFixed(0),
      mb(r.peakRssBytes),
      r.ratioToFloor !== undefined ? r.ratioToFloor.toFixed(2) : '–',
      absolute,
      budget,
    ];
  });
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8]);
  const format = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}
