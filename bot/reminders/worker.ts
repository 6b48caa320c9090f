import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { Locale } from '../../core/i18n';
import type { ReminderDelivery } from '../../core/reminders/delivery';
import { copenhagenDate, isSendingTime } from '../../core/reminders/calendar';
import { failId, gaveUpId, liveItems, sentId, type SentRecord, type StopRecord } from '../../core/reminders/ledger';
import { retryDelayMs } from '../../core/reminders/rules';
import type { ReminderService } from '../../core/reminders/service';
import type { Clock } from '../../core/services/caseService';
import { reminderActivity } from './activity';
import { claimAhead, GroupCommit, inLanes, leaseNearlySpent, WorkerKilled, type Recorded } from './concurrency';
import { DeliveryRouter, type RouteCache } from './routing';
import { SendError, type ReminderSender } from './sender';
import { claimBatch, dueNow, type Claimed } from './sweep';

export { WorkerKilled } from './concurrency';

export interface ReminderWorkerOptions {
  workerId?: string;
  /** A claim not finished within this time is taken to have died with its worker. */
  leaseMs: number;
  /** Delivery attempts per occurrence before it is given up and reported. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Occurrences claimed per insert. */
  batchSize: number;
  /** Sends in flight per worker. */
  concurrency: number;
  /** Global messages per second across all instances (0 = unlimited). */
  ratePerSecond: number;
}

export interface SweepReport {
  planned: 'planned' | 'ready' | 'not_working_day' | 'failed';
  sendingTime: boolean;
  claimed: number;
  sent: number;
  failed: number;
  gaveUp: number;
}

export interface ReminderStats {
  sweeps: number;
  sent: number;
  failedAttempts: number;
  gaveUp: number;
  resentAfterCrash: number;
  lastSweepAt?: string;
  lastSweepMs?: number;
  lastError?: string;
}

/** What the sends of one day's sweep share: the day's stops, the recipients' locales, the routes read. */
interface DaySweep {
  day: string;
  stops: StopRecord[];
  locales: Map<string, Locale>;
  route: RouteCache;
}

/**
 * The reminder sender. Every sweep: plan today once (whoever comes first), apply retention, then
 * for each open day read its ledger once, claim what is due in batches (sweep.ts), deliver it on
 * the route that reaches the person (routing.ts) in parallel lanes (concurrency.ts), and record
 * the outcome in the ledger. Any number of workers may run against one database; each occurrence
 * is delivered once.
 */
export class ReminderWorker {
  readonly id: string;
  readonly stats: ReminderStats = { sweeps: 0, sent: 0, failedAttempts: 0, gaveUp: 0, resentAfterCrash: 0 };
  private readonly repository: ReminderDelivery;
  private readonly router: DeliveryRouter;
  /** `s|` records, written together while the lanes send on (each send waits for its own). */
  private readonly sentRecords: GroupCommit<{ day: string; record: SentRecord }>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepReport>;
  private killed = false;
  /** Test hook: called before each send; throw to simulate a crash at that point. */
  beforeSend?: (key: string) => void | Promise<void>;

