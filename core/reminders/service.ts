import type { Agreement } from '../domain/agreement';
import { ReminderDelivery } from './delivery';
import { coordinatorOf, type Actor, type Case, type CaseConversation } from '../domain/case';
import { DomainError } from '../domain/errors';
import type { CaseEvent } from '../domain/events';
import type { AgreementRepository } from '../persistence/agreementRepository';
import type { ConversationRecord } from '../persistence/conversationRepository';
import { draft } from '../audit/events';
import type { ReminderDay, ReminderRepository } from '../persistence/reminderRepository';
import type { CaseAccess } from '../services/access';
import type { Clock } from '../services/caseService';
import { addDays, addWorkingDays, copenhagenDate, copenhagenTime, DEFAULT_SENDING_HOURS, isWorkingDay, nextSendingTime, type SendingHours } from './calendar';
import { caseSubject, entryRecord, foldDay, liveItems, type PersonalChat, type StopRecord } from './ledger';
import { COORDINATOR_KINDS, movedReminders, routeCoordinatorReminders, vacancySubject } from './coordinator';
import { meetingSubject, type Meeting } from '../domain/meeting';
import { planMeeting } from './meetingRules';
import {
  agreementSubject,
  consentSubject,
  foldDigests,
  MAX_LEAD_WORKING_DAYS,
  NUDGE_AFTER_MS,
  OWNER_KINDS,
  planAgreement,
  planConsentRequests,
  SNOOZABLE_KINDS,
  type PlannedReminder,
  type PlanWindow,
  type ReminderItem,
  type ReminderKind,
} from './rules';

export const SNOOZE_DAYS = [1, 3] as const;
/** A closed day's ledger is kept this many calendar days (what was sent when, for questions), then dropped. */
export const LEDGER_RETENTION_DAYS = 14;
/** Rate-limit slots are only read within their own second; older than this they are removed. */
export const RATE_SLOT_RETENTION_SECONDS = 60;

/** Builds the link a reminder card opens the case with; Teams' URL format belongs to the bot. */
export type CaseLinkBuilder = (conversation: CaseConversation, title: string, record?: ConversationRecord | null) => string;

export interface ReminderServiceOptions {
  hours?: SendingHours;
  /** Without it no link is stored with the plan, and the cards have no "Open case" button. */
  caseLink?: CaseLinkBuilder;
  /** Scheduled meetings (core/persistence/meetingRepository.ts); without it no meeting reminders are planned. */
  meetings?: MeetingPlanningSource;
}

/** What meeting reminders are planned from. */
export interface MeetingPlanningSource {
  scheduledBetween(from: Date, to: Date): Promise<Meeting[]>;
  byId(id: string): Promise<Meeting | null>;
  forCase(caseId: string): Promise<Meeting[]>;
}

/**
 * Plans each working day's reminders into that day's ledger, and carries out what people do with
 * them: snooze, stop, choose a daily digest. Sending is the bot's job (bot/reminders/).
 */
export class ReminderService {
  readonly hours: SendingHours;
  private readonly caseLink?: CaseLinkBuilder;
  private readonly meetings?: MeetingPlanningSource;

  /** The ledger as the sender sees it (bot/reminders). */
  readonly delivery: ReminderDelivery;

  constructor(
    private readonly repository: ReminderRepository,
    private readonly agreements: AgreementRepository,
    private readonly access: CaseAccess,
    private readonly now: Clock,
    options: ReminderServiceOptions = {},
  ) {
    this.hours = options.hours ?? DEFAULT_SENDING_HOURS;
    this.caseLink = options.caseLink;
    this.meetings = options.meetings;
    this.delivery = new ReminderDelivery(repository);
  }

  today(): string {
    return copenhagenDate(this.now());
  }

  /**
   * Plans `day` once, whoever asks first (a unique insert decides). Planning is idempotent, so a
   * planner that died half-way is simply repeated by the next sweep. Weekends and holidays get no plan.
   */
  async ensurePlanned(day: string, by: string): Promise<'planned' | 'ready' | 'not_working_day'> {
    if (!isWorkingDay(day)) return 'not_working_day';
    const existing = await this.repository.dayInfo(day);
    if (existing && existing.state !== 'planning') return 'ready';
    if (!existing && !(await this.repository.beginPlanning(day, by, this.now()))) {
      const now = await this.repository.dayInfo(day);
      if (now?.state !== 'planning') return 'ready';
    }
    await this.planDay(day);
    await this.repository.finishPlanning(day);
    return 'planned';
  }

