import { DomainError } from './errors';
import type { MessageKey } from '../i18n';

export const TIME_ZONE = 'Europe/Copenhagen';
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in Copenhagen, as YYYY-MM-DD, at the given instant. */
export function copenhagenDate(at: Date): string {
  return dayFormat.format(at);
}

/** A date from a card's Input.Date: YYYY-MM-DD that exists in the calendar. */
export function calendarDate(raw: unknown, field: MessageKey): string {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new DomainError('error.invalidDate', { field });
  const [y, m, d] = raw.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y > 2100) throw new DomainError('error.invalidDate', { field });
  return raw;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The day of the week of a date (YYYY-MM-DD): 0 is Sunday, 6 is Saturday. */
export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** What Copenhagen's clock shows at an instant: the date, minutes since midnight, and the offset from UTC. */
export function wallClock(at: Date): { date: string; minutes: number; offsetMs: number } {
  const parts = Object.fromEntries(partsFormat.formatToParts(at).map((p) => [p.type, p.value])) as Record<string, string>;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    offsetMs: asUtc - (at.getTime() - at.getMilliseconds()),
  };
}

/** The instant at which Copenhagen shows `date` `hhmm` (daylight saving handled). */
export function copenhagenTime(date: string, hhmm: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h = 0, mi = 0] = hhmm.split(':').map(Number);
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  let guess = naive - wallClock(new Date(naive)).offsetMs;
  guess = naive - wallClock(new Date(guess)).offsetMs;
  return new Date(guess);
}
