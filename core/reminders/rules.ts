/**
 * Which reminders are due on a working day, for whom, and from when. Pure: the planner feeds
 * it agreements, cases, snoozes and preferences, and stores what it returns.
 *
 * A reminder occurrence has an idempotency key that names the agreement (or consent request),
 * the kind and the date it is about, so planning the same day twice yields the same keys.
 */
import type { Agreement } from '../domain/agreement';
import { activeGuardians, activeMember, type Case, type Member } from '../domain/case';
import { isVacant } from '../domain/handover';
import { addWorkingDays, copenhagenDate, copenhagenTime, DEFAULT_SENDING_HOURS, nextSendingTime, workingDayOnOrAfter, type SendingHours } from './calendar';

export const REMINDER_KINDS = ['upcoming', 'due', 'overdue', 'followup', 'nudge', 'consent', 'failure', 'meeting_before', 'meeting_soon', 'vacancy', 'digest'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** Kinds that go to the owner of an accepted agreement; done or cancelled stops them. */
export const OWNER_KINDS: readonly ReminderKind[] = ['upcoming', 'due', 'overdue'];
/** The reminders a snooze holds back (owner or coordinator); a guardian's nudge is never held. */
export const SNOOZABLE_KINDS: readonly ReminderKind[] = [...OWNER_KINDS, 'followup'];
/**
 * Meetings (core/reminders/meetingRules.ts): one working day before, and two hours before. The
 * two-hour reminder is about a time of day: it never waits in the morning's digest.
 */
export const MEETING_KINDS: readonly ReminderKind[] = ['meeting_before', 'meeting_soon'];
export const NEVER_IN_DIGEST: readonly ReminderKind[] = ['meeting_soon', 'vacancy'];

/** Per-case settings, stored on the case as `reminderSettings`; every field is optional. */
export interface ReminderSettings {
  /** How many working days before the due date the owner is reminded (0 = only on the day). */
  leadWorkingDays: number;
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = { leadWorkingDays: 1 };
export const MAX_LEAD_WORKING_DAYS = 10;
/** A guardian who has not answered gets one gentle reminder this long after the request. */
export const NUDGE_AFTER_MS = 2 * 24 * 60 * 60 * 1000;

export function settingsOf(kase: Pick<Case, 'reminderSettings'>): ReminderSettings {
  const lead = kase.reminderSettings?.leadWorkingDays;
  return {
    leadWorkingDays: typeof lead === 'number' && Number.isInteger(lead) && lead >= 0 && lead <= MAX_LEAD_WORKING_DAYS ? lead : DEFAULT_REMINDER_SETTINGS.leadWorkingDays,
  };
}

/** What a reminder card shows about one thing; a snapshot taken when the day was planned. */
export interface ReminderItem {
  kind: Exclude<ReminderKind, 'digest'>;
  subject: string;
  caseId: string;
  caseTitle: string;
  agreementId?: string;
  what?: string;
  dueDate?: string;
  followUpDate?: string;
  ownerId?: string;
  ownerName?: string;
  /** Consent requests: the person waiting for the family's yes. */
  memberName?: string;
  /** Failure notices: whose reminder could not be delivered. */
  failedRecipientName?: string;
  failedKind?: ReminderKind;
  /** A case without a coordinator (core/reminders/coordinator.ts): the vacancy its "Jeg tager over" answers. */
  vacancyId?: string;
  /** Meetings: which one, when (ISO), for how long, where; the snapshot taken when it was planned. */
  meetingId?: string;
  startsAt?: string;
  durationMinutes?: number;
  place?: string;
  joinUrl?: string;
  /**
   * Deep link to the case conversation, computed when the day was planned, so that a sweep
   * never reads `cases` (absent only when the service has no link builder: then no button).
   */
  link?: string;
}

export interface PlannedReminder {
  key: string;
  subject: string;
  kind: ReminderKind;
  recipientId: string;
  recipientName: string;
  caseId: string;
  /** The earliest instant it may be sent. Always inside the sending hours of a working day. */
  at: Date;
  /** One item, or several for a digest. */
  items: ReminderItem[];
}

export interface PlanWindow {
  /** The working day being planned (YYYY-MM-DD, Copenhagen). */
  day: string;
  /**
   * The last day planned before this one. One-off reminders whose day fell in between (the
   * server was down, or a weekend) are planned now, late rather than never.
   */
  after?: string;
  /** Nothing is planned to go out before this instant (a same-day re-plan uses "now"). */
  notBefore?: Date;
  hours?: SendingHours;
}

export const agreementSubject = (agreementId: string): string => `agreement:${agreementId}`;
export const consentSubject = (caseId: string, userId: string): string => `consent:${caseId}:${userId}`;

/** Whether a one-off reminder for `day` is planned in this window: on the day, or caught up after `window.after`. */
export const inWindow = (day: string, window: PlanWindow): boolean => day <= window.day && (window.after === undefined ? day === window.day : day > window.after);

/** The first instant the window's reminders may go out: the start of sending hours, or `notBefore` when later. */
export function startOf(window: PlanWindow): Date {
  const start = copenhagenTime(window.day, (window.hours ?? DEFAULT_SENDING_HOURS).start);
  return window.notBefore && window.notBefore > start ? window.notBefore : start;
}

export const later = (a: Date, b: Date): Date => (a > b ? a : b);

function memberName(kase: Case, userId: string): string {
  return kase.members.find((m) => m.userId === userId)?.name ?? userId;
}

function guardiansOf(kase: Case, except?: string): Member[] {
  return activeGuardians(kase).filter((m) => m.userId !== except);
}

/**
 * The reminders one agreement gives on `window.day`:
 * - the owner of an accepted agreement: `lead` working days before the due date, on the due
 *   date (or the first working day after it), and once every working day while it is overdue;
 * - the coordinator on the follow-up date (accepted or done agreements);
 * - each guardian, once, two days after a proposal nobody has answered.
 * A snooze holds everything but the guardians' nudge until it ends.
 */
/** What a reminder card shows about one agreement, whatever kind of reminder it is. */
export function agreementItem(agreement: Agreement, kase: Case): Omit<ReminderItem, 'kind'> {
  return {
    subject: agreementSubject(agreement._id),
    caseId: kase._id,
    caseTitle: kase.title,
    agreementId: agreement._id,
    what: agreement.what,
    dueDate: agreement.dueDate,
    followUpDate: agreement.followUpDate,
    ownerId: agreement.ownerId,
    ownerName: agreement.ownerName,
  };
}

export function planAgreement(agreement: Agreement, kase: Case, window: PlanWindow, snoozedUntil?: Date): PlannedReminder[] {
  if (kase.status !== 'open') return [];
  const hours = window.hours ?? DEFAULT_SENDING_HOURS;
  const start = startOf(window);
  const subject = agreementSubject(agreement._id);
  const base = agreementItem(agreement, kase);
  const out: PlannedReminder[] = [];
  const push = (kind: Exclude<ReminderKind, 'digest'>, key: string, recipientId: string, at: Date) =>
    out.push({ key, subject, kind, recipientId, recipientName: memberName(kase, recipientId), caseId: kase._id, at, items: [{ ...base, kind }] });

  let snoozeAt: Date | undefined;
  if (snoozedUntil && snoozedUntil > start) {
    if (copenhagenDate(nextSendingTime(snoozedUntil, hours)) > window.day) {
      snoozeAt = undefined;
    } else {
      snoozeAt = nextSendingTime(snoozedUntil, hours);
    }
  }
  const snoozedAllDay = !!snoozedUntil && snoozedUntil > start && snoozeAt === undefined;
  const at = snoozeAt ? later(start, snoozeAt) : start;

  // An owner who left the case (removed, consent withdrawn) is told nothing more of it: their
  // reminders go to the coordinator, who must find a new owner.
  // (With no active coordinator either, nobody gets them; the vacancy cards ask for a coordinator.)
  const active = (userId: string) => !!activeMember(kase, { userId });
  const ownerReminderTo = active(agreement.ownerId) ? agreement.ownerId : active(kase.coordinatorId) && !isVacant(kase) ? kase.coordinatorId : undefined;
  if (agreement.status === 'accepted' && !snoozedAllDay && ownerReminderTo) {
    const lead = settingsOf(kase).leadWorkingDays;
    const dueDay = workingDayOnOrAfter(agreement.dueDate);
    const upcomingDay = addWorkingDays(agreement.dueDate, -lead);
    if (lead > 0 && window.day < dueDay && inWindow(upcomingDay, window)) push('upcoming', `${subject}|upcoming|${agreement.dueDate}`, ownerReminderTo, at);
    if (window.day === dueDay) push('due', `${subject}|due|${agreement.dueDate}`, ownerReminderTo, at);
    if (window.day > dueDay) push('overdue', `${subject}|overdue|${window.day}`, ownerReminderTo, at);
  }
  if ((agreement.status === 'accepted' || agreement.status === 'done') && !snoozedAllDay && inWindow(workingDayOnOrAfter(agreement.followUpDate), window)) {
    push('followup', `${subject}|followup|${agreement.followUpDate}`, kase.coordinatorId, at);
  }
  if (agreement.status === 'proposed') {
    const nudgeAt = nextSendingTime(new Date(agreement.createdAt.getTime() + NUDGE_AFTER_MS), hours);
    if (inWindow(copenhagenDate(nudgeAt), window)) {
      for (const guardian of guardiansOf(kase, agreement.proposedBy)) push('nudge', `${subject}|nudge|${guardian.userId}`, guardian.userId, later(start, nudgeAt));
    }
  }
  return out;
}

/** A consent request that no guardian has answered gets one gentle reminder to each guardian. */
export function planConsentRequests(kase: Case, window: PlanWindow): PlannedReminder[] {
  if (kase.status !== 'open') return [];
  const hours = window.hours ?? DEFAULT_SENDING_HOURS;
  const start = startOf(window);
  const out: PlannedReminder[] = [];
  for (const member of kase.members) {
    if (member.status !== 'pending' || member.consent?.state !== 'pending') continue;
    const nudgeAt = nextSendingTime(new Date(new Date(member.addedAt).getTime() + NUDGE_AFTER_MS), hours);
    if (!inWindow(copenhagenDate(nudgeAt), window)) continue;
    const subject = consentSubject(kase._id, member.userId);
    for (const guardian of guardiansOf(kase)) {
      out.push({
        key: `${subject}|nudge|${guardian.userId}`,
        subject,
        kind: 'consent',
        recipientId: guardian.userId,
        recipientName: guardian.name,
        caseId: kase._id,
        at: later(start, nudgeAt),
        items: [{ kind: 'consent', subject, caseId: kase._id, caseTitle: kase.title, memberName: member.name }],
      });
    }
  }
  return out;
}

/**
 * People who chose a daily digest get one card a day with everything instead of single cards.
 * Their reminders for the day are folded into one occurrence, keyed by person and day.
 */
export function foldDigests(planned: PlannedReminder[], digestUsers: ReadonlySet<string>, window: PlanWindow): PlannedReminder[] {
  const singles: PlannedReminder[] = [];
  const digests = new Map<string, PlannedReminder>();
  const start = startOf(window);
  for (const reminder of planned) {
    if (!digestUsers.has(reminder.recipientId) || reminder.kind === 'digest' || NEVER_IN_DIGEST.includes(reminder.kind)) {
      singles.push(reminder);
      continue;
    }
    const existing = digests.get(reminder.recipientId);
    if (existing) {
      existing.items.push(...reminder.items);
    } else {
      digests.set(reminder.recipientId, {
        key: `digest|${reminder.recipientId}|${window.day}`,
        subject: `digest:${reminder.recipientId}`,
        kind: 'digest',
        recipientId: reminder.recipientId,
        recipientName: reminder.recipientName,
        caseId: reminder.caseId,
        at: start,
        items: [...reminder.items],
      });
    }
  }
  return [...singles, ...digests.values()];
}

/** Exponential backoff with full jitter, never sooner than the server's Retry-After. */
export function retryDelayMs(attempt: number, options: { baseMs: number; maxMs: number; retryAfterMs?: number; random?: () => number }): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2);
  return Math.max(Math.round(jittered), options.retryAfterMs ?? 0);
}
