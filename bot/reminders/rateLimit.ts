import type { ReminderDelivery } from '../../core/reminders/delivery';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The global send budget (messages per second), shared by every instance through the database:
 * each second's budget is cut into at most ten chunks, and a chunk belongs to whoever inserts
 * its `second:chunk` document first. Real time on purpose: rate limits are about the wall clock.
 */
export class GlobalRateLimiter {
  private second = -1;
  private tokens = 0;
  private nextChunk = 0;
  private queue: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  private readonly chunkSize: number;
  private readonly chunks: number;

  constructor(
    private readonly repository: ReminderDelivery,
    private readonly perSecond: number,
    private readonly wallClock: () => number = Date.now,
  ) {
    this.chunkSize = Math.max(1, Math.ceil(perSecond / 10));
    this.chunks = Math.ceil(perSecond / this.chunkSize);
  }

  /** Resolves when one message may be sent. 0 per second means no limit. */
  take(): Promise<void> {
    if (this.perSecond <= 0) return Promise.resolve();
    const turn = this.queue.then(() => this.takeOne());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeOne(): Promise<void> {
    for (;;) {
      const now = this.wallClock();
      const second = Math.floor(now / 1000);
      if (second !== this.second) {
        this.second = second;
        this.tokens = 0;
        this.nextChunk = 0;
        if (now - this.lastPrune > 60_000) {
          this.lastPrune = now;
          await this.repository.pruneRate(second - 60).catch(() => undefined);
        }
      }
      if (this.tokens > 0) {
        this.tokens -= 1;
        return;
      }
      while (this.nextChunk < this.chunks) {
        if (await this.repository.takeRateChunk(second, this.nextChunk++)) {
          this.tokens = this.chunkSize - 1;
          return;
        }
      }
      await sleep(Math.max(1, (second + 1) * 1000 - this.wallClock()));
    }
  }
}

/**
 * Microsoft's documented limits for one bot in one conversation ("per bot per thread"):
 * 7 messages in 1 s, 8 in 2 s, 60 in 30 s, 1800 in an hour.
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit
 */
export const PER_CONVERSATION_LIMITS: ReadonlyArray<{ windowMs: number; max: number }> = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
];

/** Keeps this instance within the per-conversation limits (sends to one conversation wait their turn). */
export class ConversationRateLimiter {
  private readonly sent = new Map<string, number[]>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly limits = PER_CONVERSATION_LIMITS,
    private readonly wallClock: () => number = Date.now,
  ) {}

  take(conversationId: string): Promise<void> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const turn = previous.then(() => this.takeOne(conversationId));
    const settled = turn.catch(() => undefined);
    this.queues.set(conversationId, settled);
    void settled.then(() => {
      if (this.queues.get(conversationId) === settled) this.queues.delete(conversationId);
    });
    return turn;
  }

  private async takeOne(conversationId: string): Promise<void> {
    const longest = Math.max(...this.limits.map((l) => l.windowMs));
    for (;;) {
      const now = this.wallClock();
      const times = (this.sent.get(conversationId) ?? []).filter((at) => at > now - longest);
      let wait = 0;
      for (const { windowMs, max } of this.limits) {
        const inWindow = times.filter((at) => at > now - windowMs);
        if (inWindow.length >= max) wait = Math.max(wait, (inWindow[inWindow.length - max] ?? now) + windowMs - now);
      }
      if (wait <= 0) {
        times.push(now);
        this.sent.set(conversationId, times);
        return;
      }
      await sleep(wait);
    }
  }
}
