import type { Agreement } from './agreement';
import { isOpen, isOverdue } from './agreement';
import { addDays, calendarDate, copenhagenDate, TIME_ZONE, weekday } from './dates';
import { DomainError } from './errors';
import type { Role, RoleGroup } from './roles';

/**
 * Case meetings (møder): a time, a place or a Teams meeting, participants chosen from the case's
 * active members, an agenda built from the case, invitations with answers, proposals to move,
 * cancellations, attendance and minutes (docs/meetings.md). Pure types and rules; no clock, no I/O.
 */

export const MEETING_STATUSES = ['scheduled', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** What a participant has answered. "Afbud" (a cancellation) is a decline after an acceptance, or from a reminder. */
export const MEETING_ANSWERS = ['pending', 'accepted', 'declined'] as const;
export type MeetingAnswer = (typeof MEETING_ANSWERS)[number];
/** Where an answer was given. */
export type AnswerVia = 'invitation' | 'reminder' | 'tab' | 'card';

export const DURATION_MIN = 15;
export const DURATION_MAX = 480;
export const DURATION_STEP = 5;
/** The durations the bot's form offers; the tab and the API accept any multiple of 5 in range. */
export const DURATION_CHOICES = [30, 45, 60, 90, 120, 180] as const;
export const DEFAULT_DURATION = 60;
export const PLACE_MAX = 200;
export const REASON_MAX = 500;
export const NOTE_MAX = 300;
export const AGENDA_TEXT_MAX = 300;
export const AGENDA_MAX_ITEMS = 25;
export const MAX_PARTICIPANTS = 40;
/** Open proposals to move a meeting, in all; each participant has at most one open at a time. */
export const MAX_PROPOSALS = 60;
/** How far ahead a meeting may be scheduled. */
export const MAX_AHEAD_DAYS = 366;
/** Open agreements due up to this many days after the meeting's day are "due soon" on the agenda. */
export const DUE_SOON_DAYS = 7;
const AGENDA_AGREEMENTS_MAX = 10;

export interface MeetingParticipant {
  userId: string;
  aadObjectId?: string;
  name: string;
  role: Role;
  answer: MeetingAnswer;
  answeredAt?: Date;
  via?: AnswerVia;
  /** Why they cannot come (optional). */
  reason?: string;
  /**
   * Reminder epoch: raised each time this person's reminders are stopped (a decline), so that
   * reminders planned after a later yes get keys of their own (core/reminders/meetingRules.ts).
   */
  epoch: number;
  /** After the meeting: from Teams' attendance report or ticked off by the coordinator. No judgement. */
  attendance?: 'present' | 'absent';
  /** Teams only: seconds in the meeting. */
  attendedSeconds?: number;
}

/** A decline by someone who had said yes, or any decline from a reminder: how much notice it gave. */
export interface MeetingCancellation {
  userId: string;
  group: RoleGroup;
  at: Date;
  /** Minutes between the cancellation and the meeting's start (negative: after it started). */
  noticeMinutes: number;
  via: AnswerVia;
}

export type ProposalStatus = 'open' | 'accepted' | 'declined' | 'superseded';

export interface MoveProposal {
  id: string;
  by: string;
  byName: string;
  at: Date;
  startsAt: Date;
  note?: string;
  status: ProposalStatus;
  decidedAt?: Date;
  decidedBy?: string;
  decidedByName?: string;
  /** Why the coordinator declined. */
  reason?: string;
}

export type AgendaVisibility = 'all' | 'professionals';

/** One agenda point. Built from the case (agreements, the latest assessment, early warnings) or written by the coordinator. */
export type AgendaItem =
  | { id: string; kind: 'overdue' | 'dueSoon'; agreementId: string; what: string; ownerName: string; dueDate: string; visibility: 'all' }
  | { id: string; kind: 'assessment'; roundId: string; roundNumber: number; closedAt?: string; visibility: 'all' }
  | { id: string; kind: 'earlyWarning'; rule: string; key: string; visibility: AgendaVisibility }
  | { id: string; kind: 'custom'; text: string; visibility: AgendaVisibility };

/** An early-warning signal as the agenda needs it (core/services/earlyWarningService.ts provides them). */
export interface AgendaWarning {
  /** Stable identity of the signal, e.g. `crossDiscipline|<observation ids>`. */
  key: string;
  rule: string;
  /** `professionals` when the signal rests on professionals-only content. */
  visibility: AgendaVisibility;
}

export type OnlineState = 'pending' | 'created' | 'manual' | 'not_allowed' | 'not_configured' | 'no_organizer' | 'failed';

export interface OnlineMeetingInfo {
  state: OnlineState;
  joinUrl?: string;
  /** Graph's onlineMeeting ID (for attendance reports). */
  onlineMeetingId?: string;
  /** The Entra object ID of the organizer (the coordinator) it was created for. */
  organizerOid?: string;
  at: Date;
}

export interface Meeting {
  /** Derived from the coordinator and the form (FormService.documentIdFor): a repeated submit finds it. */
  _id: string;
  caseId: string;
  startsAt: Date;
  durationMinutes: number;
  endsAt: Date;
  place?: string;
  /** A Teams meeting was asked for. */
  teams: boolean;
  online?: OnlineMeetingInfo;
  participants: MeetingParticipant[];
  agenda: AgendaItem[];
  agendaEditedAt?: Date;
  status: MeetingStatus;
  cancelled?: { at: Date; by: string; byName: string; reason?: string; noticeMinutes: number };
  proposals: MoveProposal[];
  cancellations: MeetingCancellation[];
  /** Raised by every move; reminders and invitations are per revision. */
  revision: number;
  /** When the current time was set (scheduling or the last move). */
  scheduledAt: Date;
  moves: Array<{ from: Date; to: Date; at: Date; proposalId?: string }>;
  attendance?: { source: 'teams' | 'coordinator'; at: Date; by: string; byName: string };
  /** The minutes posted for this meeting (the minutes' form ID). */
  minutesId?: string;
  scheduledBy: string;
  scheduledByName: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

// ---- time ----

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;
const wallFormat = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });

