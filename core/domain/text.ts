import { DomainError } from './errors';
import { looksLikeCpr } from './cpr';
import type { MessageKey } from '../i18n';

/**
 * Every piece of free text a user gives us passes through here: trimmed, length-limited,
 * free of control characters and refused if it looks like a CPR number.
 */
export function cleanText(raw: unknown, field: MessageKey, max: number, { required = true } = {}): string {
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw new DomainError('error.required', { field });
    return '';
  }
  if (typeof raw !== 'string') throw new DomainError('error.wrongType', { field });
  // eslint-disable-next-line no-control-regex
  const text = raw.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  if (required && text.length === 0) throw new DomainError('error.required', { field });
  if (text.length > max) throw new DomainError('error.textTooLong', { field: field, max });
  if (looksLikeCpr(text)) throw new DomainError('error.cprRefused');
  return text;
}

