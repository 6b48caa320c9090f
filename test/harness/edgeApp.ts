import { Writable } from 'node:stream';
import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { startApp, type AppOptions, type RunningApp } from '../../app/server';
import { FakeConnector } from './fakeConnector';
import { testDatabaseName, testMongoUri } from './testApp';

/**
 * The real server for the HTTP edge tests (test/e2e/edge*.test.ts): like startTestApp, but every log
 * line the app writes is kept, so that a test can show that no key or token reached the log.
 */
export interface EdgeApp {
  app: RunningApp;
  connector: FakeConnector;
  /** Every log line so far (JSON, one per entry). */
  logs: string[];
  stop(): Promise<void>;
}

export async function startEdgeApp(
  testFile: string,
  { env = {}, options = {} }: { env?: Record<string, string>; options?: Omit<Partial<AppOptions>, 'config' | 'logger' | 'mongoUri'> } = {},
): Promise<EdgeApp> {
  const connector = await new FakeConnector().start();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', MONGODB_DB: testDatabaseName(testFile), NODE_ENV: 'test', REMINDER_SWEEP_SECONDS: '0', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger(config.LOG_LEVEL, sink);
  const app = await startApp({ ...options, config, logger, mongoUri: testMongoUri() });
  return {
    app,
    connector,
    logs,
    async stop() {
      await app.database.db.dropDatabase().catch(() => undefined);
      await app.close();
      await connector.stop();
    },
  };
}
