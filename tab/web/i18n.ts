import { resolveLocale, t, type Locale, type MessageKey } from '../../core/i18n';

/** The page's language: Danish unless Teams says English. */
let current: Locale = 'da';

export function setLocale(raw: string | undefined): Locale {
  current = resolveLocale(raw);
  document.documentElement.lang = current;
  return current;
}

export const locale = (): Locale => current;
export const tr = (key: MessageKey, params: Record<string, string | number> = {}): string => t(current, key, params);
/** For keys built from stored values (role.teacher, level.red …), which the catalogue holds for every value. */
export const trKey = (key: string, params: Record<string, string | number> = {}): string => t(current, key as MessageKey, params);
