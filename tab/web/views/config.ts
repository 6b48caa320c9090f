import type { CaseSummary } from '../../../core/services/overviewService';
import type { TabApi } from '../api';
import { h, replaceChildren } from '../dom';
import { ENTITY_PREFIX, type HostContext, type TabHost } from '../host';
import { tr } from '../i18n';
import { empty } from './parts';

/**
 * The configuration page, shown when the tab is added to a channel, group chat or meeting. It
 * binds the tab to the case of that conversation, or lets the user pick one of their cases.
 */
export async function renderConfig(root: HTMLElement, api: TabApi, host: TabHost, context: HostContext): Promise<void> {
  const query = context.conversationId ? `?conversationId=${encodeURIComponent(context.conversationId)}` : '';
  const { cases, bound } = await api.get<{ cases: CaseSummary[]; bound: CaseSummary | null }>(`/cases${query}`);
  const choices = bound ? [bound, ...cases.filter((c) => c.id !== bound.id)] : cases;
  let selected: CaseSummary | undefined = bound ?? (choices.length === 1 ? choices[0] : undefined);

  host.registerConfigSave(async () => {
    if (!selected) throw new Error(tr('tab.config.pickFirst'));
    const url = `${location.origin}/tab?caseId=${encodeURIComponent(selected.id)}`;
    return { entityId: `${ENTITY_PREFIX}${selected.id}`, contentUrl: url, websiteUrl: url, suggestedDisplayName: tr('tab.config.tabName') };
  });
  host.setConfigValid(!!selected);

  const options = choices.map((c) =>
    h(
      'div',
      { class: 'choice' },
      h('input', {
        type: 'radio',
        name: 'case',
        id: `case-${c.id}`,
        value: c.id,
        checked: c.id === selected?.id,
        onchange: () => {
          selected = c;
          host.setConfigValid(true);
        },
      }),
      h(
        'label',
        { for: `case-${c.id}` },
        h('strong', {}, c.title),
        c.childRef ? ` (${c.childRef})` : '',
        bound?.id === c.id ? h('span', { class: 'badge' }, tr('tab.config.thisConversation')) : null,
        c.status === 'closed' ? h('span', { class: 'badge' }, tr('case.status.closed')) : null,
      ),
    ),
  );

  replaceChildren(
    root,
    h('h1', {}, tr('tab.config.title')),
    bound ? h('p', {}, tr('tab.config.bound', { title: bound.title })) : h('p', {}, tr(choices.length ? 'tab.config.noBoundCase' : 'tab.config.none')),
    choices.length ? h('form', { onsubmit: (event: Event) => event.preventDefault() }, h('fieldset', {}, h('legend', {}, tr('tab.config.pick')), options)) : empty(tr('tab.config.howToCreate')),
    choices.length ? h('p', { class: 'muted' }, tr('tab.config.saveHint')) : null,
  );
}
