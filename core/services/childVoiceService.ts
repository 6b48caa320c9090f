import { createHash, randomUUID } from 'node:crypto';
import { draft, versionKey } from '../audit/events';
import { activeProfessionals, type Actor, type Case, type Member } from '../domain/case';
import {
  CHILD_VOICE_MAX_AGE_DAYS,
  CHILD_VOICE_TEXT_MAX,
  checkHouse,
  checkHow,
  checkVisibility,
  HOUSES,
  howsFor,
  isChild,
  mayHideFromFamily,
  mayRead,
  NO_GATE,
  waitsForYouth,
  youthGate,
  type AgendaVoice,
  type ChildVoiceEntry,
  type ChildVoiceSettings,
  type House,
  type How,
  type VoiceVisibility,
  type YouthGate,
} from '../domain/childVoice';
import { addDays, calendarDate, copenhagenDate } from '../domain/dates';
import { DomainError } from '../domain/errors';
import { USER_ID } from '../domain/ids';
import { decide } from '../domain/policy';
import { roleGroup, type Role } from '../domain/roles';
import { cleanText } from '../domain/text';
import type { ChildVoiceRepository } from '../persistence/childVoiceRepository';
import type { CaseAccess } from './access';
import type { Clock } from './caseService';
import { documentIdFor, formIdFrom } from './formService';

export interface ChildVoiceOptions {
  /**
   * CHILD_VOICE_YOUTH_CONSENT (off by default): a young person recorded as 15 or older decides
   * which professionals read the child's voice (docs/child-voice.md).
   */
  youthConsent?: boolean;
}

export interface ChildVoiceInput {
  formId: unknown;
  house: unknown;
  text: unknown;
  how?: unknown;
  date?: unknown;
  /** 'true' / 'professionals' hides the entry from the family (professionals and the child only). */
  professionalsOnly?: unknown;
}

export interface EntryView {
  id: string;
  house: House;
  text: string;
  how: How;
  date: string;
  authorName: string;
  authorRole: Role;
  professionalsOnly: boolean;
  mine: boolean;
  createdAt: string;
}

/** The young person's own say, as the case's members see it (only when the setting is on). */
export interface YouthView {
  /** The setting is on in this installation. */
  enabled: boolean;
  youth15Plus: boolean;
  /** The case has an active young person who can answer. */
  youngPersonName: string | null;
  /** Whether this viewer's reading waits for the young person's yes. */
  waiting: boolean;
  /** For the young person themself: each professional, and whether they may read (`choices`, so no key says "professionals"). */
  choices: Array<{ userId: string; name: string; role: Role; allowed: boolean; asked: boolean }>;
}

export interface ChildVoiceView {
  caseId: string;
  caseTitle: string;
  houses: Array<{ house: House; entries: EntryView[] }>;
  /** Entries this viewer could read but for the young person's missing yes. */
  withheld: number;
  viewer: {
    canRecord: boolean;
    hows: How[];
    canHide: boolean;
    isYoungPerson: boolean;
    canMarkAge: boolean;
    canDecideYouthConsent: boolean;
  };
  youth: YouthView;
  today: string;
}

/** What the meeting agenda shows of the child's voice: only what everyone in the meeting may read. */
export type AgendaChildVoice = AgendaVoice;

export const AGENDA_ENTRIES_PER_HOUSE = 5;

const iso = (date: Date): string => new Date(date).toISOString();
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function entryView(entry: ChildVoiceEntry, viewer?: Member): EntryView {
  return {
    id: entry._id,
    house: entry.house,
    text: entry.text,
    how: entry.how,
    date: entry.date,
    authorName: entry.authorName,
    authorRole: entry.authorRole,
    professionalsOnly: entry.visibility === 'professionals',
    mine: !!viewer && entry.authorId === viewer.userId,
    createdAt: iso(entry.createdAt),
  };
}

const byHouse = <T extends { house: House }>(entries: T[]) => HOUSES.map((house) => ({ house, entries: entries.filter((e) => e.house === house) }));

