import { randomUUID } from 'node:crypto';
import type { Case, Member } from '../../core/domain/case';
import { CHILD_VOICE_TEXT_MAX, HOUSES, type AgendaVoice } from '../../core/domain/childVoice';
import { AGENDA_MAX_ITEMS, AGENDA_TEXT_MAX, MAX_PARTICIPANTS, PLACE_MAX, type AgendaItem, type Meeting, type MoveProposal } from '../../core/domain/meeting';
import { ROLES } from '../../core/domain/roles';
import { t, type Locale } from '../../core/i18n';
import { meetingItem } from '../../core/reminders/meetingRules';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../../test/harness/cards';
import type { AdaptiveCard } from './card';
import {
  cancelledCard,
  caseChoiceCard,
  coordinatorNoticeCard,
  describeMeetingEvent,
  CARD_VOICE_TEXT_MAX,
  invitationCard,
  meetingCard,
  meetingCardFor,
  meetingFormCard,
  meetingListCard,
  meetingReminderCard,
  myMeetingsCard,
  proposalCard,
  proposalDeclinedCard,
} from './meetingCards';
import { reminderCard } from './reminderCard';

// The largest meeting the limits allow: the most participants, the longest names, a full agenda of the longest points.
const at = new Date('2026-03-02T09:00:00Z');
const now = new Date('2026-03-02T10:00:00Z');
const long = (n: number) => 'æøå Lorem ipsum '.repeat(Math.ceil(n / 16)).slice(0, n);
const members: Member[] = Array.from({ length: 60 }, (_, i) => ({
  userId: `29:user-${i}-${'x'.repeat(40)}`,
  aadObjectId: randomUUID(),
  name: long(256),
  role: ROLES[i % ROLES.length]!,
  status: 'active',
  addedBy: '29:user-0',
  addedAt: at,
  consent: { state: 'not_needed' },
}));
const coordinator = { ...members[0]!, role: 'caseworker' as const };
members[0] = coordinator;
const parent = members.find((m) => m.role === 'parent')!;
const kase: Case = {
  _id: randomUUID(),
  title: long(120),
  childRef: long(40),
  status: 'open',
  coordinatorId: coordinator.userId,
  members,
  conversation: { conversationId: '19:x@thread.tacv2', kind: 'channel' },
  createdAt: at,
  updatedAt: at,
  version: 7,
};
const agenda: AgendaItem[] = Array.from({ length: AGENDA_MAX_ITEMS }, (_, i) =>
  i % 5 === 0
    ? { id: `w:${i}`, kind: 'earlyWarning', rule: 'crossDiscipline', key: `k${i}`, visibility: 'professionals' }
    : i % 5 === 1
      ? { id: `a:${i}`, kind: 'overdue', agreementId: randomUUID(), what: long(500), ownerName: long(256), dueDate: '2026-02-20', visibility: 'all' }
      : i % 5 === 2
        ? { id: `r:${i}`, kind: 'assessment', roundId: randomUUID(), roundNumber: i, closedAt: at.toISOString(), visibility: 'all' }
        : { id: `c:${i}`, kind: 'custom', text: `${i % 5 === 3 ? 'FAGLIGT ' : ''}${long(AGENDA_TEXT_MAX - 8)}`, visibility: i % 5 === 3 ? 'professionals' : 'all' },
);
const proposals: MoveProposal[] = [0, 1, 2].map((i) => ({ id: randomUUID(), by: members[i + 1]!.userId, byName: long(256), at, startsAt: new Date('2026-03-09T09:00:00Z'), note: long(300), status: 'open' }));
const meeting: Meeting = {
  _id: randomUUID(),
  caseId: kase._id,
  startsAt: new Date('2026-03-05T12:00:00Z'),
  durationMinutes: 90,
  endsAt: new Date('2026-03-05T13:30:00Z'),
  place: long(PLACE_MAX),
  teams: true,
  online: { state: 'created', joinUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0', onlineMeetingId: 'x', organizerOid: coordinator.aadObjectId!, at },
  participants: members.slice(0, MAX_PARTICIPANTS).map((m, i) => ({ userId: m.userId, aadObjectId: m.aadObjectId, name: m.name, role: m.role, answer: i % 3 === 0 ? 'accepted' : i % 3 === 1 ? 'declined' : 'pending', reason: i % 3 === 1 ? long(500) : undefined, epoch: 1 })),
  agenda,
  status: 'scheduled',
  proposals,
  cancellations: [],
  revision: 2,
  scheduledAt: at,
  moves: [{ from: new Date('2026-03-04T12:00:00Z'), to: new Date('2026-03-05T12:00:00Z'), at }],
  scheduledBy: coordinator.userId,
  scheduledByName: coordinator.name,
  createdAt: at,
  updatedAt: at,
  version: 4,
};

// Barnets stemme at its limits: five entries of the longest words in each house, more in the tab.
const voiceText = (house: string, i: number) => `${house.toUpperCase()}-${i} ${long(CHILD_VOICE_TEXT_MAX)}`.slice(0, CHILD_VOICE_TEXT_MAX - 4) + 'SLUT';
const voice: AgendaVoice = {
  houses: HOUSES.map((house) => ({
    house,
    entries: Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), text: voiceText(house, i), how: 'as_said' as const, date: '2026-02-27', authorName: long(256), authorRole: 'parent' as const })),
    more: 3,
  })),
  withheld: 0,
  network: false,
};

