/**
 * A day's reminders are an append-only ledger in one collection per Copenhagen day: the planned
 * occurrences and, for each, its claims, failed attempts, delivery or give-up, plus stop markers
 * (done, cancelled, snoozed, answered). Nothing is updated in place; the state of an occurrence
 * is a fold over its records. Every record's `_id` is deterministic, so a unique index (the `_id`
 * index every backend has) makes each claim and each delivery record happen at most once.
 */
import type { PlannedReminder, ReminderItem, ReminderKind } from './rules';

export interface EntryRecord {
  _id: string;
  t: 'e';
  key: string;
  subject: string;
  kind: ReminderKind;
  recipientId: string;
  recipientName: string;
  caseId: string;
  at: Date;
  items: ReminderItem[];
  createdAt: Date;
  /** The recipient's personal chat as it was when planned; absent when there was none (read when sending). */
  to?: PersonalChat;
}
/** Where a personal chat with the bot is: enough for the Bot Connector's send-to-conversation. */
export interface PersonalChat {
  conversationId: string;
  serviceUrl: string;
}
export interface ClaimRecord {
  _id: string;
  t: 'c';
  key: string;
  gen: number;
  by: string;
  at: Date;
  until: Date;
}
export interface FailRecord {
  _id: string;
  t: 'f';
  key: string;
  gen: number;
  status?: number;
  error: string;
  at: Date;
  retryAt: Date;
  /** Not an attempt: the holder gave the claim back unsent (its lease was nearly spent). */
  released?: true;
}
export interface SentRecord {
  _id: string;
  t: 's';
  key: string;
  gen: number;
  by: string;
  at: Date;
  activityId?: string;
  conversationId: string;
  via: 'personal' | 'created' | 'case';
}
export interface GaveUpRecord {
  _id: string;
  t: 'x';
  key: string;
  attempts: number;
  error: string;
  at: Date;
}
export interface StopRecord {
  _id: string;
  t: 'k';
  subject: string;
  /** Only these kinds; all kinds when absent. */
  kinds?: ReminderKind[];
  /** Only what is addressed to this person (a coordinator who handed over); everyone's when absent. */
  recipientId?: string;
  reason: string;
  at: Date;
}
export type DayRecord = EntryRecord | ClaimRecord | FailRecord | SentRecord | GaveUpRecord | StopRecord;

export const entryId = (key: string): string => `e|${key}`;
export const claimId = (key: string, gen: number): string => `c|${key}|${gen}`;
export const failId = (key: string, gen: number): string => `f|${key}|${gen}`;
export const sentId = (key: string): string => `s|${key}`;
export const gaveUpId = (key: string): string => `x|${key}`;

export function entryRecord(planned: PlannedReminder, createdAt: Date, to?: PersonalChat): EntryRecord {
  return { _id: entryId(planned.key), t: 'e', createdAt, ...planned, ...(to ? { to } : {}) };
}

export type EntryStatus = 'sent' | 'gaveUp' | 'stopped' | 'claimed' | 'waiting' | 'ready';

export interface EntryState {
  entry: EntryRecord;
  status: EntryStatus;
  /** Claims so far: every claim is one delivery attempt (a crashed one included). */
  attempts: number;
  /** The generation the next claim must take. */
  nextGen: number;
  /** Not before this instant (planned time, or the retry time after a failure). */
  notBefore: Date;
  lastError?: string;
  /** A claim that expired without a result: the holder died, maybe after sending. */
  uncertain: boolean;
}

export interface DayState {
  entries: EntryState[];
  stops: StopRecord[];
}

/** The subject of a stop that ends every reminder about one case (the case was closed). */
export const caseSubject = (caseId: string): string => `case:${caseId}`;

/**
 * Whether a stop recorded after `createdAt` ends this item: its own subject, or its case (`case:<id>`),
 * of its kind, for its recipient (a stop naming a recipient ends only what is addressed to them).
 */
export function stopsItem(stops: StopRecord[], subject: string, kind: ReminderKind, createdAt: Date, caseId?: string, recipientId?: string): boolean {
  if (stops.length === 0) return false;
  const ofCase = caseId === undefined ? undefined : caseSubject(caseId);
  return stops.some((s) => (s.subject === subject || s.subject === ofCase) && (!s.kinds || s.kinds.includes(kind)) && (!s.recipientId || s.recipientId === recipientId) && s.at >= createdAt);
}

/** Folds a day's records into the state of each occurrence at `now`. */
export function foldDay(records: DayRecord[], now: Date): DayState {
  const entries: EntryRecord[] = [];
  const claims = new Map<string, ClaimRecord[]>();
  const fails = new Map<string, FailRecord[]>();
  const sent = new Set<string>();
  const gaveUp = new Set<string>();
  const stops: StopRecord[] = [];
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const record of records) {
    switch (record.t) {
      case 'e':
        entries.push(record);
        break;
      case 'c':
        push(claims, record.key, record);
        break;
      case 'f':
        push(fails, record.key, record);
        break;
      case 's':
        sent.add(record.key);
        break;
      case 'x':
        gaveUp.add(record.key);
        break;
      case 'k':
        stops.push(record);
        break;
    }
  }
  const states = entries.map((entry): EntryState => {
    const entryClaims = claims.get(entry.key) ?? [];
    const entryFails = fails.get(entry.key) ?? [];
    const latest = entryClaims.reduce<ClaimRecord | undefined>((max, c) => (!max || c.gen > max.gen ? c : max), undefined);
    const latestFail = latest ? entryFails.find((f) => f.gen === latest.gen) : undefined;
    const released = entryFails.filter((f) => f.released).length;
    const base = { entry, attempts: entryClaims.length - released, nextGen: (latest?.gen ?? 0) + 1, notBefore: entry.at, lastError: latestFail?.error, uncertain: false };
    if (sent.has(entry.key)) return { ...base, status: 'sent' };
    if (gaveUp.has(entry.key)) return { ...base, status: 'gaveUp' };
    // A digest spans cases: a closed case removes its items (liveItems), not the whole card.
    const stopped = stopsItem(stops, entry.subject, entry.kind, entry.createdAt, entry.kind === 'digest' ? undefined : entry.caseId, entry.recipientId);
    if (stopped) return { ...base, status: 'stopped' };
    if (latest && !latestFail) {
      if (latest.until > now) return { ...base, status: 'claimed' };
      return { ...base, status: 'ready', uncertain: true };
    }
    const notBefore = latestFail && latestFail.retryAt > entry.at ? latestFail.retryAt : entry.at;
    return { ...base, notBefore, status: notBefore > now ? 'waiting' : 'ready' };
  });
  return { entries: states, stops };
}

/** The items of a card that are still worth showing (stopped ones and closed cases are left out). */
export function liveItems(entry: EntryRecord, stops: StopRecord[]): ReminderItem[] {
  return entry.items.filter((item) => !stopsItem(stops, item.subject, item.kind, entry.createdAt, item.caseId, entry.recipientId));
}
