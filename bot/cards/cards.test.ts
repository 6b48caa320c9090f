import { randomUUID } from 'node:crypto';
import type { Agreement } from '../../core/domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../../core/domain/assessment';
import { summarizeRound } from '../../core/domain/assessmentSummary';
import type { Case, Member } from '../../core/domain/case';
import type { CaseEvent } from '../../core/audit/events';
import { OBSERVATION_TEXT_MAX, type Observation } from '../../core/domain/observation';
import { ROLES } from '../../core/domain/roles';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS } from '../../core/domain/scales';
import type { Locale } from '../../core/i18n';
import { TIMELINE_PAGE_SIZE } from '../../core/services/timelineService';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../../test/harness/cards';
import { AGREEMENT_LIST_MAX, agreementCard, agreementCardFor, agreementFormCard, agreementListCard, tasksCard } from './agreementCards';
import { assessmentFormCard, assessmentSavedCard, assessmentSummaryCard, roundCard } from './assessmentCards';
import { MAX_REFRESH_USERS, type AdaptiveCard } from './card';
import { formBaseCard } from './formCards';
import { closingCard } from '../channels/closingCard';
import { minutesCard } from './minutesCard';
import type { Clearance } from '../../core/domain/audience';
import type { FormRecord } from '../../core/persistence/formRepository';
import type { Minutes } from '../../core/services/overviewService';
import { isWorkingDay } from '../../core/reminders/calendar';
import { caseCard } from './caseCard';
import { helpCard } from './helpCard';
import { consentCardFor, consentRequestCard, membersCard } from './memberCards';
import { observationCard, observationCardFor, observationFormCard, observationSavedCard } from './observationCards';
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
const chained = { contentHash: 'c', prevHash: 'p', hash: 'h' };
const events: CaseEvent[] = Array.from({ length: TIMELINE_PAGE_SIZE }, (_, i): CaseEvent => {
  const base = { _id: `${kase._id}:${i + 1}`, key: `k${i}`, seq: i + 1, familySeq: i + 1, caseId: kase._id, at, actorId: members[1]!.userId, actorName: long(200), visibility: 'all' as const, ...chained };
  return i % 2
    ? { ...base, type: 'observation.created', data: { observationId: randomUUID(), area: 'child_school', level: 'yellow', text: long(OBSERVATION_TEXT_MAX) } }
    : { ...base, type: 'agreement.declined', data: { agreementId: randomUUID(), what: long(500), from: 'proposed', to: 'declined', reason: long(500) } };
});
const summary = summarizeRound(12, answers, summarizeRound(11, answers.slice(10)));

const guardian = members.find((m) => m.role === 'parent')!;
const pending: Member = { ...members[5]!, status: 'pending', consent: { state: 'pending' } };
const caseWithPending: Case = { ...kase, members: [...members.slice(0, 5), pending, ...members.slice(6)] };
const form: FormRecord = { _id: randomUUID(), kind: 'observation', caseId: kase._id, requesterId: members[1]!.userId, requesterName: long(100), createdAt: at };
const minutes: Minutes = {
  case: { id: kase._id, title: kase.title, childRef: kase.childRef, status: 'open', coordinatorName: long(100), createdAt: at.toISOString(), conversationKind: 'groupChat' },
  since: null,
  until: at.toISOString(),
  decisions: Array.from({ length: 50 }, (_, i) => ({ agreementId: randomUUID(), what: long(500), ownerName: long(100), dueDate: '2026-03-20', change: 'accepted' as const, byName: long(100), at: at.toISOString(), reason: i % 2 ? long(500) : undefined })),
  open: Array.from({ length: 50 }, () => ({ id: randomUUID(), what: long(500), ownerId: members[1]!.userId, ownerName: long(100), dueDate: '2026-03-20', followUpDate: '2026-04-01', status: 'accepted' as const, overdue: true, proposedByName: long(100), createdAt: at.toISOString(), updatedAt: at.toISOString(), canMarkDone: false, canAccept: false, canDecline: false })),
  newObservations: 1,
  consentChanges: [],
  canPost: true,
};
const own = { meetingId: randomUUID(), userIds: members.map((m) => m.userId) };
const closing = { closedBy: long(100), closedAt: at, observations: 12, assessments: 2, agreements: 5, channel: 'kept' as const };

