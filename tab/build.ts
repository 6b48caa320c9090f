/**
 * `npm run build:tab`: writes the tab's browser bundle to tab/public/ (gitignored), for deployments
 * that install without dev dependencies (esbuild). With NODE_ENV=production the server serves these
 * files; otherwise it builds the bundle in memory at start, so it is never stale.
 */
import { writeTabAssets } from './assets';

writeTabAssets().then(
  (files) => {
    for (const file of files) console.log(`tab/public/${file.name}  ${(file.bytes / 1024).toFixed(1)} KB (${(file.gzipBytes / 1024).toFixed(1)} KB gzipped)`);
  },
  (error: unknown) => {
    console.error('Building the tab failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
