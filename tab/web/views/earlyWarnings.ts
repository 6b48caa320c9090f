import type { EarlyWarningView } from '../../../core/services/earlyWarningService';
import { inputLabel, warningReason, warningState } from '../../../core/i18n/earlyWarningText';
import { formatDateTime } from '../../../core/i18n/format';
import { h, type Child } from '../dom';
import { locale, tr, trKey } from '../i18n';
import { empty, section } from './parts';

/**
 * Early warnings in the case overview (docs/early-warning.md), for professionals only (the server
 * sends them to no one else): each says which rule fired and why, in words, with links to what set
 * it off on this page. Never a number or a score about the child.
 */
export function earlyWarningsSection(warnings: EarlyWarningView[], shownObservations: ReadonlySet<string>): HTMLElement {
  const items = warnings.map((w) => {
    const inputs = w.inputs.map((input): Child => {
      const label = inputLabel(locale(), input);
      if (input.kind === 'round') return h('li', {}, h('a', { href: '#wellbeing' }, label));
      return shownObservations.has(input.id) ? h('li', {}, h('a', { href: `#observation-${input.id}` }, label)) : h('li', {}, label, h('span', { class: 'muted' }, ` (${tr('earlyWarning.tab.notShown')})`));
    });
    return h(
      'li',
      { class: 'warning', 'data-warning': w.id, 'data-rule': w.rule, 'data-status': w.status },
      h('p', { class: 'reason' }, warningReason(locale(), w)),
      h('p', { class: 'small muted' }, `${tr('earlyWarning.tab.raised', { date: formatDateTime(locale(), w.raisedAt) })} · ${trKey(`earlyWarning.tab.status.${w.status}`)}`),
      warningState(locale(), w).map((line) => h('p', { class: 'small' }, line)),
      h('p', { class: 'small' }, tr('earlyWarning.tab.inputs')),
      h('ul', { class: 'small' }, inputs),
    );
  });
  return section('early-warnings', tr('earlyWarning.tab.title'), h('p', { class: 'small muted' }, tr('earlyWarning.tab.help')), items.length ? h('ul', { class: 'warnings' }, items) : empty(tr('earlyWarning.tab.none')));
}

/** Brings what a deep link points at into view (`observation:<id>`, `round:<id>`), once the page is drawn. */
export function focusSubPage(subPageId: string | undefined): void {
  if (!subPageId) return;
  const [kind, id] = subPageId.split(':');
  const target = kind === 'observation' && id ? document.getElementById(`observation-${id}`) : kind === 'round' ? document.getElementById('wellbeing') : null;
  if (!target) return;
  target.classList.add('focused');
  target.setAttribute('tabindex', '-1');
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
}
