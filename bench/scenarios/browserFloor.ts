import { benchBrowser, coldLoad } from '../coldLoad';
import type { Scenario } from '../scenario';

const RENDERED_PAGE = 'data:text/html,<main id="app" data-ready="true"><p>Samspil</p></main>';

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
    await benchBrowser();
    return () => coldLoad(RENDERED_PAGE);
  },
};
