/**
 * Reminder sweep benchmark (issue 4). A one-shot throughput measurement, so it runs on its own
 * rather than in the per-request runner (bench/run.ts measures request latency):
 *
 *   npx tsx bench/reminderSweep.ts [--open 100000] [--due 5000] [--concurrency 8] [--rate 100000]
 *     [--plan-first] [--profile] [--cpu-profile file] [--claim-designs]
 *
 * Seeds `open` accepted agreements of which `due` are overdue today, plans the day, then measures
 *   floor: reading the day's due reminders (the sweep's query) + raw fetch POSTs of the same
 *          messages to the fake connector at the same concurrency and global rate (--rate); the
 *          same with node:http (a stricter bound) is reported beside it;
 *   sweep: one worker tick (claims, botbuilder sends, delivery records, shared rate limiter),
 * from start until the fake connector has accepted every due reminder. Prints peak RSS and the
 * query plans. Uses an embedded FerretDB unless MONGODB_URI is set. See docs/reminders.md.
 *
 * `--claim-designs` then compares, on copies of the day's entries, the insert-only ledger's claims and
 * delivery records with one document per occurrence claimed by `findOneAndUpdate` and marked sent by
 * `updateOne` (docs/reminders.md, "Why the ledger stays insert-only"), with their query plans.
 */
import { caseDeepLink } from '../bot/reminders/links';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { MongoClient, type Db, type Document } from 'mongodb';
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
const CLAIM_DESIGNS = process.argv.includes('--claim-designs');
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

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux; undefined elsewhere). */
function processCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** The SQLite plan lines of FerretDB's explain (or MongoDB's winning plan), in one line. */
async function planOf(db: Db, collection: string, filter: Document): Promise<string> {
  const explain = (await db.collection(collection).find(filter).explain()) as Document;
  const lines = explain.queryPlanner?.Plan;
  const plan = Array.isArray(lines) ? lines.map((line: string) => line.replace(/^.*?detail=/, '')).join(' | ') : JSON.stringify(explain.queryPlanner?.winningPlan ?? explain).slice(0, 200);
  return `pushdown=${String(explain.filterPushdown)} ${plan}`;
}

/**
 * `--claim-designs`: the same occurrences claimed and recorded two ways, at the sweep's concurrency:
 * the insert-only ledger (claims in insertMany batches of 1,000; delivery records ~7 per insertMany,
 * as the group commit writes them) against one document per occurrence (findOneAndUpdate on
 * `{_id, state: 'planned'}`, then updateOne to 'sent'). Both in fresh collections of this database.
 */