/**
 * Barnets stemme (docs/child-voice.md): what the child says, in three houses, written down by a
 * professional or a parent (with the child, or as the child said it) or by the child. Visible to
 * the family by default; a professional or the child may keep an entry among the professionals.
 * Every entry is audited (the event keeps a hash of the words, not the words), a repeated submit
 * stores one entry, and the CPR check and the length limit apply to every word of it.
 */
export class ChildVoiceService {
  readonly youthConsentEnabled: boolean;

  constructor(
    private readonly repository: ChildVoiceRepository,
    private readonly access: CaseAccess,
    private readonly findCase: (caseId: string) => Promise<Case | null>,
    private readonly now: Clock,
    options: ChildVoiceOptions = {},
  ) {
    this.youthConsentEnabled = options.youthConsent === true;
  }

  /** A new form for a member who may write: its ID makes the submit idempotent. */
  async openForm(actor: Actor, caseId: unknown): Promise<{ kase: Case; member: Member; formId: string; hows: readonly How[]; canHide: boolean; today: string }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'childVoice.record');
    return { kase, member, formId: randomUUID(), hows: howsFor(member.role), canHide: mayHideFromFamily(member.role), today: copenhagenDate(this.now()) };
  }

  /** Records one entry. Returns it, and whether this call stored it (false for a repeated submit). */
  async record(actor: Actor, caseId: unknown, input: ChildVoiceInput): Promise<{ entry: ChildVoiceEntry; kase: Case; member: Member; created: boolean }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'childVoice.record');
    const formId = formIdFrom(input.formId);
    const house = checkHouse(input.house);
    const how = checkHow(member.role, input.how);
    const visibility: VoiceVisibility = checkVisibility(member.role, input.professionalsOnly);
    const text = cleanText(input.text, 'childVoice.field.text', CHILD_VOICE_TEXT_MAX);
    const at = this.now();
    const today = copenhagenDate(at);
    const date = input.date === undefined || input.date === '' ? today : calendarDate(input.date, 'childVoice.field.date');
    if (date > today) throw new DomainError('childVoice.error.dateInFuture');
    if (date < addDays(today, -CHILD_VOICE_MAX_AGE_DAYS)) throw new DomainError('childVoice.error.dateTooOld');

    // Derived from the writer and the form: a repeat returns the writer's own entry, never someone else's.
    const id = documentIdFor(member.userId, formId);
    const existing = await this.repository.byId(id);
    if (existing) return { entry: this.ownRepeat(existing, kase, member), kase, member, created: false };
    const entry: ChildVoiceEntry = { _id: id, caseId: kase._id, house, text, how, date, authorId: member.userId, authorName: member.name, authorRole: member.role, visibility, createdAt: at };
    const event = draft(
      'childVoice.recorded',
      { entryId: id, house, how, visibility, date, textSha256: sha256(text), length: text.length },
      { key: `childVoice:${id}`, caseId: kase._id, at, actor: member, visibility: visibility === 'family' ? 'all' : 'professionals' },
    );
    if (!(await this.repository.insertOnce(entry, [event]))) {
      const winner = await this.repository.byId(id);
      if (!winner) throw new DomainError('error.busy', {}, 'conflict');
      return { entry: this.ownRepeat(winner, kase, member), kase, member, created: false };
    }
    return { entry, kase, member, created: true };
  }

  /** The child's voice as this member may read it, house by house, with what they may do. */
  async list(actor: Actor, caseId: unknown): Promise<ChildVoiceView> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'childVoice.read');
    const [entries, settings] = await Promise.all([this.repository.forCase(kase._id), this.repository.settings(kase._id), this.access.recordRead(actor, kase, 'childVoice')]);
    const gate = youthGate(this.youthConsentEnabled, settings);
    const readable = entries.filter((e) => mayRead(e, member, gate));
    // Only what the young person's missing yes holds back is counted: the family is not told that
    // entries kept among the professionals exist.
    const waiting = entries.filter((e) => !mayRead(e, member, gate) && mayRead(e, member, NO_GATE)).length;
    return {
      caseId: kase._id,
      caseTitle: kase.title,
      houses: byHouse(readable.map((e) => entryView(e, member))),
      withheld: waiting,
      viewer: {
        canRecord: decide(kase, member, 'childVoice.record').allowed,
        hows: [...howsFor(member.role)],
        canHide: mayHideFromFamily(member.role),
        isYoungPerson: isChild(member.role),
        canMarkAge: this.youthConsentEnabled && decide(kase, member, 'childVoice.settings').allowed,
        canDecideYouthConsent: gate.applies && decide(kase, member, 'childVoice.youthConsent').allowed,
      },
      youth: this.youthView(kase, member, settings, gate),
      today: copenhagenDate(this.now()),
    };
  }

  /**
   * For the meeting agenda (core/services/meetingService.ts, which has authorized the read of
   * `kase` and logs it): the newest family-visible entries per house, which everyone in the meeting
   * may read. `participants`: the user IDs invited (all active members when absent). When the young
   * person's yes is needed and some professional in the meeting lacks it, the words are left out
   * and counted in `withheld`; with a network member in the meeting none of it is on the agenda
   * (`network`).
   */
  async forAgenda(kase: Case, participants?: readonly string[]): Promise<AgendaChildVoice> {
    const [entries, settings] = await Promise.all([this.repository.forCase(kase._id), this.repository.settings(kase._id)]);
    const gate = youthGate(this.youthConsentEnabled, settings);
    const invited = participants ? new Set(participants) : undefined;
    const readers = kase.members.filter((m) => m.status === 'active' && (!invited || invited.has(m.userId)));
    // The network does not read the child's voice: with a network member in the meeting, none of it is on the agenda.
    const network = readers.some((m) => roleGroup(m.role) === 'network');
    const blocked = !network && readers.some((m) => waitsForYouth(m, gate));
    const perHouse = AGENDA_ENTRIES_PER_HOUSE;
    const shared = entries.filter((e) => e.visibility === 'family');
    const shown = blocked || network ? [] : shared;
    const houses = byHouse(shown).map(({ house, entries: list }) => ({
      house,
      entries: list.slice(0, perHouse).map((e) => ({ id: e._id, text: e.text, how: e.how, date: e.date, authorName: e.authorName, authorRole: e.authorRole })),
      more: Math.max(0, list.length - perHouse),
    }));
    return { houses, withheld: blocked ? shared.length : 0, network };
  }

  /** The coordinator records that the young person is 15 or older (or not); only with the setting on. */
  async markYouth(actor: Actor, caseId: unknown, raw: unknown): Promise<{ kase: Case; changed: boolean; settings: ChildVoiceSettings }> {
    if (!this.youthConsentEnabled) throw new DomainError('childVoice.error.youthConsentOff', {}, 'conflict');
    if (typeof raw !== 'boolean') throw new DomainError('error.invalidAction');
    const { kase, member } = await this.access.caseFor(actor, caseId, 'childVoice.settings');
    return this.saveSettings(kase, (current) => (current.youth15Plus === raw ? null : { ...current, youth15Plus: raw, youthMarkedBy: member.userId, youthMarkedAt: this.now() }), (next, key, at) =>
      draft('childVoice.youthAge', { youth15Plus: next.youth15Plus }, { key, caseId: kase._id, at, actor: member }),
    );
  }

  /**
   * The young person says which professionals may read the child's voice: a yes to those listed,
   * a no to every other active professional. Repeating the same answer changes nothing.
   */
  async decideYouthConsent(actor: Actor, caseId: unknown, rawAllowed: unknown): Promise<{ kase: Case; changed: boolean; settings: ChildVoiceSettings }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'childVoice.youthConsent');
    const settings = await this.repository.settings(kase._id);
    if (!youthGate(this.youthConsentEnabled, settings).applies) throw new DomainError('childVoice.error.youthConsentNotAsked', {}, 'conflict');
    const professionals = activeProfessionals(kase);
    const ids = allowedIdsFrom(rawAllowed);
    for (const id of ids) if (!professionals.some((p) => p.userId === id)) throw new DomainError('error.memberNotFound', {}, 'not_found');
    const allowed = professionals.filter((p) => ids.includes(p.userId));
    const asked = professionals.map((p) => p.userId);
    return this.saveSettings(
      kase,
      (current) => {
        const same = sameSet(current.allowed, allowed.map((p) => p.userId)) && asked.every((id) => current.asked.includes(id));
        return same ? null : { ...current, allowed: allowed.map((p) => p.userId), asked: [...new Set([...current.asked, ...asked])], decidedAt: this.now(), decidedBy: member.userId };
      },
      // Which professionals the young person trusts is theirs to tell: the family's timeline leaves it out.
      (_next, key, at) => draft('childVoice.youthConsent', { allowedIds: allowed.map((p) => p.userId), allowedNames: allowed.map((p) => p.name) }, { key, caseId: kase._id, at, actor: member, visibility: 'professionals' }),
    );
  }

  /**
   * Whom to ask, and about whom, when the young person's yes is needed: the active young person
   * and every active professional (with the current answers). Null when nobody is to be asked.
   */
  async youthRequest(caseId: string): Promise<{ kase: Case; youngPerson: Member; professionals: Array<{ member: Member; allowed: boolean }>; unasked: Member[] } | null> {
    if (!this.youthConsentEnabled) return null;
    const [kase, settings] = await Promise.all([this.findCase(caseId), this.repository.settings(caseId)]);
    if (!kase || kase.status !== 'open' || !youthGate(true, settings).applies || !settings) return null;
    const youngPerson = kase.members.find((m) => m.status === 'active' && isChild(m.role));
    if (!youngPerson) return null;
    const professionals = activeProfessionals(kase);
    return {
      kase,
      youngPerson,
      professionals: professionals.map((member) => ({ member, allowed: settings.allowed.includes(member.userId) })),
      unasked: professionals.filter((p) => !settings.asked.includes(p.userId)),
    };
  }

  private youthView(kase: Case, member: Member, settings: ChildVoiceSettings | null, gate: YouthGate): YouthView {
    const youngPerson = kase.members.find((m) => m.status === 'active' && isChild(m.role));
    const mine = isChild(member.role) && gate.applies;
    return {
      enabled: this.youthConsentEnabled,
      youth15Plus: !!settings?.youth15Plus,
      youngPersonName: youngPerson?.name ?? null,
      waiting: waitsForYouth(member, gate),
      choices: mine
        ? activeProfessionals(kase).map((m) => ({ userId: m.userId, name: m.name, role: m.role, allowed: gate.allowed.has(m.userId), asked: !!settings?.asked.includes(m.userId) }))
        : [],
    };
  }

  private async saveSettings(
    kase: Case,
    change: (current: ChildVoiceSettings) => ChildVoiceSettings | null,
    event: (next: ChildVoiceSettings, key: string, at: Date) => ReturnType<typeof draft>,
  ): Promise<{ kase: Case; changed: boolean; settings: ChildVoiceSettings }> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const stored = await this.repository.settings(kase._id);
      const current: ChildVoiceSettings = stored ?? { _id: kase._id, youth15Plus: false, allowed: [], asked: [], version: 0 };
      const wanted = change(current);
      if (!wanted) return { kase, changed: false, settings: current };
      const next = { ...wanted, version: current.version + 1 };
      const at = this.now();
      if (await this.repository.saveSettings(next, [event(next, versionKey('childVoiceSettings', kase._id, next.version), at)])) return { kase, changed: true, settings: next };
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  /** A repeated submit returns the writer's own entry, never anyone else's. */
  private ownRepeat(existing: ChildVoiceEntry, kase: Case, member: Member): ChildVoiceEntry {
    if (existing.caseId !== kase._id || existing.authorId !== member.userId) throw new DomainError('error.formNotFound', {}, 'not_found');
    return existing;
  }
}

/** Input.ChoiceSet with isMultiSelect sends "id1,id2"; the tab sends an array. */
function allowedIdsFrom(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!list || list.length > 60 || !list.every((id) => typeof id === 'string' && USER_ID.test(id.trim()))) throw new DomainError('error.invalidAction');
  return [...new Set(list.map((id) => (id as string).trim()))];
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
