import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../../test/harness/cards';
import type { Locale } from '../../core/i18n';
import type { ReminderItem } from '../../core/reminders/rules';
import type { CoordinationView, HandoverSummary } from '../../core/services/handoverService';
import { familyCard, HANDOVER_VERBS, offerCard, statusCard, summaryCard, vacancyCard, vacancyOutcomeCard, vacancyReminderCard } from './handoverCards';
import { childVoiceFormCard, childVoiceSavedCard, youthConsentCard } from './childVoiceCards';
import { describeEvent } from './timelineCard';
import type { CaseEvent } from '../../core/domain/events';

const LOCALES: Locale[] = ['da', 'en'];
const long = (n: number, word = 'ord ') => word.repeat(Math.ceil(n / word.length)).slice(0, n);

/** The largest summary the service makes: ten agreements of the longest text, five long observations, sixty members. */
function bigSummary(): HandoverSummary {
  return {
    caseId: 'c1',
    caseTitle: long(120),
    childRef: 'AB',
    coordinatorName: long(256),
    today: '2026-03-02',
    openAgreements: Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, what: long(500), ownerName: long(256), dueDate: '2026-03-01', followUpDate: '2026-03-10', status: i % 2 ? 'accepted' : 'proposed', overdue: i % 2 === 1 })),
    openAgreementsTotal: 40,
    lastAssessment: { roundNumber: 3, closedAt: '2026-02-01T10:00:00.000Z', respondents: 6, areas: (['cognitive', 'emotional', 'social', 'physical'] as const).map((area, i) => ({ area, average: i === 3 ? null : i * 0.8, disagreement: i === 1 })) },
    openRound: { number: 4, openedAt: '2026-03-01T10:00:00.000Z', answers: 2 },
    observations: Array.from({ length: 5 }, (_, i) => ({ id: `o${i}`, authorName: long(256), authorRole: 'teacher', area: 'child_school', level: 'red', text: long(2000), professionalsOnly: i === 0, createdAt: '2026-03-01T10:00:00.000Z' })),
    upcomingMeetings: [{ id: 'm1', title: long(120), startsAt: '2026-03-05T12:00:00.000Z', place: long(200) }],
    consent: Array.from({ length: 60 }, (_, i) => ({ userId: `u${i}`, name: long(256), role: 'teacher', status: 'active', state: 'approved', legalBasis: false })),
  };
}

const view = (over: Partial<CoordinationView['viewer']> = {}, extra: Partial<CoordinationView> = {}): CoordinationView => ({
  caseId: 'c1',
  caseTitle: 'Sag',
  coordinator: { userId: 'k', name: 'Karen', role: 'caseworker' },
  vacancy: null,
  proposal: { id: 'h1', fromName: 'Karen', toId: 't', toName: 'Jonas', at: '2026-03-02T09:00:00.000Z' },
  candidates: [],
  viewer: { coordinator: false, canPropose: false, canCancel: false, canAnswer: false, canTakeOver: false, ...over },
  ...extra,
});

const carried: ReminderItem[] = Array.from({ length: 14 }, (_, i) => ({ kind: 'followup', subject: `agreement:a${i}`, caseId: 'c1', caseTitle: 'Sag', agreementId: `a${i}`, what: long(500), ownerName: 'Ole', followUpDate: '2026-03-04' }));

