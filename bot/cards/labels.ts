import type { AgreementStatus } from '../../core/domain/agreement';
import type { ConsentState, MemberStatus } from '../../core/domain/case';
import type { Role } from '../../core/domain/roles';
import type { AssessmentArea, IcsArea, SosColumn, WellbeingLevel } from '../../core/domain/scales';
import { t, type Locale } from '../../core/i18n';

/** Stable keys in, words out. One place so that every card says the same thing. */
export const roleLabel = (l: Locale, role: Role) => t(l, `role.${role}`);
export const levelLabel = (l: Locale, level: WellbeingLevel) => t(l, `level.${level}`);
export const areaLabel = (l: Locale, area: AssessmentArea) => t(l, `area.${area}`);
export const icsLabel = (l: Locale, area: IcsArea) => t(l, `ics.${area}`);
export const sosLabel = (l: Locale, column: SosColumn) => t(l, `sos.${column}`);
export const memberStatusLabel = (l: Locale, status: MemberStatus) => t(l, `member.status.${status}`);
export const consentLabel = (l: Locale, state: ConsentState) => t(l, `consent.state.${state}`);
export const agreementStatusLabel = (l: Locale, status: AgreementStatus) => t(l, `agreement.status.${status}`);

export const LEVEL_DOT: Record<WellbeingLevel, string> = { green: '🟢', yellow: '🟡', red: '🔴' };

const MEDIUM_DATE: Record<Locale, Intl.DateTimeFormat> = {
  da: new Intl.DateTimeFormat('da-DK', { dateStyle: 'medium', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }),
};

export function formatDate(locale: Locale, isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return MEDIUM_DATE[locale].format(new Date(Date.UTC(y, m - 1, d)));
}

export const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
