import { levelOfAverage } from '../../../core/domain/earlyWarning';
import { HANDOVER_REASON_MAX } from '../../../core/domain/handover';
import type { CoordinationView, HandoverSummary } from '../../../core/services/handoverService';
import { formatDateTime, formatDay } from '../../../core/i18n/format';
import type { TabApi } from '../api';
import { h, replaceChildren, uid, type Child } from '../dom';
import { locale, tr, trKey } from '../i18n';
import { act as runAction, empty, errorBox, errorText, levelBadge, section, statusRegion } from './parts';

/**
 * The coordinator section of the overview (docs/handover.md): who coordinates; for the coordinator,
 * propose a professional or withdraw the open proposal, and the overview a new coordinator gets;
 * for the proposed person, yes or no; for every professional of a case without a coordinator,
 * "Jeg tager over". The server decides again on every click.
 */
export function coordinationSection(api: TabApi, caseId: string): HTMLElement {
  const path = `/cases/${encodeURIComponent(caseId)}/coordinator`;
  const holder = h('div', { class: 'coordination', 'aria-busy': 'true' }, h('p', { class: 'muted' }, tr('tab.loading')));
  const status = statusRegion();

  /** Runs an action (tab/web/views/parts.ts `act`), then redraws with `done` in the status region. */
  const act = (run: () => Promise<unknown>, done: string | (() => string)) => runAction(status, run, () => draw(typeof done === 'function' ? done() : done));

  const draw = async (message?: string): Promise<void> => {
    holder.setAttribute('aria-busy', 'true');
    try {
      const view = await api.get<CoordinationView>(path);
      replaceChildren(holder, ...render(view));
    } catch (error) {
      replaceChildren(holder, errorBox(errorText(error)));
    } finally {
      holder.removeAttribute('aria-busy');
    }
    if (message) status.textContent = message;
  };

  function render(view: CoordinationView): Child[] {
    const out: Child[] = [];
    if (view.coordinator) out.push(h('p', {}, tr('handover.status.coordinator', { name: view.coordinator.name, role: trKey(`role.${view.coordinator.role}`) })));
    if (view.viewer.coordinator) out.push(h('p', { class: 'small muted' }, tr('handover.tab.youAre')));
    if (view.vacancy) {
      out.push(h('p', { class: 'warn' }, tr('handover.status.vacant', { date: formatDateTime(locale(), view.vacancy.since), previous: view.vacancy.previousName })));
      const vacancyId = view.vacancy.id;
      if (view.viewer.canTakeOver) {
        out.push(h('button', { type: 'button', class: 'button primary', onclick: act(() => api.post(`${path}/takeover`, { vacancyId }), tr('handover.tab.tookOver')) }, tr('handover.vacancy.takeOver')));
      }
    }
    if (view.proposal) {
      const proposal = view.proposal;
      const handoverPath = `${path}/handover/${encodeURIComponent(proposal.id)}`;
      if (view.viewer.canAnswer) {
        const reasonId = uid('handover-reason');
        const reason = h('textarea', { id: reasonId, name: 'reason', rows: 2, maxlength: HANDOVER_REASON_MAX });
        out.push(
          h('p', {}, tr('handover.tab.offerForYou', { from: proposal.fromName })),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', class: 'button primary', onclick: act(() => api.post(`${handoverPath}/accept`, {}), tr('handover.tab.accepted')) }, tr('handover.card.accept')),
          ),
          h(
            'form',
            { class: 'decline', onsubmit: act(() => api.post(`${handoverPath}/decline`, { reason: reason.value }), tr('handover.tab.declined')) },
            h('div', { class: 'field' }, h('label', { for: reasonId }, tr('handover.card.reason', { from: proposal.fromName })), reason),
            h('button', { type: 'submit', class: 'button' }, tr('handover.card.decline')),
          ),
        );
      } else {
        out.push(h('p', {}, tr('handover.status.proposal', { from: proposal.fromName, to: proposal.toName })));
      }
      if (view.viewer.canCancel) {
        out.push(h('button', { type: 'button', class: 'button', onclick: act(() => api.post(`${handoverPath}/cancel`, {}), tr('handover.tab.withdrawn')) }, tr('handover.tab.withdraw')));
      }
    }
    if (view.viewer.canPropose) out.push(proposeForm(view));
    if (view.viewer.coordinator) out.push(summaryDetails());
    return out;
  }

  function proposeForm(view: CoordinationView): HTMLElement {
    if (view.candidates.length === 0) return empty(tr('handover.tab.noCandidates'));
    const selectId = uid('handover-to');
    const select = h(
      'select',
      { id: selectId, name: 'toUserId', required: true },
      view.candidates.map((c) => h('option', { value: c.userId }, `${c.name} – ${trKey(`role.${c.role}`)}`)),
    );
    return h(
      'form',
      {
        class: 'handover-propose',
        onsubmit: act(
          () => api.post(`${path}/handover`, { toUserId: select.value }),
          () => tr('handover.tab.sent', { name: view.candidates.find((c) => c.userId === select.value)?.name ?? '' }),
        ),
      },
      h('h3', {}, tr('handover.tab.propose')),
      h('div', { class: 'field' }, h('label', { for: selectId }, tr('handover.tab.choose')), select),
      h('button', { type: 'submit', class: 'button primary' }, tr('handover.tab.send')),
    );
  }

  /** The new coordinator's overview, fetched when opened. */
  function summaryDetails(): HTMLElement {
    const body = h('div', { class: 'summary-body' });
    const details = h('details', { class: 'handover-summary' }, h('summary', {}, tr('handover.tab.summary')), body);
    details.addEventListener('toggle', () => {
      if (!details.open || body.childElementCount > 0) return;
      void api
        .get<HandoverSummary>(`${path}/summary`)
        .then((summary) => replaceChildren(body, ...summaryParts(summary)))
        .catch((error: unknown) => replaceChildren(body, errorBox(errorText(error))));
    });
    return details;
  }

  void draw();
  return section('coordinator', tr('handover.tab.title'), status, holder);
}

