import type { AgreementStatus } from '../domain/agreement';
import type { ConsentState, MemberStatus } from '../domain/case';
import type { Role } from '../domain/roles';
import type { AssessmentArea, IcsArea, SosColumn, WellbeingLevel } from '../domain/scales';
import { t, type Locale } from './index';

/**
 * The one home of labels and formatting, shared by the bot's cards, the tab's browser views and
 * the tab's cards. Stable keys in, words out. Times are shown in Copenhagen.
 *
 * Building an Intl formatter costs far more than using one, so each is built once per locale.
 */

export const roleLabel = (l: Locale, role: Role) => t(l, `role.${role}`);
export const levelLabel = (l: Locale, level: WellbeingLevel) => t(l, `level.${level}`);
export const areaLabel = (l: Locale, area: AssessmentArea) => t(l, `area.${area}`);
export const icsLabel = (l: Locale, area: IcsArea) => t(l, `ics.${area}`);
export const sosLabel = (l: Locale, column: SosColumn) => t(l, `sos.${column}`);
export const memberStatusLabel = (l: Locale, status: MemberStatus) => t(l, `member.status.${status}`);
export const consentLabel = (l: Locale, state: ConsentState) => t(l, `consent.state.${state}`);
export const agreementStatusLabel = (l: Locale, status: AgreementStatus) => t(l, `agreement.status.${status}`);

export const LEVEL_DOT: Record<WellbeingLevel, string> = { green: '🟢', yellow: '🟡', red: '🔴' };

const INTL_LOCALE: Record<Locale, string> = { da: 'da-DK', en: 'en-GB' };

function perLocale<T>(build: (intlLocale: string) => T): Record<Locale, T> {
  return { da: build(INTL_LOCALE.da), en: build(INTL_LOCALE.en) };
}

// Calendar dates are stored as YYYY-MM-DD and formatted as UTC midnight so that no zone shifts them.
const MEDIUM_DAY = perLocale((l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone: 'UTC' }));
const LONG_DAY = perLocale((l) => new Intl.DateTimeFormat(l, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }));
const DATE_TIME = perLocale((l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Copenhagen' }));
const SCORE = perLocale((l) => new Intl.NumberFormat(l, { minimumFractionDigits: 1, maximumFractionDigits: 2 }));

const utcDay = (isoDate: string): Date => {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
};

/** A calendar date (YYYY-MM-DD), e.g. "3. mar. 2026". */
export const formatDay = (locale: Locale, isoDate: string): string => MEDIUM_DAY[locale].format(utcDay(isoDate));

/** A calendar date with its weekday, e.g. "tirsdag den 3. marts 2026". */
export const formatLongDay = (locale: Locale, isoDate: string): string => LONG_DAY[locale].format(utcDay(isoDate));

/** An instant, e.g. "3. mar. 2026 14.05". */
export const formatDateTime = (locale: Locale, at: Date | string): string => DATE_TIME[locale].format(typeof at === 'string' ? new Date(at) : at);

const WHEN = perLocale((l) => new Intl.DateTimeFormat(l, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Copenhagen' }));
const CLOCK = perLocale((l) => new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Copenhagen' }));

/** A meeting's start with its weekday, e.g. "torsdag den 5. marts 2026 kl. 13.00" (Copenhagen time). */
export const formatWhen = (locale: Locale, at: Date | string): string => WHEN[locale].format(typeof at === 'string' ? new Date(at) : at);

/** A time of day in Copenhagen, e.g. "13.00" / "13:00". */
export const formatClock = (locale: Locale, at: Date | string): string => CLOCK[locale].format(typeof at === 'string' ? new Date(at) : at);

/** A score 0–2 with one or two decimals, in the locale's notation. */
export const formatScore = (locale: Locale, value: number): string => SCORE[locale].format(value);

const NUMBER = perLocale((l) => new Intl.NumberFormat(l));
const ONE_DECIMAL = perLocale((l) => new Intl.NumberFormat(l, { maximumFractionDigits: 1 }));
// A month (YYYY-MM) is formatted at noon UTC in its middle, so that no zone moves it into another month.
const MONTH_SHORT = perLocale((l) => new Intl.DateTimeFormat(l, { month: 'short', year: '2-digit', timeZone: 'UTC' }));
const MONTH_LONG = perLocale((l) => new Intl.DateTimeFormat(l, { month: 'long', year: 'numeric', timeZone: 'UTC' }));

/** A number in the locale's notation, e.g. "1.234". */
export const formatNumber = (locale: Locale, value: number): string => NUMBER[locale].format(value);

/** A number with at most one decimal, e.g. "2,5". */
export const formatOneDecimal = (locale: Locale, value: number): string => ONE_DECIMAL[locale].format(value);

/** A month (YYYY-MM), e.g. "mar. 26" (short) or "marts 2026" (long). */
export const formatMonth = (locale: Locale, month: string, style: 'short' | 'long' = 'short'): string =>
  (style === 'short' ? MONTH_SHORT : MONTH_LONG)[locale].format(new Date(`${month}-15T12:00:00Z`));

/** Shortens a text for a heading or a list row; the ellipsis shows that it was shortened. */
export const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