  /** Computes and stores the day's occurrences. Cost: the planning queries (indexed on MongoDB). */
  async planDay(day: string): Promise<number> {
    const now = this.now();
    const previous = await this.repository.lastPlannedBefore(day);
    const after = previous?._id;
    const window: PlanWindow = { day, after, hours: this.hours };
    const from = after ?? addDays(day, -7);

    const dayStart = copenhagenTime(from, '00:00');
    const dayEnd = copenhagenTime(addDays(day, 1), '00:00');
    const [accepted, followUps, proposed, consentCases, snoozes, digestUsers, failures] = await Promise.all([
      this.agreements.acceptedDueBy(addWorkingDays(day, MAX_LEAD_WORKING_DAYS)),
      this.agreements.followUpsBetween(from, day),
      this.agreements.proposedBetween(new Date(dayStart.getTime() - NUDGE_AFTER_MS - 4 * 86_400_000), new Date(dayEnd.getTime() - NUDGE_AFTER_MS)),
      this.repository.casesWithPendingConsent(),
      this.repository.activeSnoozes(now),
      this.repository.digestUsers(),
      previous ? this.repository.failuresSince(previous.plannedAt) : Promise.resolve([]),
    ]);
    // Meetings up to the end of the next working day (its day-before reminder is today), from now on.
    const meetings = this.meetings ? await this.meetings.scheduledBetween(now, copenhagenTime(addDays(addWorkingDays(day, 1), 1), '00:00')) : [];
    // Cases without a coordinator: their coordinator reminders go to every professional (core/reminders/coordinator.ts).
    const vacant = await this.repository.casesWithVacantCoordinator();
    const byId = new Map<string, Agreement>();
    for (const a of [...accepted, ...followUps, ...proposed]) byId.set(a._id, a);
    const cases = await this.casesById([...new Set([...[...byId.values()].map((a) => a.caseId), ...failures.map((f) => f.caseId), ...meetings.map((m) => m.caseId)])]);
    const snoozedUntil = new Map(snoozes.map((s) => [s._id, s.until]));

    const planned: PlannedReminder[] = [];
    for (const agreement of byId.values()) {
      const kase = cases.get(agreement.caseId);
      if (kase) planned.push(...planAgreement(agreement, kase, window, snoozedUntil.get(agreementSubject(agreement._id))));
    }
    for (const kase of consentCases) planned.push(...planConsentRequests(kase, window));
    for (const meeting of meetings) {
      const kase = cases.get(meeting.caseId);
      if (kase) planned.push(...planMeeting(meeting, kase, window, now));
    }
    for (const failure of failures) {
      const kase = cases.get(failure.caseId);
      if (!kase || kase.status !== 'open') continue;
      const coordinator = coordinatorOf(kase);
      planned.push({
        key: `failure|${failure._id}`,
        subject: `failure:${failure._id}`,
        kind: 'failure',
        recipientId: kase.coordinatorId,
        recipientName: coordinator?.name ?? kase.coordinatorId,
        caseId: kase._id,
        at: copenhagenTime(day, this.hours.start),
        items: failure.items.map((item) => ({ ...item, kind: 'failure' as const, failedKind: item.kind, failedRecipientName: failure.recipientName })),
      });
    }
    planned.splice(0, planned.length, ...routeCoordinatorReminders(planned, cases, vacant, window));
    for (const kase of [...consentCases, ...vacant]) if (!cases.has(kase._id)) cases.set(kase._id, kase);
    await this.snapshotLinks(planned, cases);
    const folded = foldDigests(planned, new Set(digestUsers.map((p) => p._id)), window);
    const chats = await this.personalChatsOf(folded);
    return this.repository.addEntries(day, folded.map((p) => entryRecord(p, now, chats.get(p.recipientId))));
  }

  /**
   * A same-day change (an agreement accepted this morning, due tomorrow) gets today's reminders
   * now rather than at tomorrow's planning. Does nothing before today is planned or after hours.
   */
  async replanAgreement(agreementId: string, openDays?: readonly ReminderDay[]): Promise<number> {
    const day = this.today();
    // Open days just read by a stop: today is among them unless it is unplanned or closed.
    const info = openDays ? (openDays.find((d) => d._id === day) ?? null) : await this.repository.dayInfo(day);
    if (!info || info.state === 'closed') return 0;
    const notBefore = nextSendingTime(this.now(), this.hours);
    if (copenhagenDate(notBefore) !== day) return 0;
    const agreement = await this.agreements.byId(agreementId);
    if (!agreement) return 0;
    const kase = (await this.casesById([agreement.caseId])).get(agreement.caseId);
    if (!kase) return 0;
    const snooze = await this.repository.snoozeOf(agreementSubject(agreementId));
    const planned = planAgreement(agreement, kase, { day, notBefore, hours: this.hours }, snooze?.until);
    await this.snapshotLinks(planned, new Map([[kase._id, kase]]));
    const chats = await this.personalChatsOf(planned);
    return this.repository.addEntries(day, planned.map((p) => entryRecord(p, this.now(), chats.get(p.recipientId))));
  }

