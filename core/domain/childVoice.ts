import type { Member } from './case';
import { DomainError } from './errors';
import { isProfessional, roleGroup, type Role } from './roles';

/**
 * Barnets stemme (the child's voice), from Signs of Safety's three houses: what the child says, in
 * the child's own words. Pure rules: who may write what, and who may read an entry.
 */

export const HOUSES = ['worries', 'good_things', 'dreams'] as const;
/** Huset med bekymringer, Huset med de gode ting, Drømmehuset. */
export type House = (typeof HOUSES)[number];

/**
 * How the words were written down:
 * - `with_child`: together with the child ("sammen med barnet");
 * - `as_said`: as the child said it ("som barnet sagde det");
 * - `by_child`: the child wrote it themselves.
 */
export const HOWS = ['with_child', 'as_said', 'by_child'] as const;
export type How = (typeof HOWS)[number];

/**
 * Who reads an entry besides its author:
 * - `family` (the default): the family (parents and the child) and the professionals;
 * - `professionals`: only the professionals (a professional or the child may choose it, e.g. for a
 *   worry the child does not want read at home).
 * Network members (a coach, a grandparent) do not read the child's voice.
 */
export const VISIBILITIES = ['family', 'professionals'] as const;
export type VoiceVisibility = (typeof VISIBILITIES)[number];

export const CHILD_VOICE_TEXT_MAX = 1000;
/** How far back the date the child said it may lie (a year), so a typo in the year is caught. */
export const CHILD_VOICE_MAX_AGE_DAYS = 366;

export interface ChildVoiceEntry {
  /** Derived from the writer and the form ID, so a repeated submit stores one entry. */
  _id: string;
  caseId: string;
  house: House;
  text: string;
  how: How;
  /** The day the child said it (YYYY-MM-DD, Copenhagen). */
  date: string;
  authorId: string;
  authorName: string;
  authorRole: Role;
  visibility: VoiceVisibility;
  createdAt: Date;
}

/**
 * Per case: whether the young person is recorded as 15 or older, and which professionals the young
 * person has said may read the child's voice (used only when the setting is on: docs/child-voice.md).
 */
export interface ChildVoiceSettings {
  _id: string;
  youth15Plus: boolean;
  youthMarkedBy?: string;
  youthMarkedAt?: Date;
  /** The professionals the young person said yes to. */
  allowed: string[];
  /** The professionals the young person was asked about (the rest have not been asked yet). */
  asked: string[];
  decidedAt?: Date;
  decidedBy?: string;
  version: number;
}

export const isChild = (role: Role): boolean => role === 'child';

/** The ways a person of this role writes the child's words down. */
export function howsFor(role: Role): readonly How[] {
  if (isChild(role)) return ['by_child'];
  return ['with_child', 'as_said'];
}

/** Whether a person of this role may hide an entry from the family. Parents write for the family. */
export const mayHideFromFamily = (role: Role): boolean => isProfessional(role) || isChild(role);

export function checkHow(role: Role, raw: unknown): How {
  const allowed = howsFor(role);
  if (allowed.length === 1 && (raw === undefined || raw === '')) return allowed[0]!;
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) throw new DomainError('error.invalidChoice', { field: 'childVoice.field.how' });
  return raw as How;
}

export function checkHouse(raw: unknown): House {
  if (typeof raw !== 'string' || !(HOUSES as readonly string[]).includes(raw)) throw new DomainError('error.invalidChoice', { field: 'childVoice.field.house' });
  return raw as House;
}

export function checkVisibility(role: Role, raw: unknown): VoiceVisibility {
  if (raw === undefined || raw === '' || raw === false || raw === 'false' || raw === 'family') return 'family';
  if (raw === true || raw === 'true' || raw === 'professionals') {
    if (!mayHideFromFamily(role)) throw new DomainError('childVoice.error.parentsWriteForFamily', {}, 'forbidden');
    return 'professionals';
  }
  throw new DomainError('error.invalidChoice', { field: 'childVoice.field.visibility' });
}

/**
 * The young person's own say (a setting, off by default): when it is on and the young person is
 * recorded as 15 or older, a professional reads the child's voice only after the young person said yes.
 */
export interface YouthGate {
  applies: boolean;
  allowed: ReadonlySet<string>;
}

export const NO_GATE: YouthGate = { applies: false, allowed: new Set() };

export function youthGate(enabled: boolean, settings: Pick<ChildVoiceSettings, 'youth15Plus' | 'allowed'> | null | undefined): YouthGate {
  if (!enabled || !settings?.youth15Plus) return NO_GATE;
  return { applies: true, allowed: new Set(settings.allowed) };
}

/** Whether a professional's reading waits for the young person's yes. */
export const waitsForYouth = (viewer: Member, gate: YouthGate): boolean => gate.applies && isProfessional(viewer.role) && !gate.allowed.has(viewer.userId);

/**
 * Whether `viewer` (an active member) may read `entry`. Its author always may. Network members
 * never do. The family reads family-visible entries; professionals read every entry, unless the
 * young person's yes is needed and missing.
 */
export function mayRead(entry: Pick<ChildVoiceEntry, 'authorId' | 'visibility'>, viewer: Member, gate: YouthGate): boolean {
  if (viewer.status !== 'active') return false;
  if (entry.authorId === viewer.userId) return true;
  const group = roleGroup(viewer.role);
  if (group === 'network') return false;
  if (group === 'family') return entry.visibility === 'family';
  return !waitsForYouth(viewer, gate);
}

/**
 * The child's voice on a meeting's agenda (docs/child-voice.md, docs/meetings.md): per house the
 * newest family-visible entries that everyone in the meeting may read. `more`: entries of that
 * house not listed (the tab's "Barnets stemme" has them all).
 */
export interface AgendaVoice {
  houses: Array<{ house: House; entries: Array<Pick<ChildVoiceEntry, 'text' | 'how' | 'date' | 'authorName' | 'authorRole'> & { id: string }>; more: number }>;
  /** Family-visible entries left out because someone in the meeting waits for the young person's yes. */
  withheld: number;
  /** Left out because a network member takes part: the network does not read the child's voice. */
  network: boolean;
}

/** The houses of an agenda's child's voice that have something to show; null when the agenda has nothing to say about it. */
export function agendaVoiceHouses(voice: AgendaVoice | null | undefined): AgendaVoice['houses'] | null {
  if (!voice) return null;
  const houses = voice.houses.filter((h) => h.entries.length > 0 || h.more > 0);
  return houses.length || voice.withheld || voice.network ? houses : null;
}