  constructor(
    core: Core,
    private readonly service: ReminderService,
    sender: ReminderSender,
    private readonly logger: Logger,
    private readonly now: Clock,
    private readonly options: ReminderWorkerOptions,
  ) {
    this.id = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
    this.repository = service.delivery;
    this.router = new DeliveryRouter(core, this.repository, sender, logger, now, options.ratePerSecond);
    this.sentRecords = new GroupCommit(async (items) => {
      const byDay = new Map<string, SentRecord[]>();
      for (const { day, record } of items) byDay.set(day, [...(byDay.get(day) ?? []), record]);
      for (const [day, records] of byDay) await this.repository.insertRecords(day, records);
    });
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) void this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'reminder sweep failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Simulates a crash: sends in flight fail, nothing more is recorded, claims stay until they expire. */
  kill(): void {
    this.killed = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** One sweep. Concurrent calls on one worker share the sweep in progress. */
  tick(): Promise<SweepReport> {
    if (!this.running) {
      this.running = this.sweep().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async sweep(): Promise<SweepReport> {
    const started = Date.now();
    const now = this.now();
    const today = copenhagenDate(now);
    const report: SweepReport = { planned: 'ready', sendingTime: isSendingTime(now, this.service.hours), claimed: 0, sent: 0, failed: 0, gaveUp: 0 };
    try {
      report.planned = await this.service.ensurePlanned(today, this.id);
    } catch (error) {
      report.planned = 'failed';
      this.logger.error({ err: error, day: today }, 'could not plan the day’s reminders');
    }
    if (!this.killed) {
      await this.service.sweepRetention().catch((error: unknown) => this.logger.warn({ err: error }, 'reminder retention failed; the next sweep tries again'));
    }
    if (report.sendingTime && !this.killed) {
      for (const day of await this.repository.openDays(today)) {
        if (this.killed) break;
        await this.sweepDay(day._id, today, report);
      }
    }
    this.stats.sweeps += 1;
    this.stats.lastSweepAt = now.toISOString();
    this.stats.lastSweepMs = Date.now() - started;
    return report;
  }

  /** Reads the day's ledger once, then claims and delivers what is due; closes a past day that is finished. */
  private async sweepDay(day: string, today: string, report: SweepReport): Promise<void> {
    const now = this.now();
    const due = dueNow(await this.repository.readDay(day), now, this.id);
    if (due.ready.length === 0) {
      if (day < today && due.finished) await this.repository.closeDay(day, now);
      return;
    }
    // What the sends need besides the ledger is read once, while the first batch's claims go in
    // (reading it per batch, overlapped with the sends, was slower on FerretDB).
    const sweep: DaySweep = { day, stops: due.stops, locales: new Map(), route: { personal: new Map(), cases: new Map(), caseConversations: new Map() } };
    const recipients = [...new Set(due.ready.map((s) => s.entry.recipientId))];
    const context = Promise.all([this.router.prepare(due.ready.map((s) => s.entry)), this.repository.preferencesOf(recipients)]).then(([route, preferences]) => {
      sweep.route = route;
      for (const preference of preferences) if (preference.locale) sweep.locales.set(preference._id, preference.locale);
    });
    await claimAhead(
      due.ready,
      this.options.batchSize,
      {
        claim: (batch) => claimBatch(this.repository, day, batch, this.id, this.now(), this.options.leaseMs),
        work: async (mine) => {
          report.claimed += mine.length;
          await inLanes(mine, this.options.concurrency, (s) => this.deliver(s, sweep, report));
        },
        stopped: () => this.killed,
      },
      context,
    );
  }

  /** Sends one claimed occurrence; resolves when the POST is done, with the pending write of its `s|` record. */
  private async deliver(claimed: Claimed, sweep: DaySweep, report: SweepReport): Promise<Recorded> {
    const { entry } = claimed;
    const gen = claimed.nextGen;
    if (this.killed) throw new WorkerKilled();
    if (leaseNearlySpent(claimed.leaseUntil, this.now().getTime(), this.options.leaseMs)) {
      // Given back unsent (not counted as an attempt) for the next sweep of any worker.
      const at = this.now();
      await this.repository.record(sweep.day, { _id: failId(entry.key, gen), t: 'f', key: entry.key, gen, error: 'lease nearly spent before sending; released', at, retryAt: at, released: true });
      this.logger.warn({ key: entry.key, gen }, 'reminder lease nearly spent before its turn; released for the next sweep');
      return undefined;
    }
    if (claimed.uncertain) {
      // The previous holder's lease ran out without a record: it died before or after its POST.
      // The Bot Connector offers no idempotent send, so we send again (at least once).
      this.stats.resentAfterCrash += 1;
      this.logger.warn({ key: entry.key, gen }, 'reminder claim expired without a result; sending again');
    }
    // Closed cases and stopped items are left out (case closure is a `case:<id>` stop record).
    const items = liveItems(entry, sweep.stops);
    if (items.length === 0) {
      await this.repository.record(sweep.day, { _id: `k|${entry.subject}|empty|${entry.key}`, t: 'k', subject: entry.subject, kinds: [entry.kind], reason: 'nothing_left', at: this.now() });
      return undefined;
    }
    const locale = sweep.locales.get(entry.recipientId) ?? 'da';
    // Each item's deep link was stored with the plan: nothing is read from `cases` to build the card.
    const links = Object.fromEntries(items.flatMap((item) => (item.link ? [[item.caseId, item.link]] : [])));
    const activity = reminderActivity(locale, entry, items, links);

    try {
      await this.beforeSend?.(entry.key);
      const delivered = await this.router.route(entry, activity, locale, sweep.route);
      if (this.killed) throw new WorkerKilled();
      const record: SentRecord = { _id: sentId(entry.key), t: 's', key: entry.key, gen, by: this.id, at: this.now(), activityId: delivered.activityId, conversationId: delivered.conversationId, via: delivered.via };
      const stored = this.sentRecords.add({ day: sweep.day, record }).then(() => {
        report.sent += 1;
        this.stats.sent += 1;
      });
      stored.catch(() => undefined); // awaited by the lane; this only marks it handled
      return { stored };
    } catch (error) {
      if (error instanceof WorkerKilled || this.killed) throw new WorkerKilled();
      await this.failed(claimed, sweep.day, error instanceof SendError ? error : new SendError(String((error as Error)?.message ?? error)), report);
      return undefined;
    }
  }

  /** A failed attempt: retried after a backoff (never sooner than Retry-After), or given up after the last one. */
  private async failed(claimed: Claimed, day: string, failure: SendError, report: SweepReport): Promise<void> {
    const { entry } = claimed;
    const attempts = claimed.attempts + 1;
    if (!failure.retryable || attempts >= this.options.maxAttempts) {
      await this.giveUp(claimed, day, attempts, failure);
      report.gaveUp += 1;
      return;
    }
    const delay = retryDelayMs(attempts, { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs, retryAfterMs: failure.retryAfterMs });
    const at = this.now();
    await this.repository.record(day, { _id: failId(entry.key, claimed.nextGen), t: 'f', key: entry.key, gen: claimed.nextGen, status: failure.status, error: failure.message, at, retryAt: new Date(at.getTime() + delay) });
    report.failed += 1;
    this.stats.failedAttempts += 1;
    this.logger.warn({ key: entry.key, attempt: attempts, status: failure.status, retryInMs: delay }, 'reminder not delivered; will retry');
  }

  private async giveUp(claimed: Claimed, day: string, attempts: number, failure: SendError): Promise<void> {
    const { entry } = claimed;
    const at = this.now();
    await this.repository.record(day, { _id: gaveUpId(entry.key), t: 'x', key: entry.key, attempts, error: failure.message, at });
    await this.repository.addFailure({
      _id: `${day}|${entry.key}`,
      day,
      caseId: entry.caseId,
      kind: entry.kind,
      recipientId: entry.recipientId,
      recipientName: entry.recipientName,
      attempts,
      error: failure.message,
      at,
      items: entry.items.filter((item) => item.kind !== 'failure'),
    });
    this.stats.gaveUp += 1;
    this.stats.lastError = failure.message;
    this.logger.error({ key: entry.key, attempts, status: failure.status, err: failure.message }, 'reminder given up after its last attempt; the coordinator is told at the next planning');
  }
}
