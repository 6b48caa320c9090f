import restify from 'restify';
import { caseDeepLink } from '../bot/reminders/links';
import type { AddressInfo } from 'node:net';
import { createCoreWithInternals, type Core, type CoreInternals } from '../core';
import { connectDatabase, type Database } from '../core/persistence/database';
import type { Clock } from '../core/services/caseService';
import { createAdapter, type BotAdapterOverrides } from '../bot/adapter';
import { createChannelCommands, type GraphNetwork } from '../bot/channels';
import { BOT_ROUTE, registerBotRoutes } from '../bot/httpEndpoint';
import { createCaseConversationPort } from '../bot/proactive';
import { RoomPublisher } from '../bot/audience/publisher';
import { RoomDirectory } from '../bot/audience/rooms';
import { SamspilBot } from '../bot/samspilBot';
import { startCaseNotices } from '../bot/handlers/notices';
import { startMeetings } from '../bot/meetings';
import { startReminders, type ReminderRuntime } from '../bot/reminders';
import { startEarlyWarnings, type EarlyWarningRuntime } from '../bot/earlyWarnings';
import type { MsalOverrides } from '../tab/auth/graph';
import { registerTabRoutes } from '../tab/routes';
import { earlyWarningRules, type Config } from './config';
import { jsonBodyParser, MAX_TAB_BODY_BYTES } from './http/body';
import { BotTokenVerifier } from './http/botToken';
import { applyConnectionLimits } from './http/connections';
import { mongoEndpoints } from './http/serviceUrl';
import type { Logger } from './logger';

export interface RunningApp {
  url: string;
  port: number;
  core: Core;
  /** The storage behind the services: for tests and benchmarks only. */
  internals: CoreInternals;
  /** The reminder worker of this instance (bot/reminders); tests call `reminders.worker.tick()`. */
  reminders: ReminderRuntime;
  /** Early-warning cards of this instance (bot/earlyWarnings); tests call `earlyWarnings.sweep()`. */
  earlyWarnings: EarlyWarningRuntime;
  database: Database;
  /** Resolves when the card updates started so far have been sent (they follow changes asynchronously). */
  settled(): Promise<void>;
  /** Sends now the posts and card updates Teams did not take before (the app does it every 15 s); `now` moves the clock on for tests. */
  resendPending(now?: Date): Promise<{ posted: number; redrawn: number }>;
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
  /** Offline tests replace the bot's outbound token source. */
  bot?: BotAdapterOverrides;
}