/** "HH:MM" as Copenhagen shows the instant. */
export function copenhagenClock(at: Date): string {
  return wallFormat.format(at);
}

/** A time of day from an Input.Time or a form: H:MM, HH:MM or HH.MM, normalised to HH:MM. */
export function timeOfDay(raw: unknown): string {
  if (typeof raw !== 'string') throw new DomainError('meeting.error.invalidTime');
  const match = TIME.exec(raw.trim());
  if (!match) throw new DomainError('meeting.error.invalidTime');
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}

/** The instant Copenhagen shows `date` `hhmm`, or undefined when that wall-clock time does not exist (the spring-forward hour). */
export function copenhagenInstant(date: string, hhmm: string): Date | undefined {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  // Copenhagen is UTC+1 or UTC+2: one of the two offsets gives the wanted wall-clock time.
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(naive - offsetHours * 3_600_000);
    if (copenhagenDate(candidate) === date && copenhagenClock(candidate) === hhmm) return candidate;
  }
  return undefined;
}

/** When a meeting starts, from a date (YYYY-MM-DD) and a time (HH:MM) in Copenhagen. */
export function meetingStart(rawDate: unknown, rawTime: unknown): Date {
  const date = calendarDate(rawDate, 'meeting.field.date');
  const time = timeOfDay(rawTime);
  const at = copenhagenInstant(date, time);
  if (!at) throw new DomainError('meeting.error.timeDoesNotExist', { date, time });
  return at;
}

/** A start that may be scheduled now: in the future, and not more than MAX_AHEAD_DAYS ahead. */
export function checkStart(startsAt: Date, now: Date): void {
  if (startsAt.getTime() <= now.getTime()) throw new DomainError('meeting.error.inPast');
  if (startsAt.getTime() > now.getTime() + MAX_AHEAD_DAYS * 86_400_000) throw new DomainError('meeting.error.tooFarAhead', { days: MAX_AHEAD_DAYS });
}

export function durationFrom(raw: unknown): number {
  const value = typeof raw === 'string' && /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < DURATION_MIN || value > DURATION_MAX || value % DURATION_STEP !== 0) {
    throw new DomainError('meeting.error.invalidDuration', { min: DURATION_MIN, max: DURATION_MAX });
  }
  return value;
}

const MONTHS: Record<string, number> = {
  jan: 1, januar: 1, january: 1,
  feb: 2, februar: 2, february: 2,
  mar: 3, marts: 3, march: 3,
  apr: 4, april: 4,
  maj: 5, may: 5,
  jun: 6, juni: 6, june: 6,
  jul: 7, juli: 7, july: 7,
  aug: 8, august: 8,
  sep: 9, sept: 9, september: 9,
  okt: 10, oct: 10, oktober: 10, october: 10,
  nov: 11, november: 11,
  dec: 12, december: 12,
};
const WEEKDAYS: Record<string, number> = {
  søndag: 0, sunday: 0, mandag: 1, monday: 1, tirsdag: 2, tuesday: 2, onsdag: 3, wednesday: 3, torsdag: 4, thursday: 4, fredag: 5, friday: 5, lørdag: 6, saturday: 6,
};

