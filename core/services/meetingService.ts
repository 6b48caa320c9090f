import { randomUUID } from 'node:crypto';
import type { Surface } from '../audit/accessLog';
import { draft, versionKey, type EventDataMap, type EventDraft, type EventType } from '../audit/events';
import { activeMember, memberOf, type Actor, type Case, type Member } from '../domain/case';
import type { AgendaVoice } from '../domain/childVoice';
import { copenhagenDate } from '../domain/dates';
import { DomainError } from '../domain/errors';
import { UUID } from '../domain/ids';
import {
  AGENDA_MAX_ITEMS,
  AGENDA_TEXT_MAX,
  agendaFor,
  answerCounts,
  buildAgenda,
  checkStart,
  DEFAULT_DURATION,
  durationFrom,
  hasStarted,
  isUpcoming,
  MAX_PARTICIPANTS,
  MAX_PROPOSALS,
  meetingStart,
  NOTE_MAX,
  participantOf,
  PLACE_MAX,
  REASON_MAX,
  teamsLinkFrom,
  type AgendaItem,
  type AgendaWarning,
  type AnswerCounts,
  type AnswerVia,
  type Meeting,
  type MeetingAnswer,
  type MeetingParticipant,
  type MoveProposal,
  type OnlineMeetingInfo,
  type OnlineState,
} from '../domain/meeting';
import { decide, seesProfessionalOnly } from '../domain/policy';
import { roleGroup, type Role } from '../domain/roles';
import { cleanText } from '../domain/text';
import { t } from '../i18n';
import type { AgreementRepository } from '../persistence/agreementRepository';
import type { AssessmentRepository } from '../persistence/assessmentRepository';
import type { CaseRepository } from '../persistence/caseRepository';
import type { MeetingNotice, MeetingNoticeRepository, ScheduledMeetingRepository } from '../persistence/meetingRepository';
import type { CaseAccess } from './access';
import type { Clock } from './caseService';
import { documentIdFor, type FormService } from './formService';

/**
 * Case meetings (issue 15, docs/meetings.md). The coordinator schedules a meeting with a time, a
 * duration, a place or a Teams meeting and participants from the case's active members; the agenda
 * starts from the case; participants answer, cancel or propose another time; the coordinator
 * accepts or declines a proposal, edits the agenda, cancels, and records attendance afterwards.
 *
 * Every change is a conditional update of the meeting (`{_id, version}`) written together with its
 * typed event (core/audit/auditedWrites.ts), keyed `meeting:<id>:v<version>`, so a double click or
 * a redelivered activity changes a meeting once. Reminders follow each change at once (planned,
 * stopped) through the reminder service. Messages to people are the bot's job: it claims each one
 * here (`claimNotice`) so that it goes out once across instances.
 */

export interface ScheduleInput {
  formId: unknown;
  date: unknown;
  time: unknown;
  durationMinutes?: unknown;
  place?: unknown;
  teams?: unknown;
  participantIds?: unknown;
}

/** A Teams meeting to create on the coordinator's behalf (bot/meetings/graphMeetings.ts speaks Graph). */
export interface OnlineMeetingRequest {
  tenantId: string;
  organizerOid: string;
  /** Our meeting ID: Graph's createOrGet makes one Teams meeting per ID, however often it is asked. */
  externalId: string;
  subject: string;
  startsAt: Date;
  endsAt: Date;
  attendeeOids: string[];
}

export type OnlineFailure = { ok: false; reason: 'not_allowed' | 'not_configured' | 'failed'; detail?: string };
export type OnlineMeetingOutcome = { ok: true; onlineMeetingId: string; joinUrl: string } | OnlineFailure;
export type AttendanceOutcome = { ok: true; records: Array<{ oid?: string; seconds: number }> } | OnlineFailure | { ok: false; reason: 'no_report' | 'no_teams_meeting'; detail?: string };

export interface OnlineMeetingProvider {
  create(request: OnlineMeetingRequest): Promise<OnlineMeetingOutcome>;
  /** A move: the Teams meeting follows (best effort). */
  reschedule(request: { tenantId: string; organizerOid: string; onlineMeetingId: string; startsAt: Date; endsAt: Date }): Promise<boolean>;
  /** A cancellation: the Teams meeting is deleted (best effort). */
  cancel(request: { tenantId: string; organizerOid: string; onlineMeetingId: string }): Promise<boolean>;
  attendance(request: { tenantId: string; organizerOid: string; onlineMeetingId: string }): Promise<AttendanceOutcome>;
}

/** Open early warnings for the agenda (core/services/earlyWarningService.ts); the default knows none. */
export type EarlyWarningSource = (actor: Actor, kase: Case) => Promise<AgendaWarning[]>;

/**
 * The child's voice for the agenda (core/services/childVoiceService.ts `forAgenda`, wired in
 * core/index.ts): what every one of `readers` (user IDs) may read. Called only after the meetings
 * service has authorized the read; it logs it. The default knows none.
 */
export type ChildVoiceSource = (kase: Case, readers: string[]) => Promise<AgendaVoice | null>;

/** What the reminder service does for meetings (core/reminders/service.ts). */
export interface MeetingReminders {
  replanMeeting(meetingId: string, only?: readonly string[]): Promise<number>;
  stopMeeting(meetingId: string, userIds: readonly string[], reason: string): Promise<void>;
}

export interface MeetingChange {
  meeting: Meeting;
  kase: Case;
  member: Member;
  /** False when nothing changed (the same answer twice, a repeated click). */
  changed: boolean;
}

// ---- read models (plain JSON, for the tab) ----

export interface ParticipantView {
  userId: string;
  name: string;
  role: Role;
  answer: MeetingAnswer;
  answeredAt?: string;
  /** Only the coordinator and the person themselves see why someone cannot come. */
  reason?: string;
  attendance?: 'present' | 'absent';
  /** The invitation for the current time: sent, being sent, or not (yet). */
  invitation: 'sent' | 'sending' | 'none';
  me: boolean;
}

