import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Actor } from '../../core/domain/case';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import { makeUser, TENANT_ID, type TestUser } from '../harness/activities';
import { axeViolations, launchBrowser, openTab, pageText, screenshot, settle } from '../harness/browser';
import { startTabTestApp, type TabTestApp } from '../harness/tabApp';

/**
 * The leader's overview page in headless Chromium through the fake host (a personal tab): content in
 * Danish and English, every theme, filters by keyboard, "< 5" where counts are small, axe-core with
 * no WCAG 2.1 A/AA violations; and the early warnings in a case's overview, reached by a deep link.
 */

jest.setTimeout(120_000);

const TEAM_A = '19:nord-a@thread.tacv2';
const TEAM_B = '19:nord-b@thread.tacv2';
const leader = makeUser('Lene Leder');
const teacher = makeUser('Ole Lærer');
const coordinator = makeUser('Mette Sagsbehandler');
const UNITS = [{ id: 'nord', name: 'Skoleområde Nord', leaders: [leader.aadObjectId], teams: [{ id: TEAM_A, name: 'Nordskolen' }, { id: TEAM_B, name: 'Bakkeskolen' }] }];

let t: TabTestApp;
let browser: Browser;
let context: BrowserContext;
let ownCase = '';

const actorOf = (u: TestUser): Actor => ({ userId: u.id, aadObjectId: u.aadObjectId, name: u.name });

beforeAll(async () => {
  t = await startTabTestApp(__filename, { env: { LEADER_UNITS: JSON.stringify(UNITS) } });
  const { core } = t.app;
  const c = actorOf(coordinator);
  // Six cases in Nordskolen, one in Bakkeskolen: each with a parent, an overdue agreement and a red observation.
  for (const [i, team] of [TEAM_A, TEAM_A, TEAM_A, TEAM_A, TEAM_A, TEAM_A, TEAM_B].entries()) {
    t.clock.setDaysAgo(40);
    const channel = `19:leader-browser-${i}-${randomUUID().slice(0, 6)}@thread.tacv2`;
    const kase = await core.cases.createCase(c, { conversationId: channel, channelId: channel, teamId: team, tenantId: TENANT_ID, kind: 'channel' }, { title: `Sag nummer ${i}`, childRef: `X${i}` });
    const parent = makeUser(`Forælder ${i}`);
    await core.members.add(c, kase._id, { userId: parent.id, aadObjectId: parent.aadObjectId, name: parent.name, role: 'parent' });
    if (i === 0) {
      ownCase = kase._id;
      await core.members.add(c, kase._id, { userId: leader.id, aadObjectId: leader.aadObjectId, name: leader.name, role: 'leader' });
      await core.members.decideConsent(actorOf(parent), kase._id, leader.id, 'approve');
    }
    const today = copenhagenDate(t.clock.now());
    const { agreement } = await core.agreements.propose(c, kase._id, { formId: randomUUID(), what: 'Aftale', ownerId: parent.id, dueDate: addDays(today, 5), followUpDate: addDays(today, 10) });
    await core.agreements.transition(actorOf(parent), kase._id, agreement._id, 'accepted');
    const { form } = await core.forms.open(c, kase._id, 'observation');
    await core.observations.create(c, kase._id, { formId: form._id, area: 'child_health', level: 'red', text: 'Hemmelig observation', professionalsOnly: true });
    // A meeting in each Nordskolen case 5 days later, which the parent accepts (issue #15).
    if (team === TEAM_A) {
      const { meeting } = await core.meetings.schedule(c, kase._id, { formId: randomUUID(), date: addDays(today, 5), time: '10:00', place: 'Hemmeligt mødelokale', participantIds: [parent.id] });
      await core.meetings.answer(actorOf(parent), kase._id, meeting._id, 'accepted');
    }
  }
  t.clock.reset();
  await t.app.settled();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
});
afterEach(async () => {
  await context.close();
});

function leaderUrl(user: TestUser, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ host: 'fake', context: 'personalTab', user: user.aadObjectId, name: user.name, ...extra });
  return `${t.url}/tab/leader?${params.toString()}#token=${encodeURIComponent(t.entra.token({ oid: user.aadObjectId, name: user.name }))}`;
}

/** The value beside a label in a section's figures (the label matched from its start). */
const cellOf = (page: Page, section: string, label: string) =>
  page.evaluate(
    ([id, start]) => Array.from(document.querySelectorAll(`#${id} .stat`)).find((s) => s.querySelector('dt')?.textContent?.startsWith(start))?.querySelector('dd')?.textContent ?? null,
    [section, label] as const,
  );

