import { isOpen } from '../../../core/domain/agreement';
import type { CaseOverview } from '../../../core/services/overviewService';
import type { TabApi } from '../api';
import { h, replaceChildren } from '../dom';
import { tr } from '../i18n';
import { agreementItem, caseHeader, empty, memberItem, observationList, section, wellbeing } from './parts';

const STAGE_OBSERVATIONS = 10;

/**
 * The meeting stage: large and read-only, seen by everyone in the meeting, the family too. The
 * server sends only family-visible content here, whoever shares the stage.
 */
export async function renderStage(root: HTMLElement, api: TabApi, caseId: string): Promise<void> {
  const data = await api.get<CaseOverview>(`/cases/${encodeURIComponent(caseId)}/stage`);
  const open = data.agreements.filter((a) => isOpen(a.status)).sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const done = data.agreements.filter((a) => a.status === 'done').slice(0, 5);
  document.body.classList.add('stage');
  replaceChildren(
    root,
    caseHeader(data.case, 'tab.stage.title'),
    h('p', { class: 'note' }, tr('tab.stage.note')),
    h(
      'div',
      { class: 'stage-grid' },
      section(
        'stage-agreements',
        tr('tab.agreements.title'),
        h('h3', {}, `${tr('tab.meeting.open')} (${open.length})`),
        open.length ? h('ul', { class: 'cards' }, open.map((a) => agreementItem(a))) : empty(),
        h('h3', {}, `${tr('tab.stage.recentlyDone')} (${done.length})`),
        done.length ? h('ul', { class: 'cards' }, done.map((a) => agreementItem(a))) : empty(),
      ),
      section('stage-wellbeing', tr('tab.wellbeing.title'), ...wellbeing(data.wellbeing)),
      section('stage-observations', tr('tab.stage.observations'), observationList(data.observations.slice(0, STAGE_OBSERVATIONS))),
      section('stage-members', tr('members.title'), h('ul', { class: 'members' }, data.members.map((m) => memberItem(m, { showConsent: false })))),
    ),
  );
}