  /**
   * A meeting scheduled, moved or answered today gets today's reminders now (docs/meetings.md):
   * like replanAgreement, nothing before today is planned or after hours. `only`: just these
   * participants (a yes after a no). Entries are stamped a millisecond after now, so that a stop
   * recorded by the same change (a move) ends only what was planned before it.
   */
  async replanMeeting(meetingId: string, only?: readonly string[]): Promise<number> {
    if (!this.meetings) return 0;
    const day = this.today();
    const info = await this.repository.dayInfo(day);
    if (!info || info.state === 'closed') return 0;
    const now = this.now();
    const notBefore = nextSendingTime(now, this.hours);
    if (copenhagenDate(notBefore) !== day) return 0;
    const meeting = await this.meetings.byId(meetingId);
    if (!meeting) return 0;
    const kase = (await this.casesById([meeting.caseId])).get(meeting.caseId);
    if (!kase) return 0;
    const planned = planMeeting(meeting, kase, { day, notBefore, hours: this.hours }, now, only ? new Set(only) : undefined);
    await this.snapshotLinks(planned, new Map([[kase._id, kase]]));
    const chats = await this.personalChatsOf(planned);
    const createdAt = new Date(now.getTime() + 1);
    return this.repository.addEntries(day, planned.map((p) => entryRecord(p, createdAt, chats.get(p.recipientId))));
  }

  /** Today's reminders to an owner who left the case stop; from the next day the coordinator gets them (planAgreement). */
  private async stopOwnerRemindersOf(caseId: string, userId: string): Promise<void> {
    for (const agreement of await this.agreements.forCase(caseId)) {
      if (agreement.ownerId === userId && agreement.status === 'accepted') await this.stop(agreementSubject(agreement._id), 'ownerLeft', OWNER_KINDS);
    }
  }

  /** A person who left the case: their reminders of its meetings stop. */
  private async stopMeetingsOf(caseId: string, userId: string): Promise<void> {
    if (!this.meetings) return;
    const now = this.now();
    for (const meeting of await this.meetings.forCase(caseId)) {
      if (meeting.status === 'scheduled' && new Date(meeting.endsAt) > now && meeting.participants.some((p) => p.userId === userId)) await this.stop(meetingSubject(meeting._id, userId), 'left');
    }
  }

  /** Stops the planned reminders of these participants of a meeting (a decline, a move, a cancellation). */
  async stopMeeting(meetingId: string, userIds: readonly string[], reason: string): Promise<void> {
    for (const userId of new Set(userIds)) await this.stop(meetingSubject(meetingId, userId), reason);
  }

  /**
   * Retention, run by every sweep: drops the ledgers of days closed more than
   * LEDGER_RETENTION_DAYS before today (the newest planned day is always kept), and removes
   * rate-limit slots older than RATE_SLOT_RETENTION_SECONDS by the wall clock (the limiter's
   * clock). Cheap: it reads `reminderDays` (one document per kept day) and deletes from
   * `reminderRate` (at most ten slots per second of the last minute).
   */
  async sweepRetention(wallClockMs: number = Date.now()): Promise<{ droppedDays: string[]; rateSlots: number }> {
    const droppedDays = await this.repository.dropClosedDaysBefore(addDays(this.today(), -LEDGER_RETENTION_DAYS));
    const rateSlots = await this.repository.pruneRate(Math.floor(wallClockMs / 1000) - RATE_SLOT_RETENTION_SECONDS);
    return { droppedDays, rateSlots };
  }

  /** Stops the named kinds (all when absent) of a subject's occurrences in every open ledger; returns those days. */
  async stop(subject: string, reason: string, kinds?: readonly ReminderKind[]): Promise<ReminderDay[]> {
    const at = this.now();
    const days = await this.repository.openDays(this.today());
    for (const day of days) {
      const record: StopRecord = { _id: `k|${subject}|${reason}|${at.getTime()}|${Math.random().toString(36).slice(2, 8)}`, t: 'k', subject, reason, at, ...(kinds ? { kinds: [...kinds] } : {}) };
      await this.repository.record(day._id, record);
    }
    return days;
  }