async function compareClaimDesigns(db: Db, entries: EntryRecord[]): Promise<Record<string, unknown>> {
  const timed = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    return Math.round(performance.now() - t0);
  };
  const lanes = async <T>(items: T[], run: (item: T) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await run(items[next++]!);
    }));
  };
  const inBatches = async <T>(items: T[], size: number, run: (batch: T[]) => Promise<unknown>) => {
    for (let i = 0; i < items.length; i += size) await run(items.slice(i, i + size));
  };
  const at = new Date();
  const ledger = db.collection<Document>('compare_ledger');
  const documents = db.collection<Document>('compare_documents');
  await documents.createIndex({ state: 1 }, { name: 'compare_by_state' });
  await inBatches(entries, 1_000, (batch) => ledger.insertMany(batch as never[]));
  await inBatches(entries, 1_000, (batch) => documents.insertMany(batch.map((e) => ({ ...e, state: 'planned' })) as never[]));
  const keys = entries.map((e) => e.key);
  const ledgerClaimMs = await timed(() => inBatches(keys, 1_000, (batch) => ledger.insertMany(batch.map((key) => ({ _id: `c|${key}|1`, t: 'c', key, gen: 1, by: 'a', at, until: at })) as never[], { ordered: false })));
  const ledgerCollisionMs = await timed(() => ledger.insertMany(keys.slice(0, 1_000).map((key) => ({ _id: `c|${key}|1`, t: 'c', key, gen: 1, by: 'b', at, until: at })) as never[], { ordered: false }).catch(() => undefined));
  const ledgerSentMs = await timed(() => inBatches(keys, 7, (batch) => ledger.insertMany(batch.map((key) => ({ _id: `s|${key}`, t: 's', key, gen: 1, by: 'a', at, conversationId: 'c', via: 'personal' })) as never[], { ordered: false })));
  const ledgerReadAfterMs = await timed(() => ledger.find({}).toArray());
  let won = 0;
  const documentClaimMs = await timed(() => lanes(entries, async (e) => {
    if (await documents.findOneAndUpdate({ _id: e._id, state: 'planned' } as never, { $set: { state: 'claimed', by: 'a', leaseUntil: at } })) won++;
  }));
  let lost = 0;
  const documentCollisionMs = await timed(() => lanes(entries.slice(0, 1_000), async (e) => {
    if (!(await documents.findOneAndUpdate({ _id: e._id, state: 'planned' } as never, { $set: { state: 'claimed', by: 'b', leaseUntil: at } }))) lost++;
  }));
  const documentSentMs = await timed(() => lanes(entries, (e) => documents.updateOne({ _id: e._id, state: 'claimed', by: 'a' } as never, { $set: { state: 'sent', at } })));
  const documentReadAfterMs = await timed(() => documents.find({ state: 'planned' }).toArray());
  const id = entries[0]?._id ?? 'e|x';
  return {
    occurrences: entries.length,
    ledger: { claimMs: ledgerClaimMs, collision1000Ms: ledgerCollisionMs, sentRecordsMs: ledgerSentMs, readDayAfterMs: ledgerReadAfterMs, records: await ledger.countDocuments({}) },
    documents: { claimMs: documentClaimMs, won, collision1000Ms: documentCollisionMs, lost, sentMs: documentSentMs, readPlannedAfterMs: documentReadAfterMs },
    plans: {
      ledgerDay: await planOf(db, 'compare_ledger', {}),
      ledgerById: await planOf(db, 'compare_ledger', { _id: `s|${keys[0]}` }),
      claim: await planOf(db, 'compare_documents', { _id: id, state: 'planned' }),
      reclaimExpired: await planOf(db, 'compare_documents', { _id: id, state: 'claimed', leaseUntil: { $lt: at } }),
      batchClaimIn: await planOf(db, 'compare_documents', { _id: { $in: [id] }, state: 'planned' }),
      remaining: await planOf(db, 'compare_documents', { state: 'planned' }),
    },
  };
}

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

    const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
    const sender = new ReminderSender({ MicrosoftAppType: 'MultiTenant' }, '');
    const profile = PROFILE ? instrument({ delivery: core.reminders.delivery, sender }) : undefined;
    const worker = new ReminderWorker(core, core.reminders, sender, logger, () => now, {
      leaseMs: 600_000, maxAttempts: 6, backoffBaseMs: 60_000, backoffMaxMs: 3_600_000, batchSize: 1_000, concurrency: CONCURRENCY, ratePerSecond: RATE,
    });
    const cpu = CPU_PROFILE ? await startCpuProfile() : undefined;
    const cpu0 = process.cpuUsage();
    const database0 = processCpuMs(embedded?.pid);
    const s0 = Date.now();
    const report = await worker.tick();
    const sweepMs = Date.now() - s0;
    const cpu1 = process.cpuUsage(cpu0);
    const database1 = processCpuMs(embedded?.pid);
    // CPU used during the sweep: far less sensitive to a busy machine than the wall time.
    const sweepCpu = { benchProcessMs: Math.round((cpu1.user + cpu1.system) / 1000), ferretdbMs: database0 === undefined || database1 === undefined ? undefined : database1 - database0 };
    await cpu?.(CPU_PROFILE!);
    const accepted = connector.sentActivities.length;

    const planExplain = await db.collection('agreements').find({ status: 'accepted', dueDate: { $lte: addDays(TODAY, 14) } }).explain();
    const ledgerExplain = await ledger.find({}).explain();
    const result = {
      backend: process.env.MONGODB_URI ? 'MONGODB_URI' : 'FerretDB v1.24 (SQLite)',
      open: OPEN, openInDb, planning: PLAN_FIRST ? 'before the not-yet-due agreements were inserted (--plan-first)' : 'after seeding', due, concurrency: CONCURRENCY, ratePerSecond: RATE,
      seedMs, planMs, floor: { readMs, fetchPostsMs: fetchMs, httpPostsMs: httpMs }, floorMs, httpFloorMs, sweepMs, ratio: Number((sweepMs / floorMs).toFixed(2)), ratioToHttpFloor: Number((sweepMs / httpFloorMs).toFixed(2)),
      sent: report.sent, acceptedByConnector: accepted, sweepCpu,
      peakRssMb: Math.round(rss.read() / 1e6),
      // The machine is shared: the 1/5/15-minute load averages just before and after the sweep.
      loadAverage: { beforeSweep: loadBefore, afterSweep: loadavg().map((l) => Number(l.toFixed(2))) },
      ...(profile ? { profile: profile() } : {}),
      sweepQuery: { collection: dayCollectionName(TODAY), filter: {}, plan: JSON.stringify(ledgerExplain.queryPlanner ?? ledgerExplain).slice(0, 300) },
      planningQuery: { filter: "{status:'accepted', dueDate:{$lte}}", index: 'agreements_by_status_due', plan: JSON.stringify(planExplain.queryPlanner ?? planExplain).slice(0, 300), filterPushdown: (planExplain as Record<string, unknown>).filterPushdown },
    };
    const claimDesigns = CLAIM_DESIGNS ? await compareClaimDesigns(db, entries.filter((e) => e.t === 'e')) : undefined;
    console.log(JSON.stringify({ ...result, ...(claimDesigns ? { claimDesigns } : {}) }, null, 2));
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
