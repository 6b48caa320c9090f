import type { CaseOverview, ObservationView } from '../../../core/services/overviewService';
import { ICS_AREA_KEYS, WELLBEING_LEVELS } from '../../../core/domain/scales';
import type { TabApi } from '../api';
import { h, replaceChildren } from '../dom';
import { tr, trKey } from '../i18n';
import { earlyWarningsSection } from './earlyWarnings';
import { agreementActions, agreementBoard, applyProfiles, caseHeader, errorBox, errorText, memberItem, observationList, section, statusRegion, wellbeing } from './parts';
import { childVoiceSection } from './childVoice';
import { coordinationSection } from './coordination';
import { meetingLinks, meetingsSection } from './meetings';
import { gdprExportButton } from './gdprExport';

/** The case overview (channel, chat and meeting tabs): members, well-being, agreements, observations. */
export async function renderOverview(root: HTMLElement, api: TabApi, caseId: string, links: { minutes: string }, message?: string): Promise<void> {
  const path = `/cases/${encodeURIComponent(caseId)}`;
  const data = await api.get<CaseOverview>(`${path}/overview`);
  const redraw = (done: string) => renderOverview(root, api, caseId, links, done);

  // The coordinator can download a member's data for their access request (GDPR art. 15).
  const memberStatus = statusRegion();
  const members = h(
    'ul',
    { class: 'members' },
    data.members.map((m) => {
      const item = memberItem(m, { showConsent: true });
      // Under the member's name and role, so that a narrow column keeps it inside the member's cell.
      if (data.viewer.coordinator) (item.querySelector(':scope > div') ?? item).append(h('div', {}, gdprExportButton(m, api, path, memberStatus)));
      return item;
    }),
  );

  const observationsHolder = h('div', { class: 'observation-list' }, observationList(data.observations));
  const status = statusRegion();
  const areaSelect = h(
    'select',
    { id: 'filter-area', name: 'area' },
    h('option', { value: '' }, tr('tab.observations.allAreas')),
    ICS_AREA_KEYS.map((area) => h('option', { value: area }, trKey(`ics.${area}`))),
  );
  const levelSelect = h(
    'select',
    { id: 'filter-level', name: 'level' },
    h('option', { value: '' }, tr('tab.observations.allLevels')),
    WELLBEING_LEVELS.map((level) => h('option', { value: level }, trKey(`level.${level}`))),
  );
  // Arrow keys on a select fire a change per step: only the answer to the latest choice is shown.
  let latest = 0;
  const refilter = async () => {
    const request = ++latest;
    const params = new URLSearchParams();
    if (areaSelect.value) params.set('area', areaSelect.value);
    if (levelSelect.value) params.set('level', levelSelect.value);
    observationsHolder.setAttribute('aria-busy', 'true');
    try {
      const observations = await api.get<ObservationView[]>(`${path}/observations?${params.toString()}`);
      if (request !== latest) return;
      replaceChildren(observationsHolder, observationList(observations));
      status.textContent = tr('tab.observations.shown', { count: observations.length });
    } catch (error) {
      if (request !== latest) return;
      replaceChildren(observationsHolder, errorBox(errorText(error)));
    } finally {
      if (request === latest) observationsHolder.removeAttribute('aria-busy');
    }
  };
  areaSelect.addEventListener('change', () => void refilter());
  levelSelect.addEventListener('change', () => void refilter());
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': tr('tab.observations.filter'), onsubmit: (event: Event) => event.preventDefault() },
    h('div', { class: 'field' }, h('label', { for: 'filter-area' }, tr('field.area')), areaSelect),
    h('div', { class: 'field' }, h('label', { for: 'filter-level' }, tr('field.level')), levelSelect),
  );

  replaceChildren(
    root,
    caseHeader(data.case),
    h(
      'nav',
      { class: 'sections', 'aria-label': tr('tab.nav.sections') },
      h(
        'ul',
        {},
        data.earlyWarnings ? h('li', {}, h('a', { href: '#early-warnings' }, tr('earlyWarning.tab.title'))) : null,
        h('li', {}, h('a', { href: '#members' }, tr('members.title'))),
        h('li', {}, h('a', { href: '#wellbeing' }, tr('tab.wellbeing.title'))),
        h('li', {}, h('a', { href: '#agreements' }, tr('tab.agreements.title'))),
        h('li', {}, h('a', { href: '#observations' }, tr('tab.observations.title'))),
        h('li', {}, h('a', { href: '#child-voice' }, tr('childVoice.title'))),
        h('li', {}, h('a', { href: '#coordinator' }, tr('handover.tab.title'))),
        h('li', {}, h('a', { href: links.minutes }, tr('tab.minutes.link'))),
      ),
    ),
    // Professionals only: the server leaves them out for anyone else.
    data.earlyWarnings ? earlyWarningsSection(data.earlyWarnings, new Set(data.observations.map((o) => o.id))) : null,
    section('members', tr('members.title'), members, memberStatus),
    section('wellbeing', tr('tab.wellbeing.title'), ...wellbeing(data.wellbeing)),
    section('agreements', tr('tab.agreements.title'), agreementBoard(data.agreements, (a) => agreementActions(a, api, path, redraw, status))),
    section('observations', tr('tab.observations.title'), filters, status, observationsHolder),
    // The child's voice and the coordinator load on their own (tab/web/views/childVoice.ts, coordination.ts).
    childVoiceSection(api, caseId),
    coordinationSection(api, caseId),
    // Upcoming meetings load on their own (tab/web/views/meetings.ts).
    meetingsSection(api, caseId, meetingLinks()),
  );

  if (message) status.textContent = message;

  // Names and photos from the directory come after the first paint; the page works without them.
  void api
    .get<{ profiles: Record<string, { displayName?: string; photo?: string }> }>(`${path}/profiles`)
    .then(({ profiles }) => applyProfiles(members, profiles))
    .catch(() => undefined);
}
