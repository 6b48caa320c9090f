import type { Clearance } from '../../core/domain/audience';
import type { Case, Member } from '../../core/domain/case';
import { agendaVoiceHouses, type AgendaVoice } from '../../core/domain/childVoice';
import { copenhagenDate } from '../../core/domain/dates';
import type { CaseEvent } from '../../core/domain/events';
import {
  agendaFor,
  answerCounts,
  DEFAULT_DURATION,
  DURATION_CHOICES,
  hasStarted,
  NOTE_MAX,
  PLACE_MAX,
  REASON_MAX,
  type AgendaItem,
  type Meeting,
  type MeetingParticipant,
  type MoveProposal,
} from '../../core/domain/meeting';
import { isProfessional } from '../../core/domain/roles';
import type { ReminderItem } from '../../core/reminders/rules';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import { formatClock, formatDay, formatWhen, roleLabel, truncate } from '../../core/i18n/format';
import { agendaText as agendaItemText } from '../../core/i18n/meetingText';
import { adaptiveCard, executeAction, facts, heading, paragraph, refreshFor, type AdaptiveCard, type CardElement } from './card';
import { activeMemberIds, neutralCard, showMine } from './neutralCard';

/**
 * Cards for case meetings (docs/meetings.md). Pure functions of the meeting and the case:
 * - the room's card, drawn for the room's least-privileged reader (neutral for outsiders), with each
 *   member's own view through `refresh` (answers, proposals, the coordinator's actions, and
 *   Barnets stemme on the agenda: its words are only ever in a member's own view, never in the room);
 * - the invitation in a participant's own chat (*Jeg kommer*, *Jeg kan ikke*, *Foreslå et andet tidspunkt*);
 * - the coordinator's choice on a proposal, notes to the coordinator and to everyone;
 * - the meeting reminders, "mine møder", the case's list, the form.
 * Every button is Action.Execute with an Action.Submit fallback; the server decides again on every click.
 */

export const MEETING_VERBS = {
  submit: 'meeting.submit',
  pickCase: 'meeting.pickCase',
  view: 'meeting.view',
  invitation: 'meeting.invitation',
  accept: 'meeting.accept',
  decline: 'meeting.decline',
  propose: 'meeting.propose',
  acceptProposal: 'meeting.proposal.accept',
  declineProposal: 'meeting.proposal.decline',
  cancel: 'meeting.cancel',
  link: 'meeting.link',
  reminderCancel: 'meeting.reminder.cancel',
  reminderPropose: 'meeting.reminder.propose',
} as const;

/** Where a button was pressed: the answer is drawn as the same kind of card. */
export type MeetingSurface = 'view' | 'invite' | 'reminder' | 'proposal';

/** The most agenda points and participants a card lists; the rest are counted. Keeps it under 28 KB. */
const MAX_ROWS = 25;
/** The cases a coordinator chooses from in their own chat (the newest first). */
const MAX_CASE_CHOICES = 50;
const clip = (text: string, max = 200) => truncate(text, max);
/** The most of one entry of Barnets stemme a card shows; a longer one says so and points to the tab. */
export const CARD_VOICE_TEXT_MAX = 300;
/** What a member's view with Barnets stemme may weigh: under Teams' 28 KB, with room for the message around it. */
const CARD_BYTES_BUDGET = 27 * 1024;

/** One agenda point in words (core/i18n/meetingText.ts); a card clips an agreement's text to 160 characters. */
export const agendaText = (locale: Locale, item: AgendaItem): string => agendaItemText(locale, item, { whatMax: 160 });

/**
 * Barnets stemme on the agenda, for one reader's own view: per house the entries everyone in the
 * meeting may read, each cut at CARD_VOICE_TEXT_MAX with a visible pointer to the whole text in the
 * tab, then what was left out and why. Nothing when there is nothing to say.
 */
export function agendaVoiceBlock(locale: Locale, voice: AgendaVoice | null | undefined): CardElement[] {
  const houses = agendaVoiceHouses(voice);
  if (!voice || !houses) return [];
  const words = (text: string) => (text.length > CARD_VOICE_TEXT_MAX ? `“${text.slice(0, CARD_VOICE_TEXT_MAX).trimEnd()}…” ${t(locale, 'childVoice.agenda.clipped')}` : `“${text}”`);
  const block: CardElement[] = [paragraph(t(locale, 'childVoice.title'), { weight: 'Bolder', spacing: 'Medium' })];
  if (houses.length) block.push(paragraph(t(locale, 'childVoice.agenda.hint'), { isSubtle: true, size: 'Small', spacing: 'None' }));
  for (const { house, entries, more } of houses) {
    block.push(paragraph(t(locale, `childVoice.house.${house}`), { weight: 'Bolder', spacing: 'Small' }));
    for (const entry of entries) {
      block.push(paragraph(words(entry.text), { spacing: 'Small' }));
      block.push(
        paragraph(`${formatDay(locale, entry.date)} · ${t(locale, 'childVoice.entry.by', { name: clip(entry.authorName, 100), role: roleLabel(locale, entry.authorRole) })} · ${t(locale, `childVoice.how.${entry.how}`)}`, {
          isSubtle: true,
          size: 'Small',
          spacing: 'None',
        }),
      );
    }
    if (more > 0) block.push(paragraph(t(locale, 'childVoice.agenda.more', { count: more }), { isSubtle: true, size: 'Small', spacing: 'Small' }));
  }
  if (voice.withheld > 0) block.push(paragraph(t(locale, 'childVoice.agenda.withheld', { count: voice.withheld }), { isSubtle: true, spacing: 'Small' }));
  if (voice.network) block.push(paragraph(t(locale, 'childVoice.agenda.network'), { isSubtle: true, spacing: 'Small' }));
  return block;
}