test('Danish, default theme: the unit’s aggregates with "< 5", the leader’s own case by name, no violations', async () => {
  const tab = await openTab(context, leaderUrl(leader));
  const { page } = tab;
  await settle(tab);
  expect(tab.problems).toEqual([]);
  expect(await page.locator('h1').innerText()).toBe('Ledelsesoverblik: Skoleområde Nord');
  expect(await cellOf(page, 'lead-cases', 'Sager i perioden')).toBe('7');
  // 7 open, 0 closed: the lone small cell would give itself away beside the total, so both are hidden.
  expect(await cellOf(page, 'lead-cases', 'Åbne ved periodens slutning')).toBe('< 5');
  expect(await cellOf(page, 'lead-overdue', 'Over fristen')).toBe('7');
  expect(await cellOf(page, 'lead-tta', 'Varsler om tidlig opmærksomhed i perioden')).toBe('7');
  expect(await cellOf(page, 'lead-tta', 'Typisk (median) tid')).toBe('For få til at vise');
  // 6 meetings, all held, 12 invitations all answered; nothing cancelled, so no median notice.
  expect(await cellOf(page, 'lead-meetings', 'Møder i alt')).toBe('6');
  expect(await cellOf(page, 'lead-meetings', 'Holdt')).toBe('6');
  expect(await cellOf(page, 'lead-meetings', 'Aflyst af tovholderen')).toBe('< 5');
  expect(await cellOf(page, 'lead-meetings', 'Sendt')).toBe('12');
  expect(await cellOf(page, 'lead-meetings', 'Typisk (median) varsel')).toBe('For få til at vise');
  expect(await page.locator('#lead-meetings tr[data-notice] td').allInnerTexts()).toEqual(['< 5', '< 5', '< 5']);
  expect(await page.locator('#lead-yours li').allInnerTexts()).toEqual([expect.stringMatching(/^Sag nummer 0 \(X0\)[\s\S]*Aftaler over fristen[\s\S]*Varsel venter/)]);
  expect(await page.locator('#lead-trend svg[role=img] title').textContent()).toBe('Udvikling per måned');
  const text = await pageText(page);
  for (let i = 1; i < 7; i++) expect(text).not.toContain(`Sag nummer ${i}`);
  expect(text).not.toContain('Hemmelig observation');
  expect(text).not.toContain('Hemmeligt mødelokale');
  // What the browser received: no count under 5 as a number.
  const overview = tab.api.find((r) => r.url.includes('/leader/overview'))!;
  expect(overview.status).toBe(200);
  expect(overview.body).not.toMatch(/"(total|open|closed|warnings|episodes|awaiting|requests|cases|rated|green|yellow|red|casesOpened|agreementsAccepted|roundsClosed|proposed|accepted|declined|done|cancelled|1-7|8-30|31-90|91\+|held|upcoming|sent|answered|unanswered|under24h|from24to72h|over72h|meetings|present|absent)":[0-4][,}]/);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'leader-default');

  for (const theme of ['dark', 'contrast'] as const) {
    await page.evaluate((th) => window.samspilFakeHost!.setTheme(th), theme);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `leader-${theme}`);
  }
});

test('English, by keyboard: choose a team and a period, and the overview follows', async () => {
  const tab = await openTab(context, leaderUrl(leader, { locale: 'en-US', theme: 'dark' }));
  const { page } = tab;
  expect(await page.locator('h1').innerText()).toBe("Leader's overview: Skoleområde Nord");
  expect(await page.locator('label[for=leader-team]').innerText()).toBe('Team');
  await page.locator('#leader-team').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await page.locator('#leader-team').inputValue()).toBe(TEAM_B);
  await page.locator('#leader-apply').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#app [role=status]')?.textContent === 'The overview has been updated.');
  expect(await cellOf(page, 'lead-cases', 'Cases in the period')).toBe('< 5');
  expect(await page.locator('#leader-team').inputValue()).toBe(TEAM_B);
  expect(await pageText(page)).toContain('You are not in any of the selected cases yourself.');
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'leader-en-team');
});

test('someone who leads no unit sees the refusal in words, and nothing else', async () => {
  const tab = await openTab(context, leaderUrl(teacher));
  const { page } = tab;
  expect(await page.locator('h1').innerText()).toBe('Ledelsesoverblik');
  expect(await page.locator('[role=alert]').innerText()).toBe('Du er ikke registreret som leder af en enhed i Samspil, så du kan ikke se ledelsesoverblikket.');
  expect(await axeViolations(page)).toEqual([]);
});

test('a case overview shows its early warnings to a professional, and a deep link brings the observation into view', async () => {
  const params = new URLSearchParams({ host: 'fake', context: 'channelTab', user: coordinator.aadObjectId, name: coordinator.name, caseId: ownCase });
  const observation = String((await t.app.database.db.collection('observations').findOne({ caseId: ownCase }))!._id);
  params.set('subEntity', `observation:${observation}`);
  const tab = await openTab(context, `${t.url}/tab?${params.toString()}#token=${encodeURIComponent(t.entra.token({ oid: coordinator.aadObjectId, name: coordinator.name }))}`);
  const { page } = tab;
  const warning = page.locator('#early-warnings li.warning');
  expect(await warning.count()).toBe(1);
  expect(await warning.locator('.reason').innerText()).toBe('En ny observation beskriver stærk bekymring (rød).');
  expect(await warning.locator('a').first().getAttribute('href')).toBe(`#observation-${observation}`);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe(`observation-${observation}`);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'overview-early-warning');
});
