import { RecentMap } from '../recentMap';

/**
 * Reads of a case kept by the case's position in its history (the end of its hash chain). Every
 * change to what such a read holds appends to that chain (AuditedWrites), so a read made after the
 * position was taken stays right until the position moves. Read the position first, then load.
 *
 * One rewrite does not move it: erasure appends its `person.erased` event before it rewrites the
 * other documents that name the person (core/gdpr/gdprService.ts), from another process. So a read
 * is also kept for at most `maxAgeMs`. Bounded: the least recently used read goes first.
 */
/** How long a kept read serves at most at an unmoved position: the time an erasure may take to rewrite. */
export const KEPT_READ_MAX_AGE_MS = 30_000;

export class PositionCache<T> {
  private readonly entries: RecentMap<string, { position: number; at: number; value: Promise<T> }>;

  constructor(
    capacity: number,
    private readonly maxAgeMs = KEPT_READ_MAX_AGE_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.entries = new RecentMap(capacity);
  }

  /** The read of `key` made at `position`, or `load()`'s, kept for the next caller at that position. */
  get(key: string, position: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.position === position && this.clock() - hit.at < this.maxAgeMs) return hit.value;
    const entry = { position, at: this.clock(), value: load() };
    this.entries.set(key, entry);
    // A failed read is not kept.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }
}
