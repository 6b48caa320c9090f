import { randomUUID } from 'node:crypto';
import type { Agreement } from '../../core/domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../../core/domain/assessment';
import { summarizeRound } from '../../core/domain/assessmentSummary';
import type { Case, Member } from '../../core/domain/case';
import type { CaseEvent } from '../../core/domain/events';
import { OBSERVATION_TEXT_MAX, type Observation } from '../../core/domain/observation';
import { ROLES } from '../../core/domain/roles';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS } from '../../core/domain/scales';
import type { Locale } from '../../core/i18n';
import { TIMELINE_PAGE_SIZE } from '../../core/services/timelineService';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../../test/harness/cards';
import { AGREEMENT_LIST_MAX, agreementCard, agreementCardFor, agreementFormCard, agreementListCard, MAX_REFRESH_USERS, tasksCard } from './agreementCards';
import { assessmentFormCard, assessmentSavedCard, assessmentSummaryCard } from './assessmentCards';
import type { AdaptiveCard } from './card';
import { caseCard } from './caseCard';
import { helpCard } from './helpCard';
import { consentDecidedCard, consentRequestCard, membersCard } from './memberCards';
import { observationCard, observationFormCard, observationSavedCard } from './observationCards';
import { timelineCard } from './timelineCard';

// The largest case the limits allow: long names everywhere, the most members a card lists, full texts.
const at = new Date('2026-03-02T09:00:00Z');
const long = (n: number) => 'æøå Lorem ipsum '.repeat(Math.ceil(n / 16)).slice(0, n);
const members: Member[] = Array.from({ length: 80 }, (_, i) => ({
  userId: `29:user-${i}-${'x'.repeat(40)}`,
  aadObjectId: randomUUID(),
  name: long(100),
  role: ROLES[i % ROLES.length]!,
  status: 'active',
  addedBy: '29:user-0',
  addedAt: at,
  consent: i % 2 ? { state: 'approved', by: '29:user-1', byName: long(200), at } : { state: 'not_needed' },
  legalBasis: i % 3 === 0 ? { text: long(300), by: '29:user-0', at } : undefined,
}));
const kase: Case = {
  _id: randomUUID(),
  title: long(120),
  childRef: long(40),
  status: 'open',
  coordinatorId: members[0]!.userId,
  members,
  conversation: { conversationId: '19:x@thread.tacv2', kind: 'channel' },
  createdAt: at,
  updatedAt: at,
  version: 7,
};
const agreement = (i: number): Agreement => ({
  _id: randomUUID(),
  caseId: kase._id,
  what: long(500),
  ownerId: members[1]!.userId,
  ownerName: long(200),
  dueDate: '2026-03-01',
  followUpDate: '2026-03-20',
  status: (['proposed', 'accepted', 'declined', 'done', 'cancelled'] as const)[i % 5]!,
  proposedBy: members[2]!.userId,
  proposedByName: long(200),
  createdAt: at,
  updatedAt: at,
  history: [{ from: 'proposed', to: 'declined', by: members[3]!.userId, byName: long(200), at, reason: long(500) }],
  version: 2,
});
const observation: Observation = { _id: randomUUID(), caseId: kase._id, authorId: members[1]!.userId, authorName: long(200), authorRole: 'teacher', area: 'family_housing', level: 'red', sosColumn: 'next_steps', text: long(OBSERVATION_TEXT_MAX), visibility: 'professionals', createdAt: at };
const round: AssessmentRound = { _id: randomUUID(), caseId: kase._id, number: 12, status: 'open', openedBy: members[0]!.userId, openedAt: at, version: 1 };
const answers: AssessmentAnswer[] = members.map((m, i) => ({
  _id: `${round._id}|${m.userId}`,
  roundId: round._id,
  caseId: kase._id,
  userId: m.userId,
  name: m.name,
  role: m.role,
  group: i % 2 ? 'professional' : 'family',
  ratings: Object.fromEntries(ASSESSMENT_AREAS.map((a, j) => [a, WELLBEING_LEVELS[(i + j) % 3]!])) as AssessmentAnswer['ratings'],
  comment: long(1000),
  submittedAt: at,
}));
const events: CaseEvent[] = Array.from({ length: TIMELINE_PAGE_SIZE }, (_, i) => ({
  _id: `e${i}`,
  caseId: kase._id,
  at,
  actorId: members[1]!.userId,
  actorName: long(200),
  type: i % 2 ? 'observation.created' : 'agreement.declined',
  visibility: 'all',
  data: { area: 'child_school', level: 'yellow', text: long(OBSERVATION_TEXT_MAX), what: long(500), reason: long(500), name: long(200), role: 'teacher' },
}));
const summary = summarizeRound(12, answers, summarizeRound(11, answers.slice(10)));