/** Connects the database, wires bot and tab onto one restify server, and listens. */
export async function startApp({ config, logger, mongoUri, now, tab, graph, bot: botOverrides }: AppOptions): Promise<RunningApp> {
  const database = await connectDatabase(mongoUri, config.MONGODB_DB);
  const { core, internals } = createCoreWithInternals(database.db, now, { caseLink: caseDeepLink, gdpr: { professionalContent: config.GDPR_EXPORT_PROFESSIONAL_CONTENT, retentionYears: config.RETENTION_YEARS },
    earlyWarning: { enabled: config.EARLY_WARNING_ENABLED, rules: earlyWarningRules(config) },
    leader: { units: config.LEADER_UNITS, inactiveWeeks: config.LEADER_INACTIVE_WEEKS, consentPendingDays: config.LEADER_CONSENT_PENDING_DAYS },
    childVoice: { youthConsent: config.CHILD_VOICE_YOUTH_CONSENT },
  });

  // The HTTP edge (docs/edge.md). `noWriteContinue`: a client that waits for `100 Continue` gets it only
  // once its headers (and, on the bot route, its token) passed, so a refused body is never sent.
  const server = restify.createServer({ name: 'samspil', handleUncaughtExceptions: false, noWriteContinue: true });
  applyConnectionLimits(
    server.server,
    {
      keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
      maxConnectionsPerClient: config.HTTP_MAX_CONNECTIONS_PER_CLIENT,
    },
    logger,
  );
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // JSON only, in memory, bounded; the bot route reads its own body after the token check.
  server.use(jsonBodyParser({ maxBytes: MAX_TAB_BODY_BYTES, skip: (req) => req.getRoute()?.path === BOT_ROUTE }));

  const adapter = createAdapter(config, logger, botOverrides);
  // Everything the bot posts goes through one publisher, which renders for the room's audience (bot/audience).
  // A private case channel's readers are its members, which the case channels read through Graph.
  const rooms = new RoomDirectory(core, adapter, config.MicrosoftAppId ?? '', logger, (channelId) => channels.caseChannels.privateMembers(channelId), core.now);
  const publisher = new RoomPublisher(core, rooms, adapter, config.MicrosoftAppId ?? '', logger);
  publisher.subscribe();
  // Posts and card updates Teams did not take are sent again (bot/audience/publisher.ts).
  publisher.startCatchUp(15_000);
  const channels = await createChannelCommands({ config, core, logger, networkClient: graph?.networkClient, publisher: () => publisher });
  const bot = new SamspilBot({ core, publisher, logger, channels, teamsAppId: config.TEAMS_APP_ID });
  const reminders = startReminders(config, core, logger, now);
  // Handover and child's-voice changes tell the people concerned, once, from their events (docs/handover.md).
  const notices = startCaseNotices({ core, publisher, logger });
  // Case meetings (docs/meetings.md): Teams meetings through Graph, and what each change tells people.
  const meetings = startMeetings({ config, core, publisher, logger, networkClient: graph?.networkClient });
  // Early warnings (docs/early-warning.md) and the leader's overview (docs/leader.md) follow the case histories.
  core.earlyWarnings.follow((error) => logger.error({ err: error }, 'could not evaluate the early-warning rules after a change'));
  core.leaderOverview.follow((error) => logger.warn({ err: error }, "could not bring the leader's overview in step with a change; the next refresh does"));
  const earlyWarnings = startEarlyWarnings({ core, publisher, logger, teamsAppId: config.TEAMS_APP_ID });
  let port = 0;
  registerBotRoutes(server, {
    adapter,
    bot,
    logger,
    verifier: config.MicrosoftAppId ? new BotTokenVerifier({ appId: config.MicrosoftAppId, metadataUrl: config.BOT_OPENID_METADATA_URL }) : undefined,
    // Local mode: a serviceUrl may name this machine, but not the database or this server.
    deniedServiceEndpoints: () => [...mongoEndpoints(mongoUri), { host: '127.0.0.1', port }],
  });
  await registerTabRoutes(server, { core, config, logger, caseConversation: createCaseConversationPort(publisher), meetingInvitations: meetings, msal: tab?.msal });

  server.get('/healthz', async (_req, res) => {
    const up = await database.ping();
    res.status(up ? 200 : 503);
    res.json({ status: up ? 'ok' : 'degraded', database: up ? 'up' : 'down' });
  });
  // Reminder delivery counts of this instance, and reminders given up in total (docs/reminders.md).
  server.get('/healthz/reminders', async (_req, res) => {
    res.json(await reminders.health());
  });
  // The last verification of the hash chains; case IDs of broken chains only through `npm run audit`.
  server.get('/healthz/audit', async (_req, res) => {
    const last = await core.verifier.last();
    const status = !last ? 'unverified' : last.ok ? 'ok' : 'broken';
    res.status(last && !last.ok ? 503 : 200);
    res.json({
      status,
      lastVerification: last && { at: last.finishedAt.toISOString(), by: last.by, cases: last.cases, entries: last.entries, brokenChains: last.broken.length },
    });
  });

  // Bookkeeping that only grows is swept an hour apart (and once shortly after start).
  const sweepRetention = () =>
    void core.maintenance.retention
      .sweep()
      .then((removed) => logger.info({ removed }, 'retention sweep'))
      .catch((error: unknown) => logger.warn({ err: error }, 'retention sweep failed; it runs again in an hour'));
  const retentionStart = setTimeout(sweepRetention, 60_000);
  const retentionTimer = setInterval(sweepRetention, 60 * 60_000);
  retentionStart.unref();
  retentionTimer.unref();
  // Changes whose events a crash left in an outbox are completed now, and every few minutes (core/audit).
  // One repair at a time: a long first one is not joined by the timer's next.
  let repairing: Promise<unknown> | undefined;
  const repairOutboxes = () =>
    (repairing ??= core.maintenance
      .repairOutboxes()
      .then((appended) => appended && logger.warn({ appended }, 'completed events a crash had left behind'))
      .catch((error: unknown) => logger.warn({ err: error }, 'outbox repair failed; it runs again shortly'))
      .finally(() => (repairing = undefined)));
  // In the background: a backlog after a crash must not keep /healthz and the bot from answering.
  const repairStart = repairOutboxes();
  // Cases whose history moved on while no instance followed it (a crash, the first run with #14):
  // their overview facts are read again and their early-warning rules run again, in the background.
  const catchUp = () =>
    core.leaderOverview
      .refreshStale()
      .then(async (stale) => {
        for (const caseId of stale) await core.earlyWarnings.evaluate(caseId);
        if (stale.length) logger.info({ cases: stale.length }, 'caught up with changes no instance had followed');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'catching up with missed changes failed; it runs again later'));
  // After the repair: the events it completes are changes the catch-up must see.
  const catchUpStart = repairStart.then(catchUp);
  const catchUpTimer = setInterval(() => void catchUp(), 10 * 60_000);
  catchUpTimer.unref();
  const repairTimer = setInterval(() => void repairOutboxes(), 5 * 60_000);
  repairTimer.unref();
  // Every chain is walked a few minutes after start and then every AUDIT_VERIFY_HOURS.
  const verifyAudit = () =>
    void core.verifier
      .verify({ by: 'app' })
      .then((run) => (run.ok ? logger.info({ cases: run.cases, entries: run.entries, digest: run.digest }, 'audit trail verified') : logger.error({ broken: run.broken, digest: run.digest }, 'audit trail broken')))
      .catch((error: unknown) => logger.warn({ err: error }, 'audit verification failed; it runs again later'));
  const verifyEvery = config.AUDIT_VERIFY_HOURS * 3_600_000;
  const verifyStart = verifyEvery > 0 ? setTimeout(verifyAudit, Math.min(5 * 60_000, verifyEvery)) : undefined;
  const verifyTimer = verifyEvery > 0 ? setInterval(verifyAudit, verifyEvery) : undefined;
  verifyStart?.unref();
  verifyTimer?.unref();

  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, () => resolve()));
  port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'Samspil is listening');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    core,
    internals,
    reminders,
    database,
    earlyWarnings,
    resendPending: (at) => publisher.catchUp(at),
    async settled() {
      // Card updates, early warnings and their cards, and the overview's facts follow changes asynchronously.
      for (let round = 0; round < 3; round++) {
        await publisher.idle();
        await earlyWarnings.idle();
        await core.leaderOverview.idle();
        await notices.idle();
        await meetings.idle();
      }
    },
    async close() {
      clearTimeout(retentionStart);
      clearInterval(retentionTimer);
      clearInterval(repairTimer);
      publisher.stopCatchUp();
      clearTimeout(verifyStart);
      clearInterval(verifyTimer);
      await reminders.stop();
      clearInterval(catchUpTimer);
      earlyWarnings.stop();
      await catchUpStart;
      await repairStart;
      await earlyWarnings.idle().catch(() => undefined);
      await notices.idle().catch(() => undefined);
      await meetings.idle().catch(() => undefined);
      await core.leaderOverview.idle().catch(() => undefined);
      await publisher.idle().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
