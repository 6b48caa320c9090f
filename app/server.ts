import restify from 'restify';
import { caseDeepLink } from '../bot/reminders/links';
import type { AddressInfo } from 'node:net';
import { createCore, type Core } from '../core';
import { connectDatabase, type Database } from '../core/persistence/database';
import type { Clock } from '../core/services/caseService';
import { createAdapter } from '../bot/adapter';
import { createChannelCommands, type GraphNetwork } from '../bot/channels';
import { registerBotRoutes } from '../bot/httpEndpoint';
import { createCaseConversationPoster } from '../bot/proactive';
import { SamspilBot } from '../bot/samspilBot';
import { startReminders, type ReminderRuntime } from '../bot/reminders';
import type { MsalOverrides } from '../tab/auth/graph';
import { registerTabRoutes } from '../tab/routes';
import type { Config } from './config';
import type { Logger } from './logger';

export interface RunningApp {
  url: string;
  port: number;
  core: Core;
  /** The reminder worker of this instance (bot/reminders); tests call `reminders.worker.tick()`. */
  reminders: ReminderRuntime;
  database: Database;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  mongoUri: string;
  now?: Clock;
  /** Offline tests route the tab's msal-node calls to a fake Entra ID. */
  tab?: { msal?: MsalOverrides };
  /** Offline tests route the case channels' msal-node calls to a fake Entra ID. */
  graph?: { networkClient?: GraphNetwork };
}

const MAX_BODY_BYTES = 256 * 1024;

/** Connects the database, wires bot and tab onto one restify server, and listens. */
export async function startApp({ config, logger, mongoUri, now, tab, graph }: AppOptions): Promise<RunningApp> {
  const database = await connectDatabase(mongoUri, config.MONGODB_DB);
  const core = createCore(database.db, now, { caseLink: caseDeepLink });

  const server = restify.createServer({ name: 'samspil', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES }));

  const adapter = createAdapter(config, logger);
  const channels = await createChannelCommands({ config, core, db: database.db, logger, networkClient: graph?.networkClient });
  const bot = new SamspilBot(core, logger, channels);
  const reminders = startReminders(config, core, logger, now);
  registerBotRoutes(server, adapter, bot, logger);
  await registerTabRoutes(server, { core, config, logger, postToCaseConversation: createCaseConversationPoster(adapter, core, config.MicrosoftAppId), msal: tab?.msal });

  server.get('/healthz', async (_req, res) => {
    const up = await database.ping();
    res.status(up ? 200 : 503);
    res.json({ status: up ? 'ok' : 'degraded', database: up ? 'up' : 'down' });
  });
  // Reminder delivery counts of this instance, and reminders given up in total (docs/reminders.md).
  server.get('/healthz/reminders', async (_req, res) => {
    res.json(await reminders.health());
  });

  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, () => resolve()));
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'Samspil is listening');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    core,
    reminders,
    database,
    async close() {
      await reminders.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
