import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import type { TestUser } from '../harness/activities';
import { axeViolations, launchBrowser, openTab, screenshot, tabUrl } from '../harness/browser';
import { startTabTestApp, type TabTestApp } from '../harness/tabApp';
import { PARENT_TEXT, PROFESSIONALS_ONLY_TEXT, seedCase, type SeededCase } from '../harness/tabSeed';

/**
 * Issue #12, part 3, in the tab: the coordinator downloads a member's data (GDPR art. 15) from the
 * member list, in headless Debian Chromium through the fake host; nobody else sees the button.
 */

jest.setTimeout(60_000);

let t: TabTestApp;
let s: SeededCase;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  t = await startTabTestApp(__filename);
  s = await seedCase(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', acceptDownloads: true });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
});
afterEach(async () => {
  await context.close();
});

const open = (user: TestUser) =>
  openTab(context, tabUrl(t.url, { user, context: 'channelTab', caseId: s.caseId, conversation: s.channel, token: t.entra.token({ oid: user.aadObjectId, name: user.name }) }));

test("the coordinator downloads a member's data as the Danish summary with the data attached; the page stays accessible", async () => {
  const { page, problems } = await open(s.coordinator);
  const buttons = page.locator('#members [data-gdpr-export]');
  expect(await buttons.count()).toBe(4);
  const parentButton = page.locator(`#members [data-gdpr-export="${s.parent.id}"]`);
  expect(await parentButton.getAttribute('aria-label')).toBe('Hent indsigt i oplysningerne om Lise Forælder (GDPR)');
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'gdpr-members-coordinator');

  const [download] = await Promise.all([page.waitForEvent('download'), parentButton.click()]);
  expect(download.suggestedFilename()).toMatch(/^samspil-indsigt-P-[0-9a-f]{12}-\d{4}-\d{2}-\d{2}\.html$/);
  const html = readFileSync((await download.path())!, 'utf8');
  expect(html).toContain('<h1>Indsigt i oplysninger i Samspil</h1>');
  expect(html).toContain(PARENT_TEXT);
  expect(html).not.toContain(PROFESSIONALS_ONLY_TEXT);
  expect(html).toContain('Oplysninger, der kun er for fagpersoner, er ikke medtaget');
  await page.waitForFunction(() => document.querySelector('#members .status')?.textContent?.includes('er hentet som fil'));
  expect(await page.locator('#members .status').textContent()).toBe('Indsigten i oplysningerne om Lise Forælder er hentet som fil.');
  expect(problems).toEqual([]);

  const exports = (await t.app.internals.accessLog.all(s.caseId)).filter((e) => e.part === 'gdpr.export');
  expect(exports.map((e) => [e.actorName, e.surface])).toEqual([['Mette Sagsbehandler', 'gdpr']]);
});

test('a member who is not the coordinator sees no such button', async () => {
  for (const user of [s.teacher, s.parent]) {
    const { page } = await open(user);
    expect(await page.locator('#members li[data-member]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-gdpr-export]').count()).toBe(0);
    await page.close();
  }
});
