import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Debian Chromium driven by playwright-core (never a downloaded browser).
 * `npm test` runs scripts/ensure-chromium.mjs first, which installs the package when missing.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/** Playwright gives every launch a fresh temporary --user-data-dir, removed when the browser closes. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true, timeout: 60_000 });
}

export type FrameContextName = 'config' | 'channelTab' | 'meetingChatTab' | 'meetingDetailsTab' | 'meetingSidePanel' | 'meetingStage';

export interface TabUrlOptions {
  user: { aadObjectId: string; name: string };
  context: FrameContextName;
  caseId?: string;
  conversation?: string;
  theme?: 'default' | 'dark' | 'contrast';
  locale?: string;
  token?: string;
  view?: 'minutes' | 'meetings';
}

/** A tab URL for the fake host: frame context, user, theme, locale, and the token in the fragment. */
export function tabUrl(base: string, o: TabUrlOptions): string {
  const params = new URLSearchParams({ host: 'fake', context: o.context, user: o.user.aadObjectId, name: o.user.name });
  if (o.caseId) params.set('caseId', o.caseId);
  if (o.conversation) params.set('conversation', o.conversation);
  if (o.theme) params.set('theme', o.theme);
  if (o.locale) params.set('locale', o.locale);
  if (o.view) params.set('view', o.view);
  const path = o.context === 'config' ? '/tab/config' : '/tab';
  return `${base}${path}?${params.toString()}${o.token ? `#token=${encodeURIComponent(o.token)}` : ''}`;
}

export interface ApiCapture {
  url: string;
  status: number;
  body: string;
}

export interface OpenedTab {
  page: Page;
  api: ApiCapture[];
  problems: string[];
  /** Milliseconds from navigation start until the view's content was on screen. */
  timeToContent: number;
}

/**
 * Opens a tab page and waits until its view has rendered (main[data-ready]). Every tab API
 * response is recorded, as are console errors, CSP violations and uncaught exceptions.
 */
export async function openTab(context: BrowserContext, url: string, { expectReady = 'true' }: { expectReady?: 'true' | 'error' } = {}): Promise<OpenedTab> {
  const page = await context.newPage();
  const api: ApiCapture[] = [];
  const problems: string[] = [];
  const pending: Array<Promise<void>> = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (!response.url().includes('/tab/api/')) return;
    const capture: ApiCapture = { url: response.url(), status: response.status(), body: '' };
    api.push(capture);
    // Chromium sometimes never hands over the body of a response the page has let go of; do not wait forever.
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('<body not available>'), 3_000));
    pending.push(Promise.race([response.text().catch(() => '<body not available>'), timeout]).then((body) => void (capture.body = body)));
  });
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector(`#app[data-ready="${expectReady}"]`, { timeout: 15_000 });
  const timeToContent = Date.now() - started;
  await Promise.all(pending);
  return { page, api, problems, timeToContent };
}

/** Waits for in-flight API responses to be recorded (e.g. the profile lookup after first paint). */
export async function settle(tab: OpenedTab): Promise<void> {
  await tab.page.waitForLoadState('networkidle').catch(() => undefined);
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** WCAG 2.1 AA violations found by axe-core, as readable lines (empty when the page passes). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's strict CSP needs no exception.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} – ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`);
  }, WCAG_TAGS);
  return violations;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ARTIFACTS, 'tab');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The visible text of the page. */
export const pageText = (page: Page): Promise<string> => page.evaluate(() => document.body.innerText);
