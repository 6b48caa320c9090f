/**
 * `npm run bench -- --soak [--soak-minutes N] [--concurrency N]`
 *
 * A soak run, apart from the default bench: the real app in a child process (bench/server.ts, as the
 * bench runs it) under N minutes (default 10) of mixed traffic at concurrency 16 (default): help, new
 * case, case, observe + observation submit, agree + agreement submit + accept, timeline, and tab API
 * reads with development tokens. It reports errors and the child's RSS growth after warm-up, and writes
 * bench/results/soak.json. Targets: 0 errors, RSS growth < 10 % after warm-up (reported, never enforced);
 * the exit code is non-zero when a request failed. See docs/bench.md.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Scenario } from './scenario';

// Only types at the top: the child process imports this file for `scenario` below, and must not load
// the runner's modules (the fake connector, the driver) into the process whose RSS is measured.

/** What the child process (bench/server.ts) runs: the app, with development tokens for the tab API. */
export const scenario: Scenario = {
  name: 'soak',
  description: 'mixed bot and tab traffic for minutes (npm run bench -- --soak)',
  target: 'app',
  appEnv: { TAB_AUTH_MODE: 'dev' },
  prepare: () => Promise.reject(new Error('the soak run drives its own traffic (bench/soak.ts runSoak)')),
};

const ROOT = join(__dirname, '..');
const REQUEST_TIMEOUT_MS = 30_000;
const RSS_SAMPLE_MS = 5_000;
const GC_PROBE_MS = 60_000;
/** Each worker moves to a fresh case after this many rounds, so no case grows without bound. */
const ROUNDS_PER_CASE = 25;

interface SoakOptions {
  minutes: number;
  concurrency: number;
}

function parseSoakArgs(argv: string[]): SoakOptions {
  const options: SoakOptions = { minutes: 10, concurrency: 16 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--soak') continue;
    const flag = /^--(soak-minutes|concurrency)(?:=(.*))?$/.exec(arg);
    if (!flag) throw new Error(`Unknown option ${arg}. Usage: npm run bench -- --soak [--soak-minutes N] [--concurrency N]`);
    const raw = flag[2] ?? argv[++i];
    const value = Number(raw);
    if (flag[1] === 'soak-minutes') {
      if (!Number.isFinite(value) || value <= 0 || value > 24 * 60) throw new Error(`--soak-minutes needs a number of minutes, got "${raw}"`);
      options.minutes = value;
    } else {
      if (!Number.isInteger(value) || value < 1 || value > 256) throw new Error(`--concurrency needs a whole number from 1 to 256, got "${raw}"`);
      options.concurrency = value;
    }
  }
  return options;
}

type FromChild = { type: string; baseUrl?: string; rss?: number; message?: string; memory?: NodeJS.MemoryUsage };

/**
 * Loaded into the app's process before bench/server.ts: on request, a full garbage collection and the
 * memory figures after it, so that growth of live memory can be told from garbage not yet collected.
 */
const GC_PROBE = `data:text/javascript,${encodeURIComponent(
  "process.on('message', (m) => { if (m && m.type === 'soak-gc') { globalThis.gc(); process.send({ type: 'soak-gc-done', memory: process.memoryUsage() }); } });",
)}`;