/**
 * The agenda: its points, then Barnets stemme. `voice` is the reader's own (a member's view);
 * `voiceInRoom` only says that it is on the agenda (the room's card: never the words).
 */
function agendaBlock(locale: Locale, agenda: AgendaItem[], voice?: AgendaVoice | null, voiceInRoom = false): CardElement[] {
  const rows = agenda.slice(0, MAX_ROWS).map((item, i) =>
    paragraph(`${i + 1}. ${agendaText(locale, item)}${item.visibility === 'professionals' ? ` 🔒 ${t(locale, 'meeting.agenda.professionalsOnly')}` : ''}`, { spacing: 'Small' }),
  );
  return [
    paragraph(t(locale, 'meeting.card.agenda'), { weight: 'Bolder', spacing: 'Medium' }),
    ...(rows.length ? rows : [paragraph(t(locale, 'meeting.agenda.empty'), { isSubtle: true })]),
    ...(agenda.length > MAX_ROWS ? [paragraph(`+ ${agenda.length - MAX_ROWS}`, { isSubtle: true })] : []),
    ...agendaVoiceBlock(locale, voice),
    ...(voiceInRoom && !voice ? [paragraph(t(locale, 'childVoice.agenda.inOwnView'), { isSubtle: true, spacing: 'Small' })] : []),
  ];
}

const activeParticipants = (meeting: Meeting, kase: Case): MeetingParticipant[] => meeting.participants.filter((p) => kase.members.some((m) => m.userId === p.userId && m.status === 'active'));

function whereText(locale: Locale, meeting: Meeting): string {
  const parts = [meeting.place, meeting.teams ? t(locale, 'meeting.card.teams') : undefined].filter(Boolean);
  return parts.join(' · ') || '–';
}

function meetingFacts(locale: Locale, meeting: Meeting, kase?: Case): CardElement {
  const pairs: Array<[string, string]> = [];
  if (kase) pairs.push([t(locale, 'reminder.field.case'), kase.title]);
  pairs.push([t(locale, 'meeting.card.when'), formatWhen(locale, meeting.startsAt)]);
  pairs.push([t(locale, 'meeting.card.duration'), t(locale, 'meeting.minutes', { minutes: meeting.durationMinutes })]);
  pairs.push([t(locale, 'meeting.card.where'), whereText(locale, meeting)]);
  return facts(pairs);
}

function joinAction(locale: Locale, meeting: Meeting): CardElement[] {
  if (meeting.status !== 'scheduled' || !meeting.online?.joinUrl) return [];
  return [{ type: 'Action.OpenUrl', title: t(locale, 'meeting.card.join'), url: meeting.online.joinUrl }];
}

function statusLines(locale: Locale, meeting: Meeting, kase: Case): CardElement[] {
  const lines: CardElement[] = [];
  if (meeting.status === 'cancelled') {
    lines.push(paragraph(`❌ ${t(locale, 'meeting.card.cancelled')}`, { weight: 'Bolder', color: 'Attention' }));
    if (meeting.cancelled?.reason) lines.push(paragraph(t(locale, 'meeting.card.reason', { reason: clip(meeting.cancelled.reason, 300) }), { isSubtle: true, spacing: 'None' }));
    return lines;
  }
  const last = meeting.moves.at(-1);
  if (last) lines.push(paragraph(t(locale, 'meeting.card.moved', { from: formatWhen(locale, last.from) }), { isSubtle: true, spacing: 'Small' }));
  if (meeting.teams && !meeting.online?.joinUrl) lines.push(paragraph(t(locale, 'meeting.card.noLinkYet'), { isSubtle: true, spacing: 'Small' }));
  const counts = answerCounts({ participants: activeParticipants(meeting, kase) });
  lines.push(paragraph(t(locale, 'meeting.card.answers', { accepted: counts.accepted, declined: counts.declined, pending: counts.pending }), { weight: 'Bolder', spacing: 'Medium' }));
  const open = meeting.proposals.filter((p) => p.status === 'open').length;
  if (open) lines.push(paragraph(t(locale, 'meeting.card.proposals', { count: open }), { spacing: 'Small' }));
  return lines;
}

