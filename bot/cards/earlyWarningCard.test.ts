import type { EarlyWarningView, WarningInput } from '../../core/services/earlyWarningService';
import type { Locale } from '../../core/i18n';
import { cardBytes, cardProblems, MAX_CARD_BYTES } from '../../test/harness/cards';
import { EARLY_WARNING_VERBS, earlyWarningCard, WARNING_CARD_MAX_INPUTS } from './earlyWarningCard';

const caseId = '6f1b7c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';
const observation = (i: number, isNew = false): WarningInput => ({ kind: 'observation', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, at: '2026-03-02T09:00:00.000Z', role: i % 2 ? 'teacher' : 'health_visitor', level: i % 3 ? 'yellow' : 'red', professionalsOnly: i % 4 === 0, isNew });
const base = (over: Partial<EarlyWarningView>): EarlyWarningView => ({
  id: `${caseId}:0123456789abcdef0123456789abcdef`,
  caseId,
  rule: 'redObservation',
  status: 'open',
  raisedAt: '2026-03-02T09:00:00.000Z',
  details: {},
  inputs: [observation(3, true)],
  actions: [],
  ...over,
});

const WARNINGS: Record<string, EarlyWarningView> = {
  crossDiscipline: base({ rule: 'crossDiscipline', details: { disciplines: ['teacher', 'health_visitor', 'school_psychologist'] }, windowWeeks: 8, inputs: [observation(1), observation(2, true)] }),
  redObservation: base({}),
  turnedRed: base({ rule: 'areaWorsened', area: 'social', reasons: ['turnedRed', 'fellSteps'], details: { from: 'green', to: 'red', roundNumber: 3 }, inputs: [{ kind: 'round', id: 'r3', number: 3, area: 'social', isNew: true }] }),
  fellSteps: base({ rule: 'areaWorsened', area: 'physical', reasons: ['fellSteps'], details: { from: 'green', to: 'yellow', roundNumber: 2 }, inputs: [{ kind: 'round', id: 'r2', number: 2, area: 'physical', isNew: true }] }),
  disagreement: base({ rule: 'disagreement', area: 'emotional', details: { roundNumber: 4 }, inputs: [{ kind: 'round', id: 'r4', number: 4, area: 'emotional', isNew: true }] }),
};
const links = (w: EarlyWarningView) => ({ case: 'https://teams.microsoft.com/l/chat/19%3Ax%40thread.v2/conversations', inputs: Object.fromEntries(w.inputs.map((i) => [i.id, `https://teams.microsoft.com/l/entity/app/samspil-case%3A${caseId}?context=${encodeURIComponent(JSON.stringify({ subEntityId: `${i.kind}:${i.id}` }))}`])) });
const card = (locale: Locale, w: EarlyWarningView, title = 'Trivsel i 4.B') => earlyWarningCard(locale, { warning: w, caseTitle: title, links: links(w) });
/** The verbs of the card's Action.Execute buttons, anywhere in it (fallbacks aside). */
function verbsOf(json: unknown): string[] {
  if (Array.isArray(json)) return json.flatMap(verbsOf);
  if (!json || typeof json !== 'object') return [];
  const node = json as Record<string, unknown>;
  const own = node.type === 'Action.Execute' ? [`"verb":"${String(node.verb)}"`] : [];
  return [...own, ...Object.entries(node).filter(([k]) => k !== 'fallback').flatMap(([, v]) => verbsOf(v))];
}

