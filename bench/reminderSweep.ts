/**
 * Reminder sweep benchmark (issue 4). A one-shot throughput measurement, so it runs on its own
 * rather than in the per-request runner (bench/run.ts measures request latency):
 *
 *   npx tsx bench/reminderSweep.ts [--open 100000] [--due 5000] [--concurrency 8] [--rate 100000]
 *     [--plan-first] [--profile] [--cpu-profile file]
 *
 * Seeds `open` accepted agreements of which `due` are overdue today, plans the day, then measures
 *   floor: reading the day's due reminders (the sweep's query) + raw fetch POSTs of the same
 *          messages to the fake connector at the same concurrency and global rate (--rate); the
 *          same with node:http (a stricter bound) is reported beside it;
 *   sweep: one worker tick (claims, botbuilder sends, delivery records, shared rate limiter),
 * from start until the fake connector has accepted every due reminder. Prints peak RSS and the
 * query plans. Uses an embedded FerretDB unless MONGODB_URI is set. See docs/reminders.md.
 */
import { caseDeepLink } from '../bot/reminders/links';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { startEmbeddedFerretdb } from '../app/embeddedFerretdb';
import { createCore } from '../core';
import { ensureIndexes } from '../core/persistence/database';
import { dayCollectionName } from '../core/persistence/reminderRepository';
import { addDays, copenhagenTime } from '../core/reminders/calendar';
import { reminderActivity } from '../bot/reminders/activity';
import { ReminderSender } from '../bot/reminders/sender';
import type { EntryRecord } from '../core/reminders/ledger';
import { ReminderWorker } from '../bot/reminders/worker';
import { FakeConnector } from '../test/harness/fakeConnector';
import { RssPeak } from './load';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const OPEN = arg('open', 100_000);
const DUE = arg('due', 5_000);
const CONCURRENCY = arg('concurrency', 8);
/**
 * Global messages per second, for the sweep (REMINDER_RATE_PER_SECOND) and the floor alike. The
 * production default is 30, which bounds 5,000 reminders at ~167 s whatever the code does; the
 * benchmark measures the code, so by default the budget does not bind (but the sweep still takes
 * its chunks of it from the database, one insert per second).
 */
const RATE = arg('rate', 100_000);
const USERS = 5_000;
const PER_CASE = 50;
const TODAY = '2025-03-06';
const PROFILE = process.argv.includes('--profile');
const PLAN_FIRST = process.argv.includes('--plan-first');
/** `--cpu-profile <file>`: a V8 CPU profile of this process during the sweep (open it in Chrome DevTools). */
const CPU_PROFILE = process.argv.includes('--cpu-profile') ? process.argv[process.argv.indexOf('--cpu-profile') + 1] : undefined;

async function startCpuProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async (file) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * `--profile`: wraps the repository's and the sender's methods to sum the wall time spent in
 * each during the sweep (calls overlap with concurrency, so the sums can exceed the sweep time).
 */
function instrument(targets: Record<string, object>): () => Record<string, { calls: number; ms: number }> {
  const totals: Record<string, { calls: number; ms: number }> = {};
  for (const [label, target] of Object.entries(targets)) {
    const proto = Object.getPrototypeOf(target) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const original = proto[name];
      if (name === 'constructor' || typeof original !== 'function') continue;
      const key = `${label}.${name}`;
      (target as Record<string, unknown>)[name] = (...args: unknown[]) => {
        const started = performance.now();
        const result = (original as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.finally(() => {
          const total = (totals[key] ??= { calls: 0, ms: 0 });
          total.calls += 1;
          total.ms += performance.now() - started;
        });
      };
    }
  }
  return () => Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, { calls: v.calls, ms: Math.round(v.ms) }]));
}