function participantRows(locale: Locale, meeting: Meeting, kase: Case): CardElement[] {
  const people = activeParticipants(meeting, kase);
  const rows = people.slice(0, MAX_ROWS).map((p): [string, string] => [
    `${clip(p.name, 100)} (${roleLabel(locale, p.role)})`,
    meeting.attendance && p.attendance ? t(locale, `meeting.attendance.${p.attendance}`) : t(locale, `meeting.answer.${p.answer}`),
  ]);
  return [
    paragraph(t(locale, 'meeting.card.participants'), { weight: 'Bolder', spacing: 'Medium' }),
    facts(rows),
    ...(people.length > MAX_ROWS ? [paragraph(`+ ${people.length - MAX_ROWS}`, { isSubtle: true })] : []),
  ];
}

function afterLines(locale: Locale, meeting: Meeting, kase: Case): CardElement[] {
  const lines: CardElement[] = [];
  if (meeting.attendance) {
    const people = activeParticipants(meeting, kase);
    lines.push(paragraph(t(locale, 'meeting.card.attendance', { present: people.filter((p) => p.attendance === 'present').length, absent: people.filter((p) => p.attendance !== 'present').length }), { spacing: 'Medium' }));
  }
  if (meeting.minutesId) lines.push(paragraph(t(locale, 'meeting.card.minutes'), { isSubtle: true }));
  return lines;
}

/** The room card's body: time, place, answers, who comes, the agenda a reader at `professional` may see. */
function meetingBody(locale: Locale, meeting: Meeting, kase: Case, professional: boolean, voiceInRoom: boolean): CardElement[] {
  return [
    heading(t(locale, 'meeting.card.title', { title: kase.title })),
    meetingFacts(locale, meeting),
    ...statusLines(locale, meeting, kase),
    ...participantRows(locale, meeting, kase),
    ...agendaBlock(locale, agendaFor(meeting.agenda, professional), null, voiceInRoom),
    ...afterLines(locale, meeting, kase),
  ];
}

const dataOf = (meeting: Meeting, surface: MeetingSurface) => ({ caseId: meeting.caseId, meetingId: meeting._id, surface });

/**
 * The card in the case's room, for its least-privileged reader: neutral when someone there may not
 * see the case; otherwise the meeting without buttons that only some may use, and without
 * professionals-only agenda points unless everyone there is a professional. Barnets stemme is only
 * named (`voiceOnAgenda`), never quoted: a room may hold the network, or a professional the young
 * person has not said yes to. Each active member's client fetches their own view (`refresh`).
 */
export function meetingCard(locale: Locale, meeting: Meeting, kase: Case, clearance: Clearance, now: Date, voiceOnAgenda = false): AdaptiveCard {
  const own = { verb: MEETING_VERBS.view, data: dataOf(meeting, 'view'), userIds: activeMemberIds(kase) };
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.meeting', own);
  const live = meeting.status === 'scheduled' && !hasStarted(meeting, now);
  return adaptiveCard([...meetingBody(locale, meeting, kase, clearance === 'professional', voiceOnAgenda), ...(live ? [paragraph(t(locale, 'meeting.card.ownView'), { isSubtle: true, size: 'Small' })] : [])], {
    actions: [...joinAction(locale, meeting), showMine(locale, own.verb, own.data)],
    ...(meeting.status === 'scheduled' ? { refresh: refreshFor(own.verb, own.data, own.userIds) } : {}),
  });
}

function stateLine(locale: Locale, meeting: Meeting, participant: MeetingParticipant, now: Date): CardElement {
  if (meeting.status === 'cancelled') return paragraph(`❌ ${t(locale, 'meeting.card.cancelled')}`, { weight: 'Bolder', color: 'Attention' });
  if (hasStarted(meeting, now)) return paragraph(t(locale, 'meeting.state.closed'), { isSubtle: true });
  const proposal = meeting.proposals.find((p) => p.status === 'open' && p.by === participant.userId);
  const lines = [t(locale, `meeting.state.${participant.answer}`)];
  if (proposal) lines.push(t(locale, 'meeting.state.proposed', { when: formatWhen(locale, proposal.startsAt) }));
  return paragraph(lines.join(' '), { weight: 'Bolder', color: participant.answer === 'accepted' ? 'Good' : participant.answer === 'declined' ? 'Warning' : 'Default' });
}