const iso = (y: number, m: number, d: number): string | undefined => {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
};

/** A day and month without a year: this year, or next year if that day has passed. */
function withYear(today: string, m: number, d: number): string | undefined {
  const year = Number(today.slice(0, 4));
  const thisYear = iso(year, m, d);
  if (thisYear && thisYear >= today) return thisYear;
  return iso(year + 1, m, d) ?? thisYear;
}

/**
 * Reads a date and a time from what someone types after `møde` / `meeting`, to fill in the form:
 * "12.3 kl. 14", "12/3 14:30", "2026-03-12 9.15", "12. marts 10", "i morgen 9", "tirsdag 13:00",
 * "tomorrow 9:30". Whatever it cannot read is left out; nothing is guessed.
 */
export function parseWhen(text: string, today: string): { date?: string; time?: string } {
  const words = text
    .normalize('NFC')
    .toLocaleLowerCase('da-DK')
    .replace(/[,]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const out: { date?: string; time?: string } = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (!out.date) {
      if (w === 'i' && next === 'dag') { out.date = today; i++; continue; }
      if (w === 'i' && next === 'morgen') { out.date = addDays(today, 1); i++; continue; }
      if (w === 'idag' || w === 'today') { out.date = today; continue; }
      if (w === 'imorgen' || w === 'tomorrow') { out.date = addDays(today, 1); continue; }
      if (w in WEEKDAYS) {
        const diff = (WEEKDAYS[w]! - weekday(today) + 7) % 7 || 7;
        out.date = addDays(today, diff);
        continue;
      }
      let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(w);
      if (m) { out.date = iso(Number(m[1]), Number(m[2]), Number(m[3])); continue; }
      m = /^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?\.?$/.exec(w);
      if (m) {
        const year = m[3] ? (m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3])) : undefined;
        // "14.30" is no date (there is no month 30): it is read as a time below.
        const date = year ? iso(year, Number(m[2]), Number(m[1])) : withYear(today, Number(m[2]), Number(m[1]));
        if (date) { out.date = date; continue; }
      }
      m = /^(\d{1,2})\.$/.exec(w);
      if (m && next) {
        const month = MONTHS[next.replace(/\.$/, '')];
        if (month) {
          const maybeYear = words[i + 2] && /^\d{4}$/.test(words[i + 2]!) ? Number(words[i + 2]) : undefined;
          out.date = maybeYear ? iso(maybeYear, month, Number(m[1])) : withYear(today, month, Number(m[1]));
          i += maybeYear ? 2 : 1;
          continue;
        }
      }
    }
    if (!out.time) {
      if ((w === 'kl' || w === 'kl.' || w === 'at') && next) {
        const m = /^(\d{1,2})(?:[:.](\d{2}))?$/.exec(next);
        if (m && Number(m[1]) <= 23 && (!m[2] || Number(m[2]) <= 59)) { out.time = `${m[1]!.padStart(2, '0')}:${m[2] ?? '00'}`; i++; continue; }
      }
      const m = /^(\d{1,2})[:.](\d{2})$/.exec(w);
      if (m && Number(m[1]) <= 23 && Number(m[2]) <= 59) { out.time = `${m[1]!.padStart(2, '0')}:${m[2]}`; continue; }
      const bare = /^(\d{1,2})$/.exec(w);
      if (bare && out.date && Number(bare[1]) <= 23) { out.time = `${bare[1]!.padStart(2, '0')}:00`; continue; }
    }
  }
  return out;
}

// ---- links ----

const TEAMS_HOSTS = /^(?:teams\.microsoft\.com|[a-z0-9-]+\.teams\.microsoft\.com|teams\.live\.com|teams\.cloud\.microsoft|[a-z0-9-]+\.teams\.cloud\.microsoft)$/i;

/** A Teams meeting link the coordinator pastes: https on a Teams host, nothing else. */
export function teamsLinkFrom(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2000) throw new DomainError('meeting.error.invalidLink');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new DomainError('meeting.error.invalidLink');
  }
  if (url.protocol !== 'https:' || !TEAMS_HOSTS.test(url.hostname) || url.username || url.password) throw new DomainError('meeting.error.invalidLink');
  return url.toString();
}

// ---- the agenda ----

export interface AgendaSource {
  today: string;
  /** The meeting's day in Copenhagen. */
  meetingDay: string;
  agreements: Array<Pick<Agreement, '_id' | 'what' | 'ownerName' | 'dueDate' | 'status'>>;
  latestRound?: { _id: string; number: number; closedAt?: Date } | null;
  warnings: AgendaWarning[];
}

