/**
 * `npm run bench [-- [--concurrency N] [--warmup N] [--requests N] [scenario …]]`
 * `npm run bench -- --soak [--soak-minutes N] [--concurrency N]`: the soak run instead (bench/soak.ts).
 *
 * Runs each scenario in bench/scenarios/ against a fresh child process (bench/server.ts), drives
 * it over HTTP with the fake Bot Connector from this process, prints latency, throughput and the
 * child's peak RSS, and writes bench/results/latest.json. Targets are reported, never enforced:
 * the exit code is non-zero only when the bench itself breaks. See docs/bench.md.
 */
import { spawnSync } from 'node:child_process';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedFerretdb, type EmbeddedDatabase } from '../app/embeddedFerretdb';
import { FakeConnector, rosterEntry } from '../test/harness/fakeConnector';
import { runLoad, summarize, type LoadOptions } from './load';
import { CHILD_ENV, type FromChild, type ToChild } from './protocol';
import { loadScenarioFiles, selectScenarios } from './registry';
import { ReplyLedger } from './replies';
import { evaluate, formatTable, type ScenarioResult } from './report';
import type { PostResult, Scenario, ScenarioContext } from './scenario';

const ROOT = join(__dirname, '..');
const REMINDER_SWEEP = 'reminder-sweep';
const DEFAULTS: LoadOptions = { concurrency: 8, warmup: 50, requests: 500 };
const CHILD_START_TIMEOUT_MS = 90_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Ctrl+C must not leave a server, a database process or a temp directory behind. */
const onInterrupt = new Set<() => unknown>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the bench`);
    void Promise.allSettled([...onInterrupt].map(async (cleanup) => cleanup())).finally(() => process.exit(130));
  });
}

function parseArgs(argv: string[]): { options: LoadOptions; names: string[] } {
  const options = { ...DEFAULTS };
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const flag = /^--(concurrency|warmup|requests)(?:=(.*))?$/.exec(arg);
    if (flag) {
      const raw = flag[2] ?? argv[++i];
      const value = Number(raw);
      if (!Number.isInteger(value) || value < (flag[1] === 'warmup' ? 0 : 1)) throw new Error(`--${flag[1]} needs a whole number, got "${raw}"`);
      options[flag[1] as keyof LoadOptions] = value;
    } else if (arg.startsWith('-')) {
      throw new Error(`Unknown option ${arg}. Usage: npm run bench -- [--concurrency N] [--warmup N] [--requests N] [scenario …]`);
    } else {
      names.push(arg);
    }
  }
  return { options, names };
}

/** One scenario's child process, with a small request/answer protocol over IPC. */
class Child {
  private readonly output: string[] = [];
  private waiter?: { type: FromChild['type']; resolve: (m: FromChild) => void; reject: (e: Error) => void };
  private exited = false;
  baseUrl = '';

  private constructor(private readonly proc: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 40));
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.on('message', (message: FromChild) => {
      const waiter = this.waiter;
      if (!waiter) return;
      if (message.type === 'failed') {
        this.waiter = undefined;
        waiter.reject(new Error(message.message));
      } else if (message.type === waiter.type) {
        this.waiter = undefined;
        waiter.resolve(message);
      }
    });
    // A send to a child that just died reports here; the exit handler below rejects the waiter.
    proc.on('error', () => undefined);
    proc.once('exit', (code, signal) => {
      this.exited = true;
      this.waiter?.reject(new Error(`the bench server exited (${signal ?? code}). Its last output:\n${this.output.join('\n')}`));
      this.waiter = undefined;
    });
  }

  static async start(scenario: Scenario, env: Record<string, string>): Promise<Child> {
    const proc = fork(join(__dirname, 'server.ts'), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF] : [])],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const child = new Child(proc);
    const kill = () => proc.kill('SIGKILL');
    onInterrupt.add(kill);
    proc.once('exit', () => onInterrupt.delete(kill));
    const ready = await child.waitFor('ready', CHILD_START_TIMEOUT_MS, `starting the ${scenario.target} server`);
    if (ready.type === 'ready') child.baseUrl = ready.baseUrl;
    return child;
  }

  waitFor<T extends FromChild['type']>(type: T, timeoutMs: number, what: string): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`the bench server is gone. Its last output:\n${this.output.join('\n')}`));
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`timed out ${what}. Last output of the bench server:\n${this.output.join('\n')}`));
      }, timeoutMs);
      this.waiter = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<FromChild, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  ask<T extends FromChild['type']>(message: ToChild, answer: T, timeoutMs = 10_000): Promise<Extract<FromChild, { type: T }>> {
    const waiting = this.waitFor(answer, timeoutMs, `waiting for "${answer}"`);
    if (this.proc.connected) this.proc.send(message, (error) => error && this.waiter?.reject(error));
    return waiting;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    if (this.proc.connected) this.proc.send({ type: 'stop' } satisfies ToChild);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

function machine() {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  const cpu = cpus();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpu.length, cpuModel: cpu[0]?.model, totalMemoryMb: Math.round(totalmem() / 1024 / 1024), commit };
}

/** Other work on the machine skews every number; say so rather than let it pass unnoticed. */
function loadNote(): string {
  const [oneMinute = 0] = loadavg();
  const n = cpus().length;
  return oneMinute > n * 0.75 ? ` | note: the machine is busy (load ${oneMinute.toFixed(1)} on ${n} CPUs), numbers will be noisy` : '';
}

async function runScenario(
  scenario: Scenario,
  options: LoadOptions,
  file: string,
  shared: { mongoUri: string; client: MongoClient; connector: FakeConnector; ledger: ReplyLedger; runId: string },
): Promise<ScenarioResult> {
  const dbName = `bench_${shared.runId}_${scenario.name}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
  const base = {
    name: scenario.name,
    description: scenario.description,
    target: scenario.target,
    floor: !!scenario.floor,
    budget: scenario.budget,
    absolute: scenario.absolute,
    loadAverageAtStart: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
  const child = await Child.start(scenario, {
    [CHILD_ENV.scenarioFile]: file,
    [CHILD_ENV.mongoUri]: shared.mongoUri,
    [CHILD_ENV.dbName]: dbName,
    [CHILD_ENV.runId]: shared.runId,
  });
  try {
    let load;
    let peakRss: number;
    if (scenario.target === 'direct') {
      const answer = await child.ask({ type: 'run', options }, 'result', 15 * 60_000);
      load = answer.result;
      peakRss = answer.peakRss;
    } else {
      const context: ScenarioContext = {
        baseUrl: child.baseUrl,
        serviceUrl: shared.connector.url,
        db: shared.client.db(dbName),
        runId: shared.runId,
        postActivity: (activity, postOptions) => postActivity(child.baseUrl, shared.ledger, activity, postOptions?.replies ?? 1),
        setRoster: (conversationId, users) => shared.connector.setRoster(conversationId, users.map((u) => rosterEntry(u))),
      };
      const request = await scenario.prepare(context);
      load = await runLoad(request, options, async () => {
        await child.ask({ type: 'resetPeak' }, 'peakReset');
      });
      peakRss = (await child.ask({ type: 'readPeak' }, 'peak')).rss;
    }
    return {
      ...base,
      requests: load.latencies.length,
      errors: load.errors,
      warmupErrors: load.warmupErrors,
      firstError: load.firstError,
      latencyMs: summarize(load.latencies),
      throughputPerSecond: load.latencies.length / (load.durationMs / 1000),
      peakRssBytes: peakRss,
    };
  } finally {
    await child.stop();
    shared.ledger.clear();
    await shared.client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
  }
}

