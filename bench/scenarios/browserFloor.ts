import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../test/harness/browser';
import type { Scenario } from '../scenario';

let browser: Browser | undefined;
process.once('exit', () => void browser?.close());

/**
 * The floor for `tab-first-render`: the same cold load (a fresh browser context, so no cache) of a
 * page that is already rendered, with no script, no sign-in and no server. What is left of
 * `tab-first-render` above it is the tab's own: its script, its API calls and its layout.
 */
export const scenario: Scenario = {
  name: 'browser-floor',
  description: 'cold load of an already rendered one-line page in headless Chromium (the floor of tab-first-render)',
  target: 'direct',
  maxRequests: { warmup: 3, requests: 30 },
  async prepare() {
    browser = await launchBrowser();
    return async () => {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto('data:text/html,<main id="app" data-ready="true"><p>Samspil</p></main>', { waitUntil: 'commit' });
        await page.waitForSelector('#app[data-ready]', { timeout: 30_000 });
      } finally {
        await context.close();
      }
    };
  },
};