/** The buttons of a participant: accept, decline (with an optional reason), propose another time. */
function participantActions(locale: Locale, meeting: Meeting, participant: MeetingParticipant, surface: MeetingSurface, today: string): CardElement[] {
  const data = dataOf(meeting, surface);
  const actions: CardElement[] = [];
  if (participant.answer !== 'accepted') actions.push(executeAction(t(locale, 'meeting.invite.accept'), MEETING_VERBS.accept, data, { style: 'positive' }));
  actions.push({
    type: 'Action.ShowCard',
    title: t(locale, 'meeting.invite.decline'),
    card: {
      type: 'AdaptiveCard',
      body: [{ type: 'Input.Text', id: 'reason', label: t(locale, 'meeting.invite.reason'), isMultiline: true, maxLength: REASON_MAX }],
      actions: [executeAction(t(locale, 'meeting.invite.send'), MEETING_VERBS.decline, data, { style: 'destructive' })],
    },
  });
  actions.push(proposeAction(locale, MEETING_VERBS.propose, data, today));
  return actions;
}

function proposeAction(locale: Locale, verb: string, data: Record<string, unknown>, today?: string): CardElement {
  return {
    type: 'Action.ShowCard',
    title: t(locale, 'meeting.invite.propose'),
    card: {
      type: 'AdaptiveCard',
      body: [
        { type: 'Input.Date', id: 'date', label: t(locale, 'meeting.invite.proposeDate'), isRequired: true, ...(today ? { min: today } : {}), errorMessage: t(locale, 'meeting.invite.proposeDate') },
        { type: 'Input.Time', id: 'time', label: t(locale, 'meeting.invite.proposeTime'), isRequired: true, errorMessage: t(locale, 'meeting.invite.proposeTime') },
        { type: 'Input.Text', id: 'note', label: t(locale, 'meeting.invite.proposeNote'), maxLength: NOTE_MAX },
      ],
      actions: [executeAction(t(locale, 'meeting.invite.proposeSend'), verb, data)],
    },
  };
}

/**
 * The coordinator's buttons on their own view, in the card's body (a card has room for five actions
 * per set): the oldest open proposal to decide, then "add a Teams link" and "cancel".
 */
function coordinatorBlock(locale: Locale, meeting: Meeting, surface: MeetingSurface): CardElement[] {
  const open = meeting.proposals.filter((p) => p.status === 'open');
  const block: CardElement[] = [paragraph(t(locale, 'meeting.coordinator.actions'), { weight: 'Bolder', spacing: 'Medium', separator: true })];
  const first = open[0];
  if (first) {
    block.push(paragraph(t(locale, 'meeting.coordinator.proposal', { name: first.byName, from: formatWhen(locale, meeting.startsAt), to: formatWhen(locale, first.startsAt) }), { spacing: 'Small' }));
    if (first.note) block.push(paragraph(t(locale, 'meeting.coordinator.note', { note: clip(first.note, 300) }), { isSubtle: true, spacing: 'None' }));
    block.push({ type: 'ActionSet', actions: proposalActions(locale, meeting, first, surface) });
  }
  block.push({ type: 'ActionSet', actions: coordinatorActions(locale, meeting, surface) });
  return block;
}

/** "Add a Teams link" (while there is none) and "cancel the meeting". */
function coordinatorActions(locale: Locale, meeting: Meeting, surface: MeetingSurface): CardElement[] {
  const data = dataOf(meeting, surface);
  const actions: CardElement[] = [];
  if (!meeting.online?.joinUrl) {
    actions.push({
      type: 'Action.ShowCard',
      title: t(locale, 'meeting.coordinator.addLink'),
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'Input.Text', id: 'joinUrl', label: t(locale, 'meeting.coordinator.linkLabel'), style: 'Url', isRequired: true, maxLength: 2000, errorMessage: t(locale, 'meeting.coordinator.linkLabel') }],
        actions: [executeAction(t(locale, 'meeting.coordinator.send'), MEETING_VERBS.link, data)],
      },
    });
  }
  actions.push({
    type: 'Action.ShowCard',
    title: t(locale, 'meeting.coordinator.cancel'),
    card: {
      type: 'AdaptiveCard',
      body: [{ type: 'Input.Text', id: 'cancelReason', label: t(locale, 'meeting.coordinator.cancelReason'), isMultiline: true, maxLength: REASON_MAX }],
      actions: [executeAction(t(locale, 'meeting.coordinator.cancel'), MEETING_VERBS.cancel, data, { style: 'destructive' })],
    },
  });
  return actions;
}

function proposalActions(locale: Locale, meeting: Meeting, proposal: MoveProposal, surface: MeetingSurface): CardElement[] {
  const data = { ...dataOf(meeting, surface), proposalId: proposal.id };
  return [
    executeAction(t(locale, 'meeting.coordinator.acceptProposal', { to: formatWhen(locale, proposal.startsAt) }), MEETING_VERBS.acceptProposal, data, { style: 'positive' }),
    {
      type: 'Action.ShowCard',
      title: t(locale, 'meeting.coordinator.declineProposal'),
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'Input.Text', id: `declineReason_${proposal.id.slice(0, 8)}`, label: t(locale, 'meeting.coordinator.declineReason', { name: proposal.byName }), isMultiline: true, isRequired: true, maxLength: REASON_MAX, errorMessage: t(locale, 'meeting.field.reason') }],
        actions: [executeAction(t(locale, 'meeting.coordinator.send'), MEETING_VERBS.declineProposal, data, { style: 'destructive' })],
      },
    },
  ];
}