/**
 * The latency of a bot request is the /api/messages round trip. CloudAdapter sends the reply
 * during the turn and answers the POST only after the turn, so the reply has reached the
 * connector by then; this checks that for every request instead of assuming it.
 */
async function postActivity(baseUrl: string, ledger: ReplyLedger, activity: Record<string, unknown>, replies: number): Promise<PostResult> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(activity),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status < 200 || response.status >= 300) throw new Error(`/api/messages answered ${response.status}: ${text.slice(0, 300)}`);
  const received = ledger.take(String(activity.id));
  if (received.length < replies) {
    throw new Error(`expected ${replies} reply(ies) at the fake connector before the HTTP response ended, found ${received.length}`);
  }
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, replies: received };
}

async function main(): Promise<number> {
  if (process.argv.includes('--soak')) return (await import('./soak')).runSoak(process.argv.slice(2), onInterrupt, () => interrupted);
  const { options, names } = parseArgs(process.argv.slice(2));
  const entries = await loadScenarioFiles();
  const fileOf = new Map(entries.map((e) => [e.scenario, e.file]));
  const scenarioNames = names.filter((name) => name !== REMINDER_SWEEP);
  const onlySweep = names.length > 0 && scenarioNames.length === 0;
  const scenarios = onlySweep
    ? []
    : selectScenarios(
        entries.map((e) => e.scenario),
        scenarioNames,
      );
  const runId = randomUUID().slice(0, 8);
  const startedAt = Date.now();

  let embedded: EmbeddedDatabase | undefined;
  let tempDir: string | undefined;
  // Only an explicit MONGODB_URI in the environment (not .env): the bench creates and drops databases.
  let mongoUri = process.env.MONGODB_URI;
  let databaseLabel = 'MONGODB_URI';
  if (!mongoUri) {
    tempDir = mkdtempSync(join(tmpdir(), 'samspil-bench-db-'));
    embedded = await startEmbeddedFerretdb({ binary: join(ROOT, '.tools', 'bin', 'ferretdb'), dataDir: tempDir });
    mongoUri = embedded.uri;
    const [database, dir] = [embedded, tempDir];
    onInterrupt.add(async () => {
      await database.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    databaseLabel = 'embedded FerretDB (SQLite, temp dir)';
  }

  const client = await new MongoClient(mongoUri, { appName: 'samspil-bench-runner' }).connect();
  const connector = await new FakeConnector().start();
  const ledger = new ReplyLedger(connector);
  const results: ScenarioResult[] = [];
  let broken = false;
  try {
    const buildInfo = await client
      .db('admin')
      .command({ buildInfo: 1 })
      .catch(() => ({}) as Record<string, unknown>);
    const loadBefore = loadavg();
    console.log(
      `Bench: ${scenarios.map((s) => s.name).join(', ')} | concurrency ${options.concurrency}, ${options.warmup} warm-up + ${options.requests} measured requests each | ${databaseLabel}${loadNote()}`,
    );
    for (const scenario of scenarios) {
      if (interrupted) break;
      const started = Date.now();
      process.stdout.write(`  ${scenario.name} (${scenario.target}) … `);
      try {
        const capped = scenario.maxRequests
          ? { ...options, warmup: Math.min(options.warmup, scenario.maxRequests.warmup), requests: Math.min(options.requests, scenario.maxRequests.requests) }
          : options;
        const result = await runScenario(scenario, capped, fileOf.get(scenario) ?? '', { mongoUri, client, connector, ledger, runId });
        results.push(result);
        if (result.errors || result.warmupErrors) broken = true;
        console.log(
          `p50 ${result.latencyMs.p50.toFixed(2)} ms in ${((Date.now() - started) / 1000).toFixed(1)} s` +
            (result.errors || result.warmupErrors ? ` – ${result.errors + result.warmupErrors} requests failed, first: ${result.firstError}` : ''),
        );
      } catch (error) {
        if (interrupted) break;
        broken = true;
        const message = error instanceof Error ? error.message : String(error);
        console.log(`FAILED\n${message}`);
        results.push({
          name: scenario.name,
          description: scenario.description,
          target: scenario.target,
          floor: !!scenario.floor,
          budget: scenario.budget,
          requests: 0,
          errors: 0,
          warmupErrors: 0,
          latencyMs: summarize([]),
          throughputPerSecond: 0,
          peakRssBytes: 0,
          failed: message,
        });
      }
    }

    // An interrupted run keeps the last complete results file.
    if (interrupted) return 130;
    const evaluated = evaluate(results);
    console.log(`\n${formatTable(evaluated)}\n`);
    console.log('Latency: POST /api/messages until its response, which ends after the bot’s reply reached the fake connector (checked on every request).');
    console.log('Peak RSS: the child process running the target, during the measured requests. Targets are reported only; they never fail the run.');
    console.log('Floors: the p50s of the scenarios a target cannot beat here (its HTTP round trip and its database work alone, or a blank page), added up from this run.');

    const out = join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const file = join(out, 'latest.json');
    const database = {
      kind: databaseLabel,
      version: (buildInfo as Record<string, unknown>).version,
      ferretdbVersion: (buildInfo as Record<string, unknown>).ferretdbVersion,
    };
    const notes = {
      latency: 'milliseconds from POSTing the activity to /api/messages until its response ended; the bot reply had reached the fake connector by then (checked per request)',
      peakRss: 'bytes; the child process running the target (for direct scenarios it also runs the requests), sampled every 20 ms during the measured phase',
    };
    const round = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value);
    const loadAverage = { before: loadBefore.map((x) => Number(x.toFixed(2))), after: loadavg().map((x) => Number(x.toFixed(2))) };
    const reminderSweep = names.length === 0 || names.includes(REMINDER_SWEEP) ? runReminderSweep() : undefined;
    const durationSeconds = Math.round((Date.now() - startedAt) / 1000);
    const report = { generatedAt: new Date().toISOString(), durationSeconds, settings: options, machine: { ...machine(), loadAverage }, database, notes, scenarios: evaluated, reminderSweep };
    writeFileSync(file, `${JSON.stringify(report, round, 2)}\n`);
    console.log(`Wrote ${relative(process.cwd(), file)} (whole run: ${durationSeconds} s)`);
  } finally {
    await connector.stop();
    await client.close();
    await embedded?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
  return broken ? 1 : 0;
}

/**
 * The reminder sweep is one batch, not a stream of requests, so it runs as its own program
 * (bench/reminderSweep.ts: 100,000 open agreements, 5,000 due) and its result joins the report.
 */
function runReminderSweep(): Record<string, unknown> | undefined {
  console.log(`\n${REMINDER_SWEEP}: 100,000 open agreements, 5,000 due (bench/reminderSweep.ts) …`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'reminderSweep.ts'), '--open', '100000', '--due', '5000', '--plan-first'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const json = /\{[\s\S]*\}\s*$/.exec(child.stdout ?? '')?.[0];
  if (child.status !== 0 || !json) {
    console.log(`  failed: ${(child.stderr ?? '').trim().split('\n').pop() ?? 'no output'}`);
    return undefined;
  }
  const result = JSON.parse(json) as Record<string, number>;
  const target = (result.ratio ?? Infinity) <= 1.5 ? 'pass' : 'miss';
  console.log(`  floor ${result.floorMs} ms, sweep ${result.sweepMs} ms: ${result.ratio}× floor (≤ 1.5×) ${target}; ${result.ratioToHttpFloor}× the node:http floor (${result.httpFloorMs} ms); peak RSS ${result.peakRssMb} MB`);
  return result;
}

main().then(
  (code) => {
    if (!interrupted) process.exit(code);
  },
  (error: unknown) => {
    if (interrupted) return;
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