function summaryParts(summary: HandoverSummary): Child[] {
  const list = (items: Child[], none: string) => (items.length ? h('ul', { class: 'plain' }, items) : empty(none));
  return [
    h('h3', {}, tr('handover.summary.agreements', { count: summary.openAgreementsTotal })),
    list(
      summary.openAgreements.map((a) =>
        h('li', { class: a.overdue ? 'overdue' : undefined }, tr('handover.summary.agreementRow', { what: a.what, owner: a.ownerName, date: formatDay(locale(), a.dueDate) }), a.overdue ? h('span', { class: 'badge overdue-badge' }, tr('handover.summary.overdue')) : null),
      ),
      tr('handover.summary.noAgreements'),
    ),
    h('h3', {}, tr('handover.summary.assessment')),
    summary.lastAssessment
      ? h(
          'ul',
          { class: 'plain' },
          summary.lastAssessment.areas.map((a) => h('li', {}, `${trKey(`area.${a.area}`)}: `, a.average === null ? '–' : levelBadge(levelOfAverage(a.average)))),
        )
      : empty(tr('handover.summary.noAssessment')),
    summary.openRound ? h('p', { class: 'small' }, tr('handover.summary.openRound', { number: summary.openRound.number, count: summary.openRound.answers })) : null,
    h('h3', {}, tr('handover.summary.observations')),
    list(
      summary.observations.map((o) => h('li', {}, h('span', { class: 'small muted' }, `${formatDateTime(locale(), o.createdAt)} · ${o.authorName}`), o.professionalsOnly ? h('span', { class: 'badge private' }, tr('observation.professionalsOnly')) : null, h('p', { class: 'text' }, o.text))),
      tr('handover.summary.noObservations'),
    ),
    h('h3', {}, tr('handover.summary.meetings')),
    list(summary.upcomingMeetings.map((m) => h('li', {}, `${formatDateTime(locale(), m.startsAt)} · ${m.title}`)), tr('handover.summary.noMeetings')),
    h('h3', {}, tr('handover.summary.consent')),
    list(
      summary.consent.map((c) => h('li', {}, `${c.name} – ${trKey(`role.${c.role}`)}: ${c.legalBasis && c.state === 'not_needed' ? tr('handover.summary.legalBasis') : trKey(`consent.state.${c.state}`)}`)),
      tr('handover.summary.noConsent'),
    ),
  ];
}