interface ViewOptions {
  surface: MeetingSurface;
  /** What just happened, on top. */
  banner?: string;
  /** The invitation's heading and who invites. */
  title?: string;
  intro?: string;
  /** Barnets stemme on the agenda as this member reads it (core.meetings.agendaVoice). */
  voice?: AgendaVoice | null;
}

/**
 * A member's view with Barnets stemme: as many entries per house as the card has room for (a card
 * must stay under Teams' 28 KB); those it leaves out are counted ("+ 3 mere i fanen"), never dropped silently.
 */
function memberView(locale: Locale, meeting: Meeting, kase: Case, member: Member, now: Date, options: ViewOptions): AdaptiveCard {
  const voice = options.voice;
  if (!voice) return memberViewOf(locale, meeting, kase, member, now, options);
  let card: AdaptiveCard | undefined;
  for (let perHouse = Math.max(0, ...voice.houses.map((h) => h.entries.length)); perHouse >= 0; perHouse--) {
    const fewer = { ...voice, houses: voice.houses.map((h) => ({ ...h, entries: h.entries.slice(0, perHouse), more: h.more + Math.max(0, h.entries.length - perHouse) })) };
    card = memberViewOf(locale, meeting, kase, member, now, { ...options, voice: fewer });
    if (Buffer.byteLength(JSON.stringify(card), 'utf8') <= CARD_BYTES_BUDGET) break;
  }
  return card!;
}

function memberViewOf(locale: Locale, meeting: Meeting, kase: Case, member: Member, now: Date, options: ViewOptions): AdaptiveCard {
  const participant = meeting.participants.find((p) => p.userId === member.userId);
  const open = meeting.status === 'scheduled' && !hasStarted(meeting, now) && kase.status === 'open';
  const body: CardElement[] = [
    ...(options.banner ? [paragraph(options.banner, { weight: 'Bolder', color: 'Good' })] : []),
    heading(options.title ?? t(locale, 'meeting.card.title', { title: kase.title })),
    ...(options.intro ? [paragraph(options.intro, { spacing: 'Small' })] : []),
    meetingFacts(locale, meeting),
    ...(participant ? [stateLine(locale, meeting, participant, now)] : []),
    ...statusLines(locale, meeting, kase),
    ...participantRows(locale, meeting, kase),
    ...agendaBlock(locale, agendaFor(meeting.agenda, isProfessional(member.role)), options.voice),
    ...afterLines(locale, meeting, kase),
  ];
  const actions: CardElement[] = [...joinAction(locale, meeting)];
  if (open && participant) actions.push(...participantActions(locale, meeting, participant, options.surface, copenhagenDate(now)));
  if (open && kase.coordinatorId === member.userId) body.push(...coordinatorBlock(locale, meeting, options.surface));
  const own = options.surface === 'invite' ? { verb: MEETING_VERBS.invitation, ids: [member.userId] } : { verb: MEETING_VERBS.view, ids: activeMemberIds(kase) };
  return adaptiveCard(body, { ...(actions.length ? { actions } : {}), ...(meeting.status === 'scheduled' ? { refresh: refreshFor(own.verb, dataOf(meeting, options.surface), own.ids) } : {}) });
}

/**
 * One member's own view of the meeting (the room card's `refresh`, "Vis mine muligheder"): the
 * agenda their role may see with Barnets stemme as they may read it (`voice`), their answer with
 * its buttons if they are invited, and the coordinator's actions for the coordinator.
 */
export function meetingCardFor(locale: Locale, meeting: Meeting, kase: Case, member: Member, now: Date, surface: MeetingSurface = 'view', banner?: string, voice?: AgendaVoice | null): AdaptiveCard {
  return memberView(locale, meeting, kase, member, now, { surface, banner, voice });
}

/**
 * The invitation in a participant's own chat: who invites, the meeting, and the three answers. As
 * sent it carries no words of Barnets stemme (nobody has read anything yet); its `refresh` draws it
 * for its reader, with `voice`.
 */
export function invitationCard(locale: Locale, meeting: Meeting, kase: Case, member: Member, now: Date, banner?: string, voice?: AgendaVoice | null): AdaptiveCard {
  const coordinator = kase.members.find((m) => m.userId === meeting.scheduledBy);
  const intro = meeting.revision > 1 ? t(locale, 'meeting.invite.movedIntro') : t(locale, 'meeting.invite.intro', { name: coordinator?.name ?? meeting.scheduledByName });
  return memberView(locale, meeting, kase, member, now, { surface: 'invite', banner, title: t(locale, 'meeting.invite.title', { title: kase.title }), intro, voice });
}

