import type { Logger } from 'pino';
import type { Server } from 'restify';
import type { CaseConversationPort, Core } from '../core';
import type { Case } from '../core/domain/case';
import type { Meeting } from '../core/domain/meeting';
import { formIdFrom } from '../core/services/formService';
import type { MeetingList, MeetingView } from '../core/services/meetingService';
import { body, cardLocaleOf, describeError, param, type TabCall } from './http';

/** Sends a meeting's invitations that have not gone out (the bot provides it: bot/meetings/notifier.ts). */
export interface MeetingInvitationsPort {
  sendInvitations(kase: Case, meeting: Meeting): Promise<number>;
}

export interface MeetingApiDependencies {
  core: Core;
  call: TabCall;
  logger: Logger;
  caseConversation?: CaseConversationPort;
  invitations?: MeetingInvitationsPort;
}

/**
 * Case meetings in the tab (docs/meetings.md), with the same service and rules as the bot. What a
 * change means for other people (the room's card, invitations, notes to the coordinator) follows
 * from its event in the bot (bot/meetings/notifier.ts), so a meeting scheduled here is announced in
 * Teams exactly as one scheduled from a card.
 *
 * | method and path | |
 * |---|---|
 * | GET  /tab/api/cases/:caseId/meetings | upcoming and recent meetings, who can be invited |
 * | POST /tab/api/cases/:caseId/meetings | schedule `{formId, date, time, durationMinutes, place, teams, participantIds}` |
 * | GET  …/meetings/:meetingId | one meeting for this viewer |
 * | POST …/meetings/:meetingId/answer | `{answer: 'accepted'|'declined', reason?}` |
 * | POST …/meetings/:meetingId/proposals | `{date, time, note?}` |
 * | POST …/meetings/:meetingId/proposals/:proposalId/accept, …/decline `{reason}` | the coordinator |
 * | POST …/meetings/:meetingId/move `{date, time}`, …/cancel `{reason?}`, …/link `{url}` | the coordinator |
 * | POST …/meetings/:meetingId/agenda `{items}`, GET …/agenda/suggested | the coordinator |
 * | POST …/meetings/:meetingId/attendance `{present}`, …/attendance/teams | the coordinator, after the start |
 * | POST …/meetings/:meetingId/invitations | the coordinator: send the missing invitations |
 * | POST …/meetings/:meetingId/minutes `{formId, locale?}` | post the minutes and tie them to the meeting |
 */
export function registerMeetingApi(server: Server, deps: MeetingApiDependencies): void {
  const { core, call, logger } = deps;
  const base = '/tab/api/cases/:caseId/meetings';
  const one = `${base}/:meetingId`;
  const view = (actor: Parameters<Core['meetings']['view']>[0], caseId: unknown, meetingId: unknown): Promise<MeetingView> => core.meetings.view(actor, caseId, meetingId);

  server.get(base, call(({ req, identity }): Promise<MeetingList> => core.meetings.list(identity.actor, param(req, 'caseId'))));

  server.post(
    base,
    call(async ({ req, identity }) => {
      const input = body(req);
      const { meeting, created } = await core.meetings.schedule(identity.actor, param(req, 'caseId'), {
        formId: input.formId,
        date: input.date,
        time: input.time,
        durationMinutes: input.durationMinutes,
        place: input.place,
        teams: input.teams,
        participantIds: input.participantIds,
      });
      return { id: meeting._id, created, online: meeting.online ? { state: meeting.online.state, joinUrl: meeting.online.joinUrl } : null };
    }),
  );

  server.get(one, call(({ req, identity }) => view(identity.actor, param(req, 'caseId'), param(req, 'meetingId'))));

  server.post(
    `${one}/answer`,
    call(async ({ req, identity }) => {
      const { changed, cancellation } = await core.meetings.answer(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), body(req).answer, { reason: body(req).reason, via: 'tab' });
      return { changed, cancellation, meeting: await view(identity.actor, param(req, 'caseId'), param(req, 'meetingId')) };
    }),
  );

  server.post(
    `${one}/proposals`,
    call(async ({ req, identity }) => {
      const input = body(req);
      const { proposal, created } = await core.meetings.proposeMove(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), { date: input.date, time: input.time, note: input.note });
      return { id: proposal.id, created };
    }),
  );

  const decide = (decision: 'accept' | 'decline') =>
    call(async ({ req, identity }) => {
      const { changed, proposal } = await core.meetings.decideProposal(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), param(req, 'proposalId'), decision, { reason: body(req).reason });
      return { changed, status: proposal.status };
    });
  server.post(`${one}/proposals/:proposalId/accept`, decide('accept'));
  server.post(`${one}/proposals/:proposalId/decline`, decide('decline'));

  server.post(
    `${one}/move`,
    call(async ({ req, identity }) => {
      const { changed, meeting } = await core.meetings.move(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), { date: body(req).date, time: body(req).time });
      return { changed, startsAt: new Date(meeting.startsAt).toISOString() };
    }),
  );
  server.post(
    `${one}/cancel`,
    call(async ({ req, identity }) => ({ changed: (await core.meetings.cancel(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), { reason: body(req).reason })).changed })),
  );
  server.post(
    `${one}/link`,
    call(async ({ req, identity }) => ({ changed: (await core.meetings.setLink(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), body(req).url)).changed })),
  );
  server.post(
    `${one}/agenda`,
    call(async ({ req, identity }) => ({ changed: (await core.meetings.editAgenda(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), body(req).items)).changed })),
  );
  server.get(`${one}/agenda/suggested`, call(async ({ req, identity }) => ({ items: await core.meetings.suggestedAgenda(identity.actor, param(req, 'caseId'), param(req, 'meetingId')) })));

  server.post(
    `${one}/attendance`,
    call(async ({ req, identity }) => ({ changed: (await core.meetings.recordAttendance(identity.actor, param(req, 'caseId'), param(req, 'meetingId'), body(req).present)).changed })),
  );
  server.post(
    `${one}/attendance/teams`,
    call(async ({ req, identity }) => {
      const { changed, outcome } = await core.meetings.fetchAttendance(identity.actor, param(req, 'caseId'), param(req, 'meetingId'));
      return outcome.ok ? { fetched: true, changed } : { fetched: false, reason: outcome.reason };
    }),
  );

  server.post(
    `${one}/invitations`,
    call(async ({ req, identity }) => {
      const { meeting, kase } = await core.meetings.managed(identity.actor, param(req, 'caseId'), param(req, 'meetingId'));
      const sent = deps.invitations ? await deps.invitations.sendInvitations(kase, meeting) : 0;
      return { sent };
    }),
  );

  /** The meeting's minutes: the existing minutes flow (core.minutes), then tied to the meeting. */
  server.post(
    `${one}/minutes`,
    call(async ({ req, identity, locale }) => {
      const caseId = param(req, 'caseId');
      const meetingId = param(req, 'meetingId');
      await core.meetings.authorizeMinutes(identity.actor, caseId, meetingId);
      const formId = formIdFrom(body(req).formId);
      const result = await core.minutes.post(identity.actor, caseId, formId, cardLocaleOf(req, locale), deps.caseConversation, (error) =>
        logger.warn({ err: describeError(error) }, 'the minutes could not be posted'),
      );
      await core.meetings.linkMinutes(identity.actor, caseId, meetingId, formId);
      return result;
    }),
  );
}
