import type { Role } from './roles';
import type { IcsArea, SosColumn, WellbeingLevel } from './scales';

export type Visibility = 'all' | 'professionals';

export interface Observation {
  /** The form's ID, so that a double submit of the same form stores one observation. */
  _id: string;
  caseId: string;
  authorId: string;
  authorName: string;
  authorRole: Role;
  area: IcsArea;
  level: WellbeingLevel;
  sosColumn?: SosColumn;
  text: string;
  visibility: Visibility;
  createdAt: Date;
}

export const OBSERVATION_TEXT_MAX = 2000;
