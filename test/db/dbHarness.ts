import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { MongoClient, MongoServerError, type Db, type Document, type ObjectId } from 'mongodb';

/**
 * Shared set-up for the database conformance suite (test/db). It runs against whatever
 * SAMSPIL_TEST_MONGODB_URI points to: the embedded FerretDB that test/harness/globalSetup.ts
 * starts, or the server named by TEST_MONGODB_URI (MongoDB, Cosmos DB, a stock FerretDB).
 */

/** Concurrent writers in every race: the number of connections a few app instances open at once. */
export const CLIENTS = 20;

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** A fresh database for one test file; dropped again by close(). */
export async function openTestDatabase(testFile: string): Promise<TestDatabase> {
  const uri = process.env.SAMSPIL_TEST_MONGODB_URI;
  if (!uri) throw new Error('SAMSPIL_TEST_MONGODB_URI is not set: run the suite with jest, whose global set-up starts FerretDB (or set TEST_MONGODB_URI).');
  const client = new MongoClient(uri, { maxPoolSize: CLIENTS + 5, serverSelectionTimeoutMS: 10_000, appName: 'samspil-db-conformance' });
  await client.connect();
  const name = `t_db_${basename(testFile).replace(/\.test\.ts$/, '').replace(/\W+/g, '_').slice(0, 20)}_${randomUUID().slice(0, 8)}`;
  const db = client.db(name);
  // Open one connection per writer up front, so every race really runs on CLIENTS connections.
  await Promise.all(Array.from({ length: CLIENTS }, () => db.command({ ping: 1 })));
  return {
    client,
    db,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** Runs `fn(0) … fn(CLIENTS - 1)` at the same time and returns their results in order. */
export function allAtOnce<T>(fn: (worker: number) => Promise<T>, clients = CLIENTS): Promise<T[]> {
  return Promise.all(Array.from({ length: clients }, (_, worker) => fn(worker)));
}

/** Test documents of any shape, with a string, number or ObjectId `_id` (the driver's default assumes ObjectId). */
export type AnyDocument = { _id: string | number | ObjectId; [key: string]: unknown };

export const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === 11000;

export interface PlanVerdict {
  /** True when the plan reads through an index and nowhere scans the whole collection. */
  indexed: boolean;
  /** Which server the explain output came from, as far as its shape tells. */
  engine: 'ferretdb-sqlite' | 'ferretdb-postgresql' | 'mongodb';
  /** The plan in one line, for failure messages. */
  summary: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The first `queryPlanner` found walking the explain output (aggregate explains nest it in a stage). */
function findQueryPlanner(value: unknown, depth = 0): Record<string, unknown> | undefined {
  if (depth > 8 || !value || typeof value !== 'object') return undefined;
  const record = asRecord(value);
  const direct = asRecord(record?.queryPlanner);
  if (direct) return direct;
  for (const child of Object.values(value as Record<string, unknown>)) {
    const found = findQueryPlanner(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Every value of `key` in a nested plan tree. */
function collect(value: unknown, key: string, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, key, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === key && typeof v === 'string') out.push(v);
      else collect(v, key, out);
    }
  }
  return out;
}

/**
 * Reads an explain() result and says whether the query used an index.
 *
 * - FerretDB v1 on SQLite returns SQLite's EXPLAIN QUERY PLAN rows in `queryPlanner.Plan`
 *   ("… detail=SEARCH t USING INDEX i (<expr>=?)" versus "… detail=SCAN t").
 * - FerretDB v1 on PostgreSQL returns PostgreSQL's plan ("Index Scan" versus "Seq Scan").
 * - MongoDB (and Cosmos DB for MongoDB vCore) return stages in `queryPlanner.winningPlan`
 *   (IXSCAN, IDHACK, EXPRESS_IXSCAN … versus COLLSCAN).
 */
export function planVerdict(explain: Document): PlanVerdict {
  const planner = findQueryPlanner(explain);
  if (!planner) throw new Error(`explain output without queryPlanner: ${JSON.stringify(explain).slice(0, 500)}`);

  const sqlitePlan = planner.Plan;
  if (Array.isArray(sqlitePlan) && sqlitePlan.every((line) => typeof line === 'string')) {
    const details = (sqlitePlan as string[]).map((line) => line.replace(/^.*?detail=/, ''));
    const fullScan = details.some((detail) => /^SCAN\b/.test(detail));
    const search = details.some((detail) => /^SEARCH\b.*\bUSING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)\b/.test(detail));
    return { indexed: search && !fullScan, engine: 'ferretdb-sqlite', summary: details.join(' | ') || '(empty plan)' };
  }

  const postgresPlan = asRecord(sqlitePlan);
  if (postgresPlan && typeof postgresPlan['Node Type'] === 'string') {
    const nodes = collect(postgresPlan, 'Node Type');
    const indexed = nodes.some((node) => /Index/.test(node)) && !nodes.includes('Seq Scan');
    return { indexed, engine: 'ferretdb-postgresql', summary: nodes.join(' > ') };
  }

  const winningPlan = planner.winningPlan;
  if (winningPlan && typeof winningPlan === 'object') {
    const stages = collect(winningPlan, 'stage');
    const indexed = stages.some((stage) => /IXSCAN|IDHACK/.test(stage)) && !stages.some((stage) => /COLLSCAN/.test(stage));
    return { indexed, engine: 'mongodb', summary: stages.join(' > ') };
  }

  throw new Error(`unknown explain shape: ${JSON.stringify(planner).slice(0, 500)}`);
}
