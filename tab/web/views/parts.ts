import type { AgreementView, CaseHeader, MemberView, ObservationView, RoundView } from '../../../core/services/overviewService';
import { DECLINE_REASON_MAX } from '../../../core/domain/agreement';
import { levelOfAverage } from '../../../core/domain/earlyWarning';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS, type WellbeingLevel } from '../../../core/domain/scales';
import { ApiError, type TabApi } from '../api';
import { h, s, uid, type Child } from '../dom';
import { formatDay, formatScore, formatDateTime } from '../../../core/i18n/format';
import { locale, tr, trKey } from '../i18n';

/** Pieces shared by the overview, the meeting panel, the stage and the minutes. */

export const levelBadge = (level: WellbeingLevel): HTMLElement =>
  h('span', { class: `badge level level-${level}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), trKey(`level.${level}`));

export function caseHeader(kase: CaseHeader, titleKey: 'case.title' | 'tab.meeting.title' | 'tab.minutes.title' | 'tab.stage.title' = 'case.title'): HTMLElement {
  return h(
    'header',
    { class: 'case-header' },
    h('h1', {}, tr(titleKey, { title: kase.title })),
    h(
      'p',
      { class: 'muted' },
      `${tr('case.child')}: ${kase.childRef || tr('case.childUnknown')} · ${tr('case.coordinator')}: ${kase.coordinatorName || '–'} · ${tr('case.status')}: ${tr(kase.status === 'open' ? 'case.status.open' : 'case.status.closed')}`,
    ),
  );
}

export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  const headingId = `${id}-heading`;
  return h('section', { id, class: 'panel', 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), ...children);
}

export const empty = (text = tr('tab.none')) => h('p', { class: 'muted empty' }, text);

export function memberItem(m: MemberView, options: { showConsent: boolean }): HTMLElement {
  const initials = m.name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return h(
    'li',
    { class: 'member', 'data-member': m.userId },
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials),
    h(
      'div',
      {},
      h('span', { class: 'name' }, m.name),
      m.me ? h('span', { class: 'muted' }, ` (${tr('tab.you')})`) : null,
      m.coordinator ? h('span', { class: 'badge coordinator' }, tr('members.coordinatorMark')) : null,
      h('div', { class: 'muted small' }, trKey(`role.${m.role}`)),
      options.showConsent
        ? h(
            'div',
            { class: 'small' },
            `${tr('tab.members.consent')}: ${trKey(`consent.state.${m.consent}`)}`,
            m.status !== 'active' && m.status !== 'pending' ? ` · ${trKey(`member.status.${m.status}`)}` : '',
          )
        : null,
    ),
  );
}

/** Replaces initials with a photo and the stored name with the directory's, when Graph gave them. */
export function applyProfiles(root: HTMLElement, profiles: Record<string, { displayName?: string; photo?: string }>): void {
  for (const item of Array.from(root.querySelectorAll<HTMLElement>('[data-member]'))) {
    const profile = profiles[item.dataset.member ?? ''];
    if (!profile) continue;
    const avatar = item.querySelector('.avatar');
    if (profile.photo && avatar && /^data:image\/(jpeg|png);base64,/.test(profile.photo)) {
      avatar.replaceWith(h('img', { class: 'avatar', src: profile.photo, alt: '', width: 32, height: 32 }));
    }
    const name = item.querySelector('.name');
    if (profile.displayName && name) name.textContent = profile.displayName;
  }
}

export function agreementItem(a: AgreementView, actions: Child[] = []): HTMLElement {
  return h(
    'li',
    { class: `agreement${a.overdue ? ' overdue' : ''}`, 'data-agreement': a.id, 'data-status': a.status },
    h('p', { class: 'what' }, a.what),
    a.overdue ? h('span', { class: 'badge overdue-badge' }, tr('agreement.overdue')) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, tr('agreement.owner')),
      h('dd', {}, a.ownerName),
      h('dt', {}, tr('agreement.dueDate')),
      h('dd', {}, formatDay(locale(), a.dueDate)),
      h('dt', {}, tr('agreement.followUpDate')),
      h('dd', {}, formatDay(locale(), a.followUpDate)),
    ),
    a.lastChange?.reason ? h('p', { class: 'small muted' }, tr('agreement.reason', { reason: a.lastChange.reason })) : null,
    actions.length ? h('div', { class: 'actions' }, ...actions) : null,
  );
}

export const BOARD_COLUMNS = ['proposed', 'accepted', 'done', 'declined', 'cancelled'] as const;

export function agreementBoard(agreements: AgreementView[], actionsFor: (a: AgreementView) => Child[] = () => []): HTMLElement {
  const columns = BOARD_COLUMNS.filter((status) => status !== 'cancelled' || agreements.some((a) => a.status === 'cancelled'));
  return h(
    'div',
    { class: 'board' },
    columns.map((status) => {
      const items = agreements.filter((a) => a.status === status);
      const headingId = uid(`col-${status}`);
      return h(
        'section',
        { class: `column column-${status}`, 'aria-labelledby': headingId },
        h('h3', { id: headingId }, `${trKey(`tab.board.${status}`)} (${items.length})`),
        items.length ? h('ul', { class: 'cards' }, items.map((a) => agreementItem(a, actionsFor(a)))) : empty(),
      );
    }),
  );
}

export function observationItem(o: ObservationView): HTMLElement {
  return h(
    'li',
    { class: `observation level-edge-${o.level}`, id: `observation-${o.id}`, 'data-observation': o.id, 'data-visibility': o.professionalsOnly ? 'professionals' : 'all' },
    h('div', { class: 'meta small muted' }, h('time', { datetime: o.createdAt }, formatDateTime(locale(), o.createdAt)), ` · ${o.authorName}, ${trKey(`role.${o.authorRole}`)}`),
    h('div', { class: 'tags' }, levelBadge(o.level), h('span', { class: 'badge area' }, trKey(`ics.${o.area}`)), o.sosColumn ? h('span', { class: 'badge sos' }, trKey(`sos.${o.sosColumn}`)) : null),
    o.professionalsOnly ? h('span', { class: 'badge private' }, tr('observation.professionalsOnly')) : null,
    h('p', { class: 'text' }, o.text),
  );
}

export const observationList = (observations: ObservationView[]): HTMLElement =>
  observations.length ? h('ul', { class: 'observations' }, observations.map(observationItem)) : empty(tr('tab.observations.empty'));

function changeText(change: number | null): string {
  if (change === null) return tr('summary.change.none');
  if (change < 0) return tr('summary.change.better');
  if (change > 0) return tr('summary.change.worse');
  return tr('summary.change.same');
}

/** The latest closed round, area by area: the joint level, the spread of answers, the change. */
export function latestAssessment(round: RoundView): HTMLElement {
  return h(
    'table',
    { class: 'latest' },
    h('caption', {}, tr('tab.wellbeing.latest', { number: round.roundNumber, count: round.respondents })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, tr('tab.wellbeing.area')),
        h('th', { scope: 'col' }, tr('tab.wellbeing.joint')),
        h('th', { scope: 'col' }, tr('tab.wellbeing.spread')),
        h('th', { scope: 'col' }, tr('tab.wellbeing.change')),
      ),
    ),
    h(
      'tbody',
      {},
      round.areas.map((area) =>
        h(
          'tr',
          { 'data-area': area.area },
          h('th', { scope: 'row' }, trKey(`area.${area.area}`)),
          h('td', {}, area.average === null ? '–' : [levelBadge(levelOfAverage(area.average)), ` ${formatScore(locale(), area.average)}`]),
          h(
            'td',
            { class: 'spread' },
            WELLBEING_LEVELS.map((level) =>
              h('span', { class: `count level-${level}`, title: trKey(`level.${level}`) }, h('span', { class: 'vh' }, `${trKey(`level.${level}`)}: `), h('span', { class: 'dot', 'aria-hidden': 'true' }), String(area.counts[level])),
            ),
          ),
          h('td', {}, changeText(area.changeSincePrevious), area.disagreement ? h('div', { class: 'small warn' }, tr('summary.disagreement')) : null),
        ),
      ),
    ),
  );
}

const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;

function marker(kind: (typeof MARKERS)[number], x: number, y: number, cls: string): SVGElement {
  if (kind === 'circle') return s('circle', { cx: x, cy: y, r: 5, class: cls });
  if (kind === 'square') return s('rect', { x: x - 4.5, y: y - 4.5, width: 9, height: 9, class: cls });
  if (kind === 'triangle') return s('polygon', { points: `${x},${y - 6} ${x + 6},${y + 5} ${x - 6},${y + 5}`, class: cls });
  return s('polygon', { points: `${x},${y - 6} ${x + 6},${y} ${x},${y + 6} ${x - 6},${y}`, class: cls });
}

/**
 * The trend over rounds as an inline SVG line chart (one line and marker shape per area, so it
 * reads without colour), with a text alternative: a title and description, and the same numbers
 * as a table.
 */
export function trendChart(rounds: RoundView[]): HTMLElement {
  const width = 640;
  const height = 240;
  const pad = { left: 150, right: 50, top: 20, bottom: 40 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (rounds.length === 1 ? innerW / 2 : (innerW * i) / (rounds.length - 1));
  const y = (score: number) => pad.top + (innerH * score) / 2;
  const titleId = uid('trend-title');
  const descId = uid('trend-desc');

  const grid = WELLBEING_LEVELS.map((level, score) => [
    s('line', { x1: pad.left, x2: width - pad.right, y1: y(score), y2: y(score), class: 'grid' }),
    s('text', { x: pad.left - 8, y: y(score) + 4, 'text-anchor': 'end', class: 'axis' }, trKey(`tab.chart.level.${level}`)),
  ]);
  const xLabels = rounds.map((r, i) => s('text', { x: x(i), y: height - 12, 'text-anchor': 'middle', class: 'axis' }, tr('tab.wellbeing.round', { number: r.roundNumber })));
  const series = ASSESSMENT_AREAS.map((area, index) => {
    const points = rounds.flatMap((r, i) => {
      const average = r.areas.find((a) => a.area === area)?.average;
      return average === null || average === undefined ? [] : [[x(i), y(average)] as const];
    });
    return s(
      'g',
      { class: `series series-${index + 1}` },
      points.length > 1 ? s('polyline', { points: points.map(([px, py]) => `${px},${py}`).join(' '), class: 'line' }) : null,
      points.map(([px, py]) => marker(MARKERS[index]!, px, py, 'point')),
    );
  });

  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart', preserveAspectRatio: 'xMidYMid meet' },
    s('title', { id: titleId }, tr('tab.wellbeing.trend')),
    s('desc', { id: descId }, trendDescription(rounds)),
    grid,
    xLabels,
    series,
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    ASSESSMENT_AREAS.map((area, index) => {
      const key = s('svg', { viewBox: '0 0 16 16', width: 16, height: 16, class: `series series-${index + 1}` }, marker(MARKERS[index]!, 8, 8, 'point'));
      return h('li', {}, key, ` ${trKey(`area.${area}`)}`);
    }),
  );
  const table = h(
    'table',
    { class: 'trend-table' },
    h('caption', { class: 'vh' }, tr('tab.wellbeing.trend')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tr('tab.wellbeing.area')), rounds.map((r) => h('th', { scope: 'col' }, tr('tab.wellbeing.round', { number: r.roundNumber }))))),
    h(
      'tbody',
      {},
      ASSESSMENT_AREAS.map((area) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, trKey(`area.${area}`)),
          rounds.map((r) => {
            const average = r.areas.find((a) => a.area === area)?.average;
            return h('td', {}, average === null || average === undefined ? '–' : formatScore(locale(), average));
          }),
        ),
      ),
    ),
  );
  return h(
    'figure',
    { class: 'trend' },
    svg,
    h('figcaption', { class: 'small muted' }, tr('tab.wellbeing.chartHelp')),
    legend,
    h('details', {}, h('summary', {}, tr('tab.wellbeing.showTable')), table),
  );
}

function trendDescription(rounds: RoundView[]): string {
  const first = rounds[0];
  const last = rounds.at(-1);
  if (!first || !last) return '';
  return ASSESSMENT_AREAS.map((area) => {
    const from = first.areas.find((a) => a.area === area)?.average;
    const to = last.areas.find((a) => a.area === area)?.average;
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : formatScore(locale(), v));
    return tr('tab.wellbeing.describeArea', { area: trKey(`area.${area}`), from: fmt(from), to: fmt(to), first: first.roundNumber, last: last.roundNumber });
  }).join(' ');
}

export function wellbeing(rounds: RoundView[]): Child[] {
  const latest = rounds.at(-1);
  if (!latest) return [empty(tr('tab.wellbeing.none'))];
  return [latestAssessment(latest), rounds.length > 0 ? trendChart(rounds) : null];
}

export function statusRegion(): HTMLElement {
  return h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
}

export function errorBox(message: string): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, message);
}

/** What to tell the user about a failed call: the server's refusal in their language, or the general error. */
export const errorText = (error: unknown): string => (error instanceof ApiError ? error.message : tr('error.internal'));

/**
 * Runs an action from a button or a form: its buttons off while it runs, then `after` (usually a
 * redraw); a refusal is shown in `status` and the buttons come back.
 */
export function act(status: HTMLElement, run: () => Promise<unknown>, after: () => Promise<void>) {
  return async (event: Event): Promise<void> => {
    event.preventDefault();
    const control = event.currentTarget as HTMLElement;
    const buttons = control instanceof HTMLFormElement ? Array.from(control.querySelectorAll('button')) : [control as HTMLButtonElement];
    buttons.forEach((b) => (b.disabled = true));
    try {
      await run();
      await after();
    } catch (error) {
      buttons.forEach((b) => (b.disabled = false));
      status.textContent = errorText(error);
    }
  };
}

/**
 * The buttons a person may use on an agreement in the tab: mark done (the owner), accept or
 * decline (a guardian; declining asks for a reason). The server decides again on every click.
 */
export function agreementActions(a: AgreementView, api: TabApi, casePath: string, after: (message: string) => Promise<void>, status: HTMLElement): Child[] {
  const step = (verb: 'done' | 'accept' | 'decline', message: string, body: Record<string, unknown> = {}) =>
    act(
      status,
      () => api.post(`${casePath}/agreements/${encodeURIComponent(a.id)}/${verb}`, body),
      () => after(message),
    );
  const button = (label: string, onclick: (event: Event) => void, primary = false) =>
    h('button', { type: 'button', class: primary ? 'button primary' : 'button', 'aria-label': `${label}: ${a.what}`, onclick }, label);
  const actions: Child[] = [];
  if (a.canMarkDone) actions.push(button(tr('agreement.done'), step('done', tr('tab.meeting.markedDone', { what: a.what })), true));
  if (a.canAccept) actions.push(button(tr('agreement.accept'), step('accept', tr('tab.agreements.accepted', { what: a.what })), true));
  if (a.canDecline) {
    const reasonId = uid('decline-reason');
    const reason = h('input', { id: reasonId, name: 'reason', required: true, maxlength: DECLINE_REASON_MAX });
    const form = h(
      'form',
      { class: 'decline', onsubmit: (event: Event) => void step('decline', tr('tab.agreements.declined', { what: a.what }), { reason: reason.value })(event) },
      h('label', { for: reasonId }, tr('agreement.declineReason')),
      reason,
      h('button', { type: 'submit', class: 'button' }, tr('agreement.decline')),
    );
    actions.push(form);
  }
  return actions;
}
