import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchBrowser, openTab, pageText, screenshot, settle, tabUrl, type FrameContextName, type OpenedTab } from '../harness/browser';
import type { TestUser } from '../harness/activities';
import { startTabTestApp, type TabTestApp } from '../harness/tabApp';
import { FAMILY_VISIBLE_TEXT, PARENT_TEXT, PROFESSIONALS_ONLY_TEXT, seedCase, type SeededCase } from '../harness/tabSeed';

/**
 * The tab in headless Debian Chromium, through the fake host: every page in every frame context,
 * for a professional and for a parent, in the default and dark themes, checked with axe-core
 * (WCAG 2.1 AA) and saved as screenshots under test-artifacts/tab/.
 */

jest.setTimeout(60_000);

let t: TabTestApp;
let shown: SeededCase;
let acted: SeededCase;
let browser: Browser;
let context: BrowserContext;

function photo(): Buffer {
  const png = new PNG({ width: 48, height: 48 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([30, 120, 90, 255], i);
  return PNG.sync.write(png);
}

beforeAll(async () => {
  t = await startTabTestApp(__filename);
  [shown, acted] = [await seedCase(t, 'Trivsel i 4.B'), await seedCase(t, 'Overgang til 5. klasse')];
  t.entra.graphUsers.set(shown.teacher.aadObjectId, { displayName: 'Jonas Lærer', photo: photo() });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
  // Offline and deterministic: the page may reach only the app itself.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
});
afterEach(async () => {
  await context.close();
});

const token = (user: TestUser) => t.entra.token({ oid: user.aadObjectId, name: user.name });

interface PageSpec {
  name: string;
  frame: FrameContextName;
  view?: 'minutes' | 'meetings';
  viewport: { width: number; height: number };
}

const PAGES: PageSpec[] = [
  { name: 'config', frame: 'config', viewport: { width: 800, height: 700 } },
  { name: 'channel-tab', frame: 'channelTab', viewport: { width: 1280, height: 900 } },
  { name: 'meeting-chat-tab', frame: 'meetingChatTab', viewport: { width: 1280, height: 900 } },
  { name: 'meeting-details-tab', frame: 'meetingDetailsTab', viewport: { width: 1280, height: 900 } },
  { name: 'side-panel', frame: 'meetingSidePanel', viewport: { width: 320, height: 800 } },
  { name: 'stage', frame: 'meetingStage', viewport: { width: 1600, height: 900 } },
  { name: 'minutes', frame: 'channelTab', view: 'minutes', viewport: { width: 1280, height: 900 } },
];

async function open(user: TestUser, spec: PageSpec, kase: SeededCase, extra: { theme?: 'default' | 'dark' | 'contrast'; locale?: string } = {}): Promise<OpenedTab> {
  await context.newPage().then((p) => p.close());
  const url = tabUrl(t.url, {
    user,
    context: spec.frame,
    caseId: spec.frame === 'config' ? undefined : kase.caseId,
    conversation: kase.channel,
    view: spec.view,
    token: token(user),
    ...extra,
  });
  const tab = await openTab(context, url);
  await tab.page.setViewportSize(spec.viewport);
  return tab;
}

const mainText = (page: Page) => page.locator('#app').innerText();

/** What each page must show; `professional` tells whether professionals-only content belongs there. */
async function expectContent(spec: PageSpec, page: Page, who: 'professional' | 'parent'): Promise<void> {
  const text = await mainText(page);
  switch (spec.name) {
    case 'config': {
      expect(await textOf(page.locator('h1'))).toBe('Knyt Samspil til en sag');
      expect(text).toContain('Denne samtale hører til sagen "Trivsel i 4.B". Fanen viser den sag.');
      expect(await page.locator(`input[type=radio][value="${shown.caseId}"]`).isChecked()).toBe(true);
      await page.locator('#fake-save').click();
      await page.waitForFunction(() => !!window.samspilFakeHost?.savedConfig);
      const saved = await page.evaluate(() => window.samspilFakeHost!.savedConfig!);
      expect(saved).toEqual({ entityId: `samspil-case:${shown.caseId}`, contentUrl: `${t.url}/tab?caseId=${shown.caseId}`, websiteUrl: `${t.url}/tab?caseId=${shown.caseId}`, suggestedDisplayName: 'Samspil' });
      return;
    }
    case 'channel-tab':
    case 'meeting-chat-tab':
    case 'meeting-details-tab': {
      expect(await textOf(page.locator('h1'))).toBe('Sag: Trivsel i 4.B');
      const members = await page.locator('#members li').allInnerTexts();
      expect(members.join('\n')).toMatch(/Mette Sagsbehandler[\s\S]*tovholder[\s\S]*Sagsbehandler/);
      expect(members.find((m) => m.includes('Karsten Træner'))).toContain('Samtykke: Afventer');
      expect(members.find((m) => m.includes('Jonas Lærer'))).toContain('Samtykke: Givet');
      expect(await page.locator('#agreements h3').allInnerTexts()).toEqual(['Foreslået (1)', 'Accepteret (2)', 'Udført (1)', 'Afvist (1)']);
      const overdue = page.locator('#agreements li.overdue');
      expect(await countOf(overdue, 1)).toBe(1);
      expect(await overdue.innerText()).toMatch(/Lektiehjælp to gange om ugen[\s\S]*Overskredet[\s\S]*Ansvarlig\s+Lise Forælder[\s\S]*Frist/);
      expect(await textOf(page.locator('#wellbeing svg[role=img] title'))).toBe('Trivsel over runder');
      expect(await page.locator('#wellbeing table.latest tbody tr').count()).toBe(4);
      expect(await page.locator('#wellbeing .trend-table thead th').allTextContents()).toEqual(['Område', 'Runde 1', 'Runde 2']);
      expect(text).toContain(FAMILY_VISIBLE_TEXT);
      expect(text).toContain(PARENT_TEXT);
      if (who === 'professional') {
        expect(text).toContain(PROFESSIONALS_ONLY_TEXT);
        // The teacher's photo comes from Graph (on behalf of the user) after the first paint.
        expect(await countOf(page.locator('li[data-member] img.avatar'), 1)).toBe(1);
      }
      return;
    }
    case 'side-panel': {
      expect(await textOf(page.locator('h1'))).toBe('Møde: Trivsel i 4.B');
      expect(await page.locator('#agenda li[data-agreement]').allInnerTexts()).toEqual([
        expect.stringContaining('Lektiehjælp to gange om ugen'),
        expect.stringContaining('Henvisning til PPR'),
        expect.stringContaining('Ugentligt møde med klasselæreren'),
      ]);
      expect(await page.locator('#consent').innerText()).toContain('Karsten Træner');
      expect(await countOf(page.locator('#decision form'), 1)).toBe(1);
      const doneButtons = await page.locator('#agenda button').allInnerTexts();
      // The parent owns the overdue homework agreement and answers the open proposal; the coordinator owns nothing that can be done yet.
      expect(doneButtons).toEqual(who === 'parent' ? ['Marker som udført', 'Accepter', 'Afvis'] : []);
      if (who === 'professional') expect(text).toContain(PROFESSIONALS_ONLY_TEXT);
      return;
    }
    case 'stage': {
      expect(await textOf(page.locator('h1'))).toBe('Samspil: Trivsel i 4.B');
      expect(text).toContain('Vises for alle i mødet, også familien.');
      expect(text).toContain('Lektiehjælp to gange om ugen');
      expect(text).toContain(FAMILY_VISIBLE_TEXT);
      expect(await page.locator('#app button, #app form, #app textarea, #app select').count()).toBe(0);
      expect(text).not.toContain(PROFESSIONALS_ONLY_TEXT);
      return;
    }
    case 'minutes': {
      expect(await textOf(page.locator('h1'))).toBe('Referat: Trivsel i 4.B');
      expect(text).toContain('Fra sagens start til');
      expect(await page.locator('#decisions li').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/^Skoleskift til efteråret – afvist · Lise Forælder/)]));
      expect(await countOf(page.locator('button', { hasText: 'Send referatet til sagens samtale' }), 1)).toBe(1);
      expect(text).not.toContain(PROFESSIONALS_ONLY_TEXT);
      return;
    }
  }
}

