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
