/**
 * Teams channel names: at most 50 characters, none of ~ # % & * { } + / \ : < > ? | ' " , and
 * no "..", and they may not start with an underscore or a full stop or end with a full stop.
 */
export const CHANNEL_NAME_MAX = 50;
// eslint-disable-next-line no-control-regex -- control characters are not allowed in a name either
const FORBIDDEN = /[~#%&*{}+/\\:<>?|'",\u0000-\u001f]/g;

/** A valid channel name made from a case title; `fallback` when nothing usable is left. */
export function channelNameFor(title: string, fallback: string, suffix = ''): string {
  let name = title
    .replace(FORBIDDEN, ' ')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[_.\s]+/, '');
  if (!name) name = fallback;
  name = name.slice(0, CHANNEL_NAME_MAX - suffix.length).trim().replace(/\.+$/, '').trim() || fallback;
  return `${name}${suffix}`;
}

/** Graph refuses a taken name with 400 (or 409) "Channel name already existed…" / NameAlreadyExists. */
export function isNameConflict(status: number, code: string, message: string): boolean {
  return (status === 400 || status === 409) && (/NameAlreadyExists/i.test(code) || /name already exist/i.test(message));
}