  /** The audit trail drives stops and same-day re-plans, whichever adapter made the change. */
  async onEvent(event: CaseEvent): Promise<void> {
    const agreementId = typeof event.data.agreementId === 'string' ? event.data.agreementId : undefined;
    const userId = typeof event.data.userId === 'string' ? event.data.userId : undefined;
    switch (event.type) {
      case 'agreement.accepted':
        if (!agreementId) return;
        // The days the stop read tell the re-plan whether today is planned (a planning that starts
        // after this read reads the agreement as accepted itself).
        await this.replanAgreement(agreementId, await this.stop(agreementSubject(agreementId), 'answered', ['nudge']));
        return;
      case 'agreement.declined':
        if (agreementId) await this.stop(agreementSubject(agreementId), 'answered', ['nudge']);
        return;
      case 'agreement.done':
        if (agreementId) await this.stop(agreementSubject(agreementId), 'done', OWNER_KINDS);
        return;
      case 'agreement.cancelled':
        if (agreementId) await this.stop(agreementSubject(agreementId), 'cancelled');
        return;
      case 'case.closed':
        await this.stop(caseSubject(event.caseId), 'closed');
        return;
      // The coordinator changed: what today's plan addressed to the previous one moves (docs/handover.md).
      case 'coordinator.handover.accepted':
        if (typeof event.data.fromId === 'string') await this.coordinatorChanged(event.caseId, { previousId: event.data.fromId });
        return;
      case 'coordinator.vacated':
        if (typeof event.data.previousId === 'string') await this.coordinatorChanged(event.caseId, { previousId: event.data.previousId });
        return;
      case 'coordinator.takenOver':
        if (typeof event.data.vacancyId === 'string') await this.coordinatorChanged(event.caseId, { vacancySubject: vacancySubject(event.caseId, event.data.vacancyId) });
        return;
      case 'member.consent.approved':
      case 'member.consent.declined':
      case 'member.removed':
        if (userId) await this.stop(consentSubject(event.caseId, userId), 'answered');
        if (userId && event.type === 'member.removed') await this.stopOwnerRemindersOf(event.caseId, userId);
        if (userId && event.type === 'member.removed') await this.stopMeetingsOf(event.caseId, userId);
        return;
      case 'member.consent.withdrawn':
        // Someone who lost access is reminded of nothing in the case (what was planned today stops).
        if (userId) await this.stopOwnerRemindersOf(event.caseId, userId);
        if (userId) await this.stopMeetingsOf(event.caseId, userId);
        return;
      default:
        return;
    }
  }

  /**
   * The case's coordinator changed (a handover was accepted, someone took over, or the coordinator
   * left). Coordinator reminders already planned and not yet sent (follow-ups, failure notices, in
   * single cards or digests) that were addressed to the previous coordinator, or carried by the
   * ended vacancy's cards, are stopped for them and planned again for whoever coordinates now (the
   * professionals' vacancy card while nobody does). Later days are planned from the case as it is.
   * Returns how many occurrences were added.
   */
  async coordinatorChanged(caseId: string, from: { previousId?: string; vacancySubject?: string; announce?: boolean }): Promise<number> {
    const at = this.now();
    const today = this.today();
    const pending: ReminderItem[] = [];
    for (const day of await this.repository.openDays(today)) {
      const state = foldDay(await this.repository.readDay(day._id), at);
      for (const { entry, status } of state.entries) {
        if (status === 'sent' || status === 'gaveUp' || status === 'stopped') continue;
        const addressed = from.previousId !== undefined && entry.recipientId === from.previousId;
        const carried = from.vacancySubject !== undefined && entry.subject === from.vacancySubject;
        if (addressed || carried) pending.push(...liveItems(entry, state.stops).filter((item) => item.caseId === caseId && COORDINATOR_KINDS.includes(item.kind)));
      }
      const stop: StopRecord = from.previousId !== undefined
        ? { _id: `k|${caseSubject(caseId)}|coordinator|${from.previousId}|${at.getTime()}`, t: 'k', subject: caseSubject(caseId), kinds: [...COORDINATOR_KINDS], recipientId: from.previousId, reason: 'coordinator_changed', at }
        : { _id: `k|${from.vacancySubject}|taken|${at.getTime()}`, t: 'k', subject: from.vacancySubject!, reason: 'taken_over', at };
      await this.repository.record(day._id, stop);
    }
    const info = await this.repository.dayInfo(today);
    const notBefore = nextSendingTime(at, this.hours);
    if ((pending.length === 0 && !from.announce) || !info || info.state === 'closed' || copenhagenDate(notBefore) !== today) return 0;
    const kase = (await this.casesById([caseId])).get(caseId);
    if (!kase) return 0;
    const planned = movedReminders(pending, kase, { day: today, notBefore, hours: this.hours }, { announce: from.announce });
    await this.snapshotLinks(planned, new Map([[kase._id, kase]]));
    const chats = await this.personalChatsOf(planned);
    return this.repository.addEntries(today, planned.map((p) => entryRecord(p, at, chats.get(p.recipientId))));
  }

