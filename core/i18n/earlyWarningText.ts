import type { EarlyWarningView, WarningInput } from '../services/earlyWarningService';
import { copenhagenDate } from '../domain/dates';
import { areaLabel, formatDateTime, formatDay, levelLabel, roleLabel } from './format';
import { t, type Locale } from './index';

/**
 * An early warning in plain words (docs/early-warning.md), for the coordinator's card and the tab
 * alike: which rule fired and why, never a number or a score about the child.
 */
export function warningReason(locale: Locale, w: Pick<EarlyWarningView, 'rule' | 'details' | 'area' | 'reasons' | 'windowWeeks'>): string {
  const area = w.area ? areaLabel(locale, w.area) : '';
  const round = w.details.roundNumber ?? '';
  const color = (level: string | undefined) => (level ? t(locale, `earlyWarning.color.${level}` as never) : '–');
  switch (w.rule) {
    case 'crossDiscipline': {
      const roles = (w.details.disciplines ?? []).map((r) => roleLabel(locale, r).toLowerCase());
      const list = roles.length > 1 ? `${roles.slice(0, -1).join(', ')} ${t(locale, 'earlyWarning.and')} ${roles.at(-1)}` : (roles[0] ?? '');
      return t(locale, 'earlyWarning.rule.crossDiscipline', { disciplines: list, weeks: w.windowWeeks ?? 8 });
    }
    case 'redObservation':
      return t(locale, 'earlyWarning.rule.redObservation');
    case 'areaWorsened':
      return w.reasons?.includes('turnedRed')
        ? t(locale, 'earlyWarning.rule.areaWorsened.turnedRed', { area, round, from: color(w.details.from) })
        : t(locale, 'earlyWarning.rule.areaWorsened.fellSteps', { area, round, from: color(w.details.from), to: color(w.details.to) });
    case 'disagreement':
      return t(locale, 'earlyWarning.rule.disagreement', { area, round });
  }
}

/** How an input is named in a link: what it is, when, whose role, which level. Never its text. */
export function inputLabel(locale: Locale, input: WarningInput): string {
  if (input.kind === 'round') return t(locale, 'earlyWarning.input.round', { number: input.number, area: areaLabel(locale, input.area) });
  const label = t(locale, 'earlyWarning.input.observation', { date: formatDay(locale, copenhagenDate(new Date(input.at))), role: roleLabel(locale, input.role), level: levelLabel(locale, input.level) });
  const marks = [input.isNew ? t(locale, 'earlyWarning.input.new') : '', input.professionalsOnly ? t(locale, 'earlyWarning.input.professionalsOnly') : ''].filter(Boolean);
  return marks.length ? `${label} (${marks.join(', ')})` : label;
}

/** What the coordinator did, a sentence each; empty while the warning waits. */
export function warningState(locale: Locale, w: Pick<EarlyWarningView, 'dismissal' | 'actions'>): string[] {
  const lines: string[] = [];
  if (w.dismissal) lines.push(t(locale, 'earlyWarning.state.dismissed', { name: w.dismissal.byName, date: formatDateTime(locale, w.dismissal.at), reason: w.dismissal.reason }));
  for (const a of w.actions) {
    if (a.action === 'round') lines.push(t(locale, 'earlyWarning.state.acted.round', { name: a.byName, number: a.roundNumber ?? '', date: formatDateTime(locale, a.at) }));
    else lines.push(t(locale, 'earlyWarning.state.acted.agreement', { name: a.byName, date: formatDateTime(locale, a.at) }));
  }
  return lines;
}