/** The child process running the app, and its RSS over IPC (the bench's resetPeak/readPeak protocol). */
async function startChild(
  env: Record<string, string>,
  onInterrupt: Set<() => unknown>,
): Promise<{ proc: ChildProcess; baseUrl: string; rss(): Promise<number>; afterGc(): Promise<NodeJS.MemoryUsage>; stop(): Promise<void> }> {
  const { fork } = await import('node:child_process');
  const proc = fork(join(__dirname, 'server.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx', '--expose-gc', '--import', GC_PROBE], env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 40));
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.on('error', () => undefined);
  const kill = () => proc.kill('SIGKILL');
  onInterrupt.add(kill);
  proc.once('exit', () => onInterrupt.delete(kill));

  const next = (type: string, timeoutMs: number) =>
    new Promise<FromChild>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for "${type}" from the app. Its last output:\n${output.join('\n')}`)), timeoutMs);
      const onMessage = (message: FromChild) => {
        if (message.type === 'failed') done(new Error(message.message));
        else if (message.type === type) done(undefined, message);
      };
      const onExit = () => done(new Error(`the app exited. Its last output:\n${output.join('\n')}`));
      const done = (error?: Error, message?: FromChild) => {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        if (error) reject(error);
        else resolve(message!);
      };
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });

  const ready = await next('ready', 90_000);
  return {
    proc,
    baseUrl: ready.baseUrl ?? '',
    async rss() {
      // The peak since a reset just now is the current RSS.
      const reset = next('peakReset', 10_000);
      proc.send({ type: 'resetPeak' });
      await reset;
      const peak = next('peak', 10_000);
      proc.send({ type: 'readPeak' });
      return (await peak).rss ?? 0;
    },
    async afterGc() {
      const done = next('soak-gc-done', 30_000);
      proc.send({ type: 'soak-gc' });
      return (await done).memory!;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      if (proc.connected) proc.send({ type: 'stop' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

export async function runSoak(argv: string[], onInterrupt: Set<() => unknown>, interrupted: () => boolean): Promise<number> {
  const options = parseSoakArgs(argv);
  const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { loadavg, tmpdir, cpus } = await import('node:os');
  const { performance } = await import('node:perf_hooks');
  const { MongoClient } = await import('mongodb');
  const { startEmbeddedFerretdb } = await import('../app/embeddedFerretdb');
  const { FakeConnector } = await import('../test/harness/fakeConnector');
  const { cardAction, channelId, channelMessage, personalMessage } = await import('../test/harness/activities');
  const { seedCase } = await import('./seedCase');
  const { devToken } = await import('./scenarios/tabOverview');
  const { addDays, copenhagenDate } = await import('../core/domain/dates');
  const { t } = await import('../core/i18n');
  const { CHILD_ENV } = await import('./protocol');

  const runId = randomUUID().slice(0, 8);
  const durationMs = options.minutes * 60_000;
  // Warm-up: a fifth of the run, at least 20 s and at most a minute; RSS growth is measured after it.
  const warmupMs = Math.min(60_000, Math.max(20_000, durationMs / 5));
  const internalError = [t('da', 'error.internal'), t('en', 'error.internal')];

  let tempDir: string | undefined;
  let embedded: Awaited<ReturnType<typeof startEmbeddedFerretdb>> | undefined;
  let mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) {
    tempDir = mkdtempSync(join(tmpdir(), 'samspil-soak-db-'));
    embedded = await startEmbeddedFerretdb({ binary: join(ROOT, '.tools', 'bin', 'ferretdb'), dataDir: tempDir });
    mongoUri = embedded.uri;
    const [database, dir] = [embedded, tempDir];
    onInterrupt.add(async () => {
      await database.stop();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  const dbName = `bench_${runId}_soak`;
  const client = await new MongoClient(mongoUri, { appName: 'samspil-soak-runner' }).connect();
  const db = client.db(dbName);
  const connector = await new FakeConnector().start();
  const here = join(__dirname, 'soak.ts');
  const child = await startChild({ [CHILD_ENV.scenarioFile]: here, [CHILD_ENV.mongoUri]: mongoUri, [CHILD_ENV.dbName]: dbName, [CHILD_ENV.runId]: runId }, onInterrupt);
  const serviceUrl = connector.url;

  /** Connector calls by conversation (without ;messageid=…), taken out of the connector as they come. */
  const inbox = new Map<string, Array<Record<string, unknown>>>();
  const callsFor = (conversationId: string) => {
    for (const call of connector.calls.splice(0)) {
      if (!call.conversationId) continue; // createConversation and the like: no request waits for them
      const key = call.conversationId.split(';messageid=')[0]!;
      const list = inbox.get(key) ?? [];
      list.push(call.body);
      inbox.set(key, list);
    }
    const key = conversationId.split(';messageid=')[0]!;
    const found = inbox.get(key) ?? [];
    inbox.delete(key);
    return found;
  };

  interface Outcome {
    status: number;
    body: any;
    sent: Array<Record<string, unknown>>;
  }
  const post = async (activity: Record<string, any>): Promise<Outcome> => {
    const response = await fetch(`${child.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`/api/messages answered ${response.status}: ${text.slice(0, 200)}`);
    const sent = callsFor(String(activity.conversation.id));
    const all = JSON.stringify(sent);
    if (internalError.some((message) => all.includes(message))) throw new Error(`the bot answered with its internal error message to "${activity.text ?? activity.value?.action?.verb}"`);
    return { status: response.status, body: text ? JSON.parse(text) : undefined, sent };
  };
  const expectReply = (outcome: Outcome, what: string) => {
    if (outcome.sent.length === 0) throw new Error(`${what}: no reply reached the connector`);
  };
  const expectInvokeOk = (outcome: Outcome, what: string) => {
    if (outcome.body?.statusCode !== 200) throw new Error(`${what}: invoke answered ${JSON.stringify(outcome.body).slice(0, 200)}`);
  };
  /** The form ID a form card carries, when the bot issues them; any fresh UUID where it does not. */
  const formIdIn = (outcome: Outcome) => /"formId":"([0-9a-f-]{36})"/.exec(JSON.stringify(outcome.sent))?.[1] ?? randomUUID();
  const tabGet = async (path: string, token: string) => {
    const response = await fetch(`${child.baseUrl}/tab/api${path}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /tab/api${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };

  type Seeded = Awaited<ReturnType<typeof seedCase>>;
  const today = copenhagenDate(new Date());
  /** One worker's round: every kind of request once, on the worker's own case. */
  const round = (kase: Seeded, n: number): Array<[string, () => Promise<void>]> => {
    const conversationId = `${kase.channel};messageid=1`;
    const caseId = kase.kase._id;
    const what = `Soak-aftale ${runId}-${n}: ugentlig samtale om trivsel`;
    let observeForm = '';
    let agreeForm = '';
    return [
      ['help', async () => expectReply(await post(personalMessage('help', { serviceUrl, from: kase.coordinator })), 'help')],
      ['new-case', async () => expectReply(await post(channelMessage(`ny sag Soak ${n} / AB`, { serviceUrl, from: kase.coordinator, channel: channelId('soak-new') })), 'new case')],
      ['case', async () => expectReply(await post(channelMessage('sag', { serviceUrl, from: kase.teacher, channel: kase.channel })), 'case')],
      [
        'observe',
        async () => {
          observeForm = formIdIn(await post(channelMessage('observation', { serviceUrl, from: kase.teacher, channel: kase.channel })));
        },
      ],
      [
        'observation-submit',
        async () => {
          const data = { caseId, formId: observeForm || randomUUID(), area: 'child_school', level: 'yellow', sosColumn: 'worries', text: `Soak ${n}: trækker sig i frikvartererne.` };
          expectInvokeOk(await post(cardAction('observation.submit', data, { serviceUrl, from: kase.teacher, conversationId })), 'observation.submit');
        },
      ],
      [
        'agree',
        async () => {
          agreeForm = formIdIn(await post(channelMessage('aftale', { serviceUrl, from: kase.teacher, channel: kase.channel })));
        },
      ],
      [
        'agreement-submit',
        async () => {
          const data = { caseId, formId: agreeForm || randomUUID(), what, ownerId: kase.teacher.id, dueDate: addDays(today, 14), followUpDate: addDays(today, 21) };
          expectInvokeOk(await post(cardAction('agreement.submit', data, { serviceUrl, from: kase.teacher, conversationId })), 'agreement.submit');
        },
      ],
      [
        'agreement-accept',
        async () => {
          const agreement = await db.collection<{ _id: string }>('agreements').findOne({ caseId, what }, { projection: { _id: 1 } });
          if (!agreement) throw new Error('agreement-accept: the submitted agreement is not in the database');
          expectInvokeOk(await post(cardAction('agreement.accept', { caseId, agreementId: agreement._id }, { serviceUrl, from: kase.parent, conversationId })), 'agreement.accept');
        },
      ],
      ['timeline', async () => expectReply(await post(channelMessage('tidslinje', { serviceUrl, from: kase.teacher, channel: kase.channel })), 'timeline')],
      [
        'tab-overview',
        async () => {
          const token = devToken(kase.coordinator.aadObjectId, kase.coordinator.name);
          await tabGet('/cases', token);
          await tabGet(`/cases/${caseId}/overview`, token);
        },
      ],
    ];
  };

  const stats = new Map<string, { latencies: number[]; errors: number }>();
  const perMinute: Array<{ requests: number; errors: number; latencies: number[] }> = [];
  let firstError: string | undefined;
  let errors = 0;
  const samples: Array<{ atSeconds: number; rssMb: number }> = [];
  /** After a forced full GC: at the end of warm-up, every minute after it, and at the end. */
  const gcSamples: Array<{ atSeconds: number; rssMb: number; heapUsedMb: number; externalMb: number }> = [];
  const probe = async () => {
    const memory = await child.afterGc();
    gcSamples.push({ atSeconds: Math.round((performance.now() - started) / 1000), rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed), externalMb: mb(memory.external) });
  };

  console.log(
    `Soak: ${options.minutes} min of mixed traffic at concurrency ${options.concurrency} (warm-up ${Math.round(warmupMs / 1000)} s) | ${embedded ? 'embedded FerretDB (SQLite, temp dir)' : 'MONGODB_URI'} | load ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs`,
  );
  const started = performance.now();
  const deadline = started + durationMs;
  let result = 0;
  try {
    const sampler = (async () => {
      while (performance.now() < deadline && !interrupted()) {
        const rss = await child.rss();
        samples.push({ atSeconds: Math.round((performance.now() - started) / 1000), rssMb: mb(rss) });
        const minute = Math.floor((performance.now() - started) / 60_000);
        const now = perMinute[minute];
        const line = `  ${Math.round((performance.now() - started) / 1000)} s: RSS ${mb(rss)} MB, ${[...stats.values()].reduce((s, x) => s + x.latencies.length, 0)} requests, ${errors} errors${now?.latencies.length ? `, p50 this minute ${percentile([...now.latencies].sort((a, b) => a - b), 50).toFixed(1)} ms` : ''}`;
        // A terminal gets one updating line; a log file a line every 30 s.
        if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
        else if (samples.length % 6 === 1) console.log(line);
        const elapsed = performance.now() - started;
        if (elapsed >= warmupMs && (gcSamples.length === 0 || elapsed - gcSamples.at(-1)!.atSeconds * 1000 >= GC_PROBE_MS)) await probe();
        await new Promise((r) => setTimeout(r, RSS_SAMPLE_MS));
      }
    })();

    const worker = async (w: number) => {
      let kase = await seedCase(db, `soak-${w}`);
      for (let n = 0; performance.now() < deadline && !interrupted(); n++) {
        if (n > 0 && n % ROUNDS_PER_CASE === 0) kase = await seedCase(db, `soak-${w}-${n}`);
        for (const [name, request] of round(kase, w * 1_000_000 + n)) {
          if (performance.now() >= deadline || interrupted()) break;
          const begun = performance.now();
          const minute = Math.floor((begun - started) / 60_000);
          perMinute[minute] ??= { requests: 0, errors: 0, latencies: [] };
          const entry = stats.get(name) ?? { latencies: [], errors: 0 };
          stats.set(name, entry);
          try {
            await request();
            const ms = performance.now() - begun;
            entry.latencies.push(ms);
            perMinute[minute]!.latencies.push(ms);
            perMinute[minute]!.requests++;
          } catch (error) {
            entry.errors++;
            errors++;
            perMinute[minute]!.errors++;
            firstError ??= `${name}: ${error instanceof Error ? error.message : String(error)}`;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
    await sampler;
    if (interrupted()) return 130;
    samples.push({ atSeconds: Math.round((performance.now() - started) / 1000), rssMb: mb(await child.rss()) });
    await probe();
    if (process.stdout.isTTY) process.stdout.write('\n');

    // The RSS after warm-up is taken after the first forced GC, so that both ends have had one.
    const after = samples.filter((s) => s.atSeconds > (gcSamples[0]?.atSeconds ?? warmupMs / 1000));
    const atWarm = after.slice(0, 3).map((s) => s.rssMb);
    const atEnd = samples.slice(-3).map((s) => s.rssMb);
    const rssAfterWarmup = median(atWarm);
    const rssAtEnd = median(atEnd);
    const growth = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;
    const growthPercent = growth(rssAfterWarmup, rssAtEnd);
    const [gcFirst, gcLast] = [gcSamples[0]!, gcSamples.at(-1)!];
    const afterGc = {
      rssMb: { afterWarmup: gcFirst.rssMb, atEnd: gcLast.rssMb, growthPercent: growth(gcFirst.rssMb, gcLast.rssMb) },
      heapUsedMb: { afterWarmup: gcFirst.heapUsedMb, atEnd: gcLast.heapUsedMb, growthPercent: growth(gcFirst.heapUsedMb, gcLast.heapUsedMb) },
      samples: gcSamples,
    };
    const total = [...stats.values()].reduce((s, x) => s + x.latencies.length, 0);
    const byRequest = Object.fromEntries(
      [...stats.entries()].map(([name, s]) => {
        const sorted = [...s.latencies].sort((a, b) => a - b);
        return [name, { requests: sorted.length, errors: s.errors, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) }];
      }),
    );
    const minutes = perMinute.map((m, i) => ({ minute: i + 1, requests: m.requests, errors: m.errors, p50: percentile([...m.latencies].sort((a, b) => a - b), 50) }));

    console.log(`\n${'request'.padEnd(20)}${'count'.padStart(8)}${'errors'.padStart(8)}${'p50 ms'.padStart(10)}${'p95 ms'.padStart(10)}${'p99 ms'.padStart(10)}`);
    for (const [name, s] of Object.entries(byRequest)) {
      console.log(`${name.padEnd(20)}${String(s.requests).padStart(8)}${String(s.errors).padStart(8)}${s.p50.toFixed(1).padStart(10)}${s.p95.toFixed(1).padStart(10)}${s.p99.toFixed(1).padStart(10)}`);
    }
    console.log(`\nPer minute (requests / errors / p50 ms): ${minutes.map((m) => `${m.requests}/${m.errors}/${m.p50.toFixed(1)}`).join('  ')}`);
    console.log(`Requests: ${total} in ${(durationMs / 60_000).toFixed(1)} min (${(total / (durationMs / 1000)).toFixed(1)}/s), errors: ${errors}${firstError ? ` – first: ${firstError}` : ''}`);
    console.log(
      `RSS of the app: ${rssAfterWarmup} MB after warm-up → ${rssAtEnd} MB at the end (${growthPercent >= 0 ? '+' : ''}${growthPercent} %, target < 10 %: ${growthPercent < 10 ? 'pass' : 'miss'}); peak ${Math.max(...samples.map((s) => s.rssMb))} MB`,
    );
    console.log(
      `After a forced full GC: RSS ${afterGc.rssMb.afterWarmup} → ${afterGc.rssMb.atEnd} MB (${afterGc.rssMb.growthPercent} %), live heap ${afterGc.heapUsedMb.afterWarmup} → ${afterGc.heapUsedMb.atEnd} MB (${afterGc.heapUsedMb.growthPercent} %)`,
    );
    console.log(`Errors: target 0: ${errors === 0 ? 'pass' : 'miss'}`);

    const out = join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const file = join(out, 'soak.json');
    const report = {
      generatedAt: new Date().toISOString(),
      settings: { minutes: options.minutes, concurrency: options.concurrency, warmupSeconds: warmupMs / 1000, roundsPerCase: ROUNDS_PER_CASE },
      machine: { node: process.version, cpus: cpus().length, loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))) },
      database: embedded ? 'embedded FerretDB (SQLite, temp dir)' : 'MONGODB_URI',
      requests: total,
      errors,
      firstError,
      rssMb: { afterWarmup: rssAfterWarmup, atEnd: rssAtEnd, growthPercent, peak: Math.max(...samples.map((s) => s.rssMb)), samples },
      afterGc,
      byRequest,
      perMinute: minutes,
    };
    writeFileSync(file, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v), 2)}\n`);
    console.log(`Wrote bench/results/soak.json`);
    result = errors > 0 ? 1 : 0;
  } finally {
    await child.stop();
    await client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
    await connector.stop();
    await embedded?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
  return result;
}