/**
 * The agenda a meeting starts with: overdue agreements (oldest due first), open agreements due by
 * a week after the meeting, the latest closed assessment round, and any open early warning. The
 * coordinator edits it afterwards (keeps, orders, removes, adds points).
 */
export function buildAgenda(source: AgendaSource): AgendaItem[] {
  const open = source.agreements.filter((a) => isOpen(a.status)).sort((x, y) => x.dueDate.localeCompare(y.dueDate) || x._id.localeCompare(y._id));
  const soonLimit = addDays(source.meetingDay, DUE_SOON_DAYS);
  const items: AgendaItem[] = [];
  const agreementItem = (a: AgendaSource['agreements'][number], kind: 'overdue' | 'dueSoon'): AgendaItem => ({ id: `a:${a._id}`, kind, agreementId: a._id, what: a.what, ownerName: a.ownerName, dueDate: a.dueDate, visibility: 'all' });
  for (const a of open.filter((x) => isOverdue(x, source.today)).slice(0, AGENDA_AGREEMENTS_MAX)) items.push(agreementItem(a, 'overdue'));
  for (const a of open.filter((x) => !isOverdue(x, source.today) && x.dueDate <= soonLimit).slice(0, AGENDA_AGREEMENTS_MAX)) items.push(agreementItem(a, 'dueSoon'));
  if (source.latestRound) {
    items.push({ id: `r:${source.latestRound._id}`, kind: 'assessment', roundId: source.latestRound._id, roundNumber: source.latestRound.number, closedAt: source.latestRound.closedAt ? new Date(source.latestRound.closedAt).toISOString() : undefined, visibility: 'all' });
  }
  const seen = new Set<string>();
  for (const w of source.warnings) {
    if (seen.has(w.key)) continue;
    seen.add(w.key);
    items.push({ id: `w:${w.key}`.slice(0, 200), kind: 'earlyWarning', rule: w.rule, key: w.key, visibility: w.visibility });
  }
  return items.slice(0, AGENDA_MAX_ITEMS);
}

/** The agenda points a reader may see: family and network members never see professionals-only points. */
export const agendaFor = (agenda: AgendaItem[], professional: boolean): AgendaItem[] => (professional ? agenda : agenda.filter((item) => item.visibility === 'all'));

// ---- answers ----

export interface AnswerCounts {
  invited: number;
  accepted: number;
  declined: number;
  pending: number;
}

export function answerCounts(meeting: Pick<Meeting, 'participants'>): AnswerCounts {
  const counts: AnswerCounts = { invited: meeting.participants.length, accepted: 0, declined: 0, pending: 0 };
  for (const p of meeting.participants) counts[p.answer] += 1;
  return counts;
}

export const participantOf = (meeting: Pick<Meeting, 'participants'>, userId: string): MeetingParticipant | undefined => meeting.participants.find((p) => p.userId === userId);

/** The meeting has started (or is over): attendance can be recorded, answers no longer change anything. */
export const hasStarted = (meeting: Pick<Meeting, 'startsAt'>, now: Date): boolean => new Date(meeting.startsAt).getTime() <= now.getTime();

export const isUpcoming = (meeting: Pick<Meeting, 'status' | 'endsAt'>, now: Date): boolean => meeting.status === 'scheduled' && new Date(meeting.endsAt).getTime() > now.getTime();

// ---- reminders ----

/** The reminder subject of one participant's reminders about one meeting (core/reminders). */
export const meetingSubject = (meetingId: string, userId: string): string => `meeting:${meetingId}:${userId}`;

// ---- measures ----

export interface MeetingMeasure {
  meetingId: string;
  caseId: string;
  startsAt: string;
  status: MeetingStatus;
  held: boolean;
  invited: number;
  answered: number;
  accepted: number;
  declined: number;
  pending: number;
  /** Participants' cancellations (afbud), each with its notice in hours (one decimal). */
  cancellations: Array<{ noticeHours: number; group: RoleGroup; via: AnswerVia }>;
  /** The meeting itself cancelled by the coordinator: with how much notice. */
  meetingCancelledNoticeHours?: number;
  attendance: { source: 'teams' | 'coordinator'; present: number; absent: number } | null;
}

export interface MeetingMeasures {
  cases: number;
  meetings: number;
  /** Scheduled meetings whose start has passed. */
  held: number;
  cancelledMeetings: number;
  invitations: { sent: number; answered: number; answeredShare: number | null };
  cancellations: { count: number; medianNoticeHours: number | null; under24h: number; from24to72h: number; over72h: number; byFamily: number; byProfessionals: number; byNetwork: number };
  attendance: { meetingsRecorded: number; present: number; absent: number; presentShare: number | null };
  perMeeting: MeetingMeasure[];
}

