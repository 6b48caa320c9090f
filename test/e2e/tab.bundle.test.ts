import { ENTRY_JS, bundle, measureBundle } from '../../tab/assets';

/** The tab's shipped JavaScript: small, and teams-js only where Teams needs it. */

test('our own browser code stays under 100 KB gzipped (teams-js excluded)', async () => {
  const sizes = await measureBundle();
  expect(sizes.ownJsGzip).toBeLessThan(100 * 1024);
  expect(sizes.totalJsGzip).toBeGreaterThan(sizes.ownJsGzip);
});

test('teams-js is loaded only by the Teams host, not by the first script every page runs', async () => {
  const files = await bundle();
  const entry = files.get(ENTRY_JS)!.toString('utf8');
  // teams-js fetches its list of valid host origins from the Office CDN when it loads.
  const teamsJsMarker = 'res.cdn.office.net';
  expect(entry).not.toContain(teamsJsMarker);
  const chunks = [...files].filter(([name]) => name !== ENTRY_JS && name.endsWith('.js'));
  expect(chunks.some(([, body]) => body.toString('utf8').includes(teamsJsMarker))).toBe(true);
  expect(entry).toMatch(/import\("\.\/[\w-]+\.js"\)/);
});
