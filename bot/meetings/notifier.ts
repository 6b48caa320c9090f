import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { CaseEvent } from '../../core/audit/events';
import type { Case, Member } from '../../core/domain/case';
import type { Meeting } from '../../core/domain/meeting';
import { t, type Locale } from '../../core/i18n';
import type { RoomPublisher } from '../audience/publisher';
import { cancelledCard, coordinatorNoticeCard, invitationCard, proposalCard, proposalDeclinedCard } from '../cards/meetingCards';
import { cardMessage } from '../cards/message';

export interface MeetingNotices {
  /** Sends the invitations of the meeting's current time that have not gone out (the tab's "send missing invitations"). */
  sendInvitations(kase: Case, meeting: Meeting): Promise<number>;
  /** Resolves when every message started so far has been sent (tests, shutdown). */
  idle(): Promise<void>;
}

interface Deps {
  core: Core;
  publisher: RoomPublisher;
  logger: Logger;
}

/**
 * What a meeting's change means for other people, sent when its event is in the case's history
 * (docs/meetings.md), so it happens once whichever surface made the change (a card, a command,
 * the tab) and a repeated click, which writes nothing, tells nobody. Every message is also claimed
 * per person (core.meetings.claimNotice) before it is sent, so "send again" and two instances never
 * send one twice; a failed send releases its claim.
 *
 * - scheduled: the meeting's card into the case's room (drawn for its least-privileged reader), and
 *   an invitation to each participant's own chat, in their language;
 * - answered, agenda, link, attendance, minutes: the room's card is drawn again (the coordinator
 *   sees answers live); a "can't come" goes to the coordinator at once;
 * - a proposal to move: the choice to the coordinator; moved: a new invitation to everyone;
 *   a declined proposal: the reason to its proposer; cancelled: a note to everyone.
 */
