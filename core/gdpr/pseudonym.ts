import { createHmac } from 'node:crypto';
import { DomainError } from '../domain/errors';

/**
 * Pseudonymisation of one person (GDPR art. 4(5), art. 17 on the controller's instruction). Pure:
 * the erasure service (core/gdpr/gdprService.ts) reads documents, asks this module what a person's
 * identifying strings are and what each document becomes, and writes the result.
 *
 * A person is known by their Teams user ID (29:…), their Entra object ID (a GUID, `aad:<GUID>` in
 * the tab), their display name(s), and the free text they wrote. Erasure replaces every ID and
 * name with one stable pseudonym, and their text with a marker.
 */

/** What replaces the free text a person wrote. */
export const ERASED_TEXT = '[slettet]';

/** Shorter names are not looked for inside other text (they would match ordinary words). */
export const MIN_NAME_LENGTH = 3;
/**
 * Text a person wrote is replaced where it is stored as theirs (their observation, their reason);
 * text at least this long is also replaced wherever else it was copied (a reminder, the minutes).
 */
export const MIN_COPIED_TEXT_LENGTH = 8;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_ID = /^[\w:.@-]{3,200}$/;

export const isGuid = (value: string): boolean => GUID.test(value);

/**
 * The ID an operator or a coordinator names a person by: a Teams user ID, an Entra object ID (any
 * case; stored lower-case), or the tab's `aad:<object ID>`. Anything else is refused.
 */
export function personIdFrom(raw: unknown): string {
  if (typeof raw !== 'string') throw new DomainError('error.gdprPersonId');
  const value = raw.trim();
  const aad = /^aad:(.+)$/i.exec(value)?.[1];
  if (aad !== undefined) {
    if (!isGuid(aad)) throw new DomainError('error.gdprPersonId');
    return aad.toLowerCase();
  }
  if (isGuid(value)) return value.toLowerCase();
  if (!USER_ID.test(value)) throw new DomainError('error.gdprPersonId');
  return value;
}

const PSEUDONYM_KEY = 'samspil:gdpr:pseudonym:v1';

/**
 * The stable pseudonym of an ID: the same person gets the same pseudonym in every case and on
 * every run. It is keyed with a fixed label, not a secret: whoever knows the original ID can
 * compute it (that is what makes it a pseudonym rather than anonymous), but the ID cannot be read
 * back from it. GUIDs are compared lower-case.
 */
export function pseudonymOf(id: string): string {
  const normal = isGuid(id) ? id.toLowerCase() : id;
  return `P-${createHmac('sha256', PSEUDONYM_KEY).update(normal, 'utf8').digest('hex').slice(0, 12)}`;
}

/** The ID a person's pseudonym is derived from: their Entra object ID if known (it is the same in every tenant's Teams), else their Teams user ID. */
export function canonicalId(ids: Iterable<string>): string {
  const all = [...ids];
  const guids = all.filter(isGuid).map((g) => g.toLowerCase()).sort();
  const first = guids[0] ?? [...all].sort()[0];
  if (!first) throw new Error('a person needs at least one ID');
  return first;
}

/** Everything that identifies one person, as found in the database. */
export interface PersonNeedles {
  ids: string[];
  names: string[];
  texts: string[];
}

export const emptyNeedles = (): PersonNeedles => ({ ids: [], names: [], texts: [] });

/** An ID as compared: lower-case, without the tab's `aad:` prefix. */
const bareId = (value: string): string => value.toLowerCase().replace(/^aad:/, '');

/** Escapes for a Unicode-mode pattern (where `\-` would be an error). */
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Kind = 'id' | 'name' | 'text';

/**
 * Who-fields and the free-text fields their author wrote, on one object: `{ authorId, text }` (an
 * observation), `{ proposedBy, what }` (an agreement), `{ by, reason }` (an agreement step, a
 * consent decision), `{ by, text }` (a legal basis), `{ userId, comment }` (an assessment answer),
 * `{ decidedBy, reason }` (a coordinator handover).
 */