const rss = new RssPeak(20);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'samspil-bench-reminders-'));
  const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedFerretdb({ binary: '.tools/bin/ferretdb', dataDir: dir });
  const client = await MongoClient.connect(process.env.MONGODB_URI ?? embedded!.uri);
  const db = client.db(`bench_reminders_${randomUUID().slice(0, 8)}`);
  const connector = await new FakeConnector().start();
  const now = copenhagenTime(TODAY, '08:00');
  try {
    await ensureIndexes(db);
    const t0 = Date.now();
    const users = Array.from({ length: USERS }, (_, i) => ({ id: `29:user-${i}`, name: `Bruger ${i}` }));
    const caseCount = Math.ceil(OPEN / PER_CASE);
    for (let c = 0; c < caseCount; c += 5_000) {
      const cases = [];
      for (let k = c; k < Math.min(caseCount, c + 5_000); k++) {
        const members = Array.from({ length: 4 }, (_, j) => users[(k * 4 + j) % USERS]!).map((u, j) => ({ userId: u.id, name: u.name, role: j === 0 ? 'caseworker' : 'teacher', status: 'active', addedBy: 'seed', addedAt: now, consent: { state: 'not_needed' } }));
        cases.push({ _id: `case-${k}`, title: `Sag ${k}`, childRef: 'AB', status: 'open', coordinatorId: members[0]!.userId, members, conversation: { conversationId: `19:case-${k}@thread.tacv2`, kind: 'channel', channelId: `19:case-${k}@thread.tacv2`, tenantId: 't' }, createdAt: now, updatedAt: now, version: 1 });
      }
      await db.collection('cases').insertMany(cases as never[], { ordered: false });
    }
    await db.collection('conversations').insertMany(
      users.map((u) => ({ _id: `a:personal-${u.id}`, kind: 'personal', userId: u.id, serviceUrl: connector.url, reference: { channelId: 'msteams', serviceUrl: connector.url, conversation: { id: `a:personal-${u.id}`, conversationType: 'personal' }, bot: { id: '28:samspil-bot' } }, updatedAt: now })) as never[],
    );
    const BATCH = 20_000;
    const step = Math.round(OPEN / DUE);
    const agreement = (j: number) => {
      const kase = Math.floor(j / PER_CASE);
      const owner = users[(kase * 4 + 1 + (j % 3)) % USERS]!;
      // Every (OPEN / DUE)th agreement is overdue; the others are due 3 to 12 months ahead.
      const due = j % step === 0 ? addDays(TODAY, -3) : addDays(TODAY, 90 + (j % 270));
      return { _id: `agr-${j}`, caseId: `case-${kase}`, what: `Aftale nummer ${j} om trivsel og fremmøde`, ownerId: owner.id, ownerName: owner.name, dueDate: due, followUpDate: addDays(due, 14), status: 'accepted', proposedBy: 'seed', proposedByName: 'Seed', createdAt: now, updatedAt: now, history: [], version: 2 };
    };
    const seedAgreements = async (which: (j: number) => boolean) => {
      let docs = [];
      for (let j = 0; j < OPEN; j++) {
        if (!which(j)) continue;
        docs.push(agreement(j));
        if (docs.length === BATCH) {
          await db.collection('agreements').insertMany(docs as never[], { ordered: false });
          docs = [];
        }
      }
      if (docs.length) await db.collection('agreements').insertMany(docs as never[], { ordered: false });
    };
    const core = createCore(db, () => now, { caseLink: caseDeepLink });
    const logger = pino({ level: 'silent' });
    let planMs: number;
    if (PLAN_FIRST) {
      // The planner's queries scan `agreements` on FerretDB v1 (minutes at 1,000,000). The other
      // agreements are due 3 to 12 months ahead and give no reminder today, so planning before
      // they exist writes exactly the same ledger; they are inserted before the sweep.
      await seedAgreements((j) => j % step === 0);
      const p0 = Date.now();
      await core.reminders.ensurePlanned(TODAY, 'bench');
      planMs = Date.now() - p0;
      await seedAgreements((j) => j % step !== 0);
    } else {
      await seedAgreements(() => true);
      const p0 = Date.now();
      await core.reminders.ensurePlanned(TODAY, 'bench');
      planMs = Date.now() - p0;
    }
    const seedMs = Date.now() - t0 - planMs;
    const openInDb = await db.collection('agreements').estimatedDocumentCount();
    const ledger = db.collection(dayCollectionName(TODAY));
    const due = await ledger.countDocuments({ t: 'e' });

    // Floor: the sweep's query (the day's ledger) and raw POSTs of the same messages (the same
    // card, summary and channelData, addressed as the Bot Connector expects), same concurrency,
    // same global rate. The messages are built outside the timer: building them is the app's work.
    const r0 = Date.now();
    const entries = (await ledger.find({}).toArray()) as unknown as EntryRecord[];
    const readMs = Date.now() - r0;
    const messages = entries
      .filter((e) => e.t === 'e')
      .map((entry) => {
        const links = Object.fromEntries(entry.items.flatMap((item) => (item.link ? [[item.caseId, item.link]] : [])));
        const conversationId = entry.to?.conversationId ?? `a:personal-${entry.recipientId}`;
        const activity = { type: 'message', ...reminderActivity('da', entry, entry.items, links), channelId: 'msteams', serviceUrl: connector.url, conversation: { id: conversationId, conversationType: 'personal' }, from: { id: '28:samspil', name: 'Samspil' }, recipient: { id: entry.recipientId, name: entry.recipientName } };
        return { path: `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, body: JSON.stringify(activity) };
      });
    const rawPosts = async (post: (message: (typeof messages)[number]) => Promise<void>): Promise<number> => {
      let next = 0;
      let second = -1;
      let budget = 0;
      const rate = async () => {
        for (;;) {
          const now = Date.now();
          if (Math.floor(now / 1000) !== second) {
            second = Math.floor(now / 1000);
            budget = RATE;
          }
          if (RATE <= 0 || budget-- > 0) return;
          await new Promise((r) => setTimeout(r, (second + 1) * 1000 - now));
        }
      };
      const p0 = Date.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < messages.length) {
            const message = messages[next++]!;
            await rate();
            await post(message);
          }
        }),
      );
      return Date.now() - p0;
    };
    // node:http with keep-alive: the cheapest raw POST in Node 20 here (fetch costs about 2.5× its CPU).
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const base = new URL(connector.url);
    const httpMs = await rawPosts(
      (message) =>
        new Promise<void>((resolve, reject) => {
          const request = httpRequest({ host: base.hostname, port: base.port, path: message.path, method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(message.body) } }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`raw POST ${response.statusCode}`))));
          });
          request.on('error', reject);
          request.end(message.body);
        }),
    );
    agent.destroy();
    connector.reset();
    const fetchMs = await rawPosts(async (message) => {
      const response = await fetch(new URL(message.path, connector.url), { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: message.body });
      if (!response.ok) throw new Error(`raw POST ${response.status}`);
      await response.arrayBuffer();
    });
    // The floor as the issue defines it: the query plus raw POSTs with Node's own HTTP client
    // (fetch). node:http is a stricter bound, reported beside it (see docs/reminders.md).
    const floorMs = readMs + fetchMs;
    const httpFloorMs = readMs + httpMs;
    connector.reset();

    const sender = new ReminderSender({ MicrosoftAppType: 'MultiTenant' }, '');
    const profile = PROFILE ? instrument({ repository: core.reminders.repository, sender }) : undefined;
    const worker = new ReminderWorker(core, core.reminders, sender, logger, () => now, {
      leaseMs: 600_000, maxAttempts: 6, backoffBaseMs: 60_000, backoffMaxMs: 3_600_000, batchSize: 1_000, concurrency: CONCURRENCY, ratePerSecond: RATE,
    });
    const cpu = CPU_PROFILE ? await startCpuProfile() : undefined;
    const s0 = Date.now();
    const report = await worker.tick();
    const sweepMs = Date.now() - s0;
    await cpu?.(CPU_PROFILE!);
    const accepted = connector.sentActivities.length;

    const planExplain = await db.collection('agreements').find({ status: 'accepted', dueDate: { $lte: addDays(TODAY, 14) } }).explain();
    const ledgerExplain = await ledger.find({}).explain();
    const result = {
      backend: process.env.MONGODB_URI ? 'MONGODB_URI' : 'FerretDB v1.24 (SQLite)',
      open: OPEN, openInDb, planning: PLAN_FIRST ? 'before the not-yet-due agreements were inserted (--plan-first)' : 'after seeding', due, concurrency: CONCURRENCY, ratePerSecond: RATE,
      seedMs, planMs, floor: { readMs, fetchPostsMs: fetchMs, httpPostsMs: httpMs }, floorMs, httpFloorMs, sweepMs, ratio: Number((sweepMs / floorMs).toFixed(2)), ratioToHttpFloor: Number((sweepMs / httpFloorMs).toFixed(2)),
      sent: report.sent, acceptedByConnector: accepted,
      peakRssMb: Math.round(rss.read() / 1e6),
      ...(profile ? { profile: profile() } : {}),
      sweepQuery: { collection: dayCollectionName(TODAY), filter: {}, plan: JSON.stringify(ledgerExplain.queryPlanner ?? ledgerExplain).slice(0, 300) },
      planningQuery: { filter: "{status:'accepted', dueDate:{$lte}}", index: 'agreements_by_status_due', plan: JSON.stringify(planExplain.queryPlanner ?? planExplain).slice(0, 300), filterPushdown: (planExplain as Record<string, unknown>).filterPushdown },
    };
    console.log(JSON.stringify(result, null, 2));
    if (accepted !== due || report.sent !== due) throw new Error(`expected ${due} reminders, the connector accepted ${accepted}`);
  } finally {
    rss.stop();
    await connector.stop();
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
