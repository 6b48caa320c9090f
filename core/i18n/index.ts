/**
 * User-facing texts. Danish is the default; English sits beside it.
 * Keys are shared by bot and tab so that a refusal reads the same everywhere.
 * Each feature keeps its texts in messages/<feature>.ts; add the module to the lists below.
 */
import * as audience from './messages/audience';
import * as childVoice from './messages/childVoice';
import * as channels from './messages/channels';
import * as collaboration from './messages/collaboration';
import * as earlyWarning from './messages/earlyWarning';
import * as exporting from './messages/export';
import * as foundation from './messages/foundation';
import * as handover from './messages/handover';
import * as leader from './messages/leader';
import * as meetings from './messages/meetings';
import * as gdpr from './messages/gdpr';
import * as reminders from './messages/reminders';
import * as tab from './messages/tab';

export type Locale = 'da' | 'en';

const da = { ...foundation.da, ...collaboration.da, ...reminders.da, ...tab.da, ...channels.da, ...audience.da, ...exporting.da, ...gdpr.da, ...earlyWarning.da, ...leader.da, ...handover.da, ...childVoice.da, ...meetings.da };
const en: Record<keyof typeof da, string> = { ...foundation.en, ...collaboration.en, ...reminders.en, ...tab.en, ...channels.en, ...audience.en, ...exporting.en, ...gdpr.en, ...earlyWarning.en, ...leader.en, ...handover.en, ...childVoice.en, ...meetings.en };

export type MessageKey = keyof typeof da;
type Messages = Record<MessageKey, string>;

const catalogues: Record<Locale, Messages> = { da, en };

/** Teams sends e.g. "en-US" or "da-DK"; anything we do not translate falls back to Danish. */
export function resolveLocale(raw: string | undefined | null): Locale {
  return raw?.toLowerCase().startsWith('en') ? 'en' : 'da';
}

/**
 * Fills `{name}` from params. `{count|one|other}` picks a plural form by the number in `count`
 * ("1 ny observation", "2 nye observationer"); `#` in the chosen form is the number itself.
 */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogues[locale][key];
  return template
    .replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (match, name: string, one: string, other: string) => {
      if (!(name in params)) return match;
      const value = params[name];
      return (Number(value) === 1 ? one : other).replace(/#/g, String(value));
    })
    .replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

/** Renders a refusal; parameters that are message keys (a field, a status) are translated too. */
export function renderRefusal(locale: Locale, key: MessageKey, params: Record<string, string | number>): string {
  const resolved = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === 'string' && value in catalogues[locale] ? t(locale, value as MessageKey) : value]),
  );
  return t(locale, key, resolved);
}