export interface MeetingView {
  id: string;
  caseId: string;
  caseTitle: string;
  startsAt: string;
  endsAt: string;
  durationMinutes: number;
  place?: string;
  teams: boolean;
  online: { state: OnlineState; joinUrl?: string } | null;
  status: Meeting['status'];
  cancelled?: { at: string; byName: string; reason?: string };
  participants: ParticipantView[];
  counts: AnswerCounts;
  agenda: AgendaItem[];
  /** Barnets stemme on the agenda, as this viewer may read it (one meeting's view only; absent for the network). */
  childVoice?: AgendaVoice;
  proposals: Array<{ id: string; byName: string; at: string; startsAt: string; note?: string; status: MoveProposal['status']; reason?: string; mine: boolean }>;
  attendance?: { source: 'teams' | 'coordinator'; at: string; byName: string };
  minutesId?: string;
  revision: number;
  viewer: { coordinator: boolean; participant: boolean; myAnswer?: MeetingAnswer; canAnswer: boolean; canManage: boolean; started: boolean; upcoming: boolean; professional: boolean };
}

export interface MeetingList {
  caseId: string;
  caseTitle: string;
  today: string;
  upcoming: MeetingView[];
  past: MeetingView[];
  canSchedule: boolean;
  /** Who can be invited: the case's active members. */
  candidates: Array<{ userId: string; name: string; role: Role; coordinator: boolean }>;
}

const NOTICE_STALE_MS = 2 * 60_000;
const PAST_LISTED = 10;
const ATTEMPTS = 4;
const VIAS: readonly AnswerVia[] = ['invitation', 'reminder', 'tab', 'card'];

const iso = (at: Date | string | undefined): string | undefined => (at ? new Date(at).toISOString() : undefined);

export function meetingIdFrom(raw: unknown): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw new DomainError('meeting.error.notFound', {}, 'not_found');
  return raw;
}

function flag(raw: unknown): boolean {
  if (raw === true || raw === 'true' || raw === 'on' || raw === 1) return true;
  if (raw === undefined || raw === null || raw === false || raw === 'false' || raw === '' || raw === 0) return false;
  throw new DomainError('meeting.error.invalidChoice');
}

/** IDs from the tab (an array) or from a card's multi-select (a comma-separated string). */
function idList(raw: unknown, max: number): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : null;
  if (!list || list.length > max * 2) throw new DomainError('meeting.error.invalidChoice');
  const ids = list.map((id) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > 300) throw new DomainError('meeting.error.invalidChoice');
    return id.trim();
  });
  return [...new Set(ids.filter(Boolean))];
}

type Plan<T> = { none: T } | { changes: Partial<Meeting>; event: (key: string, at: Date) => EventDraft; result: T };

export class MeetingService {
  private online?: OnlineMeetingProvider;
  private warnings: EarlyWarningSource = async () => [];
  private childVoice: ChildVoiceSource = async () => null;

  constructor(
    private readonly meetings: ScheduledMeetingRepository,
    private readonly notices: MeetingNoticeRepository,
    private readonly cases: CaseRepository,
    private readonly agreements: AgreementRepository,
    private readonly assessments: AssessmentRepository,
    private readonly access: CaseAccess,
    private readonly forms: FormService,
    private readonly reminders: MeetingReminders,
    private readonly now: Clock,
  ) {}

  /** Teams meetings through Microsoft Graph (wired by the app; without it meetings get no Teams link). */
  useOnlineMeetings(provider: OnlineMeetingProvider | undefined): void {
    this.online = provider;
  }

  /** Open early warnings for the agenda (wired by the app when the early-warning service runs). */
  useEarlyWarnings(source: EarlyWarningSource): void {
    this.warnings = source;
  }

  /** Barnets stemme on the agenda (wired by the app when the child's voice service runs). */
  useChildVoice(source: ChildVoiceSource): void {
    this.childVoice = source;
  }

  // ---- scheduling ----

  /**
   * Schedules a meeting (only the coordinator). Everything is checked before anything is written:
   * the time (Copenhagen, in the future), the duration, a place unless it is a Teams meeting, and
   * that every participant is an active member. The same form submitted again returns the meeting
   * it made. A Teams meeting is asked of Graph after the meeting is stored: without permission the
   * meeting stands, with `online.state` saying why there is no link.
   */
  async schedule(actor: Actor, caseId: unknown, input: ScheduleInput): Promise<MeetingChange & { created: boolean }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.schedule');
    const now = this.now();
    const startsAt = meetingStart(input.date, input.time);
    checkStart(startsAt, now);
    const durationMinutes = durationFrom(input.durationMinutes ?? DEFAULT_DURATION);
    const teams = flag(input.teams);
    const place = cleanText(input.place, 'meeting.field.place', PLACE_MAX, { required: !teams }) || undefined;
    const participants = this.participantsFrom(kase, member, input.participantIds, now);
    const { documentId } = await this.forms.submitted(member, kase, input.formId, 'meeting');