const cards: Record<string, (l: Locale) => AdaptiveCard> = {
  help: (l) => helpCard(l),
  case: (l) => caseCard(l, kase),
  members: (l) => membersCard(l, kase),
  membersLastPage: (l) => membersCard(l, kase, 6),
  consentRequest: (l) => consentRequestCard(l, kase, members[5]!, members.slice(0, 4)),
  consentDecided: (l) => consentDecidedCard(l, members[5]!),
  observationForm: (l) => observationFormCard(l, kase, randomUUID(), true),
  observation: (l) => observationCard(l, observation),
  observationSaved: (l) => observationSavedCard(l, observation),
  assessmentForm: (l) => assessmentFormCard(l, kase, round, answers[0]),
  assessmentSaved: (l) => assessmentSavedCard(l, kase, round, answers[0]!),
  assessmentSummary: (l) => assessmentSummaryCard(l, kase, summary),
  agreementForm: (l) => agreementFormCard(l, kase, randomUUID(), '2026-03-02'),
  agreement: (l) => agreementCard(l, agreement(0), kase, '2026-03-02'),
  agreementForOwner: (l) => agreementCardFor(l, agreement(1), kase, members[1]!, '2026-03-02'),
  agreementList: (l) => agreementListCard(l, kase, Array.from({ length: 200 }, (_, i) => agreement(i)), '2026-03-02'),
  tasks: (l) => tasksCard(l, Array.from({ length: 200 }, (_, i) => ({ agreement: agreement(i), caseTitle: long(120) })), '2026-03-02'),
  timeline: (l) => timelineCard(l, { events, page: 3, pages: 200, total: 2000, caseTitle: kase.title, caseId: kase._id }),
};

describe.each(['da', 'en'] as const)('cards in %s', (locale) => {
  test.each(Object.keys(cards))('%s validates with the adaptivecards SDK and stays under 28 KB for the largest case', (name) => {
    const card = cards[name]!(locale);
    expect(card.version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
  });
});

test('every Action.Execute has an Action.Submit fallback for older clients', () => {
  const executes: Array<Record<string, any>> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, any>;
      if (record.type === 'Action.Execute' && record.title) executes.push(record);
      Object.values(record).forEach(walk);
    }
  };
  Object.values(cards).forEach((build) => walk(build('da')));
  expect(executes.length).toBeGreaterThan(10);
  for (const action of executes) expect(action.fallback).toMatchObject({ type: 'Action.Submit', data: { verb: action.verb } });
});

test('lists show at most the page size, and refresh names at most 60 users', () => {
  expect(agreementListCard('da', kase, Array.from({ length: 200 }, (_, i) => agreement(i)), '2026-03-02').body).toHaveLength(AGREEMENT_LIST_MAX + 1);
  expect((agreementCard('da', agreement(0), kase, '2026-03-02').refresh as Record<string, any>).userIds).toHaveLength(MAX_REFRESH_USERS);
});

test('an overdue agreement is marked, one that is done is not', () => {
  expect(JSON.stringify(agreementCard('da', agreement(1), kase, '2026-03-02'))).toContain('Overskredet');
  expect(JSON.stringify(agreementCard('en', agreement(1), kase, '2026-03-02'))).toContain('Overdue');
  expect(JSON.stringify(agreementCard('da', agreement(3), kase, '2026-03-02'))).not.toContain('Overskredet');
});
