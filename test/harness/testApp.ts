import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { startApp, type AppOptions, type RunningApp } from '../../app/server';
import type { Clock } from '../../core/services/caseService';
import { FakeConnector } from './fakeConnector';

export interface PostResult {
  status: number;
  body: unknown;
}

export interface TestApp {
  app: RunningApp;
  connector: FakeConnector;
  dbName: string;
  post(activity: unknown): Promise<PostResult>;
  postRaw(body: string, contentType?: string): Promise<PostResult>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function testMongoUri(): string {
  const uri = process.env.SAMSPIL_TEST_MONGODB_URI;
  if (!uri) throw new Error('SAMSPIL_TEST_MONGODB_URI is not set: run the tests with `npm test`, which starts FerretDB.');
  return uri;
}

/** Each test file gets its own database, named after the file. */
export function testDatabaseName(testFile: string): string {
  return `t_${basename(testFile).replace(/\.test\.ts$/, '').replace(/\W+/g, '_').slice(0, 30)}_${randomUUID().slice(0, 8)}`;
}

/** The real server on a free port, against the real database, with a fake Bot Connector beside it. */
export async function startTestApp(
  testFile: string,
  { env = {}, now, options = {} }: { env?: Record<string, string>; now?: Clock; /** Test hooks such as a fake network for msal-node. */ options?: Omit<Partial<AppOptions>, 'config' | 'logger' | 'mongoUri' | 'now'> } = {},
): Promise<TestApp> {
  const connector = await new FakeConnector().start();
  const dbName = testDatabaseName(testFile);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', MONGODB_DB: dbName, NODE_ENV: 'test', ...env });
  const logger = createLogger(config.LOG_LEVEL);
  const start = () => startApp({ ...options, config, logger, mongoUri: testMongoUri(), now });
  let app = await start();

  const send = async (body: string, contentType: string): Promise<PostResult> => {
    const response = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep text
    }
    return { status: response.status, body: parsed };
  };

  const handle: TestApp = {
    get app() {
      return app;
    },
    connector,
    dbName,
    post: (activity) => send(JSON.stringify(activity), 'application/json'),
    postRaw: (body, contentType = 'application/json') => send(body, contentType),
    async restart() {
      await app.close();
      app = await start();
    },
    async stop() {
      await app.database.db.dropDatabase().catch(() => undefined);
      await app.close();
      await connector.stop();
    },
  };
  return handle;
}