/** For the coordinator: a participant proposes another time. Accept moves the meeting; decline needs a reason. */
export function proposalCard(locale: Locale, meeting: Meeting, kase: Case, proposal: MoveProposal, now: Date): AdaptiveCard {
  const body: CardElement[] = [
    heading(t(locale, 'meeting.coordinator.title', { title: kase.title })),
    paragraph(t(locale, 'meeting.coordinator.proposal', { name: proposal.byName, from: formatWhen(locale, meeting.startsAt), to: formatWhen(locale, proposal.startsAt) }), { weight: 'Bolder' }),
    ...(proposal.note ? [paragraph(t(locale, 'meeting.coordinator.note', { note: clip(proposal.note, 300) }), { isSubtle: true })] : []),
  ];
  if (proposal.status === 'accepted') body.push(paragraph(t(locale, 'meeting.coordinator.moved', { when: formatWhen(locale, meeting.startsAt) }), { color: 'Good', weight: 'Bolder' }));
  else if (proposal.status === 'declined') body.push(paragraph(t(locale, 'meeting.coordinator.declined', { name: proposal.byName }), { color: 'Good', weight: 'Bolder' }));
  else if (proposal.status === 'superseded') body.push(paragraph(t(locale, 'tab.meeting.proposal.status.superseded'), { isSubtle: true }));
  body.push(...statusLines(locale, meeting, kase));
  const open = proposal.status === 'open' && meeting.status === 'scheduled' && !hasStarted(meeting, now);
  return adaptiveCard(body, open ? { actions: proposalActions(locale, meeting, proposal, 'proposal') } : {});
}

/** For the coordinator, at once: someone cannot come (a cancellation after a yes, or from a reminder, says how much notice it gave). */
export function coordinatorNoticeCard(locale: Locale, meeting: Meeting, kase: Case, notice: { name: string; reason?: string; cancellation: boolean; noticeMinutes?: number }): AdaptiveCard {
  const when = formatWhen(locale, meeting.startsAt);
  const minutes = Math.max(0, notice.noticeMinutes ?? 0);
  const ahead = minutes >= 48 * 60 ? t(locale, 'meeting.notice.days', { count: Math.round(minutes / 1440) }) : t(locale, 'meeting.notice.hours', { count: Math.round(minutes / 60) });
  return adaptiveCard(
    [
      heading(t(locale, 'meeting.coordinator.title', { title: kase.title })),
      paragraph(notice.cancellation ? t(locale, 'meeting.coordinator.cancellation', { name: notice.name, when, notice: ahead }) : t(locale, 'meeting.coordinator.decline', { name: notice.name, when }), { weight: 'Bolder' }),
      ...(notice.reason ? [paragraph(t(locale, 'meeting.coordinator.reason', { reason: clip(notice.reason, 300) }))] : []),
      ...statusLines(locale, meeting, kase),
    ],
    { actions: [executeAction(t(locale, 'meeting.open'), MEETING_VERBS.view, dataOf(meeting, 'view'))] },
  );
}

/** To each participant: the meeting is cancelled. */
export function cancelledCard(locale: Locale, meeting: Meeting, kase: Case): AdaptiveCard {
  return adaptiveCard([
    heading(t(locale, 'meeting.cancelled.title', { title: kase.title })),
    paragraph(t(locale, 'meeting.cancelled.body', { when: formatWhen(locale, meeting.startsAt), name: meeting.cancelled?.byName ?? '' })),
    ...(meeting.cancelled?.reason ? [paragraph(t(locale, 'meeting.card.reason', { reason: clip(meeting.cancelled.reason, 300) }), { isSubtle: true })] : []),
  ]);
}

/** To the proposer: the coordinator declined the proposal, and why. */
export function proposalDeclinedCard(locale: Locale, meeting: Meeting, kase: Case, proposal: MoveProposal): AdaptiveCard {
  return adaptiveCard([
    heading(t(locale, 'meeting.proposalDeclined.title')),
    paragraph(t(locale, 'meeting.proposalDeclined.body', { name: proposal.decidedByName ?? '', to: formatWhen(locale, proposal.startsAt), when: formatWhen(locale, meeting.startsAt) })),
    ...(proposal.reason ? [paragraph(t(locale, 'meeting.card.reason', { reason: clip(proposal.reason, 300) }), { isSubtle: true })] : []),
    meetingFacts(locale, meeting, kase),
  ]);
}

// ---- reminders ----

export type MeetingReminderState = { kind: 'cancelled' } | { kind: 'proposed' } | { kind: 'gone' };

