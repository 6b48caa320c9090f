/**
 * The background work of a service that follows the case histories (early warnings, the leader's
 * overview): what it has started, so that `idle` can wait for it, and one piece of work at a time
 * per case in this process.
 *
 * Coalesced work of a case starts at least `minGapMs` after the case's previous coalesced work
 * started. Without a gap, a steady stream of changes (a busy meeting, an import) re-reads the case
 * once per change, back to back; with it, a few times a second, each covering what came meanwhile.
 */
export class CaseQueue {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Coalesced work waiting to start, per case. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** When the case's last coalesced work started (performance.now()), kept for `minGapMs`. */
  private readonly lastStart = new Map<string, number>();
  /** Work waiting out its gap: calling one starts it now. */
  private readonly gapWaits = new Set<() => void>();
  /** While someone waits for `idle`, no work waits out a gap. */
  private idleWaiters = 0;

  constructor(private readonly minGapMs = 0) {}

  /** Remembers `work` until it has settled; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** Runs `work` once the case's earlier work has settled (failed or not). */
  serialized<T>(caseId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(caseId) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.queues.set(caseId, next);
    void next
      .finally(() => {
        if (this.queues.get(caseId) === next) this.queues.delete(caseId);
      })
      .catch(() => undefined);
    return next;
  }

  /**
   * As `serialized`, but a call made while the case's coalesced work is still waiting to start joins
   * it: that work reads the case when it starts, so it covers every change made before (a burst is
   * done once).
   */
  coalesced<T>(caseId: string, work: () => Promise<T>): Promise<T> {
    const waiting = this.pending.get(caseId);
    if (waiting) return waiting as Promise<T>;
    // The gap is waited out before the case's queue, so the case's other work does not wait for it;
    // calls made meanwhile still join, as the work has not started.
    const gap = (this.lastStart.get(caseId) ?? -Infinity) + this.minGapMs - performance.now();
    const next = (gap > 0 && this.idleWaiters === 0 ? this.waitOut(gap) : Promise.resolve()).then(() =>
      this.serialized(caseId, () => {
        this.pending.delete(caseId);
        this.markStart(caseId);
        return work();
      }),
    );
    this.pending.set(caseId, next);
    return next;
  }

  private waitOut(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(timer);
        this.gapWaits.delete(go);
        resolve();
      };
      const timer = setTimeout(go, ms);
      this.gapWaits.add(go);
    });
  }

  private markStart(caseId: string): void {
    if (this.minGapMs <= 0) return;
    const at = performance.now();
    this.lastStart.set(caseId, at);
    setTimeout(() => {
      if (this.lastStart.get(caseId) === at) this.lastStart.delete(caseId);
    }, this.minGapMs).unref();
  }

  /** The case's coalesced work waiting to start, if any. */
  waiting(caseId: string): Promise<unknown> | undefined {
    return this.pending.get(caseId);
  }

  /**
   * Resolves when the tracked work (and what it tracked meanwhile) has settled. Work waiting out a
   * gap starts at once (tests, shutdown: nobody waits for a gap that only spreads load).
   */
  async idle(): Promise<void> {
    this.idleWaiters++;
    try {
      while (this.inFlight.size > 0) {
        for (const go of [...this.gapWaits]) go();
        await Promise.allSettled([...this.inFlight]);
      }
    } finally {
      this.idleWaiters--;
    }
  }
}
