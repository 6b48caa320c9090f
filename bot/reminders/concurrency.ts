/**
 * Small concurrency helpers of the reminder sweep: sending lanes, the lease check before a send,
 * claiming one batch ahead, and the group commit of delivery records.
 */

/** Thrown by `ReminderWorker.kill()` into every send in flight: the worker stops dead, records nothing more. */
export class WorkerKilled extends Error {}

/**
 * A send that went out, with the write of its record (pending while the lane sends the next
 * one). Wrapped in an object: an async function returning a bare promise would wait for it.
 */
export type Recorded = { stored: Promise<void> } | undefined;

/**
 * Runs `run` over `items` in `lanes` lanes. A lane sends its next item while the previous one's
 * record is being written, and waits for that record before it goes on: at most two sends per
 * lane are ever unrecorded (the crash window). The first failure stops every lane and is thrown,
 * except `WorkerKilled` (a killed worker just stops).
 */
export async function inLanes<T>(items: T[], lanes: number, run: (item: T) => Promise<Recorded>): Promise<void> {
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
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  if (failure && !(failure instanceof WorkerKilled)) throw failure;
}

/**
 * Whether a claim is too close to its expiry to send now: a send this late could overlap a
 * worker that takes the expired claim over (a duplicate). Less than a quarter of the lease left.
 */
export const leaseNearlySpent = (leaseUntilMs: number, nowMs: number, leaseMs: number): boolean => leaseUntilMs - nowMs < leaseMs / 4;

/**
 * Works through `items` batch by batch: each batch is claimed while the previous one is worked
 * on, so the lanes never wait for a claim insert (its lease runs meanwhile; see
 * `leaseNearlySpent`). The first claim starts at once, alongside `alongside` (what the work needs
 * besides the claims). Stops before the next batch when `stopped()`.
 */
export async function claimAhead<T, C>(
  items: T[],
  batchSize: number,
  steps: { claim: (batch: T[]) => Promise<C[]>; work: (claimed: C[]) => Promise<void>; stopped: () => boolean },
  alongside: Promise<unknown> = Promise.resolve(),
): Promise<void> {
  const claim = (i: number): Promise<C[]> => (i < items.length && !steps.stopped() ? steps.claim(items.slice(i, i + batchSize)) : Promise.resolve([]));
  let [, mine] = await Promise.all([alongside, claim(0)]);
  for (let i = 0; i < items.length && !steps.stopped(); i += batchSize) {
    const next = claim(i + batchSize);
    next.catch(() => undefined); // awaited below; if the work fails first, its leases just expire
    await steps.work(mine);
    mine = await next;
  }
}

/**
 * Group commit: each `add` resolves once its item is written, and items that arrive while a
 * write is in progress go together in the next one. One writer at a time: on FerretDB concurrent
 * single inserts contend for SQLite's write lock, and one insertMany is one transaction.
 */
export class GroupCommit<T> {
  private pending: Array<{ item: T; done: () => void; fail: (error: unknown) => void }> = [];
  private flushing = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise<void>((done, fail) => {
      this.pending.push({ item, done, fail });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.write(batch.map((waiter) => waiter.item));
        for (const waiter of batch) waiter.done();
      } catch (error) {
        for (const waiter of batch) waiter.fail(error);
      }
    }
    this.flushing = false;
  }
}
