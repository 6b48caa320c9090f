import { adaptiveCard, facts, heading, paragraph, type AdaptiveCard, type CardElement } from './card';
import { neutralCard } from './neutralCard';
import type { Clearance } from '../../core/domain/audience';
import type { Minutes } from '../../core/services/overviewService';
import { t, type Locale } from '../../core/i18n';
import { formatDateTime, formatDay, truncate } from '../../core/i18n/format';

/** Rows per list: with the longest texts the card stays under Teams' 28 KB (bot/cards/cards.test.ts). */
const MAX_ROWS = 25;
const clip = (text: string, max = 200) => truncate(text, max);

/**
 * The minutes of a meeting as an Adaptive Card 1.5, for the case conversation. A pure function
 * of the minutes read model, which holds only family-visible content.
 */
export const MINUTES_VIEW_VERB = 'minutes.view';

export function minutesCard(locale: Locale, minutes: Minutes, clearance: Clearance, own: { meetingId: string; userIds: string[] }): AdaptiveCard {
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.minutes', { verb: MINUTES_VIEW_VERB, data: { caseId: minutes.case.id, meetingId: own.meetingId }, userIds: own.userIds });
  const body: CardElement[] = [
    heading(t(locale, 'tab.minutes.title', { title: minutes.case.title })),
    paragraph(
      minutes.since
        ? t(locale, 'tab.minutes.period', { since: formatDateTime(locale, new Date(minutes.since)), until: formatDateTime(locale, new Date(minutes.until)) })
        : t(locale, 'tab.minutes.periodAll', { until: formatDateTime(locale, new Date(minutes.until)) }),
      { isSubtle: true, spacing: 'None' },
    ),
    paragraph(t(locale, 'tab.minutes.decisions'), { weight: 'Bolder', spacing: 'Medium' }),
  ];

  if (minutes.decisions.length === 0) body.push(paragraph(t(locale, 'tab.minutes.noDecisions')));
  for (const d of minutes.decisions.slice(0, MAX_ROWS)) {
    body.push(
      paragraph(
        `• ${t(locale, 'tab.minutes.decision', { what: clip(d.what), change: t(locale, `agreement.status.${d.change}`), name: d.byName })}` +
          (d.change === 'proposed' || d.change === 'accepted' ? ` – ${t(locale, 'tab.minutes.ownerDue', { owner: d.ownerName, due: formatDay(locale, d.dueDate) })}` : '') +
          (d.reason ? ` (${t(locale, 'agreement.reason', { reason: clip(d.reason, 120) })})` : ''),
        { spacing: 'Small' },
      ),
    );
  }
  if (minutes.decisions.length > MAX_ROWS) body.push(paragraph(t(locale, 'tab.minutes.more', { count: minutes.decisions.length - MAX_ROWS }), { isSubtle: true }));

  body.push(paragraph(t(locale, 'tab.minutes.open'), { weight: 'Bolder', spacing: 'Medium' }));
  if (minutes.open.length === 0) body.push(paragraph(t(locale, 'tab.none')));
  else
    body.push(
      facts(
        minutes.open
          .slice(0, MAX_ROWS)
          .map((a) => [
            clip(a.what, 120),
            `${a.ownerName}, ${formatDay(locale, a.dueDate)}${a.overdue ? ` – ${t(locale, 'agreement.overdue')}` : ''} (${t(locale, `agreement.status.${a.status}`)})`,
          ]),
      ),
    );

  body.push(paragraph(t(locale, 'tab.minutes.observations', { count: minutes.newObservations }), { spacing: 'Medium' }));
  for (const c of minutes.consentChanges.slice(0, MAX_ROWS)) {
    body.push(paragraph(t(locale, 'tab.minutes.consentChange', { name: c.name, role: t(locale, `role.${c.role}`), state: t(locale, `consent.state.${c.state}`) }), { spacing: 'Small' }));
  }
  return adaptiveCard(body);
}
