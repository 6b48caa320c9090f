import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/harness/browser';

let browser: Promise<Browser> | undefined;

/** One headless Chromium per bench child, closed when the child exits. */
export function benchBrowser(): Promise<Browser> {
  if (!browser) {
    browser = launchBrowser();
    process.once('exit', () => void browser?.then((b) => b.close()));
  }
  return browser;
}

/**
 * A cold load: a fresh browser context (so no cache), from navigation until `#app[data-ready]` is
 * on the page. Throws when the view says it could not render (`data-ready="error"`).
 */
export async function coldLoad(url: string): Promise<void> {
  const context = await (await benchBrowser()).newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const ready = await page.waitForSelector('#app[data-ready]', { timeout: 30_000 });
    if ((await ready.getAttribute('data-ready')) !== 'true') throw new Error(`the page did not render: ${(await page.textContent('#app'))?.slice(0, 200)}`);
  } finally {
    await context.close();
  }
}
