import { NOTICE_BUCKETS, OVERDUE_AGE_BUCKETS, type Count, type LeaderAggregates, type TrendMonth } from '../../../core/domain/leaderOverview';
import type { LeaderOverview } from '../../../core/services/leaderOverviewService';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS } from '../../../core/domain/scales';
import { AGREEMENT_STATUSES } from '../../../core/domain/agreement';
import { formatDateTime, formatMonth, formatNumber, formatOneDecimal } from '../../../core/i18n/format';
import type { TabApi } from '../api';
import { h, replaceChildren, s, uid, type Child } from '../dom';
import { locale, tr, trKey } from '../i18n';
import { empty, errorBox, errorText, levelBadge, section, statusRegion } from './parts';

/**
 * The leader's overview (a personal tab; docs/leader.md): aggregates across the cases of the
 * leader's unit, with filters for unit, team and period, and a month-by-month chart. The server
 * sends counts under 5 as "< 5" already; this page only lays them out. Cases are named only
 * where the leader is a member of them.
 */

const TREND_SERIES = ['casesOpened', 'warnings', 'agreementsAccepted', 'roundsClosed'] as const;

/** A count as the server sent it: a number of 5 or more, or "< 5". */
const count = (value: Count): string => (typeof value === 'number' ? formatNumber(locale(), value) : value);

function days(value: number | null): string {
  if (value === null) return tr('leader.median.none');
  if (value < 1) return tr('leader.lessThanDay');
  return tr('leader.days', { days: formatOneDecimal(locale(), value) });
}

function hours(value: number | null): string {
  if (value === null) return tr('leader.median.none');
  return tr('leader.hours', { hours: formatOneDecimal(locale(), value) });
}

const monthLabel = (month: string, style: 'short' | 'long' = 'short'): string => formatMonth(locale(), month, style);

/** Label–value pairs, as a description list. */
function stats(pairs: Array<[string, Child]>): HTMLElement {
  return h(
    'dl',
    { class: 'stats' },
    pairs.map(([label, value]) => h('div', { class: 'stat' }, h('dt', {}, label), h('dd', {}, value))),
  );
}

function agreementsTable(a: LeaderAggregates['agreements']): HTMLElement {
  return h(
    'table',
    {},
    h('caption', { class: 'vh' }, tr('leader.agreements.title')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tr('leader.agreements.status')), h('th', { scope: 'col' }, tr('leader.count')))),
    h(
      'tbody',
      {},
      AGREEMENT_STATUSES.map((status) => h('tr', {}, h('th', { scope: 'row' }, trKey(`agreement.status.${status}`)), h('td', { class: 'num' }, count(a.byStatus[status])))),
      h('tr', { class: 'total' }, h('th', { scope: 'row' }, tr('leader.agreements.total')), h('td', { class: 'num' }, count(a.total))),
    ),
  );
}

function overdueTable(o: LeaderAggregates['overdue']): HTMLElement {
  return h(
    'table',
    {},
    h('caption', { class: 'vh' }, tr('leader.overdue.title')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tr('leader.overdue.age')), h('th', { scope: 'col' }, tr('leader.count')))),
    h(
      'tbody',
      {},
      OVERDUE_AGE_BUCKETS.map((bucket) => h('tr', {}, h('th', { scope: 'row' }, trKey(`leader.overdue.bucket.${bucket}`)), h('td', { class: 'num' }, count(o.byAge[bucket])))),
    ),
  );
}

function assessmentTable(a: LeaderAggregates['assessment']): HTMLElement {
  return h(
    'table',
    { class: 'distribution' },
    h('caption', {}, tr('leader.assessment.caption')),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, tr('leader.assessment.area')), WELLBEING_LEVELS.map((level) => h('th', { scope: 'col' }, levelBadge(level))), h('th', { scope: 'col' }, tr('leader.assessment.rated'))),
    ),
    h(
      'tbody',
      {},
      ASSESSMENT_AREAS.map((area) =>
        h(
          'tr',
          { 'data-area': area },
          h('th', { scope: 'row' }, trKey(`area.${area}`)),
          WELLBEING_LEVELS.map((level) => h('td', { class: 'num', 'data-level': level }, count(a.areas[area].levels[level]))),
          h('td', { class: 'num' }, count(a.areas[area].rated)),
        ),
      ),
    ),
  );
}