  /**
   * Holds an agreement's reminders for 1 or 3 days, until the next working morning after that.
   * Only its owner or the case coordinator may; anyone else is refused and nothing changes.
   */
  async snooze(actor: Actor, caseId: unknown, agreementId: unknown, days: unknown): Promise<{ agreement: Agreement; kase: Case; until: Date }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'agreement.read');
    const agreement = typeof agreementId === 'string' ? await this.agreements.byId(agreementId) : null;
    if (!agreement || agreement.caseId !== kase._id) throw new DomainError('error.agreementNotFound', {}, 'not_found');
    if (member.userId !== agreement.ownerId && member.userId !== kase.coordinatorId) {
      await this.access.refuse(actor, kase, 'reminder.snooze', 'not_owner_or_coordinator');
      throw new DomainError('reminder.error.snoozeNotAllowed', {}, 'forbidden');
    }
    if (typeof days !== 'number' || !(SNOOZE_DAYS as readonly number[]).includes(days)) throw new DomainError('error.invalidAction');
    const at = this.now();
    const until = nextSendingTime(copenhagenTime(addDays(copenhagenDate(at), days), this.hours.start), this.hours);
    const subject = agreementSubject(agreement._id);
    // Keyed by the snooze's end, so a repeated click appends no second event.
    const event = draft('reminder.snoozed', { agreementId: agreement._id, what: agreement.what, days, until }, { key: `reminder:${agreement._id}:snooze:${until.toISOString()}`, caseId: kase._id, at, actor: member });
    await this.repository.snooze(subject, until, member.userId, at, event);
    await this.stop(subject, 'snoozed', SNOOZABLE_KINDS);
    return { agreement, kase, until };
  }

  /** One daily digest instead of single cards, per person. */
  async setDigest(actor: Actor, digest: boolean, locale: 'da' | 'en'): Promise<void> {
    await this.repository.setPreference(actor.userId, digest, locale, this.now());
  }

  /**
   * Stores each item's deep link with the plan, so that a sweep needs nothing from `cases` (whose
   * size grows with everything open, not with what is due). A case closed later is stopped with a
   * `case:<id>` stop record (onEvent), which replaces the sweep's former check of the case status.
   */
  private async snapshotLinks(planned: PlannedReminder[], cases: Map<string, Case>): Promise<void> {
    const caseLink = this.caseLink;
    if (!caseLink) return;
    const caseIds = new Set(planned.flatMap((p) => p.items.map((item) => item.caseId)));
    const conversationIds = [...caseIds].flatMap((id) => { const c = cases.get(id); return c ? [c.conversation.conversationId] : []; });
    const records = new Map((await this.repository.conversationsByIds(conversationIds)).map((r) => [r._id, r]));
    const links = new Map<string, string>();
    for (const id of caseIds) {
      const kase = cases.get(id);
      if (kase) links.set(id, caseLink(kase.conversation, kase.title, records.get(kase.conversation.conversationId)));
    }
    for (const reminder of planned) {
      reminder.items = reminder.items.map((item) => {
        const link = links.get(item.caseId);
        return link ? { ...item, link } : item;
      });
    }
  }

  /**
   * The recipients' personal chats, stored with the plan (read once a day here) so that a sweep
   * reads nothing but its ledger for them: on FerretDB every read of `conversations` is a scan of
   * all of them, a second on the critical path of every sweep. A chat that moves during the day is
   * caught by the sender, which reads the current one when the planned chat refuses the message.
   */
  private async personalChatsOf(planned: PlannedReminder[]): Promise<Map<string, PersonalChat>> {
    const chats = await this.repository.personalChats([...new Set(planned.map((p) => p.recipientId))]);
    const targets = new Map<string, PersonalChat>();
    for (const [userId, record] of chats) if (record.serviceUrl) targets.set(userId, { conversationId: record._id, serviceUrl: record.serviceUrl });
    return targets;
  }

  private async casesById(ids: string[]): Promise<Map<string, Case>> {
    const cases = await this.repository.casesByIds(ids);
    return new Map(cases.map((c) => [c._id, c]));
  }
}
