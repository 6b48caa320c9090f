/**
 * Copenhagen wall-clock arithmetic for reminders: working days, working hours and the next
 * moment a reminder may be sent. Pure functions; no clock, no database.
 */
import { addDays, copenhagenDate, copenhagenTime, wallClock, weekday } from '../domain/dates';

export { addDays, copenhagenDate, copenhagenTime, weekday };

/** When reminders may be sent: working days between `start` and `end`, Copenhagen time ("HH:MM"). */
export interface SendingHours {
  start: string;
  end: string;
}

export const DEFAULT_SENDING_HOURS: SendingHours = { start: '08:00', end: '17:00' };

const toMinutes = (hhmm: string): number => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Easter Sunday (Gregorian), as YYYY-MM-DD. */
function easter(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const holidayCache = new Map<number, Set<string>>();

/**
 * Days Danish municipalities are closed besides weekends: the public holidays, plus Grundlovsdag,
 * Christmas Eve and New Year's Eve. Store bededag is a working day from 2024.
 */
export function danishHolidays(year: number): Set<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const e = easter(year);
  const days = new Set<string>([`${year}-01-01`, `${year}-06-05`, `${year}-12-24`, `${year}-12-25`, `${year}-12-26`, `${year}-12-31`]);
  for (const offset of [-3, -2, 0, 1, 39, 49, 50]) days.add(addDays(e, offset));
  if (year < 2024) days.add(addDays(e, 26));
  holidayCache.set(year, days);
  return days;
}

export function isWorkingDay(date: string): boolean {
  const day = weekday(date);
  if (day === 0 || day === 6) return false;
  return !danishHolidays(Number(date.slice(0, 4))).has(date);
}

/** The first working day on or after `date`. */
export function workingDayOnOrAfter(date: string): string {
  let day = date;
  while (!isWorkingDay(day)) day = addDays(day, 1);
  return day;
}

/** `n` working days after (n > 0) or before (n < 0) `date`; n = 0 gives `date` itself. */
export function addWorkingDays(date: string, n: number): string {
  let day = date;
  let left = Math.abs(n);
  const step = n < 0 ? -1 : 1;
  while (left > 0) {
    day = addDays(day, step);
    if (isWorkingDay(day)) left -= 1;
  }
  return day;
}

/** True when a reminder may go out at this instant: a working day, inside the sending hours. */
export function isSendingTime(at: Date, hours: SendingHours = DEFAULT_SENDING_HOURS): boolean {
  const { date, minutes } = wallClock(at);
  return isWorkingDay(date) && minutes >= toMinutes(hours.start) && minutes < toMinutes(hours.end);
}

/**
 * The earliest instant at or after `at` when a reminder may be sent: unchanged inside the
 * sending hours of a working day, otherwise held until the next working morning.
 */
export function nextSendingTime(at: Date, hours: SendingHours = DEFAULT_SENDING_HOURS): Date {
  if (isSendingTime(at, hours)) return at;
  const { date, minutes } = wallClock(at);
  const day = isWorkingDay(date) && minutes < toMinutes(hours.start) ? date : workingDayOnOrAfter(addDays(date, 1));
  return copenhagenTime(day, hours.start);
}

/** Default dates for a new agreement: due two weeks out and followed up two weeks later, both on working days. */
export function defaultAgreementDates(today: string): { dueDate: string; followUpDate: string } {
  const dueDate = workingDayOnOrAfter(addDays(today, 14));
  return { dueDate, followUpDate: workingDayOnOrAfter(addDays(dueDate, 14)) };
}
