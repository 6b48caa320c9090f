import type { CaseOverview, ObservationView } from '../../../core/services/overviewService';
import { ICS_AREA_KEYS, WELLBEING_LEVELS } from '../../../core/domain/scales';
import { ApiError, type TabApi } from '../api';
import { h, replaceChildren } from '../dom';
import { tr, trKey } from '../i18n';
import { agreementActions, agreementBoard, applyProfiles, caseHeader, errorBox, memberItem, observationList, section, statusRegion, wellbeing } from './parts';

/** The case overview (channel, chat and meeting tabs): members, well-being, agreements, observations. */
export async function renderOverview(root: HTMLElement, api: TabApi, caseId: string, links: { minutes: string }, message?: string): Promise<void> {
  const path = `/cases/${encodeURIComponent(caseId)}`;
  const data = await api.get<CaseOverview>(`${path}/overview`);
  const redraw = (done: string) => renderOverview(root, api, caseId, links, done);

  const members = h(
    'ul',
    { class: 'members' },
    data.members.map((m) => memberItem(m, { showConsent: true })),
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
      replaceChildren(observationsHolder, errorBox(error instanceof ApiError ? error.message : tr('error.internal')));
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
        h('li', {}, h('a', { href: '#members' }, tr('members.title'))),
        h('li', {}, h('a', { href: '#wellbeing' }, tr('tab.wellbeing.title'))),
        h('li', {}, h('a', { href: '#agreements' }, tr('tab.agreements.title'))),
        h('li', {}, h('a', { href: '#observations' }, tr('tab.observations.title'))),
        h('li', {}, h('a', { href: links.minutes }, tr('tab.minutes.link'))),
      ),
    ),
    section('members', tr('members.title'), members),
    section('wellbeing', tr('tab.wellbeing.title'), ...wellbeing(data.wellbeing)),
    section('agreements', tr('tab.agreements.title'), agreementBoard(data.agreements, (a) => agreementActions(a, api, path, redraw, status))),
    section('observations', tr('tab.observations.title'), filters, status, observationsHolder),
  );

  if (message) status.textContent = message;

  // Names and photos from the directory come after the first paint; the page works without them.
  void api
    .get<{ profiles: Record<string, { displayName?: string; photo?: string }> }>(`${path}/profiles`)
    .then(({ profiles }) => applyProfiles(members, profiles))
    .catch(() => undefined);
}
