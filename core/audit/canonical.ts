import { createHash } from 'node:crypto';

/**
 * The one serialization that hashes are computed over: JSON with object keys sorted, dates as ISO
 * strings, and `undefined` left out (as JSON.stringify does), so the same content always gives the
 * same bytes, whichever order its fields were written in or read back from the database.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : normalize(item)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = normalize(item);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical: numbers must be finite');
  return value;
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const hashOf = (value: unknown): string => sha256(canonical(value));
