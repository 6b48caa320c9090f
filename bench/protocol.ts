import type { LoadOptions, PhaseResult } from './load';

/** IPC between the bench runner and the child process that runs one scenario's target. */

export type ToChild = { type: 'resetPeak' } | { type: 'readPeak' } | { type: 'run'; options: LoadOptions } | { type: 'stop' };

export type FromChild =
  | { type: 'ready'; baseUrl: string }
  | { type: 'peakReset' }
  | { type: 'peak'; rss: number }
  | { type: 'result'; result: PhaseResult & { warmupErrors: number }; peakRss: number }
  | { type: 'failed'; message: string };

/** What the runner tells the child through its environment. */
export const CHILD_ENV = {
  scenarioFile: 'BENCH_SCENARIO_FILE',
  mongoUri: 'BENCH_MONGODB_URI',
  dbName: 'BENCH_DB',
  runId: 'BENCH_RUN_ID',
} as const;
