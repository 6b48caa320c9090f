import type { Locale } from '../../core/i18n';

/** Formatting shared by the browser views and the minutes card. Times are shown in Copenhagen. */

const intlLocale = (locale: Locale) => (locale === 'da' ? 'da-DK' : 'en-GB');

/** A calendar date (YYYY-MM-DD), e.g. "3. mar. 2026". */
export function formatDay(locale: Locale, isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant (ISO string), e.g. "3. mar. 2026 14.05". */
export function formatWhen(locale: Locale, isoInstant: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Copenhagen' }).format(new Date(isoInstant));
}

/** A score 0–2 with one decimal, in the locale's notation. */
export function formatScore(locale: Locale, value: number): string {
  return new Intl.NumberFormat(intlLocale(locale), { minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(value);
}
