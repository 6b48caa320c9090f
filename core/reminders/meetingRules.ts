/**
 * Which meeting reminders a working day gives (docs/meetings.md, "Reminders"). Pure, like rules.ts:
 * the planner feeds it a meeting and its case and stores what it returns in the day's ledger.
 *
 * - `meeting_before`: one working day before the meeting's day, at the start of sending hours.
 * - `meeting_soon`: two hours before the start. Quiet hours hold it to the next sending moment
 *   (08:00 on a working day); if that is less than 15 minutes before the start (a meeting at 08:10,
 *   or on a weekend), it is not sent: the day-before reminder has done its job. So a meeting at
 *   08:30 gets its "soon" reminder at 08:00, half an hour ahead.
 * - Neither is sent to someone who has declined, or who is no longer an active member.
 * - A meeting scheduled (or moved) on the day before gets no day-before reminder, and one scheduled
 *   less than two hours ahead no two-hour reminder: the invitation (or the move notice) just went out.
 *
 * Keys name the participant, the kind, the meeting's revision (raised by a move) and the
 * participant's epoch (raised by a decline), so a moved meeting, or a yes after a no, is reminded
 * afresh while what was planned before is stopped by a stop record on the participant's subject.
 */
import { activeMember, type Case } from '../domain/case';
import { meetingSubject, type Meeting, type MeetingParticipant } from '../domain/meeting';
import { addWorkingDays, copenhagenDate, copenhagenTime, DEFAULT_SENDING_HOURS, nextSendingTime } from './calendar';
import { inWindow, later, startOf, type PlannedReminder, type PlanWindow, type ReminderItem, type ReminderKind } from './rules';

export const SOON_BEFORE_MS = 2 * 60 * 60 * 1000;
/** A two-hour reminder that could only go out less than this before the start is left out. */
export const SOON_MIN_LEAD_MS = 15 * 60 * 1000;

export type MeetingReminderKind = Extract<ReminderKind, 'meeting_before' | 'meeting_soon'>;

export const meetingReminderKey = (meeting: Pick<Meeting, '_id' | 'revision'>, participant: Pick<MeetingParticipant, 'userId' | 'epoch'>, kind: MeetingReminderKind): string =>
  `${meetingSubject(meeting._id, participant.userId)}|${kind}|r${meeting.revision}e${participant.epoch}`;

/** The people a meeting reminds: participants who have not declined and are still active members. */
export function meetingRecipients(meeting: Meeting, kase: Case): MeetingParticipant[] {
  return meeting.participants.filter((p) => p.answer !== 'declined' && !!activeMember(kase, { userId: p.userId }));
}

/** What a meeting reminder shows; a snapshot, as for agreements. */
export function meetingItem(meeting: Meeting, kase: Case, kind: MeetingReminderKind, userId: string): ReminderItem {
  return {
    kind,
    subject: meetingSubject(meeting._id, userId),
    caseId: kase._id,
    caseTitle: kase.title,
    meetingId: meeting._id,
    startsAt: new Date(meeting.startsAt).toISOString(),
    durationMinutes: meeting.durationMinutes,
    ...(meeting.place ? { place: meeting.place } : {}),
    ...(meeting.online?.joinUrl ? { joinUrl: meeting.online.joinUrl } : {}),
  };
}

/** The reminders one meeting gives on `window.day` (for `only`: just these participants). */
export function planMeeting(meeting: Meeting, kase: Case, window: PlanWindow, now: Date, only?: ReadonlySet<string>): PlannedReminder[] {
  if (kase.status !== 'open' || meeting.status !== 'scheduled' || meeting.caseId !== kase._id) return [];
  const startsAt = new Date(meeting.startsAt);
  if (startsAt.getTime() <= now.getTime()) return [];
  const hours = window.hours ?? DEFAULT_SENDING_HOURS;
  const start = startOf(window);
  const meetingDay = copenhagenDate(startsAt);
  const scheduledAt = new Date(meeting.scheduledAt);
  const out: PlannedReminder[] = [];
  const recipients = meetingRecipients(meeting, kase).filter((p) => !only || only.has(p.userId));
  const push = (kind: MeetingReminderKind, at: Date) => {
    for (const p of recipients) {
      out.push({ key: meetingReminderKey(meeting, p, kind), subject: meetingSubject(meeting._id, p.userId), kind, recipientId: p.userId, recipientName: p.name, caseId: kase._id, at, items: [meetingItem(meeting, kase, kind, p.userId)] });
    }
  };

  const beforeDay = addWorkingDays(meetingDay, -1);
  if (inWindow(beforeDay, window) && window.day < meetingDay && scheduledAt < copenhagenTime(beforeDay, '00:00')) push('meeting_before', start);

  const soonAt = nextSendingTime(new Date(startsAt.getTime() - SOON_BEFORE_MS), hours);
  const at = later(start, soonAt);
  const leadOk = at.getTime() <= startsAt.getTime() - SOON_MIN_LEAD_MS;
  if (inWindow(copenhagenDate(soonAt), window) && leadOk && scheduledAt.getTime() <= startsAt.getTime() - SOON_BEFORE_MS) push('meeting_soon', at);
  return out;
}
