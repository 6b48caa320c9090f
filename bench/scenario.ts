import type { Db } from 'mongodb';

/**
 * What a bench scenario is. Each file in bench/scenarios/ exports one as `scenario`; the runner
 * finds them there, so adding a scenario never touches the runner. See docs/bench.md.
 */

/** Where a scenario's requests go; each scenario gets a fresh child process running its target. */
export type Target =
  /** A bare echo bot: the same CloudAdapter (bot/adapter.ts) and restify as the app, no database. */
  | 'echo'
  /** The real app (`startApp`) against a fresh database of its own. */
  | 'app'
  /** No server: `prepare` and the requests run inside the child process (raw driver calls, a service call). */
  | 'direct';

/** A target to print beside the ratio: p50 ≤ maxRatio × (sum of the p50s of `baseline`). Never fails the run. */
export interface Budget {
  baseline: string[];
  maxRatio: number;
}

/**
 * Absolute targets for the embedded default (patched FerretDB on SQLite, 2 cores, concurrency 8),
 * printed beside the ratio (issue #11). Never fails the run.
 */
export interface Absolute {
  p50Ms: number;
  p99Ms?: number;
  /**
   * Scenarios whose p50s, added up, are the least this one can take on this machine (its HTTP round
   * trip and its database work alone, or a blank page), all measured in the same run.
   */
  floor?: string[];
}

/** Every command and card action: p50 ≤ 60 ms and p99 ≤ 300 ms. */
export const COMMAND_TARGET: Absolute = { p50Ms: 60, p99Ms: 300 };

export interface PostResult {
  status: number;
  body: unknown;
  /** The activities the bot sent in reply (POSTed to the fake connector with this activity's ID). */
  replies: Array<Record<string, unknown>>;
}

export interface ScenarioContext {
  /** The server under test, e.g. http://127.0.0.1:40123 ('' for direct scenarios). */
  baseUrl: string;
  /** The fake Bot Connector: use it as the activities' serviceUrl ('' for direct scenarios). */
  serviceUrl: string;
  /** The database the server uses (direct scenarios: a fresh one of their own). Seed data here. */
  db: Db;
  /** A short random ID for this run, to keep generated IDs unique. */
  runId: string;
  /**
   * Lists people in a conversation's roster at the fake connector (as the members API returns
   * them), so that the bot knows who reads a group chat.
   */
  setRoster(conversationId: string, users: Array<{ id: string; name: string; aadObjectId: string }>): void;
  /**
   * POSTs an activity to /api/messages and checks that it succeeded and that the fake connector
   * received `replies` replies to it (default 1) before the HTTP response ended. Throws otherwise.
   */
  postActivity(activity: Record<string, unknown>, options?: { replies?: number }): Promise<PostResult>;
}

/** One request; `i` counts from 0 through warm-up and measured requests, so it is unique per run. */
export type RequestFn = (i: number) => Promise<void>;

export interface Scenario {
  /** Short ID used in the table, in results JSON, in budgets and on the command line. */
  name: string;
  description: string;
  target: Target;
  /** The floor every scenario's ratio is printed against. Exactly one scenario has it. */
  floor?: boolean;
  budget?: Budget;
  absolute?: Absolute;
  /**
   * Caps the warm-up and measured requests for a heavy scenario (a cold browser page, a scan of
   * 2,000 events on FerretDB), so the whole run stays a few minutes. The command line can lower it.
   */
  maxRequests?: { warmup: number; requests: number };
  /** Extra app settings (environment variable names, as in .env) for the `app` target. */
  appEnv?: Record<string, string>;
  /** Runs once before warm-up (seed data, pick users) and returns the request function. */
  prepare(context: ScenarioContext): Promise<RequestFn>;
}