type Locator = ReturnType<Page['locator']>;

/** The first match's text, once it is there. */
async function textOf(locator: Locator): Promise<string | undefined> {
  await locator.first().waitFor({ state: 'attached', timeout: 5_000 });
  return (await locator.first().textContent())?.trim();
}

/** The number of matches, after giving late content (e.g. Graph photos) a moment to arrive. */
async function countOf(locator: Locator, wanted: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  while ((await locator.count()) !== wanted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return locator.count();
}

describe.each([
  ['professional', () => shown.coordinator],
  ['parent', () => shown.parent],
] as const)('as a %s', (who, user) => {
  test.each(PAGES.map((p) => [p.name, p] as const))('%s: content, privacy, accessibility in both themes, screenshots', async (_name, spec) => {
    const tab = await open(user(), spec, shown);
    const { page } = tab;
    await expectContent(spec, page, who);
    await settle(tab);
    expect(tab.problems).toEqual([]);

    if (who === 'parent') {
      const everything = tab.api.map((r) => r.body).join('\n');
      expect(tab.api.length).toBeGreaterThan(0);
      expect(everything).not.toContain(PROFESSIONALS_ONLY_TEXT);
      expect(everything).not.toContain('"professionals"');
      expect(await pageText(page)).not.toContain(PROFESSIONALS_ONLY_TEXT);
    }

    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `${spec.name}-${who}-default`);

    // Teams tells the page when the user switches theme; the page follows without reloading.
    await page.evaluate(() => window.samspilFakeHost!.setTheme('dark'));
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(31, 31, 31)');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `${spec.name}-${who}-dark`);
  });
});

