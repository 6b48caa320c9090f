import { copenhagenDate } from '../domain/dates';
import { EARLY_WARNING_RULES } from '../domain/earlyWarning';
import type { AgendaItem } from '../domain/meeting';
import { formatDay, truncate } from './format';
import { t, type Locale, type MessageKey } from './index';

/** An early-warning rule in the agenda's words; a rule the catalogue does not know reads as a general sign. */
const ruleKey = (rule: string): MessageKey => ((EARLY_WARNING_RULES as readonly string[]).includes(rule) ? `meeting.warning.${rule}` : 'meeting.warning.other') as MessageKey;

/**
 * One agenda point in words, for the bot's meeting cards and the tab alike. A closed round's date
 * is its day in Copenhagen. `whatMax` clips an agreement's text (the cards keep theirs short).
 */
export function agendaText(locale: Locale, item: AgendaItem, options: { whatMax?: number } = {}): string {
  switch (item.kind) {
    case 'overdue':
    case 'dueSoon':
      return t(locale, `meeting.agenda.${item.kind}`, { what: options.whatMax === undefined ? item.what : truncate(item.what, options.whatMax), owner: item.ownerName, due: formatDay(locale, item.dueDate) });
    case 'assessment':
      return item.closedAt ? t(locale, 'meeting.agenda.assessmentClosed', { number: item.roundNumber, date: formatDay(locale, copenhagenDate(new Date(item.closedAt))) }) : t(locale, 'meeting.agenda.assessment', { number: item.roundNumber });
    case 'earlyWarning':
      return t(locale, 'meeting.agenda.earlyWarning', { rule: t(locale, ruleKey(item.rule)) });
    case 'custom':
      return item.text;
  }
}
