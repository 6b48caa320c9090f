import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { Clock } from '../../core/services/caseService';
import type { BotCredentials } from '../adapter';
import { ReminderSender } from './sender';
import { ReminderWorker, type ReminderStats, type ReminderWorkerOptions } from './worker';

/** The settings the reminder worker reads (app/config.ts, documented in .env.example). */
export interface ReminderSettings extends BotCredentials {
  REMINDERS_ENABLED: boolean;
  REMINDER_SWEEP_SECONDS: number;
  REMINDER_LEASE_SECONDS: number;
  REMINDER_MAX_ATTEMPTS: number;
  REMINDER_BACKOFF_BASE_SECONDS: number;
  REMINDER_BACKOFF_MAX_SECONDS: number;
  REMINDER_RATE_PER_SECOND: number;
  REMINDER_BATCH_SIZE: number;
  REMINDER_CONCURRENCY: number;
}

export interface ReminderRuntime {
  worker: ReminderWorker;
  /** Another worker on the same database (tests and benchmarks: a second instance). */
  newWorker(overrides?: Partial<ReminderWorkerOptions>): ReminderWorker;
  health(): Promise<{ enabled: boolean; given_up_total: number } & ReminderStats>;
  stop(): Promise<void>;
}

export function workerOptions(settings: ReminderSettings): ReminderWorkerOptions {
  return {
    leaseMs: settings.REMINDER_LEASE_SECONDS * 1000,
    maxAttempts: settings.REMINDER_MAX_ATTEMPTS,
    backoffBaseMs: settings.REMINDER_BACKOFF_BASE_SECONDS * 1000,
    backoffMaxMs: settings.REMINDER_BACKOFF_MAX_SECONDS * 1000,
    batchSize: settings.REMINDER_BATCH_SIZE,
    concurrency: settings.REMINDER_CONCURRENCY,
    ratePerSecond: settings.REMINDER_RATE_PER_SECOND,
  };
}

/** Wires the reminder worker to the core and, when enabled, sweeps every REMINDER_SWEEP_SECONDS. */
export function startReminders(settings: ReminderSettings, core: Core, logger: Logger, now: Clock = core.now): ReminderRuntime {
  const log = logger.child({ component: 'reminders' });
  core.changes.subscribe(
    (event) => core.reminders.onEvent(event),
    (error) => log.error({ err: error }, 'could not update reminders after a change'),
  );
  const newWorker = (overrides: Partial<ReminderWorkerOptions> = {}) =>
    new ReminderWorker(core, core.reminders, new ReminderSender(settings, settings.MicrosoftAppId ?? ''), log, now, { ...workerOptions(settings), ...overrides });
  const worker = newWorker();
  if (settings.REMINDERS_ENABLED) worker.start(settings.REMINDER_SWEEP_SECONDS * 1000);
  return {
    worker,
    newWorker,
    async health() {
      const givenUp = await core.reminders.delivery.countFailures().catch(() => -1);
      return { enabled: settings.REMINDERS_ENABLED, given_up_total: givenUp, ...worker.stats };
    },
    stop: () => worker.stop(),
  };
}