/** Meetings in the period (issue #15): held or cancelled, invitations answered, cancellations (afbud) by notice, attendance. */
function meetingsSection(m: LeaderAggregates['meetings']): HTMLElement {
  const noticeTable = h(
    'table',
    {},
    h('caption', { class: 'vh' }, tr('leader.meetings.cancellations')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tr('leader.meetings.notice')), h('th', { scope: 'col' }, tr('leader.count')))),
    h(
      'tbody',
      {},
      NOTICE_BUCKETS.map((bucket) => h('tr', { 'data-notice': bucket }, h('th', { scope: 'row' }, trKey(`leader.meetings.notice.${bucket}`)), h('td', { class: 'num' }, count(m.cancellations.byNotice[bucket])))),
      h('tr', { class: 'total' }, h('th', { scope: 'row' }, tr('leader.meetings.cancellationsTotal')), h('td', { class: 'num' }, count(m.cancellations.total))),
    ),
  );
  return section(
    'lead-meetings',
    tr('leader.meetings.title'),
    h('p', { class: 'small muted' }, tr('leader.meetings.help')),
    stats([
      [tr('leader.meetings.total'), count(m.total)],
      [tr('leader.meetings.held'), count(m.held)],
      [tr('leader.meetings.upcoming'), count(m.upcoming)],
      [tr('leader.meetings.cancelled'), count(m.cancelled)],
    ]),
    h('h3', {}, tr('leader.meetings.invitations')),
    stats([
      [tr('leader.meetings.sent'), count(m.invitations.sent)],
      [tr('leader.meetings.answered'), count(m.invitations.answered)],
      [tr('leader.meetings.unanswered'), count(m.invitations.unanswered)],
    ]),
    h('h3', {}, tr('leader.meetings.cancellations')),
    stats([[tr('leader.meetings.medianNotice'), hours(m.cancellations.medianNoticeHours)]]),
    noticeTable,
    h('h3', {}, tr('leader.meetings.attendance')),
    stats([
      [tr('leader.meetings.attendanceMeetings'), count(m.attendance.meetings)],
      [tr('leader.meetings.present'), count(m.attendance.present)],
      [tr('leader.meetings.absent'), count(m.attendance.absent)],
    ]),
  );
}

/**
 * The month-by-month chart: four bars per month, as plain SVG with a title and description, and
 * the same numbers as a table. A count under 5 has no height to draw: it is a dashed outline.
 */
function trendChart(trend: TrendMonth[], period: { from: string; to: string }): HTMLElement {
  const width = 720;
  const height = 260;
  const pad = { left: 44, right: 12, top: 16, bottom: 40 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const numeric = trend.flatMap((m) => TREND_SERIES.map((k) => m[k])).filter((v): v is number => typeof v === 'number');
  const max = Math.max(5, ...numeric);
  const group = innerW / Math.max(1, trend.length);
  const bar = Math.max(1.5, (group * 0.8) / TREND_SERIES.length);
  const y = (v: number) => pad.top + innerH - (innerH * v) / max;
  const titleId = uid('lead-trend-title');
  const descId = uid('lead-trend-desc');
  const step = trend.length > 24 ? 6 : trend.length > 12 ? 3 : trend.length > 8 ? 2 : 1;
  const ticks = [0, Math.round(max / 2), max];

  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart lead-chart', preserveAspectRatio: 'xMidYMid meet' },
    s('title', { id: titleId }, tr('leader.trend.title')),
    s('desc', { id: descId }, tr('leader.trend.desc', { from: monthLabel(period.from, 'long'), to: monthLabel(period.to, 'long') })),
    ticks.map((v) => [s('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }), s('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v))]),
    trend.map((m, i) => {
      const x0 = pad.left + i * group + group * 0.1;
      return s(
        'g',
        { class: 'month' },
        TREND_SERIES.map((k, j) => {
          const v = m[k];
          const x = x0 + j * bar;
          return typeof v === 'number'
            ? s('rect', { x, y: y(v), width: bar - 1, height: Math.max(0, pad.top + innerH - y(v)), class: `bar lead-s${j + 1}` })
            : s('rect', { x: x + 0.5, y: pad.top + innerH - 4, width: Math.max(1, bar - 2), height: 4, class: `bar suppressed lead-s${j + 1}` });
        }),
        i % step === 0 ? s('text', { x: pad.left + i * group + group / 2, y: height - 14, 'text-anchor': 'middle', class: 'axis' }, monthLabel(m.month)) : null,
      );
    }),
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    TREND_SERIES.map((k, j) => h('li', {}, s('svg', { viewBox: '0 0 14 14', width: 14, height: 14 }, s('rect', { x: 1, y: 1, width: 12, height: 12, class: `bar lead-s${j + 1}` })), ` ${trKey(`leader.trend.${k}`)}`)),
  );
  const table = h(
    'table',
    { class: 'trend-table' },
    h('caption', { class: 'vh' }, tr('leader.trend.title')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tr('leader.trend.month')), TREND_SERIES.map((k) => h('th', { scope: 'col' }, trKey(`leader.trend.${k}`))))),
    h(
      'tbody',
      {},
      trend.map((m) => h('tr', { 'data-month': m.month }, h('th', { scope: 'row' }, monthLabel(m.month, 'long')), TREND_SERIES.map((k) => h('td', { class: 'num' }, count(m[k]))))),
    ),
  );
  return h(
    'figure',
    { class: 'trend' },
    svg,
    h('figcaption', { class: 'small muted' }, tr('leader.trend.help')),
    legend,
    h('details', {}, h('summary', {}, tr('leader.trend.showTable')), table),
  );
}

