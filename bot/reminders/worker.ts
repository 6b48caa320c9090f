import { createHash, randomUUID } from 'node:crypto';
import type { Activity, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { Case } from '../../core/domain/case';
import { t, type Locale } from '../../core/i18n';
import type { ConversationRecord } from '../../core/persistence/conversationRepository';
import type { ReminderRepository } from '../../core/persistence/reminderRepository';
import { copenhagenDate, isSendingTime } from '../../core/reminders/calendar';
import { claimId, failId, foldDay, gaveUpId, liveItems, sentId, type ClaimRecord, type EntryRecord, type EntryState, type SentRecord, type StopRecord } from '../../core/reminders/ledger';
import { retryDelayMs } from '../../core/reminders/rules';
import type { ReminderService } from '../../core/reminders/service';
import type { Clock } from '../../core/services/caseService';
import { reminderActivity } from './activity';
import { caseDeepLink } from './links';
import { ConversationRateLimiter, GlobalRateLimiter } from './rateLimit';
import { SendError, type Delivered, type DeliveryTarget, type ReminderSender } from './sender';

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

/** Planned with deep links (every item carries one), so no case needs to be read to send it. */
const hasLinks = (state: EntryState): boolean => state.entry.items.every((item) => typeof item.link === 'string');

/** An occurrence this worker has claimed, until when (epoch ms). */
type Claimed = EntryState & { leaseUntil: number };

/** Thrown by `kill()` into every send in flight: the worker stops dead, records nothing more. */
export class WorkerKilled extends Error {}

interface Context {
  day: string;
  now: Date;
  stops: StopRecord[];
  /** Only cases that are needed: entries planned without link snapshots, and the fallback route. */
  cases: Map<string, Case | null>;
  personal: Map<string, ConversationRecord>;
  caseConversations: Map<string, ConversationRecord | null>;
  locales: Map<string, Locale>;
}

/**
 * A send that went out, with the write of its `s|` record (pending while the lane sends the next
 * one). Wrapped in an object: an async function returning a bare promise would wait for it.
 */
type Recorded = { stored: Promise<void> } | undefined;

/**
 * The reminder sender. Every sweep: plan today once (whoever comes first), then for each open day
 * read its ledger once, claim ready occurrences in batches with unique claim records (a lease:
 * a claim expires after `leaseMs`), deliver them with botbuilder, and record the outcome.
 * Any number of workers may run against one database; each occurrence is delivered once.
 */
export class ReminderWorker {
  readonly id: string;
  readonly stats: ReminderStats = { sweeps: 0, sent: 0, failedAttempts: 0, gaveUp: 0, resentAfterCrash: 0 };
  private readonly global: GlobalRateLimiter;
  private readonly perConversation = new ConversationRateLimiter();
  private readonly repository: ReminderRepository;
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepReport>;
  private killed = false;
  /** Test hook: called before each send; throw to simulate a crash at that point. */
  beforeSend?: (key: string) => void | Promise<void>;

  constructor(
    private readonly core: Core,
    private readonly service: ReminderService,
    private readonly sender: ReminderSender,
    private readonly logger: Logger,
    private readonly now: Clock,
    private readonly options: ReminderWorkerOptions,
  ) {
    this.id = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
    this.repository = service.repository;
    this.global = new GlobalRateLimiter(this.repository, options.ratePerSecond);
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

  private async sweepDay(day: string, today: string, report: SweepReport): Promise<void> {
    const now = this.now();
    const state = foldDay(await this.repository.readDay(day), now);
    const ready = state.entries.filter((s) => s.status === 'ready');
    if (ready.length === 0) {
      if (day < today && state.entries.every((s) => s.status === 'sent' || s.status === 'gaveUp' || s.status === 'stopped')) await this.repository.closeDay(day, now);
      return;
    }
    // Keep one person's reminders together (one worker, in order, within the per-conversation
    // limit), and let each worker start at a different person so that workers rarely collide.
    const groups = new Map<string, EntryState[]>();
    for (const s of ready) groups.set(s.entry.recipientId, [...(groups.get(s.entry.recipientId) ?? []), s]);
    const offset = parseInt(createHash('sha1').update(this.id).digest('hex').slice(0, 6), 16) % groups.size;
    const recipients = [...groups.keys()];
    const ordered = [...recipients.slice(offset), ...recipients.slice(0, offset)].flatMap((r) => groups.get(r) ?? []);

    // What the sends need besides the ledger is read once, while the first batch's claims go in.
    // (Reading it per batch, overlapped with the sends, was slower on FerretDB: every read is a scan.)
    const context: Context = { day, now, stops: state.stops, cases: new Map(), personal: new Map(), caseConversations: new Map(), locales: new Map() };
    const claim = (i: number): Promise<Claimed[]> => (i < ordered.length && !this.killed ? this.claimBatch(day, ordered.slice(i, i + this.options.batchSize)) : Promise.resolve([]));
    let [, mine] = await Promise.all([this.loadContext(context, ordered), claim(0)]);
    for (let i = 0; i < ordered.length && !this.killed; i += this.options.batchSize) {
      report.claimed += mine.length;
      // The next batch is claimed while this one is sent, so the lanes never wait for a claim.
      // Its lease runs meanwhile; deliver() gives back an occurrence whose lease is nearly spent.
      const next = claim(i + this.options.batchSize);
      next.catch(() => undefined); // awaited below; if the sends fail first, its leases just expire
      await this.inParallel(mine, (s) => this.deliver(s, context, report));
      mine = await next;
    }
  }

  /** One insertMany of claim records (lease until now + leaseMs); returns the occurrences this worker won. */
  private async claimBatch(day: string, batch: EntryState[]): Promise<Claimed[]> {
    const claimedAt = this.now();
    const claims: ClaimRecord[] = batch.map((s) => ({
      _id: claimId(s.entry.key, s.nextGen),
      t: 'c',
      key: s.entry.key,
      gen: s.nextGen,
      by: this.id,
      at: claimedAt,
      until: new Date(claimedAt.getTime() + this.options.leaseMs),
    }));
    const won = await this.repository.insertMany(this.repository.ledger(day), claims);
    const until = claimedAt.getTime() + this.options.leaseMs;
    return batch.filter((s) => won.has(claimId(s.entry.key, s.nextGen))).map((s) => ({ ...s, leaseUntil: until }));
  }

  private pendingSent: Array<{ day: string; record: SentRecord; done: () => void; fail: (e: unknown) => void }> = [];
  private flushing = false;

  /**
   * Group commit for delivery records: each send waits until its own `s|` record is written, but
   * records that arrive while a write is in progress go together in the next insertMany. On
   * FerretDB concurrent single inserts contend for SQLite's write lock; this keeps one writer.
   * A send is reported done only after its record is stored, so the crash window stays one write.
   */
  private recordSent(day: string, record: SentRecord): Promise<void> {
    return new Promise<void>((done, fail) => {
      this.pendingSent.push({ day, record, done, fail });
      if (!this.flushing) void this.flushSent();
    });
  }

  private async flushSent(): Promise<void> {
    this.flushing = true;
    while (this.pendingSent.length > 0) {
      const batch = this.pendingSent;
      this.pendingSent = [];
      const byDay = new Map<string, SentRecord[]>();
      for (const { day, record } of batch) byDay.set(day, [...(byDay.get(day) ?? []), record]);
      try {
        for (const [day, records] of byDay) await this.repository.insertMany(this.repository.ledger(day), records);
        for (const waiter of batch) waiter.done();
      } catch (error) {
        for (const waiter of batch) waiter.fail(error);
      }
    }
    this.flushing = false;
  }

  /**
   * `concurrency` lanes. A lane sends its next reminder while the previous one's `s|` record is
   * being written, and waits for that record before it goes on: at most two sends per lane are
   * ever unrecorded (the crash window), and a failed record stops the sweep as before.
   */
  private async inParallel<T>(items: T[], run: (item: T) => Promise<Recorded>): Promise<void> {
    let next = 0;
    let failure: unknown;
    const lane = async () => {
      let previous: Recorded;
      while (next < items.length && !failure) {
        const item = items[next++] as T;
        try {
          const recorded = await run(item);
          await previous?.stored;
          previous = recorded;
        } catch (error) {
          failure ??= error;
        }
      }
      try {
        await previous?.stored;
      } catch (error) {
        failure ??= error;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, items.length) }, lane));
    if (failure && !(failure instanceof WorkerKilled)) throw failure;
  }

  /**
   * What the sweep reads besides the ledger: the recipients' personal chats and locales, and cases
   * only for entries planned before the plan carried its deep links (new plans need none).
   */
  private async loadContext(context: Context, states: EntryState[]): Promise<void> {
    const recipients = [...new Set(states.map((s) => s.entry.recipientId))];
    // Entries planned with the recipient's chat need no read of it; the others (no chat at
    // planning, or planned before chats were stored with the plan) are looked up once here.
    const withoutChat = [...new Set(states.filter((s) => !s.entry.to).map((s) => s.entry.recipientId))];
    const unlinked = [...new Set(states.filter((s) => !hasLinks(s)).flatMap((s) => [s.entry.caseId, ...s.entry.items.map((item) => item.caseId)]))].filter((id) => !context.cases.has(id));
    const [cases, personal, preferences] = await Promise.all([
      this.repository.casesByIds(unlinked),
      this.repository.personalChats(withoutChat),
      this.repository.preferencesOf(recipients),
    ]);
    const caseConversations = await this.repository.conversationsByIds(cases.map((c) => c.conversation.conversationId));
    for (const [userId, record] of personal) context.personal.set(userId, record);
    for (const kase of cases) context.cases.set(kase._id, kase);
    for (const record of caseConversations) context.caseConversations.set(record._id, record);
    for (const preference of preferences) if (preference.locale) context.locales.set(preference._id, preference.locale);
  }

  /** A case the sweep needs after all (old entries, the fallback route); read once per sweep. */
  private async caseOf(caseId: string, context: Context): Promise<Case | null> {
    if (!context.cases.has(caseId)) context.cases.set(caseId, (await this.repository.casesByIds([caseId]))[0] ?? null);
    return context.cases.get(caseId) ?? null;
  }

  private async caseConversationOf(kase: Case, context: Context): Promise<ConversationRecord | null> {
    const id = kase.conversation.conversationId;
    if (!context.caseConversations.has(id)) context.caseConversations.set(id, (await this.repository.conversationsByIds([id]))[0] ?? null);
    return context.caseConversations.get(id) ?? null;
  }

  /** Sends one occurrence; resolves when the POST is done, with the pending write of its `s|` record. */
  private async deliver(state: Claimed, context: Context, report: SweepReport): Promise<Recorded> {
    const { entry } = state;
    const gen = state.nextGen;
    if (this.killed) throw new WorkerKilled();
    if (state.leaseUntil - this.now().getTime() < this.options.leaseMs / 4) {
      // Sending this late could overlap a worker that takes the expired claim over (a duplicate).
      // The claim is given back unsent (not counted as an attempt) for the next sweep of any worker.
      const at = this.now();
      await this.repository.record(context.day, { _id: failId(entry.key, gen), t: 'f', key: entry.key, gen, error: 'lease nearly spent before sending; released', at, retryAt: at, released: true });
      this.logger.warn({ key: entry.key, gen }, 'reminder lease nearly spent before its turn; released for the next sweep');
      return undefined;
    }
    if (state.uncertain) {
      // The previous holder's lease ran out without a record: it died before or after its POST.
      // The Bot Connector offers no idempotent send, so we send again (at least once).
      this.stats.resentAfterCrash += 1;
      this.logger.warn({ key: entry.key, gen }, 'reminder claim expired without a result; sending again');
    }
    // Closed cases and stopped items are left out (case closure is a `case:<id>` stop record).
    const items = liveItems(entry, context.stops);
    // Entries planned before deep links were snapshotted: check the case itself, as before.
    const kase = hasLinks(state) ? undefined : await this.caseOf(entry.caseId, context);
    if (items.length === 0 || kase === null || (kase && kase.status !== 'open')) {
      await this.repository.record(context.day, { _id: `k|${entry.subject}|empty|${entry.key}`, t: 'k', subject: entry.subject, kinds: [entry.kind], reason: 'nothing_left', at: this.now() });
      return undefined;
    }
    const locale = context.locales.get(entry.recipientId) ?? 'da';
    const links: Record<string, string> = {};
    for (const item of items) {
      if (item.link) {
        links[item.caseId] = item.link;
        continue;
      }
      const itemCase = await this.caseOf(item.caseId, context);
      if (itemCase) links[item.caseId] = caseDeepLink(itemCase.conversation, itemCase.title, await this.caseConversationOf(itemCase, context));
    }
    const activity = reminderActivity(locale, entry, items, links);

    try {
      await this.beforeSend?.(entry.key);
      const delivered = await this.sendSomewhere(entry, context, activity, locale);
      if (this.killed) throw new WorkerKilled();
      const stored = this.recordSent(context.day, {
        _id: sentId(entry.key),
        t: 's',
        key: entry.key,
        gen,
        by: this.id,
        at: this.now(),
        activityId: delivered.activityId,
        conversationId: delivered.conversationId,
        via: delivered.via,
      }).then(() => {
        report.sent += 1;
        this.stats.sent += 1;
      });
      stored.catch(() => undefined); // awaited by the lane; this only marks it handled
      return { stored };
    } catch (error) {
      if (error instanceof WorkerKilled || this.killed) throw new WorkerKilled();
      const failure = error instanceof SendError ? error : new SendError(String((error as Error)?.message ?? error));
      const attempts = state.attempts + 1;
      if (!failure.retryable || attempts >= this.options.maxAttempts) {
        await this.giveUp(state, context, attempts, failure);
        report.gaveUp += 1;
        return undefined;
      }
      const delay = retryDelayMs(attempts, { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs, retryAfterMs: failure.retryAfterMs });
      const at = this.now();
      await this.repository.record(context.day, {
        _id: failId(entry.key, gen),
        t: 'f',
        key: entry.key,
        gen,
        status: failure.status,
        error: failure.message,
        at,
        retryAt: new Date(at.getTime() + delay),
      });
      report.failed += 1;
      this.stats.failedAttempts += 1;
      this.logger.warn({ key: entry.key, attempt: attempts, status: failure.status, retryInMs: delay }, 'reminder not delivered; will retry');
      return undefined;
    }
  }

  private async giveUp(state: EntryState, context: Context, attempts: number, failure: SendError): Promise<void> {
    const { entry } = state;
    const at = this.now();
    await this.repository.record(context.day, { _id: gaveUpId(entry.key), t: 'x', key: entry.key, attempts, error: failure.message, at });
    await this.repository.addFailure({
      _id: `${context.day}|${entry.key}`,
      day: context.day,
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

  /**
   * The recipient's personal chat when we have it; otherwise create it from the case
   * conversation's service URL and tenant; if that is refused, the case conversation with an
   * @mention of the recipient.
   */
  private async sendSomewhere(entry: EntryRecord, context: Context, activity: Partial<Activity>, locale: Locale): Promise<Delivered & { via: 'personal' | 'created' | 'case' }> {
    const { recipientId: userId, recipientName: name, caseId } = entry;
    if (entry.to && !context.personal.has(userId)) {
      await this.limit(entry.to.conversationId);
      try {
        return { ...(await this.sender.sendToPersonalChat(entry.to, { id: userId, name }, activity)), via: 'personal' };
      } catch (error) {
        if (!(error instanceof SendError) || error.retryable) throw error;
        // Refused for good: the chat may have moved since planning. Go on with the current one if
        // it differs, or the route for someone without a chat if it is gone.
        const current = await this.currentPersonalChat(userId, context);
        if (current && current._id === entry.to.conversationId && current.serviceUrl === entry.to.serviceUrl) throw error;
      }
    }
    const personal = context.personal.get(userId);
    if (personal) {
      await this.limit(personal._id);
      const target: DeliveryTarget = { conversationId: personal._id, reference: personal.reference as Partial<ConversationReference>, via: 'personal' };
      return { ...(await this.sender.send(target, activity)), via: 'personal' };
    }
    const kase = await this.caseOf(caseId, context);
    const caseRecord = kase ? await this.caseConversationOf(kase, context) : null;
    if (!kase || !caseRecord) throw new SendError('no stored conversation reference for the case or the person', 404);
    try {
      await this.limit(`new:${userId}`);
      const delivered = await this.sender.sendToNewPersonalChat({ id: userId, name }, caseRecord.serviceUrl, kase.conversation.tenantId ?? caseRecord.tenantId, activity);
      if (delivered.createdReference) await this.rememberPersonalChat(userId, delivered, caseRecord, context);
      return { ...delivered, via: 'created' };
    } catch (error) {
      if (error instanceof SendError && error.retryable) throw error;
      this.logger.info({ userId, status: (error as SendError)?.status }, 'no personal chat with this person; reminding in the case conversation');
    }
    await this.limit(caseRecord._id);
    // The case's room is read by others: it gets only an @mention that names nothing of the reminder.
    const mention = `<at>${name}</at>`;
    const inCase: Partial<Activity> = {
      type: 'message',
      channelData: activity.channelData,
      text: t(locale, 'reminder.mentionNeutral', { mention }),
      entities: [{ type: 'mention', text: mention, mentioned: { id: userId, name } } as never],
    };
    const target: DeliveryTarget = { conversationId: caseRecord._id, reference: caseRecord.reference as Partial<ConversationReference>, via: 'case' };
    return { ...(await this.sender.send(target, inCase)), via: 'case' };
  }

  /** The person's newest stored personal chat, read now (and kept for the rest of the sweep). */
  private async currentPersonalChat(userId: string, context: Context): Promise<ConversationRecord | undefined> {
    const newest = (await this.repository.personalChats([userId])).get(userId);
    if (newest) context.personal.set(userId, newest);
    return newest;
  }

  private async limit(conversationId: string): Promise<void> {
    await this.global.take();
    await this.perConversation.take(conversationId);
  }

  private async rememberPersonalChat(userId: string, delivered: Delivered, caseRecord: ConversationRecord, context: Context): Promise<void> {
    const record: ConversationRecord = {
      _id: delivered.conversationId,
      kind: 'personal',
      tenantId: caseRecord.tenantId,
      userId,
      serviceUrl: caseRecord.serviceUrl,
      reference: JSON.parse(JSON.stringify(delivered.createdReference)) as Record<string, unknown>,
      updatedAt: this.now(),
    };
    context.personal.set(userId, record);
    await this.core.conversations.remember(record).catch((error: unknown) => this.logger.warn({ err: error }, 'could not store the new personal chat'));
  }
}