/** Cards posted into a room, drawn for each clearance its least-privileged reader can have. */
const shared: Record<string, (l: Locale, c: Clearance) => AdaptiveCard> = {
  case: (l, c) => caseCard(l, kase, c),
  consentRequest: (l, c) => consentRequestCard(l, caseWithPending, pending, c),
  consentDecided: (l, c) => consentRequestCard(l, kase, members[5]!, c),
  observation: (l, c) => observationCard(l, observation, kase, c),
  round: (l, c) => roundCard(l, kase, round, c),
  assessmentSummary: (l, c) => assessmentSummaryCard(l, kase, summary, c, round._id),
  agreement: (l, c) => agreementCard(l, agreement(0), kase, '2026-03-02', c),
  agreementDone: (l, c) => agreementCard(l, agreement(3), kase, '2026-03-02', c),
  minutes: (l, c) => minutesCard(l, minutes, c, own),
  closing: (l, c) => closingCard(l, kase, closing, c),
};
const CLEARANCES: Clearance[] = ['outsider', 'member', 'professional'];

const cards: Record<string, (l: Locale) => AdaptiveCard> = {
  help: (l) => helpCard(l),
  members: (l) => membersCard(l, kase),
  membersLastPage: (l) => membersCard(l, kase, 6),
  membersForGuardian: (l) => membersCard(l, kase, 1, guardian),
  consentForGuardian: (l) => consentCardFor(l, caseWithPending, pending, guardian),
  formShared: (l) => formBaseCard(l, form, false),
  formSharedDone: (l) => formBaseCard(l, form, true),
  observationForm: (l) => observationFormCard(l, kase, randomUUID(), true),
  observationForMember: (l) => observationCardFor(l, observation, kase, guardian),
  observationSaved: (l) => observationSavedCard(l, observation),
  assessmentForm: (l) => assessmentFormCard(l, kase, round, { answers: true, closes: true }, answers[0]),
  assessmentNotForYou: (l) => assessmentFormCard(l, kase, round, { answers: false, closes: false }),
  assessmentSaved: (l) => assessmentSavedCard(l, kase, round, { answers: true, closes: false }, answers[0]!),
  agreementForm: (l) => agreementFormCard(l, kase, randomUUID(), '2026-03-02'),
  agreementForOwner: (l) => agreementCardFor(l, agreement(1), kase, members[1]!, '2026-03-02'),
  agreementForGuardian: (l) => agreementCardFor(l, agreement(0), kase, guardian, '2026-03-02'),
  agreementList: (l) => agreementListCard(l, kase, Array.from({ length: 200 }, (_, i) => agreement(i)), '2026-03-02'),
  tasks: (l) => tasksCard(l, Array.from({ length: 200 }, (_, i) => ({ agreement: agreement(i), caseTitle: long(120) })), '2026-03-02'),
  timeline: (l) => timelineCard(l, { events, page: 3, pages: 200, total: 2000, caseTitle: kase.title, caseId: kase._id }),
  ...Object.fromEntries(Object.entries(shared).flatMap(([name, build]) => CLEARANCES.map((c) => [`${name} (${c})`, (l: Locale) => build(l, c)]))),
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
  for (const c of CLEARANCES) expect((agreementCard('da', agreement(0), kase, '2026-03-02', c).refresh as Record<string, any>).userIds).toHaveLength(MAX_REFRESH_USERS);
});

test('an overdue agreement is marked, one that is done is not', () => {
  expect(JSON.stringify(agreementCard('da', agreement(1), kase, '2026-03-02', 'member'))).toContain('Overskredet');
  expect(JSON.stringify(agreementCard('en', agreement(1), kase, '2026-03-02', 'member'))).toContain('Overdue');
  expect(JSON.stringify(agreementCard('da', agreement(3), kase, '2026-03-02', 'member'))).not.toContain('Overskredet');
});

/** Every action on a card, nested ones (ShowCard, ActionSet) included. */
function actionsOf(card: unknown): Array<Record<string, any>> {
  const found: Array<Record<string, any>> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, any>;
      if (typeof record.type === 'string' && record.type.startsWith('Action.') && record.title) found.push(record);
      for (const [key, value] of Object.entries(record)) if (key !== 'fallback' && key !== 'refresh') walk(value);
    }
  };
  walk(card);
  return found;
}

