import type { CaseSummary } from '../../core/services/overviewService';
import { TabApi } from './api';
import { h, replaceChildren } from './dom';
import { FakeHost } from './fakeHost';
import { caseIdFromEntity, type HostContext, type TabHost, type Theme } from './host';
import { setLocale, tr } from './i18n';
import { renderConfig } from './views/config';
import { renderMeetingPanel } from './views/meeting';
import { focusSubPage } from './views/earlyWarnings';
import { renderLeader } from './views/leader';
import { meetingLinks, renderMeeting, renderMeetings } from './views/meetings';
import { renderMinutes } from './views/minutes';
import { renderOverview } from './views/overview';
import { empty, errorBox, errorText } from './views/parts';
import { renderStage } from './views/stage';

/**
 * The tab's entry point. One bundle serves every page: the configuration page, and the content
 * page whose view follows the frame context (content tab, meeting side panel, meeting stage).
 */

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  const fakeThemeSelect = document.getElementById('fake-theme') as HTMLSelectElement | null;
  if (fakeThemeSelect) fakeThemeSelect.value = theme;
}

/** A link to another view of the same page, keeping the fake host's parameters. */
function viewLink(params: Record<string, string | undefined>): string {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

function fakeHostToolbar(host: FakeHost, context: HostContext, configPage: boolean): HTMLElement {
  const themes: Theme[] = ['default', 'dark', 'contrast'];
  const select = h(
    'select',
    { id: 'fake-theme', onchange: (event: Event) => host.controls.setTheme((event.target as HTMLSelectElement).value as Theme) },
    themes.map((theme) => h('option', { value: theme, selected: theme === context.theme }, tr(`tab.fake.theme.${theme}`))),
  );
  const save = configPage
    ? h(
        'button',
        {
          type: 'button',
          id: 'fake-save',
          class: 'button primary',
          disabled: !host.controls.configValid,
          onclick: async () => {
            const saved = await host.controls.save().catch(() => undefined);
            savedNote.textContent = saved ? tr('tab.fake.saved', { url: saved.contentUrl }) : '';
          },
        },
        tr('tab.fake.save'),
      )
    : null;
  const savedNote = h('span', { class: 'small', role: 'status' });
  document.addEventListener('samspil:config-valid', (event) => {
    if (save) save.disabled = !(event as CustomEvent<boolean>).detail;
  });
  return h(
    'aside',
    { class: 'fake-host', 'aria-label': tr('tab.fake.label') },
    h('span', { class: 'small' }, `${tr('tab.fake.label')}: ${context.frameContext}`),
    h('label', { for: 'fake-theme', class: 'small' }, tr('tab.fake.themeLabel')),
    select,
    save,
    savedNote,
  );
}

/** `known`: the cases `route` already fetched, so the list is not fetched twice. */
async function renderCasePicker(root: HTMLElement, api: TabApi, context: HostContext, known?: CaseSummary[]): Promise<void> {
  const query = context.conversationId ? `?conversationId=${encodeURIComponent(context.conversationId)}` : '';
  const cases = known ?? (await api.get<{ cases: CaseSummary[] }>(`/cases${query}`)).cases;
  replaceChildren(
    root,
    h('h1', {}, tr('tab.picker.title')),
    cases.length
      ? h('ul', { class: 'case-list' }, cases.map((c) => h('li', {}, h('a', { href: viewLink({ caseId: c.id, view: undefined }) }, c.title), c.childRef ? ` (${c.childRef})` : '')))
      : empty(tr('tab.config.howToCreate')),
  );
}

async function route(root: HTMLElement, host: TabHost, api: TabApi, context: HostContext): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (document.body.dataset.page === 'config' || context.frameContext === 'settings') return renderConfig(root, api, host, context);
  // The leader's overview: its own page (a personal tab), across cases (docs/leader.md).
  if (document.body.dataset.page === 'leader' || params.get('view') === 'leader') return renderLeader(root, api, params);

  let caseId = params.get('caseId') ?? caseIdFromEntity(context.entityId);
  let cases: CaseSummary[] | undefined;
  if (!caseId && context.conversationId) {
    const answer = await api.get<{ cases: CaseSummary[]; bound: CaseSummary | null }>(`/cases?conversationId=${encodeURIComponent(context.conversationId)}`);
    caseId = answer.bound?.id;
    cases = answer.cases;
  }
  if (!caseId) return renderCasePicker(root, api, context, cases);

  // The meeting stage is a shared screen that everyone in the meeting sees, the family too: only
  // the family-safe stage view is ever drawn there, whatever view the link asks for.
  if (context.frameContext === 'meetingStage') return renderStage(root, api, caseId);

  const view = params.get('view');
  const minutesLink = viewLink({ view: 'minutes' });
  const backLink = viewLink({ view: undefined });
  // Case meetings (tab/web/views/meetings.ts); minutes written for a meeting are tied to it.
  const meetingId = params.get('meetingId') ?? undefined;
  if (view === 'meetings') return renderMeetings(root, api, caseId, meetingLinks());
  if (view === 'meeting' && meetingId) return renderMeeting(root, api, caseId, meetingId, meetingLinks());
  if (view === 'minutes') return renderMinutes(root, api, caseId, { back: meetingId ? meetingLinks().meeting(meetingId) : backLink }, meetingId);
  if (context.frameContext === 'sidePanel') return renderMeetingPanel(root, api, caseId, { minutes: minutesLink });
  await renderOverview(root, api, caseId, { minutes: minutesLink });
  // A deep link (an early-warning card) may point at one observation or round.
  focusSubPage(context.subPageId);
}

async function start(): Promise<void> {
  const root = document.getElementById('app') as HTMLElement;
  const fake = new URLSearchParams(location.search).get('host') === 'fake';
  let host: TabHost | undefined;
  let context: HostContext;
  try {
    // teams-js is loaded only for Teams; the fake host never touches it.
    host = fake ? new FakeHost(location) : new (await import('./teamsHost')).TeamsHost();
    context = await host.init();
  } catch {
    // teams-js rejects at once in a top-level page: this is a browser, not Teams.
    setLocale(navigator.language);
    replaceChildren(root, h('h1', {}, tr('tab.placeholder.title')), h('p', {}, tr('tab.error.notInTeams')));
    root.setAttribute('aria-busy', 'false');
    root.dataset.ready = 'error';
    return;
  }

  applyTheme(context.theme);
  host.onThemeChange(applyTheme);
  setLocale(context.locale);
  document.body.dataset.frameContext = context.frameContext;
  if (host instanceof FakeHost) document.body.prepend(fakeHostToolbar(host, context, document.body.dataset.page === 'config' || context.frameContext === 'settings'));

  const api = new TabApi(host);
  try {
    await route(root, host, api, context);
    root.dataset.ready = 'true';
  } catch (error) {
    replaceChildren(root, h('h1', {}, tr('tab.placeholder.title')), errorBox(errorText(error)));
    root.dataset.ready = 'error';
  } finally {
    root.setAttribute('aria-busy', 'false');
    host.notifyLoaded();
  }
}

void start();