describe('the meeting stage', () => {
  // The stage is a screen everyone in the meeting sees: a link asking for another view still shows only the stage.
  test.each(['minutes', 'meetings'] as const)('a stage link asking for the %s view shows the family-safe stage', async (view) => {
    const tab = await open(shown.coordinator, { ...PAGES[5]!, view }, shown);
    const { page } = tab;
    expect(await textOf(page.locator('h1'))).toBe('Samspil: Trivsel i 4.B');
    expect(await mainText(page)).toContain('Vises for alle i mødet, også familien.');
    expect(await page.locator('#app button, #app form, #app textarea, #app select').count()).toBe(0);
    await settle(tab);
    expect(tab.api.map((r) => new URL(r.url).pathname).filter((path) => /\/(minutes|meetings)$/.test(path))).toEqual([]);
    expect(tab.api.map((r) => r.body).join('\n')).not.toContain(PROFESSIONALS_ONLY_TEXT);
    expect(await pageText(page)).not.toContain(PROFESSIONALS_ONLY_TEXT);
  });
});

describe('themes and language from the host', () => {
  test('high contrast from the start, and English from the context locale', async () => {
    const tab = await open(shown.parent, PAGES[1]!, shown, { theme: 'contrast', locale: 'en-US' });
    const { page } = tab;
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await textOf(page.locator('h1'))).toBe('Case: Trivsel i 4.B');
    expect(await page.locator('#agreements h3').allInnerTexts()).toEqual(['Proposed (1)', 'Accepted (2)', 'Done (1)', 'Declined (1)']);
    expect(await mainText(page)).toContain('Overdue');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(0, 0, 0)');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'channel-tab-parent-contrast-en');
  });
});