function expectValid(card: AdaptiveCard) {
  expect(cardProblems(card)).toEqual([]);
  expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  expect(card.version).toBe('1.5');
}

/** Every action on a card: its own, those of ActionSets in its body, those inside ShowCards. */
function actions(card: { body?: unknown; actions?: unknown }): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  const walkBody = (body: unknown) => {
    for (const element of (body as Array<Record<string, any>>) ?? []) if (element.type === 'ActionSet') walk(element.actions);
  };
  const walk = (list: unknown) => {
    for (const action of (list as Array<Record<string, any>>) ?? []) {
      out.push(action);
      if (action.card) walk(action.card.actions);
    }
  };
  walkBody(card.body);
  walk(card.actions);
  return out;
}

describe.each<Locale>(['da', 'en'])('meeting cards (%s), at the limits', (locale) => {
  test('the room card: neutral for outsiders, without professionals-only points for members, complete for professionals', () => {
    const outsider = meetingCard(locale, meeting, kase, 'outsider', now);
    expectValid(outsider);
    for (const secret of [kase.title, meeting.place!, coordinator.name.slice(0, 40), 'FAGLIGT']) expect(JSON.stringify(outsider)).not.toContain(secret);
    const member = meetingCard(locale, meeting, kase, 'member', now);
    expectValid(member);
    expect(JSON.stringify(member)).not.toContain('FAGLIGT');
    expect(JSON.stringify(member)).toContain('teams.microsoft.com');
    const professional = meetingCard(locale, meeting, kase, 'professional', now);
    expectValid(professional);
    expect(JSON.stringify(professional)).toContain('FAGLIGT');
    // The card everyone gets carries no answer buttons: only "show my options" and the link.
    expect(actions(member).map((a) => a.verb ?? a.type)).toEqual(['Action.OpenUrl', 'meeting.view']);
    expect(member.refresh).toMatchObject({ action: { verb: 'meeting.view' } });
    expect((member.refresh as { userIds: string[] }).userIds.length).toBeLessThanOrEqual(60);
  });

  test('own views, the invitation and the coordinator\'s cards stay valid and under 28 KB with every button', () => {
    const coordinatorView = meetingCardFor(locale, meeting, kase, coordinator, now);
    expectValid(coordinatorView);
    const verbs = actions(coordinatorView).map((a) => a.verb).filter(Boolean);
    // The coordinator comes (no "I will come"), may still say no or propose, and decides the oldest proposal, adds a link (not here: there is one) or cancels.
    expect(verbs.sort()).toEqual(['meeting.cancel', 'meeting.decline', 'meeting.proposal.accept', 'meeting.proposal.decline', 'meeting.propose']);
    for (const action of actions(coordinatorView).filter((a) => a.type === 'Action.Execute')) expect(action.fallback.type).toBe('Action.Submit');
    const parentView = meetingCardFor(locale, meeting, kase, parent, now);
    expectValid(parentView);
    expect(JSON.stringify(parentView)).not.toContain('FAGLIGT');
    expect(actions(parentView).map((a) => a.verb)).not.toContain('meeting.cancel');
    const invitation = invitationCard(locale, meeting, kase, parent, now);
    expectValid(invitation);
    expect((invitation.refresh as { userIds: string[] }).userIds).toEqual([parent.userId]);
    expectValid(proposalCard(locale, meeting, kase, proposals[0]!, now));
    expectValid(proposalCard(locale, meeting, kase, { ...proposals[0]!, status: 'declined', reason: long(500), decidedByName: long(256) }, now));
    expectValid(coordinatorNoticeCard(locale, meeting, kase, { name: long(256), reason: long(500), cancellation: true, noticeMinutes: 1740 }));
    expectValid(cancelledCard(locale, { ...meeting, status: 'cancelled', cancelled: { at, by: coordinator.userId, byName: long(256), reason: long(500), noticeMinutes: 60 } }, kase));
    expectValid(proposalDeclinedCard(locale, meeting, kase, { ...proposals[0]!, status: 'declined', reason: long(500), decidedByName: long(256) }));
    // Once the meeting has started, nobody gets answer buttons any more.
    const later = meetingCardFor(locale, meeting, kase, coordinator, new Date('2026-03-05T12:30:00Z'));
    expect(actions(later).map((a) => a.verb).filter(Boolean)).toEqual([]);
  });

  test("Barnets stemme: the words in a member's own view (cut visibly, never silently), only named on the room's card", () => {
    const clipped = t(locale, 'childVoice.agenda.clipped');
    const shownIn = (json: string) => json.split(clipped).length - 1;
    // A usual meeting: every entry of the agenda, each cut where the card says so (its end is in the tab).
    const usual: Meeting = { ...meeting, participants: meeting.participants.slice(0, 4), agenda: agenda.slice(0, 4), proposals: [] };
    for (const card of [meetingCardFor(locale, usual, kase, parent, now, 'view', undefined, voice), invitationCard(locale, usual, kase, parent, now, undefined, voice)]) {
      expectValid(card);
      const json = JSON.stringify(card);
      for (const house of HOUSES) expect(json).toContain(t(locale, `childVoice.house.${house}`));
      expect(json).toContain(`“${voiceText('dreams', 4).slice(0, CARD_VOICE_TEXT_MAX).trimEnd()}…” ${clipped}`);
      expect(json).not.toContain('SLUT');
      expect(shownIn(json)).toBe(15);
      expect(json).toContain(t(locale, 'childVoice.agenda.more', { count: 3 }));
    }
    // The largest meeting: as many entries as fit under 28 KB; the rest are counted, never dropped silently.
    for (const card of [meetingCardFor(locale, meeting, kase, parent, now, 'view', undefined, voice), meetingCardFor(locale, meeting, kase, coordinator, now, 'view', undefined, voice), invitationCard(locale, meeting, kase, parent, now, undefined, voice)]) {
      expectValid(card);
      const json = JSON.stringify(card);
      const perHouse = shownIn(json) / 3;
      expect(perHouse).toBeGreaterThanOrEqual(1);
      expect(json).toContain(t(locale, 'childVoice.agenda.more', { count: 5 + 3 - perHouse }));
      expect(json).toContain('DREAMS-0');
    }
    const short = { ...voice, houses: voice.houses.map((h) => ({ ...h, entries: h.entries.slice(0, 1).map((e) => ({ ...e, text: 'Jeg er god til fodbold' })), more: 0 })) };
    const shortCard = JSON.stringify(meetingCardFor(locale, meeting, kase, parent, now, 'view', undefined, short));
    expect(shortCard).toContain('“Jeg er god til fodbold”');
    expect(shortCard).not.toContain(clipped);

    // The room's card only names it (it is given no words), whoever the room's least-privileged reader is.
    for (const clearance of ['member', 'professional'] as const) {
      const room = meetingCard(locale, meeting, kase, clearance, now, true);
      expectValid(room);
      expect(JSON.stringify(room)).toContain(t(locale, 'childVoice.agenda.inOwnView'));
    }
    expect(JSON.stringify(meetingCard(locale, meeting, kase, 'member', now, false))).not.toContain(t(locale, 'childVoice.agenda.inOwnView'));
    expect(JSON.stringify(meetingCard(locale, meeting, kase, 'outsider', now, true))).not.toContain(t(locale, 'childVoice.title'));

    // Left out: waiting for the young person's yes, or a network member in the meeting; nothing at all: no section.
    const none = { houses: HOUSES.map((house) => ({ house, entries: [], more: 0 })), withheld: 0, network: false };
    const withheld = meetingCardFor(locale, meeting, kase, coordinator, now, 'view', undefined, { ...none, withheld: 4 });
    expectValid(withheld);
    expect(JSON.stringify(withheld)).toContain(t(locale, 'childVoice.agenda.withheld', { count: 4 }));
    expect(JSON.stringify(meetingCardFor(locale, meeting, kase, coordinator, now, 'view', undefined, { ...none, network: true }))).toContain(t(locale, 'childVoice.agenda.network'));
    expect(JSON.stringify(meetingCardFor(locale, meeting, kase, parent, now, 'view', undefined, none))).not.toContain(t(locale, 'childVoice.title'));
  });

  test('reminders, lists and the form', () => {
    const item = meetingItem(meeting, kase, 'meeting_soon', parent.userId);
    const reminder = meetingReminderCard(locale, { key: 'k', kind: 'meeting_soon', item, link: 'https://teams.microsoft.com/l/chat/x', today: '2026-03-02' });
    expectValid(reminder);
    expect(actions(reminder).map((a) => a.verb).filter(Boolean)).toEqual(['meeting.reminder.cancel', 'meeting.reminder.propose']);
    expectValid(meetingReminderCard(locale, { key: 'k', kind: 'meeting_before', item, state: { kind: 'cancelled' } }));
    // The reminder card of the reminder machinery draws meeting kinds with this card, in a digest too.
    expectValid(reminderCard(locale, { key: 'k', kind: 'meeting_before', items: [item], links: {} }));
    const digest = reminderCard(locale, { key: 'd', kind: 'digest', items: Array.from({ length: 15 }, () => ({ ...item, kind: 'meeting_before' as const })), links: {} });
    expectValid(digest);
    const many = Array.from({ length: 30 }, () => meeting);
    expectValid(meetingListCard(locale, kase, many));
    expectValid(myMeetingsCard(locale, many.map((m) => ({ meeting: m, kase, participant: m.participants[1]! }))));
    expectValid(caseChoiceCard(locale, Array.from({ length: 200 }, () => kase), { date: '2026-03-05' }));
    expectValid(meetingFormCard(locale, kase, randomUUID(), coordinator.userId, '2026-03-02', { date: '2026-03-05', time: '13:00' }));
  });

  test('the timeline names meeting events by their time', () => {
    const event = { _id: 'x', caseId: kase._id, at, actorId: 'a', actorName: 'A', type: 'meeting.answered', visibility: 'all' as const, data: { meetingId: meeting._id, startsAt: '2026-03-05T12:00:00.000Z', name: 'Anna', answer: 'declined' } };
    expect(describeMeetingEvent(locale, event)).toBe(locale === 'da' ? 'Svar på mødeinvitation: Møde torsdag den 5. marts 2026 kl. 13.00 – Anna: kan ikke' : 'Answer to a meeting invitation: Meeting Thursday, 5 March 2026 at 13:00 – Anna: cannot come');
  });
});
