#!/usr/bin/env node
// Makes sure Debian's Chromium is installed for the browser tests (test/browser/), which drive it
// with playwright-core. Never downloads a browser build of its own: it uses the distribution's
// package, installing it with apt-get when we run as root (CI runs as root on a clean machine).
//
// Usage: node scripts/ensure-chromium.mjs   (npm test runs it before jest)
// Set CHROMIUM_PATH to use another Chromium or Chrome binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const binary = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function works() {
  if (!existsSync(binary)) return false;
  const result = spawnSync(binary, ['--headless', '--no-sandbox', '--version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 && /chrom/i.test(result.stdout);
}

if (works()) {
  console.log(`[chromium] ${binary} is installed`);
  process.exit(0);
}
if (process.env.CHROMIUM_PATH) {
  console.error(`[chromium] CHROMIUM_PATH=${binary} does not run. Point it at a working Chromium or unset it.`);
  process.exit(1);
}
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || spawnSync('apt-get', ['--version']).status !== 0) {
  console.error('[chromium] /usr/bin/chromium is missing. Install it with "sudo apt-get install -y chromium" (Debian), or set CHROMIUM_PATH.');
  process.exit(1);
}
console.log('[chromium] installing Debian’s chromium package for the browser tests');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', 'chromium']]) {
  const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (result.status !== 0) {
    console.error(`[chromium] apt-get ${args.join(' ')} failed (exit ${result.status}).`);
    process.exit(1);
  }
}
if (!works()) {
  console.error('[chromium] chromium was installed but does not start.');
  process.exit(1);
}
console.log('[chromium] installed /usr/bin/chromium');
