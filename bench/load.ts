import { performance } from 'node:perf_hooks';
import type { RequestFn } from './scenario';

export interface LoadOptions {
  concurrency: number;
  warmup: number;
  requests: number;
}

export interface PhaseResult {
  /** Latency of each successful request, in milliseconds. */
  latencies: number[];
  errors: number;
  firstError?: string;
  durationMs: number;
}

/** Runs `count` requests with `concurrency` in flight, numbering them from `firstIndex`. */
export async function runPhase(request: RequestFn, concurrency: number, count: number, firstIndex: number): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = firstIndex + next++;
      const started = performance.now();
      try {
        await request(i);
        latencies.push(performance.now() - started);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(count, 1)) }, worker));
  return { latencies, errors, firstError, durationMs: performance.now() - started };
}

/**
 * Warm-up (JIT, connection pools, caches), then the measured phase. `betweenPhases` runs
 * in between, so that the server's peak RSS covers only the measured requests.
 */
export async function runLoad(request: RequestFn, options: LoadOptions, betweenPhases: () => Promise<void>): Promise<PhaseResult & { warmupErrors: number }> {
  const warm = await runPhase(request, options.concurrency, options.warmup, 0);
  await betweenPhases();
  const measured = await runPhase(request, options.concurrency, options.requests, options.warmup);
  return { ...measured, warmupErrors: warm.errors, firstError: warm.firstError ?? measured.firstError };
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentiles. */
export function summarize(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  const mean = sorted.length ? sorted.reduce((sum, x) => sum + x, 0) / sorted.length : NaN;
  return { p50: rank(50), p95: rank(95), p99: rank(99), mean, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/** Samples this process's RSS often enough to catch the peak of a phase that lasts seconds. */
export class RssPeak {
  private peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  reset(): void {
    this.peak = 0;
    this.sample();
  }

  read(): number {
    this.sample();
    return this.peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