const AUTHORED: ReadonlyArray<[string, string[]]> = [
  ['authorId', ['text']],
  ['proposedBy', ['what']],
  ['by', ['reason', 'text']],
  ['decidedBy', ['reason']],
  ['userId', ['comment']],
];

/** What an event's actor wrote in it, by event type (the type is in the envelope, not the content). */
const AUTHORED_EVENT_DATA: Readonly<Record<string, string[]>> = {
  'observation.created': ['text'],
  'agreement.proposed': ['what'],
  'agreement.accepted': ['reason'],
  'agreement.declined': ['reason'],
  'agreement.done': ['reason'],
  'agreement.cancelled': ['reason'],
  'member.added': ['legalBasis'],
  'member.consent.approved': ['reason'],
  'member.consent.declined': ['reason'],
  'member.consent.withdrawn': ['reason'],
  'case.hold.placed': ['reason'],
  'case.hold.released': ['reason'],
};

/** Name fields and the ID fields that say whose name it is: `ownerName` ↔ `ownerId`, `byName` ↔ `by`, `name` ↔ `userId`. */
function idFieldsOfName(key: string): string[] {
  if (key === 'name' || key === 'displayName') return ['userId', 'id', 'aadObjectId', 'objectId'];
  if (!key.endsWith('Name')) return [];
  const base = key.slice(0, -'Name'.length);
  return [`${base}Id`, base];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * One person's identifying strings, and what they become: IDs and names the pseudonym, text they
 * wrote the erased marker. Matching ignores case; names and text match only as whole words.
 */
export class Redactor {
  private readonly pattern: RegExp | null;
  private readonly kinds = new Map<string, Kind>();
  private readonly ids: Set<string>;

  constructor(
    readonly needles: PersonNeedles,
    readonly pseudonym: string,
  ) {
    this.ids = new Set(needles.ids.map((id) => id.toLowerCase()));
    const parts: Array<{ source: string; length: number }> = [];
    const add = (value: string, kind: Kind) => {
      const key = value.toLowerCase();
      if (this.kinds.has(key)) return;
      this.kinds.set(key, kind);
      const escaped = escapeRegExp(value);
      // IDs anywhere (`answer:<round>|<userId>:v1`, `a:personal-<GUID>`): they are long and random, and
      // nothing of them may stay. Names and text only as whole words, so that other words stay whole.
      const source = kind === 'id' ? escaped : `(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`;
      parts.push({ source, length: value.length });
    };
    for (const id of needles.ids) if (id.length >= 3) add(id, 'id');
    for (const name of needles.names) if (name.trim().length >= MIN_NAME_LENGTH) add(name.trim(), 'name');
    for (const text of needles.texts) if (text.trim().length >= MIN_COPIED_TEXT_LENGTH) add(text.trim(), 'text');
    // Longer first, so that a name inside a longer text does not win over the text.
    parts.sort((a, b) => b.length - a.length);
    this.pattern = parts.length ? new RegExp(parts.map((p) => p.source).join('|'), 'giu') : null;
  }

  /** Whether a value is one of the person's IDs (GUIDs in any case; the tab's `aad:<GUID>` too). */
  isPersonId(value: unknown): boolean {
    return typeof value === 'string' && this.ids.has(bareId(value));
  }

  contains(text: string): boolean {
    if (!this.pattern) return false;
    this.pattern.lastIndex = 0;
    const found = this.pattern.test(text);
    this.pattern.lastIndex = 0;
    return found;
  }

  replace(text: string): string {
    if (!this.pattern) return text;
    return text.replace(this.pattern, (match) => {
      const kind = this.kinds.get(match.toLowerCase()) ?? 'name';
      return kind === 'text' ? ERASED_TEXT : this.pseudonym;
    });
  }

  /**
   * A document (or any value) with the person's identifying strings replaced, in values and in
   * field names, and with the text they wrote (by its who-field) replaced whatever its length.
   * Dates and other non-plain values are kept as they are. `changed` says whether anything was.
   */
  redact<T>(value: T, context: { eventType?: string } = {}): { value: T; changed: boolean } {
    let changed = false;
    const walk = (node: unknown, eventType?: string): unknown => {
      if (typeof node === 'string') {
        const replaced = this.replace(node);
        if (replaced !== node) changed = true;
        return replaced;
      }
      if (Array.isArray(node)) return node.map((item) => walk(item));
      if (!isPlainObject(node)) return node;
      const erase = new Set<string>();
      for (const [who, fields] of AUTHORED) if (this.isPersonId(node[who])) for (const f of fields) erase.add(f);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        const newKey = this.replace(key);
        if (newKey !== key) changed = true;
        if (erase.has(key) && typeof item === 'string' && item !== '' && item !== ERASED_TEXT) {
          changed = true;
          out[newKey] = ERASED_TEXT;
          continue;
        }
        out[newKey] = walk(item);
      }
      // An event's content: what its actor wrote, by the event's type.
      if (eventType && this.isPersonId(node.actorId) && isPlainObject(out.data)) {
        const data = { ...(out.data as Record<string, unknown>) };
        for (const field of AUTHORED_EVENT_DATA[eventType] ?? []) {
          if (typeof data[field] === 'string' && data[field] !== '' && data[field] !== ERASED_TEXT) {
            data[field] = ERASED_TEXT;
            changed = true;
          }
        }
        out.data = data;
      }
      return out;
    };
    const result = walk(value, context.eventType) as T;
    return { value: changed ? result : value, changed };
  }
}

