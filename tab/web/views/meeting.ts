import { AGREEMENT_TEXT_MAX } from '../../../core/domain/agreement';
import type { AgreementView, MeetingAgenda } from '../../../core/services/overviewService';
import type { TabApi } from '../api';
import { h, replaceChildren } from '../dom';
import { formatDateTime } from '../../../core/i18n/format';
import { locale, tr, trKey } from '../i18n';
import { agreementActions, agreementItem, caseHeader, empty, errorText, memberItem, observationList, section, statusRegion } from './parts';
import { meetingLinks, meetingsSection } from './meetings';

const newFormId = () => crypto.randomUUID();

/** The meeting side panel: a compact agenda with two quick actions. */
export async function renderMeetingPanel(root: HTMLElement, api: TabApi, caseId: string, links: { minutes: string }): Promise<void> {
  const path = `/cases/${encodeURIComponent(caseId)}`;
  const status = statusRegion();

  const draw = async (message?: string, focusSelector?: string) => {
    const data = await api.get<MeetingAgenda>(`${path}/agenda`);
    const actions = (a: AgreementView) => agreementActions(a, api, path, (message) => draw(message, 'h1'), status);
    const list = (items: AgreementView[]) => (items.length ? h('ul', { class: 'cards compact' }, items.map((a) => agreementItem(a, actions(a)))) : empty());

    const form = data.viewer.canPropose ? decisionForm(data, async (input) => {
      await api.post(`${path}/agreements`, input);
      await draw(tr('tab.meeting.proposed'), '#decision-what');
    }, status) : null;

    replaceChildren(
      root,
      caseHeader(data.case, 'tab.meeting.title'),
      h('p', { class: 'small muted' }, data.lastMeetingAt ? tr('tab.meeting.lastMeeting', { when: formatDateTime(locale(), data.lastMeetingAt) }) : tr('tab.meeting.noLastMeeting')),
      status,
      section(
        'agenda',
        tr('tab.meeting.agenda'),
        h('h3', {}, `${tr('tab.meeting.overdue')} (${data.overdue.length})`),
        list(data.overdue),
        h('h3', {}, `${tr('tab.meeting.open')} (${data.open.length})`),
        list(data.open),
      ),
      section('since', tr('tab.meeting.since'), observationList(data.observationsSince)),
      section(
        'consent',
        tr('tab.meeting.pendingConsent'),
        data.pendingConsent.length ? h('ul', { class: 'members' }, data.pendingConsent.map((m) => memberItem(m, { showConsent: false }))) : empty(),
      ),
      form ? section('decision', tr('tab.meeting.decision'), form) : null,
      // Upcoming meetings (tab/web/views/meetings.ts).
      meetingsSection(api, caseId, meetingLinks(), 3),
      h('p', {}, h('a', { href: links.minutes, class: 'button-link' }, tr('tab.minutes.link'))),
    );
    if (message) status.textContent = message;
    if (focusSelector) root.querySelector<HTMLElement>(focusSelector)?.focus();
  };
  await draw();
}

interface ProposalInput {
  formId: string;
  what: string;
  ownerId: string;
  dueDate: string;
  followUpDate: string;
}

function decisionForm(data: MeetingAgenda, submit: (input: ProposalInput) => Promise<void>, status: HTMLElement): HTMLFormElement {
  const formId = newFormId();
  const what = h('textarea', { id: 'decision-what', name: 'what', required: true, maxlength: AGREEMENT_TEXT_MAX, rows: 3 });
  const owner = h(
    'select',
    { id: 'decision-owner', name: 'ownerId', required: true },
    data.owners.map((o) => h('option', { value: o.userId }, `${o.name} (${trKey(`role.${o.role}`)})`)),
  );
  const due = h('input', { id: 'decision-due', name: 'dueDate', type: 'date', required: true, min: data.today, value: data.defaults.dueDate });
  const followUp = h('input', { id: 'decision-follow', name: 'followUpDate', type: 'date', required: true, min: data.today, value: data.defaults.followUpDate });
  const error = h('div', { class: 'form-error', 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit', class: 'button primary' }, tr('tab.meeting.propose'));
  return h(
    'form',
    {
      class: 'stack',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = '';
        button.disabled = true;
        try {
          await submit({ formId, what: what.value, ownerId: owner.value, dueDate: due.value, followUpDate: followUp.value });
        } catch (problem) {
          button.disabled = false;
          error.textContent = errorText(problem);
          status.textContent = '';
          what.focus();
        }
      },
    },
    h('p', { class: 'small muted' }, tr('agreement.familyMustAccept')),
    h('div', { class: 'field' }, h('label', { for: 'decision-what' }, tr('agree.what')), what),
    h('div', { class: 'field' }, h('label', { for: 'decision-owner' }, tr('agree.owner')), owner),
    h('div', { class: 'field' }, h('label', { for: 'decision-due' }, tr('agree.dueDate')), due),
    h('div', { class: 'field' }, h('label', { for: 'decision-follow' }, tr('agree.followUpDate')), followUp),
    error,
    button,
  );
}
