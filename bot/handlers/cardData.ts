import { DomainError } from '../../core/domain/errors';

const MAX_DEPTH = 4;
const MAX_STRING = 5000;
const MAX_KEYS = 40;

/**
 * Card data comes back from the client and is untrusted: it must be a small, flat-ish plain
 * object with no `$`-operators or dotted keys that could reach a database query.
 */
export function cardData(raw: unknown): Record<string, unknown> {
  if (!isPlainObject(raw)) throw new DomainError('error.invalidAction');
  check(raw, 0);
  return raw;
}

function check(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new DomainError('error.invalidAction');
  if (typeof value === 'string') {
    if (value.length > MAX_STRING) throw new DomainError('error.textTooLong', { field: 'field.cardInput', max: MAX_STRING });
    return;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return;
  if (Array.isArray(value)) {
    if (value.length > MAX_KEYS) throw new DomainError('error.invalidAction');
    value.forEach((item) => check(item, depth + 1));
    return;
  }
  if (!isPlainObject(value)) throw new DomainError('error.invalidAction');
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) throw new DomainError('error.invalidAction');
  for (const key of keys) {
    if (key.startsWith('$') || key.includes('.') || key === '__proto__' || key === 'constructor' || key === 'prototype') throw new DomainError('error.invalidAction');
    check(value[key], depth + 1);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