function yourCases(data: LeaderOverview): Child[] {
  if (data.yourCases.length === 0) return [empty(tr('leader.yours.none'))];
  return [
    h(
      'ul',
      { class: 'case-list your-cases' },
      data.yourCases.map((c) => {
        const marks = [
          c.attention.overdueAgreements ? tr('leader.attention.overdueAgreements') : null,
          c.attention.inactive ? tr('leader.attention.inactive', { weeks: data.settings.inactiveWeeks }) : null,
          c.attention.consentPending ? tr('leader.attention.consentPending') : null,
          c.attention.openWarnings ? tr('leader.attention.openWarnings') : null,
        ].filter((m): m is string => !!m);
        return h(
          'li',
          { 'data-case': c.id },
          h('span', { class: 'name' }, c.title),
          c.childRef ? h('span', { class: 'muted' }, ` (${c.childRef})`) : null,
          h('div', { class: 'small' }, marks.length ? marks.map((m) => h('span', { class: 'badge' }, m)) : h('span', { class: 'muted' }, tr('leader.attention.none'))),
        );
      }),
    ),
  ];
}

function filtersForm(data: LeaderOverview, onApply: (query: URLSearchParams) => void): HTMLElement {
  const unit =
    data.units.length > 1
      ? h('select', { id: 'leader-unit', name: 'unit' }, data.units.map((u) => h('option', { value: u.id, selected: u.id === data.unit.id }, u.name)))
      : null;
  const team = h(
    'select',
    { id: 'leader-team', name: 'team' },
    h('option', { value: '' }, tr('leader.filter.allTeams')),
    data.places.map((p) => h('option', { value: p.id, selected: p.id === data.filters.team }, p.name)),
  );
  const from = h('input', { id: 'leader-from', name: 'from', type: 'month', value: data.filters.period.from, required: true, pattern: '\\d{4}-\\d{2}' });
  const to = h('input', { id: 'leader-to', name: 'to', type: 'month', value: data.filters.period.to, required: true, pattern: '\\d{4}-\\d{2}' });
  return h(
    'form',
    {
      class: 'filters',
      'aria-label': tr('leader.filter.label'),
      onsubmit: (event: Event) => {
        event.preventDefault();
        const query = new URLSearchParams();
        if (unit) query.set('unit', (unit as HTMLSelectElement).value);
        if (team.value) query.set('team', team.value);
        query.set('from', (from as HTMLInputElement).value);
        query.set('to', (to as HTMLInputElement).value);
        onApply(query);
      },
    },
    unit ? h('div', { class: 'field' }, h('label', { for: 'leader-unit' }, tr('leader.filter.unit')), unit) : null,
    h('div', { class: 'field' }, h('label', { for: 'leader-team' }, tr('leader.filter.team')), team),
    h('div', { class: 'field' }, h('label', { for: 'leader-from' }, tr('leader.filter.from')), from),
    h('div', { class: 'field' }, h('label', { for: 'leader-to' }, tr('leader.filter.to')), to),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'button primary', id: 'leader-apply' }, tr('leader.filter.apply'))),
  );
}

