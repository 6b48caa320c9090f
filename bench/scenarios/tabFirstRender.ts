import { measureBundle } from '../../tab/assets';
import { tabUrl } from '../../test/harness/browser';
import { benchBrowser, coldLoad } from '../coldLoad';
import type { Scenario } from '../scenario';
import { devToken, seedLargeCase } from './tabOverview';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * The tab's first render in headless Debian Chromium: one request is a cold load (a fresh browser
 * context, so no cache) of the case overview of the large case, from navigation until the view's
 * content is on screen (main[data-ready]). Run it alone with `--concurrency 1` for the time a
 * single user waits; under the default concurrency it is the time under that many parallel loads.
 * It also prints the shipped JavaScript, gzipped.
 */
export const scenario: Scenario = {
  name: 'tab-first-render',
  description: 'cold load of the case overview page (large case) in headless Chromium, until its content is rendered',
  target: 'app',
  maxRequests: { warmup: 3, requests: 30 },
  // Issue #11: a cold first render within 1.5 s (run alone with --concurrency 1 for one user's wait).
  absolute: { p50Ms: 1500, floor: ['browser-floor'] },
  appEnv: { TAB_AUTH_MODE: 'dev' },
  async prepare({ baseUrl, db, runId }) {
    const sizes = await measureBundle();
    process.stdout.write(
      `[shipped JS, gzipped: ${kb(sizes.totalJsGzip)} in Teams (our own code ${kb(sizes.ownJsGzip)}, teams-js the rest); ` +
        `${kb(sizes.entryJsGzip)} before the host is known; CSS ${kb(sizes.cssGzip)}] `,
    );
    const seeded = await seedLargeCase(db, runId);
    await benchBrowser();
    const user = { aadObjectId: seeded.coordinator.oid, name: seeded.coordinator.name };
    const url = tabUrl(baseUrl, { user, context: 'channelTab', caseId: seeded.caseId, token: devToken(user.aadObjectId, user.name) });
    return () => coldLoad(url);
  },
};