    const existing = await this.meetings.byId(documentId);
    if (existing) return this.repeat(existing, kase, member);
    const agenda = await this.agendaFrom(actor, kase, startsAt, now);
    const meeting: Meeting = {
      _id: documentId,
      caseId: kase._id,
      startsAt,
      durationMinutes,
      endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000),
      ...(place ? { place } : {}),
      teams,
      ...(teams ? { online: { state: 'pending' as const, at: now } } : {}),
      participants,
      agenda,
      status: 'scheduled',
      proposals: [],
      cancellations: [],
      revision: 1,
      scheduledAt: now,
      moves: [],
      scheduledBy: member.userId,
      scheduledByName: member.name,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const scheduled = draft(
      'meeting.scheduled',
      { meetingId: meeting._id, startsAt: startsAt.toISOString(), durationMinutes, teams, ...(place ? { place } : {}), participants: participants.length },
      { key: versionKey('meeting', meeting._id, 1), caseId: kase._id, at: now, actor: member },
    );
    if (!(await this.meetings.insert(meeting, [scheduled]))) return this.repeat(await this.meetings.byId(documentId), kase, member);
    const current = teams ? await this.createOnline(meeting._id, kase, member) : meeting;
    await this.reminders.replanMeeting(current._id);
    return { meeting: current, kase, member, changed: true, created: true };
  }

  /** A repeated submit returns the coordinator's own meeting, finishing what a crash may have left (the Teams meeting, today's reminders). */
  private async repeat(existing: Meeting | null, kase: Case, member: Member): Promise<MeetingChange & { created: boolean }> {
    if (!existing || existing.caseId !== kase._id || existing.scheduledBy !== member.userId) throw new DomainError('error.formNotFound', {}, 'not_found');
    const current = existing.online?.state === 'pending' ? await this.createOnline(existing._id, kase, member) : existing;
    await this.reminders.replanMeeting(current._id);
    return { meeting: current, kase, member, changed: false, created: false };
  }

  private participantsFrom(kase: Case, coordinator: Member, raw: unknown, now: Date): MeetingParticipant[] {
    const ids = idList(raw, MAX_PARTICIPANTS);
    const chosen: Member[] = [];
    for (const id of ids) {
      const member = kase.members.find((m) => m.userId === id && m.status === 'active');
      if (!member) throw new DomainError('meeting.error.participantNotMember');
      if (member.userId !== coordinator.userId) chosen.push(member);
    }
    if (chosen.length === 0) throw new DomainError('meeting.error.noParticipants');
    if (chosen.length + 1 > MAX_PARTICIPANTS) throw new DomainError('meeting.error.tooManyParticipants', { max: MAX_PARTICIPANTS });
    const person = (m: Member, answer: MeetingAnswer): MeetingParticipant => ({
      userId: m.userId,
      ...(m.aadObjectId ? { aadObjectId: m.aadObjectId } : {}),
      name: m.name,
      role: m.role,
      answer,
      ...(answer === 'accepted' ? { answeredAt: now, via: 'card' as const } : {}),
      epoch: 1,
    });
    // The coordinator who calls the meeting comes to it.
    return [person(coordinator, 'accepted'), ...chosen.map((m) => person(m, 'pending'))];
  }

  private async agendaFrom(actor: Actor, kase: Case, startsAt: Date, now: Date): Promise<AgendaItem[]> {
    const [agreements, rounds, warnings] = await Promise.all([
      this.agreements.forCase(kase._id),
      this.assessments.closedRounds(kase._id),
      this.warnings(actor, kase).catch(() => [] as AgendaWarning[]),
    ]);
    const latest = rounds.at(-1);
    return buildAgenda({
      today: copenhagenDate(now),
      meetingDay: copenhagenDate(startsAt),
      agreements,
      latestRound: latest ? { _id: latest._id, number: latest.number, closedAt: latest.closedAt } : null,
      warnings,
    });
  }

  /** Asks Graph for the Teams meeting and stores the outcome (a link, or why there is none). */
  private async createOnline(meetingId: string, kase: Case, member: Member): Promise<Meeting> {
    const meeting = await this.meetingOf(kase, meetingId);
    if (meeting.online?.state !== 'pending') return meeting;
    const organizer = memberOf(kase, { userId: meeting.scheduledBy }) ?? member;
    const tenantId = kase.conversation.tenantId;
    let online: OnlineMeetingInfo;
    const at = this.now();
    if (!this.online) online = { state: 'not_configured', at };
    else if (!organizer.aadObjectId || !tenantId) online = { state: 'no_organizer', at };
    else {
      const outcome = await this.online
        .create({
          tenantId,
          organizerOid: organizer.aadObjectId,
          externalId: meeting._id,
          subject: t('da', 'meeting.teams.subject'),
          startsAt: new Date(meeting.startsAt),
          endsAt: new Date(meeting.endsAt),
          attendeeOids: meeting.participants.flatMap((p) => (p.aadObjectId && p.userId !== organizer.userId ? [p.aadObjectId] : [])),
        })
        .catch((error: unknown): OnlineMeetingOutcome => ({ ok: false, reason: 'failed', detail: error instanceof Error ? error.message.slice(0, 200) : 'error' }));
      online = outcome.ok ? { state: 'created', joinUrl: outcome.joinUrl, onlineMeetingId: outcome.onlineMeetingId, organizerOid: organizer.aadObjectId, at } : { state: outcome.reason, at };
    }
    const { meeting: stored } = await this.apply(kase, meetingId, (m) =>
      m.online?.state !== 'pending'
        ? { none: undefined }
        : { changes: { online }, event: this.event('meeting.onlineMeeting', m, member, { state: online.state }), result: undefined },
    );
    return stored;
  }

  // ---- answers and proposals (participants) ----

  /**
   * A participant's answer: *Jeg kommer* or *Jeg kan ikke* (with an optional reason). A no after a
   * yes, or any no from a reminder, is a cancellation (afbud), kept with how much notice it gave.
   * Only participants answer; nothing changes once the meeting has started or was cancelled.
   */
  async answer(actor: Actor, caseId: unknown, meetingId: unknown, rawAnswer: unknown, options: { reason?: unknown; via?: AnswerVia } = {}): Promise<MeetingChange & { cancellation: boolean; participant: MeetingParticipant }> {
    if (rawAnswer !== 'accepted' && rawAnswer !== 'declined') throw new DomainError('error.invalidAction');
    const answer: 'accepted' | 'declined' = rawAnswer;
    const via: AnswerVia = options.via && VIAS.includes(options.via) ? options.via : 'card';
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.answer');
    const reason = cleanText(options.reason, 'meeting.field.reason', REASON_MAX, { required: false }) || undefined;
    const id = meetingIdFrom(meetingId);
    const now = this.now();
    let refused = false;
    const result = await this.apply<{ cancellation: boolean; participant: MeetingParticipant }>(kase, id, (m) => {
      this.assertOpen(m, now);
      const p = participantOf(m, member.userId);
      if (!p) {
        refused = true;
        throw new DomainError('meeting.error.notParticipant', {}, 'forbidden');
      }
      if (p.answer === answer && (answer === 'accepted' || p.reason === reason)) return { none: { cancellation: false, participant: p } };
      const cancellation = answer === 'declined' && (p.answer === 'accepted' || via === 'reminder');
      const noticeMinutes = Math.round((new Date(m.startsAt).getTime() - now.getTime()) / 60_000);
      const updated: MeetingParticipant = { ...p, answer, answeredAt: now, via, reason: answer === 'declined' ? reason : undefined, epoch: answer === 'declined' && p.answer !== 'declined' ? p.epoch + 1 : p.epoch };
      if (!updated.reason) delete updated.reason;
      return {
        changes: {
          participants: m.participants.map((x) => (x.userId === p.userId ? updated : x)),
          ...(cancellation ? { cancellations: [...m.cancellations, { userId: p.userId, group: roleGroup(p.role), at: now, noticeMinutes, via }] } : {}),
        },
        event: this.event('meeting.answered', m, member, { userId: p.userId, name: p.name, answer, via, withReason: !!reason, cancellation, ...(cancellation ? { noticeMinutes } : {}) }),
        result: { cancellation, participant: updated },
      };
    }).catch(async (error: unknown) => {
      if (refused) await this.access.refuse(actor, kase, 'meeting.answer', 'not_participant');
      throw error;
    });
    // Reminders follow the answer (again on a repeat: stops and plans are idempotent).
    if (answer === 'declined') await this.reminders.stopMeeting(id, [member.userId], 'declined');
    else await this.reminders.replanMeeting(id, [member.userId]);
    return { meeting: result.meeting, kase, member, changed: result.changed, ...result.result };
  }

  /**
   * *Foreslå et andet tidspunkt*: a participant proposes another start. It becomes a choice for the
   * coordinator; a person's newer proposal replaces their open one. The same proposal twice is one.
   */
  async proposeMove(actor: Actor, caseId: unknown, meetingId: unknown, input: { date: unknown; time: unknown; note?: unknown }): Promise<MeetingChange & { proposal: MoveProposal; created: boolean }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.answer');
    const startsAt = meetingStart(input.date, input.time);
    const now = this.now();
    checkStart(startsAt, now);
    const note = cleanText(input.note, 'meeting.field.note', NOTE_MAX, { required: false }) || undefined;
    const id = meetingIdFrom(meetingId);
    let refused = false;
    const result = await this.apply<{ proposal: MoveProposal; created: boolean }>(kase, id, (m) => {
      this.assertOpen(m, now);
      if (!participantOf(m, member.userId)) {
        refused = true;
        throw new DomainError('meeting.error.notParticipant', {}, 'forbidden');
      }
      if (new Date(m.startsAt).getTime() === startsAt.getTime()) throw new DomainError('meeting.error.sameTime');
      const same = m.proposals.find((p) => p.status === 'open' && p.by === member.userId && new Date(p.startsAt).getTime() === startsAt.getTime());
      if (same) return { none: { proposal: same, created: false } };
      if (m.proposals.length >= MAX_PROPOSALS) throw new DomainError('meeting.error.tooManyProposals');
      const proposal: MoveProposal = { id: randomUUID(), by: member.userId, byName: member.name, at: now, startsAt, ...(note ? { note } : {}), status: 'open' };
      return {
        changes: { proposals: [...m.proposals.map((p) => (p.status === 'open' && p.by === member.userId ? { ...p, status: 'superseded' as const } : p)), proposal] },
        event: this.event('meeting.moveProposed', m, member, { proposalId: proposal.id, to: startsAt.toISOString(), ...(note ? { note } : {}) }),
        result: { proposal, created: true },
      };
    }).catch(async (error: unknown) => {
      if (refused) await this.access.refuse(actor, kase, 'meeting.answer', 'not_participant');
      throw error;
    });
    return { meeting: result.meeting, kase, member, changed: result.changed, ...result.result };
  }

  // ---- the coordinator ----

  /**
   * The coordinator accepts a proposal (the meeting moves to it: everyone is asked again, the
   * proposer and the coordinator count as coming) or declines it with a reason.
   */
  async decideProposal(actor: Actor, caseId: unknown, meetingId: unknown, proposalId: unknown, decision: 'accept' | 'decline', options: { reason?: unknown } = {}): Promise<MeetingChange & { proposal: MoveProposal; previousStart?: Date }> {
    if (decision !== 'accept' && decision !== 'decline') throw new DomainError('error.invalidAction');
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const reason = cleanText(options.reason, 'meeting.field.reason', REASON_MAX, { required: decision === 'decline' }) || undefined;
    const id = meetingIdFrom(meetingId);
    if (typeof proposalId !== 'string' || !UUID.test(proposalId)) throw new DomainError('meeting.error.proposalNotFound', {}, 'not_found');
    const now = this.now();
    const result = await this.apply<{ proposal: MoveProposal; previousStart?: Date }>(kase, id, (m) => {
      const proposal = m.proposals.find((p) => p.id === proposalId);
      if (!proposal) throw new DomainError('meeting.error.proposalNotFound', {}, 'not_found');
      const target = decision === 'accept' ? 'accepted' : 'declined';
      if (proposal.status === target) return { none: { proposal } };
      if (proposal.status !== 'open') throw new DomainError('meeting.error.proposalClosed', {}, 'conflict');
      this.assertOpen(m, now);
      const decided = { ...proposal, status: target, decidedAt: now, decidedBy: member.userId, decidedByName: member.name, ...(reason ? { reason } : {}) } as MoveProposal;
      if (decision === 'decline') {
        return {
          changes: { proposals: m.proposals.map((p) => (p.id === proposal.id ? decided : p)) },
          event: this.event('meeting.moveDeclined', m, member, { proposalId: proposal.id, to: new Date(proposal.startsAt).toISOString(), reason: reason! }),
          result: { proposal: decided },
        };
      }
      checkStart(new Date(proposal.startsAt), now);
      return { ...this.moveTo(m, new Date(proposal.startsAt), member, now, decided), result: { proposal: decided, previousStart: new Date(m.startsAt) } };
    });
    if (result.changed && decision === 'accept') await this.afterMove(result.meeting, kase, result.result.previousStart);
    return { meeting: result.meeting, kase, member, changed: result.changed, ...result.result };
  }

  /** The coordinator moves the meeting without a proposal. */
  async move(actor: Actor, caseId: unknown, meetingId: unknown, input: { date: unknown; time: unknown }): Promise<MeetingChange & { previousStart?: Date }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const startsAt = meetingStart(input.date, input.time);
    const now = this.now();
    checkStart(startsAt, now);
    const result = await this.apply<Date | undefined>(kase, meetingIdFrom(meetingId), (m) => {
      if (new Date(m.startsAt).getTime() === startsAt.getTime()) return { none: undefined };
      this.assertOpen(m, now);
      return { ...this.moveTo(m, startsAt, member, now), result: new Date(m.startsAt) };
    });
    if (result.changed) await this.afterMove(result.meeting, kase, result.result);
    return { meeting: result.meeting, kase, member, changed: result.changed, previousStart: result.result };
  }

  private moveTo(m: Meeting, startsAt: Date, coordinator: Member, now: Date, accepted?: MoveProposal): { changes: Partial<Meeting>; event: (key: string, at: Date) => EventDraft } {
    const keepYes = new Set([coordinator.userId, ...(accepted ? [accepted.by] : [])]);
    return {
      changes: {
        startsAt,
        endsAt: new Date(startsAt.getTime() + m.durationMinutes * 60_000),
        revision: m.revision + 1,
        scheduledAt: now,
        moves: [...m.moves, { from: new Date(m.startsAt), to: startsAt, at: now, ...(accepted ? { proposalId: accepted.id } : {}) }],
        proposals: m.proposals.map((p) => (accepted && p.id === accepted.id ? accepted : p.status === 'open' ? { ...p, status: 'superseded' as const } : p)),
        // A new time is a new question: everyone is asked again, but who asked for it and who called it come.
        participants: m.participants.map((p): MeetingParticipant => {
          const next: MeetingParticipant = keepYes.has(p.userId) ? { ...p, answer: 'accepted', answeredAt: now, via: 'card' } : { ...p, answer: 'pending' };
          if (!keepYes.has(p.userId)) {
            delete next.answeredAt;
            delete next.via;
          }
          delete next.reason;
          return next;
        }),
      },
      event: (key, at) => draft('meeting.moved', { meetingId: m._id, startsAt: startsAt.toISOString(), from: new Date(m.startsAt).toISOString(), ...(accepted ? { proposalId: accepted.id } : {}) }, { key, caseId: m.caseId, at, actor: coordinator }),
    };
  }

  /** After a move: the old time's reminders stop, the new time's are planned, the Teams meeting follows. */
  private async afterMove(meeting: Meeting, kase: Case, previousStart?: Date): Promise<void> {
    if (!previousStart) return;
    await this.reminders.stopMeeting(meeting._id, meeting.participants.map((p) => p.userId), 'moved');
    await this.reminders.replanMeeting(meeting._id);
    const online = meeting.online;
    if (this.online && online?.state === 'created' && online.onlineMeetingId && online.organizerOid && kase.conversation.tenantId) {
      await this.online.reschedule({ tenantId: kase.conversation.tenantId, organizerOid: online.organizerOid, onlineMeetingId: online.onlineMeetingId, startsAt: new Date(meeting.startsAt), endsAt: new Date(meeting.endsAt) }).catch(() => false);
    }
  }

  /** The coordinator cancels the meeting (with an optional reason): everyone is told, reminders stop. */
  async cancel(actor: Actor, caseId: unknown, meetingId: unknown, options: { reason?: unknown } = {}): Promise<MeetingChange> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const reason = cleanText(options.reason, 'meeting.field.reason', REASON_MAX, { required: false }) || undefined;
    const now = this.now();
    const result = await this.apply(kase, meetingIdFrom(meetingId), (m) => {
      if (m.status === 'cancelled') return { none: undefined };
      if (hasStarted(m, now)) throw new DomainError('meeting.error.started', {}, 'conflict');
      const noticeMinutes = Math.round((new Date(m.startsAt).getTime() - now.getTime()) / 60_000);
      return {
        changes: {
          status: 'cancelled',
          cancelled: { at: now, by: member.userId, byName: member.name, ...(reason ? { reason } : {}), noticeMinutes },
          proposals: m.proposals.map((p) => (p.status === 'open' ? { ...p, status: 'superseded' as const } : p)),
        },
        event: this.event('meeting.cancelled', m, member, { ...(reason ? { reason } : {}), noticeMinutes }),
        result: undefined,
      };
    });
    await this.reminders.stopMeeting(result.meeting._id, result.meeting.participants.map((p) => p.userId), 'cancelled');
    const online = result.meeting.online;
    if (result.changed && this.online && online?.state === 'created' && online.onlineMeetingId && online.organizerOid && kase.conversation.tenantId) {
      await this.online.cancel({ tenantId: kase.conversation.tenantId, organizerOid: online.organizerOid, onlineMeetingId: online.onlineMeetingId }).catch(() => false);
    }
    return { meeting: result.meeting, kase, member, changed: result.changed };
  }

  /**
   * The coordinator edits the agenda: the list as it should be, in order. Existing points are
   * named by `id` (a custom point may get new `text`); new points are `{ text, professionalsOnly? }`.
   * Points left out are removed.
   */
  async editAgenda(actor: Actor, caseId: unknown, meetingId: unknown, rawItems: unknown): Promise<MeetingChange> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    if (!Array.isArray(rawItems) || rawItems.length > AGENDA_MAX_ITEMS) throw new DomainError('meeting.error.agendaTooLong', { max: AGENDA_MAX_ITEMS });
    const id = meetingIdFrom(meetingId);
    const now = this.now();
    // Points the case suggests now ("build again") may be kept too, as the case gives them.
    const current = await this.meetingOf(kase, id);
    const named = rawItems.flatMap((raw) => (raw && typeof raw === 'object' && typeof (raw as Record<string, unknown>).id === 'string' ? [(raw as Record<string, unknown>).id as string] : []));
    const suggested = named.some((n) => !current.agenda.some((a) => a.id === n)) ? await this.agendaFrom(actor, kase, new Date(current.startsAt), now) : [];
    const result = await this.apply(kase, id, (m) => {
      if (m.status === 'cancelled') throw new DomainError('meeting.error.cancelled', {}, 'conflict');
      const items = rawItems.map((raw): AgendaItem => {
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new DomainError('meeting.error.agendaItemUnknown');
        const item = raw as Record<string, unknown>;
        if (item.id !== undefined) {
          const existing = m.agenda.find((a) => a.id === item.id) ?? suggested.find((a) => a.id === item.id);
          if (!existing) throw new DomainError('meeting.error.agendaItemUnknown');
          if (existing.kind === 'custom' && item.text !== undefined) return { ...existing, text: cleanText(item.text, 'meeting.field.agendaText', AGENDA_TEXT_MAX) };
          return existing;
        }
        const text = cleanText(item.text, 'meeting.field.agendaText', AGENDA_TEXT_MAX);
        const professionalsOnly = flag(item.professionalsOnly);
        if (professionalsOnly && !seesProfessionalOnly(member)) throw new DomainError('error.onlyProfessionals', {}, 'forbidden');
        return { id: `c:${randomUUID()}`, kind: 'custom', text, visibility: professionalsOnly ? 'professionals' : 'all' };
      });
      if (new Set(items.map((i) => i.id)).size !== items.length) throw new DomainError('meeting.error.agendaItemUnknown');
      const same = JSON.stringify(items.map((i) => [i.id, i.kind === 'custom' ? i.text : ''])) === JSON.stringify(m.agenda.map((i) => [i.id, i.kind === 'custom' ? i.text : '']));
      if (same) return { none: undefined };
      return { changes: { agenda: items, agendaEditedAt: now }, event: this.event('meeting.agendaEdited', m, member, { items: items.length }), result: undefined };
    });
    return { meeting: result.meeting, kase, member, changed: result.changed };
  }

  /** The agenda the case suggests now (for "build again" in the tab); nothing is stored. */
  async suggestedAgenda(actor: Actor, caseId: unknown, meetingId: unknown): Promise<AgendaItem[]> {
    const { kase } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const meeting = await this.meetingOf(kase, meetingIdFrom(meetingId));
    return this.agendaFrom(actor, kase, new Date(meeting.startsAt), this.now());
  }

  /** Without Graph's permission the coordinator adds the Teams link by hand. */
  async setLink(actor: Actor, caseId: unknown, meetingId: unknown, rawUrl: unknown): Promise<MeetingChange> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const joinUrl = teamsLinkFrom(rawUrl);
    const now = this.now();
    const result = await this.apply(kase, meetingIdFrom(meetingId), (m) => {
      if (m.status === 'cancelled') throw new DomainError('meeting.error.cancelled', {}, 'conflict');
      if (m.online?.joinUrl === joinUrl) return { none: undefined };
      return { changes: { teams: true, online: { state: 'manual', joinUrl, at: now } }, event: this.event('meeting.onlineMeeting', m, member, { state: 'manual' }), result: undefined };
    });
    return { meeting: result.meeting, kase, member, changed: result.changed };
  }

  /** After the start: the coordinator ticks off who came. Everyone else counts as not present; nobody is judged. */
  async recordAttendance(actor: Actor, caseId: unknown, meetingId: unknown, rawPresent: unknown): Promise<MeetingChange> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const present = new Set(idList(rawPresent, MAX_PARTICIPANTS));
    const now = this.now();
    const result = await this.apply(kase, meetingIdFrom(meetingId), (m) => {
      this.assertHeld(m, now);
      for (const id of present) if (!participantOf(m, id)) throw new DomainError('meeting.error.participantNotInMeeting');
      const participants = m.participants.map((p): MeetingParticipant => {
        const next: MeetingParticipant = { ...p, attendance: present.has(p.userId) ? 'present' : 'absent' };
        delete next.attendedSeconds;
        return next;
      });
      if (m.attendance?.source === 'coordinator' && participants.every((p, i) => p.attendance === m.participants[i]!.attendance)) return { none: undefined };
      return {
        changes: { participants, attendance: { source: 'coordinator', at: now, by: member.userId, byName: member.name } },
        event: this.event('meeting.attendance', m, member, { source: 'coordinator', present: present.size, absent: participants.length - present.size }),
        result: undefined,
      };
    });
    return { meeting: result.meeting, kase, member, changed: result.changed };
  }

  /**
   * After the start: attendance from the Teams meeting's attendance report, where Graph allows it.
   * Anything else (no permission, no report yet, no Teams meeting) changes nothing and says why, so
   * that the coordinator ticks people off instead.
   */
  async fetchAttendance(actor: Actor, caseId: unknown, meetingId: unknown): Promise<MeetingChange & { outcome: AttendanceOutcome }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const id = meetingIdFrom(meetingId);
    const now = this.now();
    const meeting = await this.meetingOf(kase, id);
    this.assertHeld(meeting, now);
    const online = meeting.online;
    const tenantId = kase.conversation.tenantId;
    let outcome: AttendanceOutcome;
    if (!online?.onlineMeetingId || !online.organizerOid || !tenantId) outcome = { ok: false, reason: 'no_teams_meeting' };
    else if (!this.online) outcome = { ok: false, reason: 'not_configured' };
    else {
      outcome = await this.online
        .attendance({ tenantId, organizerOid: online.organizerOid, onlineMeetingId: online.onlineMeetingId })
        .catch((error: unknown): AttendanceOutcome => ({ ok: false, reason: 'failed', detail: error instanceof Error ? error.message.slice(0, 200) : 'error' }));
    }
    if (!outcome.ok) return { meeting, kase, member, changed: false, outcome };
    const seconds = new Map<string, number>();
    for (const record of outcome.records) if (record.oid) seconds.set(record.oid.toLowerCase(), (seconds.get(record.oid.toLowerCase()) ?? 0) + record.seconds);
    const result = await this.apply(kase, id, (m) => {
      const participants = m.participants.map((p): MeetingParticipant => {
        const s = p.aadObjectId ? seconds.get(p.aadObjectId.toLowerCase()) : undefined;
        return { ...p, attendance: s && s > 0 ? 'present' : 'absent', attendedSeconds: s ?? 0 };
      });
      const present = participants.filter((p) => p.attendance === 'present').length;
      if (m.attendance?.source === 'teams' && participants.every((p, i) => p.attendance === m.participants[i]!.attendance && p.attendedSeconds === m.participants[i]!.attendedSeconds)) return { none: undefined };
      return {
        changes: { participants, attendance: { source: 'teams', at: now, by: member.userId, byName: member.name } },
        event: this.event('meeting.attendance', m, member, { source: 'teams', present, absent: participants.length - present }),
        result: undefined,
      };
    });
    return { meeting: result.meeting, kase, member, changed: result.changed, outcome };
  }

  /** Ties posted minutes (their form ID) to the meeting; whoever may post minutes may. */
  async linkMinutes(actor: Actor, caseId: unknown, meetingId: unknown, minutesId: string): Promise<MeetingChange> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.minutes');
    const result = await this.apply(kase, meetingIdFrom(meetingId), (m) =>
      m.minutesId === minutesId ? { none: undefined } : { changes: { minutesId }, event: this.event('meeting.minutesLinked', m, member, { minutesId }), result: undefined },
    );
    return { meeting: result.meeting, kase, member, changed: result.changed };
  }

  /** A meeting the coordinator manages, for sending its missing invitations again (only while it lies ahead). */
  async managed(actor: Actor, caseId: unknown, meetingId: unknown): Promise<{ meeting: Meeting; kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.manage');
    const meeting = await this.meetingOf(kase, meetingIdFrom(meetingId));
    this.assertOpen(meeting, this.now());
    return { meeting, kase, member };
  }

  /** Checks that minutes may be posted for this meeting, before anything is posted. */
  async authorizeMinutes(actor: Actor, caseId: unknown, meetingId: unknown): Promise<{ kase: Case; meeting: Meeting }> {
    const { kase } = await this.access.caseFor(actor, caseId, 'meeting.minutes');
    return { kase, meeting: await this.meetingOf(kase, meetingIdFrom(meetingId)) };
  }

  // ---- reads ----

  /** One meeting of a case, for one of its members. The read is logged. */
  async get(actor: Actor, caseId: unknown, meetingId: unknown, part = 'meeting'): Promise<{ meeting: Meeting; kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.read');
    const meeting = await this.meetingOf(kase, meetingIdFrom(meetingId));
    await this.access.recordRead(actor, kase, part);
    return { meeting, kase, member };
  }

  /** The meeting a form of this member made, if they submitted it (the form card opened again). */
  async fromForm(member: Member, kase: Case, formId: string): Promise<Meeting | null> {
    const meeting = await this.meetings.byId(documentIdFor(member.userId, formId));
    return meeting?.caseId === kase._id ? meeting : null;
  }

  /** A meeting without an actor: for drawing a posted card again for its room's readers. */
  async findForCard(caseId: string, meetingId: string): Promise<Meeting | null> {
    const meeting = UUID.test(meetingId) ? await this.meetings.byId(meetingId) : null;
    return meeting?.caseId === caseId ? meeting : null;
  }

  /** The tab's view of one meeting, for this viewer, with Barnets stemme on its agenda. */
  async view(actor: Actor, caseId: unknown, meetingId: unknown): Promise<MeetingView> {
    const { meeting, kase, member } = await this.get(actor, caseId, meetingId, 'tab.meeting');
    const [notices, childVoice] = await Promise.all([this.notices.forMeeting(meeting._id), this.agendaVoice(actor, kase, member, meeting, 'tab')]);
    return { ...this.viewOf(meeting, kase, member, notices), ...(childVoice ? { childVoice } : {}) };
  }

  /**
   * Barnets stemme on a meeting's agenda as `member` reads it (docs/child-voice.md), for a meeting
   * they have just been allowed to read (get, view): the entries that everyone in the meeting and
   * the reader may read. Null for a reader who does not read the child's voice (the network; policy
   * `childVoice.read`) and when it is not wired. The read is logged (`childVoice.agenda`). How many
   * entries wait for the young person's yes is told to professionals only: whom the young person
   * trusts is theirs to tell (the family's timeline leaves their choice out too).
   */
  async agendaVoice(actor: Actor, kase: Case, member: Member, meeting: Meeting, surface: Surface): Promise<AgendaVoice | null> {
    if (!decide(kase, member, 'childVoice.read').allowed) return null;
    const readers = [...new Set([...meeting.participants.map((p) => p.userId), member.userId])];
    const voice = await this.childVoice(kase, readers);
    if (!voice) return null;
    await this.access.recordRead(actor, kase, 'childVoice.agenda', surface);
    return seesProfessionalOnly(member) ? voice : { ...voice, withheld: 0 };
  }

  /**
   * For the meeting's card in the case's room, without an actor (like findForCard): whether
   * Barnets stemme has entries on the agenda. The words never go into a room: its readers may
   * include the network, or a professional the young person has not said yes to.
   */
  async agendaVoiceInRoom(kase: Case, meeting: Meeting): Promise<boolean> {
    if (meeting.caseId !== kase._id) return false;
    const readers = meeting.participants.filter((p) => kase.members.some((m) => m.userId === p.userId && m.status === 'active')).map((p) => p.userId);
    const voice = await this.childVoice(kase, readers).catch(() => null);
    return !!voice && voice.houses.some((h) => h.entries.length > 0);
  }

  /** The case's meetings: upcoming ones first in time, then the latest past or cancelled ones. */
  async list(actor: Actor, caseId: unknown, part = 'tab.meetings'): Promise<MeetingList> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'meeting.read');
    const [all] = await Promise.all([this.meetings.forCase(kase._id), this.access.recordRead(actor, kase, part)]);
    const now = this.now();
    const upcoming = all.filter((m) => isUpcoming(m, now)).sort((a, b) => new Date(a.startsAt).getTime() - new Date(b.startsAt).getTime());
    const past = all.filter((m) => !isUpcoming(m, now)).slice(0, PAST_LISTED);
    const notices = new Map(await Promise.all(upcoming.map(async (m) => [m._id, await this.notices.forMeeting(m._id)] as const)));
    return {
      caseId: kase._id,
      caseTitle: kase.title,
      today: copenhagenDate(now),
      upcoming: upcoming.map((m) => this.viewOf(m, kase, member, notices.get(m._id) ?? [])),
      past: past.map((m) => this.viewOf(m, kase, member, [])),
      canSchedule: decide(kase, actor, 'meeting.schedule').allowed,
      candidates: kase.members.filter((m) => m.status === 'active').map((m) => ({ userId: m.userId, name: m.name, role: m.role, coordinator: m.userId === kase.coordinatorId })),
    };
  }

  /** "Mine møder": the upcoming meetings a person takes part in, across the cases they are still an active member of. */
  async upcomingFor(actor: Actor): Promise<Array<{ meeting: Meeting; kase: Case; participant: MeetingParticipant }>> {
    const now = this.now();
    const byUser = await this.meetings.upcomingFor(actor.userId, now);
    const byAad = actor.aadObjectId && byUser.length === 0 ? await this.meetings.upcomingForAad(actor.aadObjectId, now) : [];
    const found = [...byUser, ...byAad];
    const cases = new Map<string, Case | null>();
    for (const id of new Set(found.map((m) => m.caseId))) cases.set(id, await this.cases.byId(id));
    const out: Array<{ meeting: Meeting; kase: Case; participant: MeetingParticipant }> = [];
    for (const meeting of found) {
      const kase = cases.get(meeting.caseId);
      const member = kase ? activeMember(kase, actor) : undefined;
      const participant = member ? participantOf(meeting, member.userId) : undefined;
      if (kase && participant && kase.status === 'open') out.push({ meeting, kase, participant });
    }
    return out.sort((a, b) => new Date(a.meeting.startsAt).getTime() - new Date(b.meeting.startsAt).getTime());
  }

  /** The open cases in which this person may schedule meetings (they coordinate them): for `møde` in a personal chat. */
  async casesToSchedule(actor: Actor): Promise<Case[]> {
    const cases = await this.cases.byMember([actor.userId], actor.aadObjectId);
    return cases.filter((kase) => decide(kase, actor, 'meeting.schedule').allowed);
  }

  /** A case's upcoming meetings without an actor: for summaries already authorized by their own service (the handover summary). */
  async upcomingOfCase(caseId: string, from: Date): Promise<Array<{ id: string; title: string; startsAt: string; place?: string; online?: boolean }>> {
    const meetings = await this.meetings.forCase(caseId);
    return meetings
      .filter((m) => isUpcoming(m, from))
      .sort((a, b) => new Date(a.startsAt).getTime() - new Date(b.startsAt).getTime())
      .map((m) => ({ id: m._id, title: t('da', 'meeting.teams.subject'), startsAt: iso(m.startsAt)!, ...(m.place ? { place: m.place } : {}), online: m.teams }));
  }

  // ---- messages to people (sent by the bot) ----

  /** Claims one message about a meeting for this instance; false when it was sent or is being sent elsewhere. */
  claimNotice(meeting: Meeting, kind: string, userId: string, revision = meeting.revision): Promise<boolean> {
    return this.notices.claim({ _id: noticeKey(kind, meeting._id, revision, userId), meetingId: meeting._id, userId, kind, revision, at: this.now() }, NOTICE_STALE_MS);
  }

  noticeSent(meeting: Meeting, kind: string, userId: string, revision = meeting.revision): Promise<void> {
    return this.notices.sent(noticeKey(kind, meeting._id, revision, userId), this.now());
  }

  /** The send failed: the next attempt (a repeat, "send again") may try. */
  releaseNotice(meeting: Meeting, kind: string, userId: string, revision = meeting.revision): Promise<void> {
    return this.notices.release(noticeKey(kind, meeting._id, revision, userId));
  }

  // ---- internals ----

  private viewOf(meeting: Meeting, kase: Case, member: Member, notices: MeetingNotice[]): MeetingView {
    const now = this.now();
    const coordinator = kase.coordinatorId === member.userId;
    const professional = seesProfessionalOnly(member);
    const invitation = (userId: string): ParticipantView['invitation'] => {
      const notice = notices.find((n) => n.kind === 'invite' && n.userId === userId && n.revision === meeting.revision);
      return notice ? notice.state === 'sent' ? 'sent' : 'sending' : 'none';
    };
    const mine = participantOf(meeting, member.userId);
    const open = meeting.status === 'scheduled' && !hasStarted(meeting, now);
    return {
      id: meeting._id,
      caseId: kase._id,
      caseTitle: kase.title,
      startsAt: iso(meeting.startsAt)!,
      endsAt: iso(meeting.endsAt)!,
      durationMinutes: meeting.durationMinutes,
      ...(meeting.place ? { place: meeting.place } : {}),
      teams: meeting.teams,
      online: meeting.online ? { state: meeting.online.state, ...(meeting.online.joinUrl ? { joinUrl: meeting.online.joinUrl } : {}) } : null,
      status: meeting.status,
      ...(meeting.cancelled ? { cancelled: { at: iso(meeting.cancelled.at)!, byName: meeting.cancelled.byName, ...(meeting.cancelled.reason ? { reason: meeting.cancelled.reason } : {}) } } : {}),
      participants: meeting.participants
        .filter((p) => kase.members.some((m) => m.userId === p.userId && m.status === 'active'))
        .map((p) => ({
          userId: p.userId,
          name: p.name,
          role: p.role,
          answer: p.answer,
          ...(p.answeredAt ? { answeredAt: iso(p.answeredAt) } : {}),
          ...(p.reason && (coordinator || p.userId === member.userId) ? { reason: p.reason } : {}),
          ...(p.attendance ? { attendance: p.attendance } : {}),
          invitation: invitation(p.userId),
          me: p.userId === member.userId,
        })),
      counts: answerCounts(meeting),
      agenda: agendaFor(meeting.agenda, professional),
      proposals: meeting.proposals
        .filter((p) => coordinator || p.by === member.userId || p.status === 'open')
        .map((p) => ({ id: p.id, byName: p.byName, at: iso(p.at)!, startsAt: iso(p.startsAt)!, ...(p.note ? { note: p.note } : {}), status: p.status, ...(p.reason && (coordinator || p.by === member.userId) ? { reason: p.reason } : {}), mine: p.by === member.userId })),
      ...(meeting.attendance ? { attendance: { source: meeting.attendance.source, at: iso(meeting.attendance.at)!, byName: meeting.attendance.byName } } : {}),
      ...(meeting.minutesId ? { minutesId: meeting.minutesId } : {}),
      revision: meeting.revision,
      viewer: {
        coordinator,
        participant: !!mine,
        ...(mine ? { myAnswer: mine.answer } : {}),
        canAnswer: !!mine && open && kase.status === 'open',
        canManage: decide(kase, member, 'meeting.manage').allowed,
        started: hasStarted(meeting, now),
        upcoming: isUpcoming(meeting, now),
        professional,
      },
    };
  }

  private assertOpen(m: Meeting, now: Date): void {
    if (m.status === 'cancelled') throw new DomainError('meeting.error.cancelled', {}, 'conflict');
    if (hasStarted(m, now)) throw new DomainError('meeting.error.started', {}, 'conflict');
  }

  private assertHeld(m: Meeting, now: Date): void {
    if (m.status === 'cancelled') throw new DomainError('meeting.error.cancelled', {}, 'conflict');
    if (!hasStarted(m, now)) throw new DomainError('meeting.error.notStarted', {}, 'conflict');
  }

  private async meetingOf(kase: Case, id: string): Promise<Meeting> {
    const meeting = await this.meetings.byId(id);
    if (!meeting || meeting.caseId !== kase._id) throw new DomainError('meeting.error.notFound', {}, 'not_found');
    return meeting;
  }

  private event<T extends EventType>(type: T, m: Meeting, actor: Member, data: Omit<EventDataMap[T], 'meetingId' | 'startsAt'>): (key: string, at: Date) => EventDraft {
    return (key, at) => draft(type, { meetingId: m._id, startsAt: new Date(m.startsAt).toISOString(), ...data } as unknown as EventDataMap[T], { key, caseId: m.caseId, at, actor }) as unknown as EventDraft;
  }

  /**
   * Reads the meeting, decides, and writes the change with its event only over the version it read;
   * on a lost race it reads again and decides again.
   */
  private async apply<T>(kase: Case, meetingId: string, plan: (m: Meeting) => Plan<T>): Promise<{ meeting: Meeting; changed: boolean; result: T }> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const meeting = await this.meetingOf(kase, meetingId);
      const step = plan(meeting);
      if ('none' in step) return { meeting, changed: false, result: step.none };
      const at = this.now();
      const changes = { ...step.changes, updatedAt: at };
      if (await this.meetings.update(meeting, changes, [step.event(versionKey('meeting', meeting._id, meeting.version + 1), at)])) {
        return { meeting: { ...meeting, ...changes, version: meeting.version + 1 }, changed: true, result: step.result };
      }
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }
}

export const noticeKey = (kind: string, meetingId: string, revision: number, userId: string): string => `${kind}|${meetingId}|r${revision}|${userId}`;
