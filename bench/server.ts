/**
 * Child process of `npm run bench`: runs one scenario's target (echo bot, the app, or the
 * scenario itself for `direct`) so that its RSS is measured apart from the load generator.
 * Started by bench/run.ts with an IPC channel; not meant to be run by hand.
 */
import { loadConfig } from '../app/config';
import { createLogger } from '../app/logger';
import { RssPeak, runLoad } from './load';
import { CHILD_ENV, type FromChild, type ToChild } from './protocol';
import { loadScenarioFile } from './registry';
import type { ScenarioContext } from './scenario';

// Everything heavier (the app, the echo bot, the driver) is imported only by the target that
// needs it, so that the echo floor's RSS does not include the app's modules.

const rss = new RssPeak();

function send(message: FromChild): void {
  process.send?.(message);
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: bench/server.ts is started by bench/run.ts.`);
  return value;
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/server.ts needs an IPC channel: run `npm run bench` instead.');
  // If the runner goes away, so do we.
  process.on('disconnect', () => process.exit(0));

  const scenario = await loadScenarioFile(env(CHILD_ENV.scenarioFile));
  const mongoUri = env(CHILD_ENV.mongoUri);
  const dbName = env(CHILD_ENV.dbName);

  // Only what the target needs, and nothing from the developer's .env.
  const config = loadConfig({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', MONGODB_DB: dbName, ...scenario.appEnv });
  const logger = createLogger(config.LOG_LEVEL);

  let close: () => Promise<void> = async () => undefined;
  let baseUrl = '';
  if (scenario.target === 'echo') {
    const { startEchoServer } = await import('./echoServer');
    const echo = await startEchoServer(config, logger);
    baseUrl = echo.url;
    close = echo.close;
  } else if (scenario.target === 'app') {
    const { startApp } = await import('../app/server');
    const app = await startApp({ config, logger, mongoUri });
    baseUrl = app.url;
    close = app.close;
  }

  process.on('message', (message: ToChild) => {
    void (async () => {
      switch (message.type) {
        case 'resetPeak':
          rss.reset();
          send({ type: 'peakReset' });
          return;
        case 'readPeak':
          send({ type: 'peak', rss: rss.read() });
          return;
        case 'run': {
          // `direct` scenarios do their work here, so the measured RSS is that of the process doing it.
          const { MongoClient } = await import('mongodb');
          const client = await new MongoClient(mongoUri, { appName: 'samspil-bench' }).connect();
          try {
            const context: ScenarioContext = {
              baseUrl: '',
              serviceUrl: '',
              db: client.db(dbName),
              runId: env(CHILD_ENV.runId),
              postActivity: () => Promise.reject(new Error('a direct scenario has no server to post to')),
              setRoster: () => undefined,
            };
            const request = await scenario.prepare(context);
            const result = await runLoad(request, message.options, async () => rss.reset());
            send({ type: 'result', result, peakRss: rss.read() });
          } finally {
            await client.close();
          }
          return;
        }
        case 'stop':
          await close();
          rss.stop();
          process.exit(0);
      }
    })().catch((error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    });
  });

  send({ type: 'ready', baseUrl });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