const hours = (minutes: number): number => Math.round((minutes / 60) * 10) / 10;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
}

/**
 * Aggregates for a leader's overview: invitations answered, cancellations with their notice, and
 * attendance per meeting. Counts only: no names, no user IDs, and no judgement of who did not come.
 */
export function meetingMeasures(meetings: Meeting[], now: Date, caseCount: number): MeetingMeasures {
  const perMeeting: MeetingMeasure[] = meetings.map((m) => {
    const counts = answerCounts(m);
    const present = m.participants.filter((p) => p.attendance === 'present').length;
    const absent = m.participants.filter((p) => p.attendance === 'absent').length;
    return {
      meetingId: m._id,
      caseId: m.caseId,
      startsAt: new Date(m.startsAt).toISOString(),
      status: m.status,
      held: m.status === 'scheduled' && hasStarted(m, now),
      invited: counts.invited,
      answered: counts.accepted + counts.declined,
      accepted: counts.accepted,
      declined: counts.declined,
      pending: counts.pending,
      cancellations: m.cancellations.map((c) => ({ noticeHours: hours(c.noticeMinutes), group: c.group, via: c.via })),
      meetingCancelledNoticeHours: m.cancelled ? hours(m.cancelled.noticeMinutes) : undefined,
      attendance: m.attendance ? { source: m.attendance.source, present, absent } : null,
    };
  });
  const notices = perMeeting.flatMap((m) => m.cancellations.map((c) => c.noticeHours));
  const all = perMeeting.flatMap((m) => m.cancellations);
  const sent = perMeeting.reduce((n, m) => n + m.invited, 0);
  const answered = perMeeting.reduce((n, m) => n + m.answered, 0);
  const recorded = perMeeting.filter((m) => m.attendance);
  const present = recorded.reduce((n, m) => n + m.attendance!.present, 0);
  const absent = recorded.reduce((n, m) => n + m.attendance!.absent, 0);
  return {
    cases: caseCount,
    meetings: perMeeting.length,
    held: perMeeting.filter((m) => m.held).length,
    cancelledMeetings: perMeeting.filter((m) => m.status === 'cancelled').length,
    invitations: { sent, answered, answeredShare: sent ? Math.round((answered / sent) * 1000) / 1000 : null },
    cancellations: {
      count: notices.length,
      medianNoticeHours: median(notices),
      under24h: notices.filter((h) => h < 24).length,
      from24to72h: notices.filter((h) => h >= 24 && h <= 72).length,
      over72h: notices.filter((h) => h > 72).length,
      byFamily: all.filter((c) => c.group === 'family').length,
      byProfessionals: all.filter((c) => c.group === 'professional').length,
      byNetwork: all.filter((c) => c.group === 'network').length,
    },
    attendance: { meetingsRecorded: recorded.length, present, absent, presentShare: present + absent ? Math.round((present / (present + absent)) * 1000) / 1000 : null },
    perMeeting,
  };
}

// ---- history ----

/** What every meeting event names: the meeting and when it is (or was) to start. */
export type MeetingEventData = {
  meetingId: string;
  startsAt: string;
};

/**
 * The events of a meeting's life, for core/audit/events.ts (EventDataMap). Each names the meeting
 * and its start. Why someone cannot come stays on the meeting (shown to the coordinator and the
 * person), not in the family-visible history: the event says only that a reason was given.
 */
export type MeetingEvents = {
  'meeting.scheduled': { meetingId: string; startsAt: string; durationMinutes: number; teams: boolean; place?: string; participants: number };
  'meeting.onlineMeeting': { meetingId: string; startsAt: string; state: OnlineState };
  'meeting.answered': { meetingId: string; startsAt: string; userId: string; name: string; answer: 'accepted' | 'declined'; via: AnswerVia; withReason: boolean; cancellation: boolean; noticeMinutes?: number };
  'meeting.moveProposed': { meetingId: string; startsAt: string; proposalId: string; to: string; note?: string };
  'meeting.moved': { meetingId: string; startsAt: string; proposalId?: string; from: string };
  'meeting.moveDeclined': { meetingId: string; startsAt: string; proposalId: string; to: string; reason: string };
  'meeting.agendaEdited': { meetingId: string; startsAt: string; items: number };
  'meeting.cancelled': { meetingId: string; startsAt: string; reason?: string; noticeMinutes: number };
  'meeting.attendance': { meetingId: string; startsAt: string; source: 'teams' | 'coordinator'; present: number; absent: number };
  'meeting.minutesLinked': { meetingId: string; startsAt: string; minutesId: string };
};
