import type { AreaSummary, AssessmentAnswer, AssessmentSummary, LevelCounts } from './assessment';
import { ASSESSMENT_AREAS, LEVEL_SCORE, WELLBEING_LEVELS, type AssessmentArea } from './scales';

const emptyCounts = (): LevelCounts => ({ green: 0, yellow: 0, red: 0 });

/** The mean score of some answers (green 0, yellow 1, red 2), or null when there are none. */
export function meanScore(counts: LevelCounts): number | null {
  const n = counts.green + counts.yellow + counts.red;
  if (n === 0) return null;
  return WELLBEING_LEVELS.reduce((sum, level) => sum + LEVEL_SCORE[level] * counts[level], 0) / n;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * The joint picture of one round (Hjernen&Hjertet): the spread of answers per area, where
 * professionals and family see things differently, and the change since the last round.
 */
export function summarizeRound(roundNumber: number, answers: AssessmentAnswer[], previous?: AssessmentSummary): AssessmentSummary {
  const areas: AreaSummary[] = ASSESSMENT_AREAS.map((area: AssessmentArea) => {
    const counts = emptyCounts();
    const professional = emptyCounts();
    const family = emptyCounts();
    for (const answer of answers) {
      const level = answer.ratings[area];
      counts[level] += 1;
      if (answer.group === 'professional') professional[level] += 1;
      else family[level] += 1;
    }
    const average = meanScore(counts);
    const professionalMean = meanScore(professional);
    const familyMean = meanScore(family);
    const previousAverage = previous?.areas.find((a) => a.area === area)?.average ?? null;
    return {
      area,
      counts,
      professional,
      family,
      average: average === null ? null : round2(average),
      disagreement: professionalMean !== null && familyMean !== null && Math.abs(professionalMean - familyMean) >= 1,
      changeSincePrevious: average !== null && previousAverage !== null ? round2(average - previousAverage) : null,
    };
  });
  return { roundNumber, respondents: answers.length, areas };
}