export async function renderLeader(root: HTMLElement, api: TabApi, query: URLSearchParams = new URLSearchParams(location.search), message?: string): Promise<void> {
  const forward = new URLSearchParams();
  for (const key of ['unit', 'team', 'from', 'to']) {
    const value = query.get(key);
    if (value) forward.set(key, value);
  }
  let data: LeaderOverview;
  try {
    const search = forward.toString();
    data = await api.get<LeaderOverview>(`/leader/overview${search ? `?${search}` : ''}`);
  } catch (error) {
    // Not a leader, a wrong filter, or the directory could not answer: said in the page's own words.
    replaceChildren(root, h('h1', {}, tr('leader.title')), errorBox(errorText(error)));
    return;
  }
  const a = data.aggregates;
  const status = statusRegion();
  const apply = (next: URLSearchParams) => {
    root.setAttribute('aria-busy', 'true');
    void renderLeader(root, api, next, tr('leader.filter.shown')).finally(() => root.setAttribute('aria-busy', 'false'));
  };
  const sections: Array<[string, string]> = [
    ['lead-cases', tr('leader.cases.title')],
    ['lead-agreements', tr('leader.agreements.title')],
    ['lead-overdue', tr('leader.overdue.title')],
    ['lead-tta', tr('leader.tta.title')],
    ['lead-inactive', tr('leader.inactive.title')],
    ['lead-consent', tr('leader.consent.title')],
    ['lead-meetings', tr('leader.meetings.title')],
    ['lead-assessment', tr('leader.assessment.title')],
    ['lead-trend', tr('leader.trend.title')],
    ['lead-yours', tr('leader.yours.title')],
  ];

  replaceChildren(
    root,
    h(
      'header',
      { class: 'case-header' },
      h('h1', {}, tr('leader.titleUnit', { unit: data.unit.name })),
      h('p', { class: 'muted' }, tr('leader.intro')),
      h('p', { class: 'small muted' }, tr('leader.generated', { date: formatDateTime(locale(), data.generatedAt) })),
    ),
    filtersForm(data, apply),
    status,
    h('nav', { class: 'sections', 'aria-label': tr('leader.nav') }, h('ul', {}, sections.map(([id, title]) => h('li', {}, h('a', { href: `#${id}` }, title))))),
    h(
      'div',
      { class: 'lead-grid' },
      section('lead-cases', tr('leader.cases.title'), stats([[tr('leader.cases.total'), count(a.cases.total)], [tr('leader.cases.open'), count(a.cases.open)], [tr('leader.cases.closed'), count(a.cases.closed)]])),
      section('lead-agreements', tr('leader.agreements.title'), agreementsTable(a.agreements)),
      section('lead-overdue', tr('leader.overdue.title'), stats([[tr('leader.overdue.total'), count(a.overdue.total)], [tr('leader.overdue.median'), days(a.overdue.medianDays)]]), overdueTable(a.overdue)),
      section(
        'lead-tta',
        tr('leader.tta.title'),
        stats([
          [tr('leader.tta.warnings'), count(a.timeToAction.warnings)],
          [tr('leader.tta.episodes'), count(a.timeToAction.episodes)],
          [tr('leader.tta.median'), days(a.timeToAction.medianDays)],
          [tr('leader.tta.awaiting'), count(a.timeToAction.awaiting)],
        ]),
      ),
      section('lead-inactive', tr('leader.inactive.title'), stats([[tr('leader.inactive.cases', { weeks: a.inactive.weeks }), count(a.inactive.cases)]])),
      section(
        'lead-consent',
        tr('leader.consent.title'),
        stats([
          [tr('leader.consent.requests', { days: a.consentPending.days }), count(a.consentPending.requests)],
          [tr('leader.consent.cases'), count(a.consentPending.cases)],
        ]),
      ),
    ),
    meetingsSection(a.meetings),
    section('lead-assessment', tr('leader.assessment.title'), stats([[tr('leader.assessment.cases'), count(a.assessment.cases)]]), assessmentTable(a.assessment)),
    section('lead-trend', tr('leader.trend.title'), trendChart(a.trend, data.filters.period)),
    section('lead-yours', tr('leader.yours.title'), h('p', { class: 'small muted' }, tr('leader.yours.help')), ...yourCases(data)),
  );
  if (message) status.textContent = message;
}