describe('the early-warning card', () => {
  test.each(Object.entries(WARNINGS).flatMap(([name, w]) => (['da', 'en'] as const).map((l) => [name, l, w] as const)))('%s (%s) is a valid Adaptive Card 1.5 under 28 KB', (_name, locale, w) => {
    const json = card(locale, w);
    expect(cardProblems(json)).toEqual([]);
    expect(cardBytes(json)).toBeLessThan(MAX_CARD_BYTES);
    expect(json.version).toBe('1.5');
  });

  test('says the rule in words, per rule and language, and never gives a number about the child', () => {
    const text = (l: Locale, w: EarlyWarningView) => JSON.stringify(card(l, w).body);
    expect(text('da', WARNINGS.crossDiscipline!)).toContain('Bekymring fra flere faggrupper: lærer, sundhedsplejerske og ppr-psykolog har hver beskrevet bekymring (gul eller rød) inden for de seneste 8 uger.');
    expect(text('en', WARNINGS.crossDiscipline!)).toContain('Concern from more than one discipline: teacher, health visitor and school psychologist have each described concern');
    expect(text('da', WARNINGS.turnedRed!)).toContain('Området «Social trivsel» er blevet rødt (stærk bekymring) i vurderingsrunde 3. I runden før var det grønt.');
    expect(text('en', WARNINGS.fellSteps!)).toContain('The area «Physical and sensory-motor» went from green to yellow in assessment round 2.');
    expect(text('da', WARNINGS.disagreement!)).toContain('Familien og fagpersonerne vurderer «Psykisk og emotionel trivsel» meget forskelligt i vurderingsrunde 4.');
    for (const w of Object.values(WARNINGS)) expect(text('da', w)).not.toMatch(/\b(score|gennemsnit|average)\b/i);
  });

  test('links each input, marks what is new and what is professionals-only, and caps the list', () => {
    const many = base({ inputs: Array.from({ length: 40 }, (_, i) => observation(i, i === 39)) });
    const json = card('da', many, 'x'.repeat(120));
    expect(cardProblems(json)).toEqual([]);
    expect(cardBytes(json)).toBeLessThan(MAX_CARD_BYTES);
    const text = JSON.stringify(json);
    expect(text.match(/\[Observation /g)).toHaveLength(WARNING_CARD_MAX_INPUTS);
    expect(text).toContain('og flere i sagen');
    expect(text).toContain('Sundhedsplejerske · Stærk bekymring (kun for fagpersoner)');
    expect(text).toContain(encodeURIComponent(JSON.stringify({ subEntityId: `observation:${observation(0).id}` })));
    expect(JSON.stringify(card('da', base({ inputs: [observation(5, true)] })))).toContain('(ny)');
  });

  test('an open warning offers: open a round, propose an agreement, open the case, dismiss with a required reason', () => {
    const json = card('da', WARNINGS.redObservation!);
    expect(verbsOf(json)).toEqual([`"verb":"${EARLY_WARNING_VERBS.act}"`, `"verb":"${EARLY_WARNING_VERBS.act}"`, `"verb":"${EARLY_WARNING_VERBS.dismiss}"`]);
    const dismiss = (json.actions ?? []).find((a) => a.type === 'Action.ShowCard') as { card: { body: Array<Record<string, unknown>> } };
    expect(dismiss.card.body[0]).toMatchObject({ type: 'Input.Text', id: 'reason', isRequired: true, maxLength: 500 });
    expect(JSON.stringify(json)).toContain('Indkald familien og fagpersonerne til et møde.');
  });

  test('after an answer the card says what happened; a dismissed warning has no buttons left but the link', () => {
    const acted = card('da', base({ status: 'acted', actions: [{ action: 'round', byName: 'Karen', at: '2026-03-03T09:00:00.000Z', roundId: 'r1', roundNumber: 1 }] }));
    expect(JSON.stringify(acted)).toContain('Karen åbnede vurderingsrunde 1');
    expect(verbsOf(acted)).toEqual([`"verb":"${EARLY_WARNING_VERBS.act}"`]);
    const dismissed = card('en', base({ status: 'dismissed', dismissal: { byName: 'Karen', at: '2026-03-03T09:00:00.000Z', reason: 'We have a plan' } }));
    expect(JSON.stringify(dismissed)).toContain('Dismissed by Karen');
    expect(JSON.stringify(dismissed)).toContain('We have a plan');
    expect(verbsOf(dismissed)).toEqual([]);
    expect(dismissed.actions).toEqual([expect.objectContaining({ type: 'Action.OpenUrl' })]);
  });
});