describe.each(['da', 'en'] as const)('what a room gets (%s)', (locale) => {
  // What no outsider may read: the case's title and child, people's names, and any content.
  const secrets = [kase.title, kase.childRef, long(100), long(200), observation.text, agreement(0).what];

  test.each(Object.keys(shared))('%s drawn for a room with an outsider names nothing of the case', (name) => {
    const text = JSON.stringify(shared[name]!(locale, 'outsider'));
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  test.each(Object.keys(shared))('%s carries no button that only some readers may use', (name) => {
    for (const c of CLEARANCES) {
      const verbs = actionsOf(shared[name]!(locale, c)).map((a) => a.verb ?? a.type);
      // The one button a room gets shows each clicker their own view; the server decides what that is.
      for (const verb of verbs) expect(['case.refresh', 'agreement.refresh', 'observation.view', 'consent.view', 'assessment.view', 'minutes.view']).toContain(verb);
    }
  });

  test('a professionals-only observation reaches only a room of professionals', () => {
    expect(JSON.stringify(observationCard(locale, observation, kase, 'member'))).not.toContain(observation.text);
    expect(JSON.stringify(observationCard(locale, observation, kase, 'professional'))).toContain(observation.text);
  });

  test('a shared form shows who is writing, and its inputs only through its requester\'s own view', () => {
    const card = formBaseCard(locale, form, false);
    expect(actionsOf(card).map((a) => a.verb)).toEqual(['form.open']);
    expect(JSON.stringify(card.body)).not.toContain('Input.');
    expect((card.refresh as Record<string, any>).userIds).toEqual([form.requesterId]);
  });

  test('a guardian gets the consent buttons in their own view; the card everyone gets has none', () => {
    expect(actionsOf(consentCardFor(locale, caseWithPending, pending, guardian)).map((a) => a.verb)).toEqual(['consent.approve', 'consent.decline']);
    expect(actionsOf(consentCardFor(locale, caseWithPending, pending, members[0]!))).toEqual([]);
    expect(actionsOf(consentRequestCard(locale, caseWithPending, pending, 'member')).map((a) => a.verb)).toEqual(['consent.view']);
  });
});

test('the assessment summary labels the total, not "∑"', () => {
  expect(JSON.stringify(assessmentSummaryCard('da', kase, summary, 'member', round._id))).toContain('"I alt"');
  expect(JSON.stringify(assessmentSummaryCard('en', kase, summary, 'member', round._id))).toContain('"Total"');
  expect(JSON.stringify(assessmentSummaryCard('da', kase, summary, 'member', round._id))).not.toContain('∑');
});

test('the help card shows every placeholder, in brackets Teams does not strip', () => {
  const text = JSON.stringify(helpCard('da'));
  expect(text).toContain('ny sag «titel» / «barnets initialer»');
  expect(text).toContain('tilføj @person som «rolle» [hjemmel «tekst»]');
  expect(text).not.toMatch(/<[a-zæøå ]+>/);
  expect(JSON.stringify(helpCard('en'))).toContain('add @person as «role» [basis «text»]');
});

test('the agreement form proposes working days: a due date two weeks out and a follow-up after it', () => {
  // Friday 20 March 2026: two weeks on is a Friday; a weekend start moves to Monday.
  for (const today of ['2026-03-20', '2026-03-21', '2026-03-22', '2026-12-10']) {
    const inputs = agreementFormCard('da', kase, randomUUID(), today).body as Array<Record<string, any>>;
    const due = inputs.find((e) => e.id === 'dueDate')!.value as string;
    const followUp = inputs.find((e) => e.id === 'followUpDate')!.value as string;
    expect(isWorkingDay(due)).toBe(true);
    expect(isWorkingDay(followUp)).toBe(true);
    expect(followUp > due).toBe(true);
    expect(due >= today).toBe(true);
  }
});

test('plurals are right in the minutes and the summary', () => {
  const one = JSON.stringify(minutesCard('da', { ...minutes, newObservations: 1 }, 'member', own));
  expect(one).toContain('1 ny observation siden sidste møde');
  expect(JSON.stringify(minutesCard('da', { ...minutes, newObservations: 3 }, 'member', own))).toContain('3 nye observationer siden sidste møde');
  expect(JSON.stringify(minutesCard('en', { ...minutes, newObservations: 1 }, 'member', own))).toContain('1 new observation since');
  expect(JSON.stringify(assessmentSummaryCard('da', kase, { ...summary, respondents: 1 }, 'member', round._id))).toContain('1 person har svaret');
});
