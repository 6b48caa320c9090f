import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchBrowser, openTab, settle, tabUrl, type FrameContextName } from '../harness/browser';
import type { TestUser } from '../harness/activities';
import { FakeGraph } from '../harness/fakeGraph';
import { GRAPH_APP, meetingCase, newPeople, scheduleMeeting, startMeetingApp, TestClock, type MeetingPeople } from '../harness/meetingSeed';
import type { TestApp } from '../harness/testApp';
import type { CaseDriver } from '../harness/caseDriver';

/**
 * The meeting views of the tab in headless Chromium through the fake host (development tokens):
 * the list with the coordinator's form, one meeting for the coordinator (agenda editor, tools) and
 * for a parent (answering), and the upcoming meetings in the overview and the side panel, each
 * checked with axe-core (WCAG 2.1 AA).
 */

jest.setTimeout(90_000);

let graph: FakeGraph;
let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let p: MeetingPeople;
let d: CaseDriver;
let meetingId: string;

beforeAll(async () => {
  graph = await new FakeGraph().start();
  graph.registerApp(GRAPH_APP);
  // Real time: the page's date inputs and the server agree on "today".
  const clock = new TestClock(new Date());
  t = await startMeetingApp(__filename, graph, clock, { TAB_AUTH_MODE: 'dev' });
  p = newPeople('browser');
  d = await meetingCase(t, p, 'browser');
  const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  ({ meetingId } = await scheduleMeeting(d, p.coordinator, { date: inTenDays, time: '13:00', participants: [p.parent, p.teacher] }));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await graph?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
});
afterEach(async () => {
  await context.close();
});

async function open(user: TestUser, frame: FrameContextName, extra: Record<string, string> = {}): Promise<Page> {
  const url = new URL(tabUrl(t.app.url, { user, context: frame, caseId: d.caseId, conversation: d.channel }));
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  const tab = await openTab(context, url.toString());
  await settle(tab);
  expect(tab.problems).toEqual([]);
  return tab.page;
}

const waitForStatus = (page: Page, text: string) => page.waitForFunction((wanted) => Array.from(document.querySelectorAll('.status')).some((s) => s.textContent?.includes(wanted)), text);

test('the overview and the side panel list the upcoming meeting and link to it', async () => {
  for (const frame of ['channelTab', 'meetingSidePanel'] as const) {
    const page = await open(p.parent, frame);
    await page.locator('#meetings li[data-meeting]').first().waitFor();
    const row = await page.locator('#meetings li[data-meeting]').first().innerText();
    expect(row).toContain('kl. 13.00');
    expect(row).toContain('Dit svar: har ikke svaret');
    expect(await axeViolations(page)).toEqual([]);
  }
});

test('the coordinator schedules a meeting from the list and edits the agenda of one', async () => {
  const page = await open(p.coordinator, 'channelTab', { view: 'meetings' });
  expect(await page.locator('h1').innerText()).toContain('Møder i sagen');
  expect(await axeViolations(page)).toEqual([]);
  const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await page.locator('#meeting-schedule input[type=date]').fill(inTwoWeeks);
  await page.locator('#meeting-schedule input[type=time]').fill('09:30');
  await page.getByLabel('Sted (fx lokale og adresse)').fill('Rådhuset, mødelokale 1');
  await page.getByRole('button', { name: 'Planlæg mødet' }).click();
  await waitForStatus(page, 'Mødet er planlagt');
  expect(await page.locator('#meetings-upcoming li[data-meeting]').count()).toBe(2);
  expect(await t.app.database.db.collection('scheduledMeetings').countDocuments({ caseId: d.caseId })).toBe(2);

  const meeting = await open(p.coordinator, 'channelTab', { view: 'meeting', meetingId });
  expect(await meeting.locator('#meeting-participants').innerText()).toContain('invitation sendt');
  expect(await axeViolations(meeting)).toEqual([]);
  await meeting.getByLabel('Nyt punkt').fill('Barnets egne ønsker');
  await meeting.getByRole('button', { name: 'Tilføj punktet' }).click();
  await meeting.getByRole('button', { name: 'Gem dagsordenen' }).click();
  await waitForStatus(meeting, 'Dagsordenen er gemt');
  expect(await meeting.locator('#meeting-agenda').innerText()).toContain('Barnets egne ønsker');
  expect(await axeViolations(meeting)).toEqual([]);
});

test('a parent answers in the tab that she cannot come, with a reason only she and the coordinator see', async () => {
  const page = await open(p.parent, 'channelTab', { view: 'meeting', meetingId });
  expect(await page.locator('#meeting-answer').innerText()).toContain('Du har ikke svaret endnu.');
  expect(await page.locator('#meeting-tools').count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  await page.locator('#meeting-answer textarea').fill('Vi er bortrejst');
  await page.getByRole('button', { name: 'Jeg kan ikke' }).click();
  await waitForStatus(page, 'Dit svar er gemt');
  expect(await page.locator('#meeting-answer').innerText()).toContain('Du har svaret: Jeg kan ikke.');
  expect(await page.locator('#meeting-participants').innerText()).toContain('Begrundelse: Vi er bortrejst');
  await t.app.settled();
  const teacher = await open(p.teacher, 'channelTab', { view: 'meeting', meetingId });
  expect(await teacher.locator('#meeting-participants').innerText()).not.toContain('bortrejst');
});
