import { ASSESSMENT_COMMENT_MAX, type AssessmentAnswer, type AssessmentRound, type AssessmentSummary, type LevelCounts } from '../../core/domain/assessment';
import type { Clearance } from '../../core/domain/audience';
import type { Case } from '../../core/domain/case';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS } from '../../core/domain/scales';
import { t, type Locale } from '../../core/i18n';
import { adaptiveCard, executeAction, heading, paragraph, refreshFor, type AdaptiveCard, type CardElement } from './card';
import { activeMemberIds, neutralCard, showMine } from './neutralCard';
import { areaLabel, LEVEL_DOT, levelLabel } from '../../core/i18n/format';

export const ASSESSMENT_VERBS = { submit: 'assessment.submit', close: 'assessment.close', view: 'assessment.view' } as const;

const roundData = (kase: Case, round: AssessmentRound) => ({ caseId: kase._id, roundId: round._id });
const roundOwn = (kase: Case, round: AssessmentRound) => ({ verb: ASSESSMENT_VERBS.view, data: roundData(kase, round), userIds: activeMemberIds(kase) });

/**
 * The round as posted into the case conversation. It has no inputs: each member answers in their
 * own view (assessmentFormCard through `refresh`), and answers stay private until the round closes.
 */
export function roundCard(locale: Locale, kase: Case, round: AssessmentRound, clearance: Clearance): AdaptiveCard {
  const own = roundOwn(kase, round);
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.round', own);
  const body: CardElement[] = [heading(t(locale, 'assess.title', { number: round.number })), paragraph(kase.title, { isSubtle: true, spacing: 'None' })];
  if (round.status === 'closed') return adaptiveCard([...body, paragraph(t(locale, 'assess.closedNotice'))]);
  return adaptiveCard([...body, paragraph(t(locale, 'assess.intro')), paragraph(t(locale, 'assess.ownView'), { isSubtle: true, size: 'Small' })], {
    actions: [showMine(locale, own.verb, own.data)],
    refresh: refreshFor(own.verb, own.data, own.userIds),
  });
}

/**
 * One member's own view of an open round: the form with their earlier answer filled in, if their
 * role answers; "close the round" for the coordinator.
 */
export function assessmentFormCard(locale: Locale, kase: Case, round: AssessmentRound, viewer: { answers: boolean; closes: boolean }, own?: AssessmentAnswer): AdaptiveCard {
  const body: CardElement[] = [heading(t(locale, 'assess.title', { number: round.number })), paragraph(kase.title, { isSubtle: true, spacing: 'None' })];
  const data = roundData(kase, round);
  const actions: CardElement[] = [];
  if (viewer.answers) {
    body.push(paragraph(t(locale, 'assess.intro')));
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
    body.push({ type: 'Input.Text', id: 'comment', label: t(locale, 'assess.comment'), isMultiline: true, maxLength: ASSESSMENT_COMMENT_MAX, value: own?.comment });
    actions.push(executeAction(t(locale, 'assess.submit'), ASSESSMENT_VERBS.submit, data, { style: 'positive' }));
  } else {
    body.push(paragraph(t(locale, 'assess.notForYou')));
  }
  if (viewer.closes) actions.push(executeAction(t(locale, 'assess.close'), ASSESSMENT_VERBS.close, data));
  const own_ = roundOwn(kase, round);
  return adaptiveCard(body, { ...(actions.length ? { actions } : {}), refresh: refreshFor(own_.verb, own_.data, own_.userIds) });
}

export function assessmentSavedCard(locale: Locale, kase: Case, round: AssessmentRound, viewer: { answers: boolean; closes: boolean }, answer: AssessmentAnswer): AdaptiveCard {
  const card = assessmentFormCard(locale, kase, round, viewer, answer);
  return { ...card, body: [paragraph(`✅ ${t(locale, 'assess.saved', { number: round.number })}`, { weight: 'Bolder' }), ...card.body] };
}

const countsText = (counts: LevelCounts) => WELLBEING_LEVELS.map((level) => `${LEVEL_DOT[level]} ${counts[level]}`).join('  ');

function changeText(locale: Locale, change: number | null): string {
  if (change === null) return t(locale, 'summary.change.none');
  if (change <= -0.25) return `↓ ${t(locale, 'summary.change.better')}`;
  if (change >= 0.25) return `↑ ${t(locale, 'summary.change.worse')}`;
  return `→ ${t(locale, 'summary.change.same')}`;
}

/** The joint picture after a round: distribution, disagreement, change since last time (family-visible). */
export function assessmentSummaryCard(locale: Locale, kase: Case, summary: AssessmentSummary, clearance: Clearance, roundId: string): AdaptiveCard {
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.summary', { verb: ASSESSMENT_VERBS.view, data: { caseId: kase._id, roundId }, userIds: activeMemberIds(kase) });
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
            { title: t(locale, 'summary.total'), value: countsText(area.counts) },
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
