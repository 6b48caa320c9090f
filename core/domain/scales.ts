/** The common language from the domain brief. Keys are stored; labels live in i18n. */

export const WELLBEING_LEVELS = ['green', 'yellow', 'red'] as const;
export type WellbeingLevel = (typeof WELLBEING_LEVELS)[number];

export const ASSESSMENT_AREAS = ['cognitive', 'emotional', 'social', 'physical'] as const;
export type AssessmentArea = (typeof ASSESSMENT_AREAS)[number];

/** ICS triangle: side, then area. */
export const ICS_AREAS = {
  child_health: 'child',
  child_development: 'child',
  child_school: 'child',
  child_leisure: 'child',
  parent_safe_care: 'parenting',
  parent_stimulation: 'parenting',
  parent_relationships: 'parenting',
  family_background: 'family',
  family_housing: 'family',
  family_network: 'family',
} as const;
export type IcsArea = keyof typeof ICS_AREAS;
export const ICS_AREA_KEYS = Object.keys(ICS_AREAS) as IcsArea[];
export type IcsSide = (typeof ICS_AREAS)[IcsArea];

export const SOS_COLUMNS = ['worries', 'working_well', 'next_steps'] as const;
export type SosColumn = (typeof SOS_COLUMNS)[number];

/** For trends: a higher score is more worry. */
export const LEVEL_SCORE: Record<WellbeingLevel, number> = { green: 0, yellow: 1, red: 2 };
