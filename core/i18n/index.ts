/**
 * User-facing texts. Danish is the default; English sits beside it.
 * Keys are shared by bot and tab so that a refusal reads the same everywhere.
 * Each feature keeps its texts in messages/<feature>.ts; add the module to the lists below.
 */
import * as channels from './messages/channels';
import * as collaboration from './messages/collaboration';
import * as foundation from './messages/foundation';
import * as reminders from './messages/reminders';
import * as tab from './messages/tab';

export type Locale = 'da' | 'en';

const da = { ...foundation.da, ...collaboration.da, ...reminders.da, ...tab.da, ...channels.da };
const en: Record<keyof typeof da, string> = { ...foundation.en, ...collaboration.en, ...reminders.en, ...tab.en, ...channels.en };

export type MessageKey = keyof typeof da;
type Messages = Record<MessageKey, string>;

const catalogues: Record<Locale, Messages> = { da, en };

/** Teams sends e.g. "en-US" or "da-DK"; anything we do not translate falls back to Danish. */
export function resolveLocale(raw: string | undefined | null): Locale {
  return raw?.toLowerCase().startsWith('en') ? 'en' : 'da';
}

export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

// One formatter per locale: constructing Intl.DateTimeFormat costs far more than formatting.
const DATE_TIME: Record<Locale, Intl.DateTimeFormat> = {
  da: new Intl.DateTimeFormat('da-DK', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Copenhagen' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Copenhagen' }),
};

export function formatDateTime(locale: Locale, date: Date): string {
  return DATE_TIME[locale].format(date);
}

/** Renders a refusal; parameters that are message keys (a field, a status) are translated too. */
export function renderRefusal(locale: Locale, key: MessageKey, params: Record<string, string | number>): string {
  const resolved = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === 'string' && value in catalogues[locale] ? t(locale, value as MessageKey) : value]),
  );
  return t(locale, key, resolved);
}