/**
 * Learns a person's IDs, names and text from one document, given the IDs known so far:
 * - an object that has one of the person's IDs and another ID field (`userId` with `aadObjectId`,
 *   a reference's `id` with `aadObjectId`) gives the other ID;
 * - a name field whose ID field is the person's (`ownerName` of `ownerId`, `byName` of `by`) gives a name;
 * - a text field whose who-field is the person's (see AUTHORED) gives text they wrote;
 * - an event content `{ actorId, data }` gives what the actor wrote, by the event's type.
 * Adds to `found`; returns whether it learnt a new ID (another pass may then find more).
 */
export function learnFrom(doc: unknown, found: PersonNeedles, context: { eventType?: string } = {}): boolean {
  const ids = new Set(found.ids.map((id) => id.toLowerCase()));
  const names = new Set(found.names);
  const texts = new Set(found.texts);
  let newId = false;
  const isPerson = (value: unknown): value is string => typeof value === 'string' && ids.has(bareId(value));
  const addId = (value: unknown) => {
    if (typeof value !== 'string' || value.length < 3 || ids.has(value.toLowerCase())) return;
    if (!isGuid(value) && !USER_ID.test(value)) return;
    ids.add(value.toLowerCase());
    found.ids.push(isGuid(value) ? value.toLowerCase() : value);
    newId = true;
  };
  const addText = (value: unknown) => {
    if (typeof value === 'string' && value.trim() !== '' && value !== ERASED_TEXT && !texts.has(value)) {
      texts.add(value);
      found.texts.push(value);
    }
  };
  const walk = (node: unknown, eventType?: string) => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item));
    if (!isPlainObject(node)) return;
    const idFields = ['userId', 'aadObjectId', 'id', 'objectId'].filter((f) => typeof node[f] === 'string');
    if (idFields.some((f) => isPerson(node[f])) && 'aadObjectId' in node) for (const f of idFields) addId(node[f]);
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && value.trim().length >= MIN_NAME_LENGTH && idFieldsOfName(key).some((f) => isPerson(node[f])) && !names.has(value.trim())) {
        names.add(value.trim());
        found.names.push(value.trim());
      }
    }
    for (const [who, fields] of AUTHORED) if (isPerson(node[who])) for (const f of fields) addText(node[f]);
    if (eventType && isPerson(node.actorId) && isPlainObject(node.data)) for (const f of AUTHORED_EVENT_DATA[eventType] ?? []) addText(node.data[f]);
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  walk(doc, context.eventType);
  return newId;
}
