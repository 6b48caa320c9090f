import type { Minutes } from '../../../core/services/overviewService';
import type { TabApi } from '../api';
import { h, replaceChildren } from '../dom';
import { formatDay, formatDateTime } from '../../../core/i18n/format';
import { locale, tr, trKey } from '../i18n';
import { agreementItem, caseHeader, empty, errorText, section, statusRegion } from './parts';

/** After the meeting: what was decided since the last minutes, and posting it to the case conversation. */
export async function renderMinutes(root: HTMLElement, api: TabApi, caseId: string, links: { back: string }, meetingId?: string): Promise<void> {
  const path = `/cases/${encodeURIComponent(caseId)}`;
  const data = await api.get<Minutes>(`${path}/minutes`);
  const status = statusRegion();
  const formId = crypto.randomUUID();

  const post = h(
    'button',
    {
      type: 'button',
      class: 'button primary',
      onclick: async () => {
        post.disabled = true;
        try {
          // Minutes written for a scheduled meeting are tied to it (tab/meetingsApi.ts).
          await api.post(meetingId ? `${path}/meetings/${encodeURIComponent(meetingId)}/minutes` : `${path}/minutes`, { formId, locale: locale() });
          status.textContent = tr('tab.minutes.posted');
        } catch (error) {
          post.disabled = false;
          status.textContent = errorText(error);
        }
      },
    },
    tr('tab.minutes.post'),
  );

  replaceChildren(
    root,
    caseHeader(data.case, 'tab.minutes.title'),
    h(
      'p',
      { class: 'muted' },
      data.since
        ? tr('tab.minutes.period', { since: formatDateTime(locale(), data.since), until: formatDateTime(locale(), data.until) })
        : tr('tab.minutes.periodAll', { until: formatDateTime(locale(), data.until) }),
    ),
    h('p', { class: 'note' }, tr('tab.minutes.familyNote')),
    section(
      'decisions',
      tr('tab.minutes.decisions'),
      data.decisions.length
        ? h(
            'ul',
            { class: 'decisions' },
            data.decisions.map((d) =>
              h(
                'li',
                { 'data-agreement': d.agreementId, 'data-change': d.change },
                h('strong', {}, d.what),
                ` – ${trKey(`agreement.status.${d.change}`)} · ${d.byName} · `,
                h('time', { datetime: d.at }, formatDateTime(locale(), d.at)),
                d.change === 'proposed' || d.change === 'accepted' ? h('div', { class: 'small muted' }, tr('tab.minutes.ownerDue', { owner: d.ownerName, due: formatDay(locale(), d.dueDate) })) : null,
                d.reason ? h('div', { class: 'small' }, tr('agreement.reason', { reason: d.reason })) : null,
              ),
            ),
          )
        : empty(tr('tab.minutes.noDecisions')),
    ),
    section('open', tr('tab.minutes.open'), data.open.length ? h('ul', { class: 'cards compact' }, data.open.map((a) => agreementItem(a))) : empty()),
    section(
      'minutes-other',
      tr('tab.minutes.other'),
      h('p', {}, tr('tab.minutes.observations', { count: data.newObservations })),
      data.consentChanges.length
        ? h(
            'ul',
            {},
            data.consentChanges.map((c) => h('li', {}, tr('tab.minutes.consentChange', { name: c.name, role: trKey(`role.${c.role}`), state: trKey(`consent.state.${c.state}`) }))),
          )
        : null,
    ),
    h('div', { class: 'actions' }, data.canPost ? post : null, h('a', { href: links.back, class: 'button-link' }, tr('tab.minutes.back'))),
    status,
  );
}