/** A meeting reminder in the person's own chat: when and where, the link, and "Jeg kan ikke komme" with an optional reason. */
export function meetingReminderCard(locale: Locale, model: { key: string; kind: 'meeting_before' | 'meeting_soon'; item: ReminderItem; link?: string; state?: MeetingReminderState; today?: string }): AdaptiveCard {
  const { item } = model;
  const startsAt = item.startsAt ? new Date(item.startsAt) : undefined;
  const title =
    model.kind === 'meeting_soon' && startsAt ? t(locale, 'reminder.title.meeting_soon', { time: formatClock(locale, startsAt) }) : t(locale, 'reminder.title.meeting_before', { when: startsAt ? formatWhen(locale, startsAt) : '' });
  const body: CardElement[] = [heading(title)];
  if (model.state) {
    const text = model.state.kind === 'cancelled' ? t(locale, 'meeting.reminder.cancelled') : model.state.kind === 'proposed' ? t(locale, 'meeting.reminder.proposed') : t(locale, 'meeting.reminder.gone');
    body.push(paragraph(text, { weight: 'Bolder', color: model.state.kind === 'gone' ? 'Attention' : 'Good' }));
  }
  body.push(meetingItemFacts(locale, item));
  const data = { caseId: item.caseId, meetingId: item.meetingId, reminderKey: model.key, kind: model.kind, locale, surface: 'reminder' };
  const actions: CardElement[] = [];
  if (item.joinUrl && model.state?.kind !== 'gone') actions.push({ type: 'Action.OpenUrl', title: t(locale, 'meeting.card.join'), url: item.joinUrl });
  if (!model.state) {
    actions.push({
      type: 'Action.ShowCard',
      title: t(locale, 'meeting.reminder.cancel'),
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'Input.Text', id: 'reason', label: t(locale, 'meeting.invite.reason'), isMultiline: true, maxLength: REASON_MAX }],
        actions: [executeAction(t(locale, 'meeting.reminder.cancelSend'), MEETING_VERBS.reminderCancel, data, { style: 'destructive' })],
      },
    });
    actions.push(proposeAction(locale, MEETING_VERBS.reminderPropose, data, model.today));
  }
  if (model.link) actions.push({ type: 'Action.OpenUrl', title: t(locale, 'reminder.action.open'), url: model.link });
  return adaptiveCard(body, actions.length ? { actions } : {});
}

/** The facts of a meeting reminder item (also in the daily digest and in failure notices). */
export function meetingItemFacts(locale: Locale, item: ReminderItem): CardElement {
  const pairs: Array<[string, string]> = [[t(locale, 'reminder.field.case'), item.caseTitle]];
  if (item.startsAt) pairs.push([t(locale, 'meeting.card.when'), formatWhen(locale, item.startsAt)]);
  if (item.durationMinutes) pairs.push([t(locale, 'meeting.card.duration'), t(locale, 'meeting.minutes', { minutes: item.durationMinutes })]);
  const where = [item.place, item.joinUrl ? t(locale, 'meeting.card.teams') : undefined].filter(Boolean).join(' · ');
  if (where) pairs.push([t(locale, 'meeting.card.where'), where]);
  return facts(pairs);
}

// ---- lists and forms ----

function meetingRow(locale: Locale, meeting: Meeting, caseTitle?: string, answer?: MeetingParticipant['answer']): CardElement {
  return {
    type: 'Container',
    separator: true,
    items: [
      paragraph(`**${formatWhen(locale, meeting.startsAt)}**`),
      paragraph(
        [caseTitle ? `${t(locale, 'tasks.case')}: ${caseTitle}` : undefined, whereText(locale, meeting), answer ? t(locale, 'meeting.mine.answer', { answer: t(locale, `meeting.answer.${answer}`) }) : undefined]
          .filter(Boolean)
          .join(' · '),
        { isSubtle: true, spacing: 'None', size: 'Small' },
      ),
    ],
    selectAction: executeAction(t(locale, 'meeting.open'), MEETING_VERBS.view, dataOf(meeting, 'view')),
  };
}

/** The case's upcoming meetings (`møder` in the case's conversation). */
export function meetingListCard(locale: Locale, kase: Case, meetings: Meeting[]): AdaptiveCard {
  return adaptiveCard([heading(t(locale, 'meeting.list.title', { title: kase.title })), ...(meetings.length ? meetings.slice(0, MAX_ROWS).map((m) => meetingRow(locale, m)) : [paragraph(t(locale, 'meeting.list.none'))])]);
}

/** "Mine møder": a person's upcoming meetings across cases, for their own chat only. */
export function myMeetingsCard(locale: Locale, items: Array<{ meeting: Meeting; kase: Case; participant: MeetingParticipant }>): AdaptiveCard {
  return adaptiveCard([
    heading(t(locale, 'meeting.mine.title')),
    ...(items.length ? items.slice(0, MAX_ROWS).map(({ meeting, kase, participant }) => meetingRow(locale, meeting, kase.title, participant.answer)) : [paragraph(t(locale, 'meeting.mine.none'))]),
  ]);
}

