import { loadConfig } from '../../app/config';
import { addDays, copenhagenTime, wallClock } from '../../core/domain/dates';
import { createLogger } from '../../app/logger';
import { startApp, type RunningApp } from '../../app/server';
import { FakeConnector } from './fakeConnector';
import { FakeEntra } from './fakeEntra';
import { testDatabaseName, testMongoUri } from './testApp';

/** A clock the test can move: seed data in the past, then look at it from today. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  /** The same time on Copenhagen's clock, `days` calendar days ago (24-hour steps would cross daylight saving). */
  setDaysAgo(days: number): void {
    const real = new Date();
    const { date, minutes } = wallClock(real);
    const then = copenhagenTime(addDays(date, -days), `${Math.floor(minutes / 60)}:${minutes % 60}`);
    this.offsetMs = then.getTime() + (real.getTime() % 60_000) - real.getTime();
  }
  reset(): void {
    this.offsetMs = 0;
  }
}

export interface TabTestApp {
  app: RunningApp;
  entra: FakeEntra;
  connector: FakeConnector;
  clock: TestClock;
  url: string;
  /** Calls the tab API with a Bearer token (or none). */
  api(path: string, options?: { token?: string; method?: string; body?: unknown; locale?: string }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  stop(): Promise<void>;
}

/**
 * The real server against the real database, with the tab pointed at a local fake Entra ID and
 * Graph (msal-node offline), and the fake Bot Connector for the minutes the tab posts.
 */
export async function startTabTestApp(testFile: string, { env = {} }: { env?: Record<string, string> } = {}): Promise<TabTestApp> {
  const entra = await new FakeEntra().start();
  const connector = await new FakeConnector().start();
  const clock = new TestClock();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_DB: testDatabaseName(testFile),
    NODE_ENV: 'test',
    ...entra.env(),
    ...env,
  });
  const app = await startApp({ config, logger: createLogger(config.LOG_LEVEL), mongoUri: testMongoUri(), now: clock.now, tab: { msal: entra.msal() } });

  return {
    app,
    entra,
    connector,
    clock,
    url: app.url,
    async api(path, { token, method = 'GET', body, locale } = {}) {
      const headers: Record<string, string> = {};
      if (token !== undefined) headers.Authorization = `Bearer ${token}`;
      if (locale) headers['Accept-Language'] = locale;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${app.url}/tab/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, text, headers: response.headers };
    },
    async stop() {
      await app.database.db.dropDatabase().catch(() => undefined);
      await app.close();
      await connector.stop();
      await entra.stop();
    },
  };
}
