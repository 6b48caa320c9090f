import type { AssessmentAnswer, AssessmentRound, AssessmentSummary, LevelCounts } from '../../core/domain/assessment';
import type { Case } from '../../core/domain/case';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS } from '../../core/domain/scales';
import { t, type Locale } from '../../core/i18n';
import { adaptiveCard, executeAction, heading, paragraph, type AdaptiveCard, type CardElement } from './card';
import { areaLabel, LEVEL_DOT, levelLabel } from '../../core/i18n/format';

export const ASSESSMENT_VERBS = { submit: 'assessment.submit', close: 'assessment.close' } as const;

/** One card for everyone; each person's submit is stored privately under their own name. */
export function assessmentFormCard(locale: Locale, kase: Case, round: AssessmentRound, own?: AssessmentAnswer): AdaptiveCard {
  const body: CardElement[] = [heading(t(locale, 'assess.title', { number: round.number })), paragraph(kase.title, { isSubtle: true, spacing: 'None' }), paragraph(t(locale, 'assess.intro'))];
  for (const area of ASSESSMENT_AREAS) {
    body.push({
      type: 'Input.ChoiceSet',
      id: `rating_${area}`,
      label: areaLabel(locale, area),
      style: 'expanded',
      isRequired: true,
      errorMessage: areaLabel(locale, area),
      value: own?.ratings[area],
      choices: WELLBEING_LEVELS.map((level) => ({ title: `${LEVEL_DOT[level]} ${levelLabel(locale, level)}`, value: level })),
    });
  }
  body.push({ type: 'Input.Text', id: 'comment', label: t(locale, 'assess.comment'), isMultiline: true, maxLength: 1000, value: own?.comment });
  const data = { caseId: kase._id, roundId: round._id };
  return adaptiveCard(body, {
    actions: [executeAction(t(locale, 'assess.submit'), ASSESSMENT_VERBS.submit, data, { style: 'positive' }), executeAction(t(locale, 'assess.close'), ASSESSMENT_VERBS.close, data)],
  });
}

export function assessmentSavedCard(locale: Locale, kase: Case, round: AssessmentRound, answer: AssessmentAnswer): AdaptiveCard {
  const card = assessmentFormCard(locale, kase, round, answer);
  return { ...card, body: [paragraph(`✅ ${t(locale, 'assess.saved', { number: round.number })}`, { weight: 'Bolder' }), ...card.body] };
}

const countsText = (counts: LevelCounts) => WELLBEING_LEVELS.map((level) => `${LEVEL_DOT[level]} ${counts[level]}`).join('  ');

function changeText(locale: Locale, change: number | null): string {
  if (change === null) return t(locale, 'summary.change.none');
  if (change <= -0.25) return `↓ ${t(locale, 'summary.change.better')}`;
  if (change >= 0.25) return `↑ ${t(locale, 'summary.change.worse')}`;
  return `→ ${t(locale, 'summary.change.same')}`;
}

/** The joint picture after a round: distribution, disagreement, change since last time. */
export function assessmentSummaryCard(locale: Locale, kase: Case, summary: AssessmentSummary): AdaptiveCard {
  const body: CardElement[] = [
    heading(t(locale, 'summary.title', { number: summary.roundNumber })),
    paragraph(`${kase.title} · ${t(locale, 'summary.respondents', { count: summary.respondents })}`, { isSubtle: true, spacing: 'None' }),
  ];
  for (const area of summary.areas) {
    body.push({
      type: 'Container',
      separator: true,
      items: [
        paragraph(`**${areaLabel(locale, area.area)}**`),
        {
          type: 'FactSet',
          facts: [
            { title: '∑', value: countsText(area.counts) },
            { title: t(locale, 'summary.professionals'), value: countsText(area.professional) },
            { title: t(locale, 'summary.family'), value: countsText(area.family) },
          ],
        },
        ...(area.disagreement ? [paragraph(`⚠️ ${t(locale, 'summary.disagreement')}`, { color: 'Warning', weight: 'Bolder' })] : []),
        paragraph(changeText(locale, area.changeSincePrevious), { isSubtle: true, spacing: 'None' }),
      ],
    });
  }
  return adaptiveCard(body);
}