/** The coordinator picks the case in their own chat (`møde` there), when they coordinate several. */
export function caseChoiceCard(locale: Locale, cases: Case[], prefill: { date?: string; time?: string }): AdaptiveCard {
  return adaptiveCard(
    [
      heading(t(locale, 'meeting.pickCase.title')),
      { type: 'Input.ChoiceSet', id: 'caseId', label: t(locale, 'meeting.pickCase.case'), isRequired: true, errorMessage: t(locale, 'meeting.pickCase.case'), choices: cases.slice(0, MAX_CASE_CHOICES).map((c) => ({ title: clip(c.title, 120), value: c._id })), value: cases[0]?._id },
    ],
    { actions: [executeAction(t(locale, 'meeting.pickCase.next'), MEETING_VERBS.pickCase, { ...prefill })] },
  );
}

/** The form to schedule a meeting, for the coordinator who asked for it. */
export function meetingFormCard(locale: Locale, kase: Case, formId: string, coordinatorId: string, today: string, prefill: { date?: string; time?: string } = {}): AdaptiveCard {
  const others = kase.members.filter((m) => m.status === 'active' && m.userId !== coordinatorId);
  return adaptiveCard(
    [
      heading(t(locale, 'meeting.form.title')),
      paragraph(`${kase.title} · ${t(locale, 'meeting.form.intro')}`, { isSubtle: true, spacing: 'None' }),
      { type: 'Input.Date', id: 'date', label: t(locale, 'meeting.form.date'), isRequired: true, min: today, ...(prefill.date ? { value: prefill.date } : {}), errorMessage: t(locale, 'meeting.form.date') },
      { type: 'Input.Time', id: 'time', label: t(locale, 'meeting.form.time'), isRequired: true, ...(prefill.time ? { value: prefill.time } : {}), errorMessage: t(locale, 'meeting.form.time') },
      {
        type: 'Input.ChoiceSet',
        id: 'durationMinutes',
        label: t(locale, 'meeting.form.duration'),
        isRequired: true,
        value: String(DEFAULT_DURATION),
        choices: DURATION_CHOICES.map((minutes) => ({ title: t(locale, 'meeting.minutes', { minutes }), value: String(minutes) })),
        errorMessage: t(locale, 'meeting.form.duration'),
      },
      { type: 'Input.Text', id: 'place', label: t(locale, 'meeting.form.place'), maxLength: PLACE_MAX },
      { type: 'Input.Toggle', id: 'teams', title: t(locale, 'meeting.form.teams'), value: 'false', valueOn: 'true', valueOff: 'false' },
      {
        type: 'Input.ChoiceSet',
        id: 'participantIds',
        label: t(locale, 'meeting.form.participants'),
        isMultiSelect: true,
        isRequired: true,
        errorMessage: t(locale, 'meeting.form.participants'),
        choices: others.map((m) => ({ title: `${m.name} (${roleLabel(locale, m.role)})`, value: m.userId })),
        value: others.map((m) => m.userId).join(','),
      },
    ],
    { actions: [executeAction(t(locale, 'meeting.form.submit'), MEETING_VERBS.submit, { caseId: kase._id, formId }, { style: 'positive' })] },
  );
}

/** The answer to a submitted form: the meeting as the coordinator sees it, with what happened on top. */
export function scheduledBanner(locale: Locale, meeting: Meeting, created: boolean): string {
  const when = formatWhen(locale, meeting.startsAt);
  const invited = meeting.participants.filter((p) => p.userId !== meeting.scheduledBy).length;
  const lines = [created ? t(locale, 'meeting.scheduled', { when, count: invited }) : t(locale, 'meeting.scheduled.again', { when })];
  const state = meeting.online?.state;
  if (state === 'not_allowed' || state === 'not_configured' || state === 'no_organizer' || state === 'failed') lines.push(t(locale, `meeting.noTeams.${state}`));
  return lines.join('\n\n');
}

// ---- the history ----

/** How the timeline names a meeting event: what happened, and to which meeting (its time then). */
export function describeMeetingEvent(locale: Locale, event: CaseEvent): string {
  const d = event.data;
  const when = typeof d.startsAt === 'string' ? formatWhen(locale, d.startsAt) : '';
  const what = t(locale, `event.${event.type}` as MessageKey);
  const extra =
    event.type === 'meeting.answered' && typeof d.name === 'string'
      ? ` – ${d.name}: ${t(locale, d.answer === 'accepted' ? 'meeting.answer.accepted' : 'meeting.answer.declined')}`
      : event.type === 'meeting.moveProposed' && typeof d.to === 'string'
        ? ` → ${formatWhen(locale, d.to)}`
        : event.type === 'meeting.moved' && typeof d.from === 'string'
          ? ` (${formatWhen(locale, d.from)} →)`
          : '';
  return `${what}: ${t(locale, 'meeting.event.when', { when })}${extra}`;
}