export function startMeetingNotices({ core, publisher, logger }: Deps): MeetingNotices {
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
  };
  const log = logger.child({ component: 'meetings' });
  const localeOf = async (userId: string): Promise<Locale> => (await core.conversations.localeOf(userId).catch(() => undefined)) ?? 'da';

  async function whereOf(kase: Case): Promise<{ serviceUrl: string; tenantId?: string }> {
    const record = await core.conversations.get(kase.conversation.conversationId);
    return { serviceUrl: record?.serviceUrl ?? '', tenantId: kase.conversation.tenantId ?? record?.tenantId };
  }

  const activeMemberOf = (kase: Case, userId: string): Member | undefined => kase.members.find((m) => m.userId === userId && m.status === 'active');

  /** One message to one person's own chat, claimed first; true when it was sent now. */
  async function toPerson(kase: Case, meeting: Meeting, kind: string, member: Member | undefined, message: (locale: Locale) => Partial<Activity>, revision = meeting.revision): Promise<boolean> {
    if (!member) return false;
    if (!(await core.meetings.claimNotice(meeting, kind, member.userId, revision))) return false;
    try {
      const locale = await localeOf(member.userId);
      const sent = await publisher.sendToPerson({ userId: member.userId, name: member.name, aadObjectId: member.aadObjectId }, await whereOf(kase), message(locale));
      if (!sent) throw new Error('the personal chat could not be reached');
      await core.meetings.noticeSent(meeting, kind, member.userId, revision);
      return true;
    } catch (error) {
      log.warn({ err: describe(error), caseId: kase._id, meetingId: meeting._id, kind, userId: member.userId }, 'a message about a meeting could not be sent; it can be sent again');
      await core.meetings.releaseNotice(meeting, kind, member.userId, revision).catch(() => undefined);
      return false;
    }
  }

  /** The invitations of the meeting's current time to everyone but the coordinator (who set it). */
  async function sendInvitations(kase: Case, meeting: Meeting): Promise<number> {
    if (meeting.status !== 'scheduled' || kase.status !== 'open') return 0;
    let sent = 0;
    for (const participant of meeting.participants) {
      if (participant.userId === kase.coordinatorId) continue;
      const member = activeMemberOf(kase, participant.userId);
      if (await toPerson(kase, meeting, 'invite', member, (locale) => cardMessage(invitationCard(locale, meeting, kase, member!, core.now()), t(locale, 'meeting.invite.title', { title: kase.title })))) sent += 1;
    }
    return sent;
  }

  async function postRoomCard(kase: Case, meeting: Meeting, actorId: string): Promise<void> {
    if (!(await core.meetings.claimNotice(meeting, 'room', 'room', 1))) return;
    try {
      await publisher.postToCase(kase, { kind: 'meeting', meetingId: meeting._id }, await localeOf(actorId));
      await core.meetings.noticeSent(meeting, 'room', 'room', 1);
    } catch (error) {
      log.warn({ err: describe(error), caseId: kase._id, meetingId: meeting._id }, "the meeting's card could not be posted into the case conversation");
      await core.meetings.releaseNotice(meeting, 'room', 'room', 1).catch(() => undefined);
    }
  }

  const refreshRoom = (caseId: string, meetingId: string) => publisher.refreshSubject(caseId, { kind: 'meeting', meetingId });

  async function handle(event: CaseEvent): Promise<void> {
    if (!event.type.startsWith('meeting.') || event.type === 'meeting.minutes') return;
    const data = event.data as { meetingId?: unknown };
    if (typeof data.meetingId !== 'string') return;
    const [kase, meeting] = await Promise.all([core.cases.find(event.caseId), core.meetings.findForCard(event.caseId, data.meetingId)]);
    if (!kase || !meeting) return;
    const coordinator = activeMemberOf(kase, kase.coordinatorId);
    switch (event.type) {
      case 'meeting.scheduled':
        await postRoomCard(kase, meeting, event.actorId);
        await sendInvitations(kase, meeting);
        return;
      case 'meeting.answered': {
        await refreshRoom(kase._id, meeting._id);
        const d = event.data;
        if (d.answer !== 'declined' || d.userId === kase.coordinatorId) return;
        const reason = meeting.participants.find((p) => p.userId === d.userId)?.reason;
        await toPerson(kase, meeting, `answer@${event.key}`, coordinator, (locale) =>
          cardMessage(coordinatorNoticeCard(locale, meeting, kase, { name: d.name, reason, cancellation: d.cancellation, noticeMinutes: d.noticeMinutes })),
        );
        return;
      }
      case 'meeting.moveProposed': {
        await refreshRoom(kase._id, meeting._id);
        const proposal = meeting.proposals.find((p) => p.id === event.data.proposalId);
        if (!proposal || proposal.status !== 'open') return;
        await toPerson(kase, meeting, `proposal:${proposal.id}`, coordinator, (locale) => cardMessage(proposalCard(locale, meeting, kase, proposal, core.now())), 0);
        return;
      }
      case 'meeting.moved':
        await refreshRoom(kase._id, meeting._id);
        await sendInvitations(kase, meeting);
        return;
      case 'meeting.moveDeclined': {
        const proposal = meeting.proposals.find((p) => p.id === event.data.proposalId);
        if (!proposal) return;
        await toPerson(kase, meeting, `proposalDeclined:${proposal.id}`, activeMemberOf(kase, proposal.by), (locale) => cardMessage(proposalDeclinedCard(locale, meeting, kase, proposal)), 0);
        return;
      }
      case 'meeting.cancelled':
        await refreshRoom(kase._id, meeting._id);
        for (const participant of meeting.participants) {
          if (participant.userId === event.actorId) continue;
          await toPerson(kase, meeting, 'cancelled', activeMemberOf(kase, participant.userId), (locale) => cardMessage(cancelledCard(locale, meeting, kase)), 0);
        }
        return;
      default:
        // The agenda, the Teams link, attendance, minutes: the room's card shows them.
        await refreshRoom(kase._id, meeting._id);
    }
  }

  core.changes.subscribe(
    (event) => track(handle(event).catch((error: unknown) => log.warn({ err: describe(error), type: event.type }, 'could not tell people about a change to a meeting'))),
    (error) => log.warn({ err: describe(error) }, 'could not tell people about a change to a meeting'),
  );

  return {
    sendInvitations: (kase, meeting) => sendInvitations(kase, meeting),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function describe(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message.slice(0, 300) } : String(error).slice(0, 300);
}