describe('keyboard only', () => {
  async function tabTo(page: Page, matches: (el: { tag: string; text: string; label: string | null; id: string }) => boolean, limit = 60): Promise<void> {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return { tag: el?.tagName.toLowerCase() ?? '', text: el?.innerText ?? '', label: el?.getAttribute('aria-label') ?? null, id: el?.id ?? '' };
      });
      if (matches(focused)) return;
    }
    throw new Error('the element was not reachable with the Tab key');
  }

  test('a parent marks her overdue agreement done from the meeting side panel', async () => {
    const tab = await open(acted.parent, PAGES[4]!, acted);
    const { page } = tab;
    await tabTo(page, (el) => el.tag === 'button' && (el.label ?? '').includes('Lektiehjælp to gange om ugen'));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('er markeret som udført'));
    expect(await page.locator('.status').innerText()).toBe('Aftalen "Lektiehjælp to gange om ugen" er markeret som udført.');
    expect((await t.app.internals.agreementRepository.byId(acted.agreements.homework))?.status).toBe('done');
    expect(await page.locator('#agenda li[data-agreement]').allInnerTexts()).not.toEqual(expect.arrayContaining([expect.stringContaining('Lektiehjælp')]));
  });

  test('a professional records a decision as a proposed agreement with the keyboard', async () => {
    const tab = await open(acted.coordinator, PAGES[4]!, acted);
    const { page } = tab;
    await tabTo(page, (el) => el.id === 'decision-what');
    await page.keyboard.type('Besøg hos sundhedsplejersken');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    const owner = await page.locator('#decision-owner').inputValue();
    await tabTo(page, (el) => el.tag === 'button' && el.text === 'Gem som forslag til aftale');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('gemt som forslag'));
    expect(await page.locator('#agenda').innerText()).toContain('Besøg hos sundhedsplejersken');
    const stored = (await t.app.internals.agreementRepository.forCase(acted.caseId)).find((a) => a.what === 'Besøg hos sundhedsplejersken');
    expect(stored).toMatchObject({ status: 'proposed', ownerId: owner, proposedByName: 'Mette Sagsbehandler' });
    expect(owner).not.toBe(acted.coordinator.id);
  });

  test('the observation timeline is filtered with the keyboard, and the result is announced', async () => {
    const tab = await open(acted.coordinator, PAGES[1]!, acted);
    const { page } = tab;
    await tabTo(page, (el) => el.id === 'filter-area');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.querySelector('#observations .status')?.textContent === '1 observation vises.');
    expect(await page.locator('#filter-area').inputValue()).toBe('child_school');
    expect(await page.locator('#observations li[data-observation]').allInnerTexts()).toEqual([expect.stringContaining(FAMILY_VISIBLE_TEXT)]);
  });

  test('the minutes are sent to the case conversation with the keyboard, as a card without professionals-only content', async () => {
    const tab = await open(acted.coordinator, PAGES[6]!, acted);
    const { page } = tab;
    await tabTo(page, (el) => el.tag === 'button' && el.text === 'Send referatet til sagens samtale');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('Referatet er sendt'));
    const sent = await t.connector.waitFor(() => t.connector.sentActivities.find((c) => c.conversationId === acted.channel && String(c.activity.text ?? '').startsWith('Referat')));
    const card = JSON.stringify(sent.activity.attachments);
    expect(card).toContain('Referat: Overgang til 5. klasse');
    expect(card).not.toContain(PROFESSIONALS_ONLY_TEXT);
  });
});

describe('sign-in problems in the browser', () => {
  test.each([
    ['an expired token', () => t.entra.token({ oid: shown.parent.aadObjectId, expiresIn: -3600 })],
    ['a token from a tenant that is not allowed', () => t.entra.token({ oid: shown.parent.aadObjectId, tid: 'cccccccc-0000-4000-8000-000000000003' })],
    ['no Entra token (the fake host’s development token)', () => undefined],
  ])('%s: the page says so and shows nothing from the case', async (_label, makeToken) => {
    const url = tabUrl(t.url, { user: shown.parent, context: 'channelTab', caseId: shown.caseId, token: makeToken() });
    const tab = await openTab(context, url, { expectReady: 'error' });
    expect(await mainText(tab.page)).toContain('Din adgang kunne ikke bekræftes. Luk fanen, og åbn den igen.');
    expect(await pageText(tab.page)).not.toContain('Trivsel i 4.B');
    expect(tab.api.length).toBeGreaterThan(0);
    expect(tab.api.every((r) => r.status === 401 && r.body.startsWith('{"error":"unauthorized"'))).toBe(true);
    expect(tab.api.map((r) => r.body).join('')).not.toContain('Trivsel');
  });

  test('outside Teams without the fake host, the page says to open it in Teams at once instead of waiting', async () => {
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${t.url}/tab?caseId=${shown.caseId}`);
    await page.waitForSelector('#app[data-ready="error"]', { timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await mainText(page)).toContain('Åbn Samspil som en fane i Microsoft Teams.');
    expect(await pageText(page)).not.toContain('Trivsel i 4.B');
  });
});
