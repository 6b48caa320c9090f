import { createHash } from 'node:crypto';
import type { ReminderDelivery } from '../../core/reminders/delivery';
import { claimId, foldDay, type ClaimRecord, type DayRecord, type EntryState, type StopRecord } from '../../core/reminders/ledger';

/** An occurrence this worker has claimed, until when (epoch ms). */
export type Claimed = EntryState & { leaseUntil: number };

/** What one day's ledger holds for a sweep at a given moment. */
export interface DueNow {
  /** Ready occurrences in the order this worker should claim and send them. */
  ready: EntryState[];
  /** The day's stop records (a card leaves out stopped items). */
  stops: StopRecord[];
  /** Every occurrence is sent, given up or stopped: nothing more will happen (unless entries are added). */
  finished: boolean;
}

/**
 * What is due now in a day's ledger: the fold of its records at `now`, with the ready
 * occurrences ordered for `workerId` (see `sendingOrder`).
 */
export function dueNow(records: DayRecord[], now: Date, workerId: string): DueNow {
  const state = foldDay(records, now);
  const ready = state.entries.filter((s) => s.status === 'ready');
  const finished = state.entries.every((s) => s.status === 'sent' || s.status === 'gaveUp' || s.status === 'stopped');
  return { ready: sendingOrder(ready, workerId), stops: state.stops, finished };
}

/**
 * Keeps one person's reminders together (one worker, in order, within the per-conversation
 * limit), and lets each worker start at a different person so that workers rarely collide.
 */
export function sendingOrder(ready: EntryState[], workerId: string): EntryState[] {
  if (ready.length === 0) return [];
  const groups = new Map<string, EntryState[]>();
  for (const s of ready) {
    const group = groups.get(s.entry.recipientId);
    if (group) group.push(s);
    else groups.set(s.entry.recipientId, [s]);
  }
  const offset = parseInt(createHash('sha1').update(workerId).digest('hex').slice(0, 6), 16) % groups.size;
  const recipients = [...groups.keys()];
  return [...recipients.slice(offset), ...recipients.slice(0, offset)].flatMap((r) => groups.get(r) ?? []);
}

/**
 * Claims a batch with one insertMany of claim records `c|<key>|<gen>` (a lease until
 * `at + leaseMs`). A unique `_id` decides: a duplicate means another worker has that occurrence.
 * Returns the occurrences this worker won.
 */
export async function claimBatch(repository: ReminderDelivery, day: string, batch: EntryState[], by: string, at: Date, leaseMs: number): Promise<Claimed[]> {
  const until = at.getTime() + leaseMs;
  const claims: ClaimRecord[] = batch.map((s) => ({ _id: claimId(s.entry.key, s.nextGen), t: 'c', key: s.entry.key, gen: s.nextGen, by, at, until: new Date(until) }));
  const won = await repository.insertRecords(day, claims);
  return batch.filter((s) => won.has(claimId(s.entry.key, s.nextGen))).map((s) => ({ ...s, leaseUntil: until }));
}