describe('handover and child’s voice cards', () => {
  test.each(LOCALES)('every card is valid Adaptive Card 1.5 and under 28 KB at its largest (%s)', (locale) => {
    const cards = [
      offerCard(locale, 'c1', long(120), { id: 'h1', fromName: long(256) }),
      ...(['accepted', 'declined', 'cancelled'] as const).map((state) => offerCard(locale, 'c1', 'Sag', { id: 'h1', fromName: 'Karen' }, state)),
      familyCard(locale, { caseTitle: long(120), toName: long(256), toRole: 'school_psychologist', fromName: long(256) }),
      vacancyCard(locale, { caseId: 'c1', caseTitle: long(120), vacancyId: 'v1', previousName: long(256) }),
      vacancyReminderCard(locale, 'vacancy:c1:v1|2026-03-03|t', [{ kind: 'vacancy', subject: 'vacancy:c1:v1', caseId: 'c1', caseTitle: 'Sag', vacancyId: 'v1', memberName: 'Karen' }, ...carried], { c1: 'https://teams.microsoft.com/l/chat/x' }),
      vacancyOutcomeCard(locale, { kind: 'you' }),
      vacancyOutcomeCard(locale, { kind: 'other', name: 'Jonas' }),
      summaryCard(locale, bigSummary()),
      summaryCard(locale, { ...bigSummary(), openAgreements: [], openAgreementsTotal: 0, lastAssessment: null, openRound: null, observations: [], upcomingMeetings: [], consent: [] }),
      statusCard(locale, view({ canCancel: true, coordinator: true })),
      statusCard(locale, view({ canAnswer: true })),
      statusCard(locale, view({ canTakeOver: true }, { coordinator: null, proposal: null, vacancy: { id: 'v1', since: '2026-03-02T09:00:00.000Z', previousName: 'Karen' } })),
      childVoiceFormCard(locale, { caseId: 'c1', caseTitle: long(120), formId: 'f1', hows: ['with_child', 'as_said'], canHide: true, child: false, today: '2026-03-02' }),
      childVoiceFormCard(locale, { caseId: 'c1', caseTitle: 'Sag', formId: 'f1', hows: ['by_child'], canHide: true, child: true, today: '2026-03-02' }),
      childVoiceSavedCard(locale, { _id: 'e1', caseId: 'c1', house: 'worries', text: long(1000), how: 'as_said', date: '2026-03-01', authorId: 'm', authorName: long(256), authorRole: 'parent', visibility: 'professionals', createdAt: new Date() }),
      youthConsentCard(locale, { caseId: 'c1', caseTitle: long(120), professionals: Array.from({ length: 59 }, (_, i) => ({ userId: `u${i}`, name: long(256), role: 'teacher', allowed: i % 2 === 0 })) }, 3),
    ];
    for (const card of cards) {
      expect(cardProblems(card)).toEqual([]);
      expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
      expect(card.version).toBe('1.5');
    }
  });

  test('buttons are Universal Actions with a fallback, and an answered card has none', () => {
    const offer = offerCard('da', 'c1', 'Sag', { id: 'h1', fromName: 'Karen' });
    expect(offer.actions!.map((a) => [a.verb, a.type, (a.fallback as { type: string }).type])).toEqual([
      [HANDOVER_VERBS.accept, 'Action.Execute', 'Action.Submit'],
      [HANDOVER_VERBS.decline, 'Action.Execute', 'Action.Submit'],
    ]);
    expect(offerCard('da', 'c1', 'Sag', { id: 'h1', fromName: 'Karen' }, 'accepted').actions).toBeUndefined();
    expect(statusCard('da', view()).actions).toBeUndefined();
  });
});

describe('the timeline names every handover and child’s-voice event', () => {
  const base = { _id: 'c:1', caseId: 'c', at: new Date(), actorId: 'k', actorName: 'Karen', visibility: 'all' as const };
  const handover = { handoverId: 'h', fromId: 'k', fromName: 'Karen', toId: 't', toName: 'Jonas' };
  const events: Array<Pick<CaseEvent, 'type' | 'data'>> = [
    { type: 'coordinator.handover.proposed', data: handover },
    { type: 'coordinator.handover.accepted', data: { ...handover, followUps: 2, openRounds: 1 } },
    { type: 'coordinator.handover.declined', data: { ...handover, reason: 'travlt' } },
    { type: 'coordinator.handover.cancelled', data: { ...handover, reason: 'withdrawn' } },
    { type: 'coordinator.vacated', data: { vacancyId: 'v', previousId: 'k', previousName: 'Karen', reason: 'operator' } },
    { type: 'coordinator.takenOver', data: { vacancyId: 'v', previousId: 'k', previousName: 'Karen', toId: 't', toName: 'Jonas' } },
    { type: 'childVoice.recorded', data: { entryId: 'e', house: 'dreams', how: 'as_said', visibility: 'family', date: '2026-03-01', textSha256: 'x', length: 3 } },
    { type: 'childVoice.youthAge', data: { youth15Plus: true } },
    { type: 'childVoice.youthConsent', data: { allowedIds: ['t'], allowedNames: ['Jonas'] } },
  ];
  test.each(LOCALES)('in words, with the people and houses filled in (%s)', (locale) => {
    for (const event of events) {
      const text = describeEvent(locale, { ...base, ...event } as CaseEvent);
      expect(text).not.toMatch(/[{}]|coordinator\.|childVoice\./);
    }
    expect(describeEvent(locale, { ...base, ...events[1]! } as CaseEvent)).toContain('Jonas');
    expect(describeEvent(locale, { ...base, ...events[6]! } as CaseEvent)).toContain(locale === 'da' ? 'Drømmehuset' : 'The dream house');
  });
});
