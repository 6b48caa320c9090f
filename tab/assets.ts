import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The browser code and styles of the tab, bundled by esbuild from tab/web/. */
export interface TabAssets {
  /** Every file under /tab/assets/, by name. The entry is samspil-tab.js; chunks carry a hash in their names. */
  files: Map<string, { body: Buffer; type: string }>;
  /** Content hashes of the entry files, used as cache-busting query strings. */
  jsHash: string;
  cssHash: string;
}

export const WEB_DIR = join(__dirname, 'web');
export const PUBLIC_DIR = join(__dirname, 'public');
export const ENTRY_JS = 'samspil-tab.js';
export const ENTRY_CSS = 'samspil-tab.css';
const ENTRY = join(WEB_DIR, 'main.ts');
const STYLES = join(WEB_DIR, 'styles.css');
const JS_TYPE = 'text/javascript; charset=utf-8';
const CSS_TYPE = 'text/css; charset=utf-8';

const hash = (data: Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 12);

interface BuildOptions {
  minify?: boolean;
  /** Leave @microsoft/teams-js out, to measure our own code. */
  withoutTeamsJs?: boolean;
}

/**
 * Bundles with esbuild's API, in memory, as ES modules split into chunks: teams-js is imported
 * only by the Teams host, so the fake host (development, browser tests) never loads it.
 * esbuild is a dev dependency: a deployment that installs without dev dependencies runs
 * `npm run build:tab` first and serves the files in tab/public/.
 */
export async function bundle(options: BuildOptions = {}): Promise<Map<string, Buffer>> {
  // Loaded lazily so that production, serving prebuilt files, never needs esbuild.
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    throw new Error('The tab’s browser bundle is missing: run "npm run build:tab" before removing the dev dependencies (it writes tab/public/), or install them.');
  }
  const minify = options.minify ?? true;
  const outdir = join(WEB_DIR, 'out');
  const [script, styles] = await Promise.all([
    esbuild.build({
      entryPoints: { 'samspil-tab': ENTRY },
      bundle: true,
      write: false,
      outdir,
      format: 'esm',
      splitting: true,
      chunkNames: '[name]-[hash]',
      platform: 'browser',
      target: ['es2020', 'chrome100', 'edge100', 'safari15', 'firefox100'],
      minify,
      legalComments: 'none',
      external: options.withoutTeamsJs ? ['@microsoft/teams-js'] : [],
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    }),
    esbuild.build({ entryPoints: { 'samspil-tab': STYLES }, bundle: true, write: false, outdir, minify, logLevel: 'silent' }),
  ]);
  const files = new Map<string, Buffer>();
  for (const file of [...script.outputFiles, ...styles.outputFiles]) files.set(basename(file.path), Buffer.from(file.contents));
  return files;
}

function wrap(built: Map<string, Buffer>): TabAssets {
  const files = new Map([...built].map(([name, body]) => [name, { body, type: name.endsWith('.css') ? CSS_TYPE : JS_TYPE }] as const));
  const js = built.get(ENTRY_JS);
  const css = built.get(ENTRY_CSS);
  if (!js || !css) throw new Error('the tab bundle has no entry files');
  return { files, jsHash: hash(js), cssHash: hash(css) };
}

/**
 * Production serves the files `npm run build:tab` wrote to tab/public/ when they are there;
 * everywhere else (npm start, tests) the bundle is built fresh at start, so it is never stale.
 */
export async function loadTabAssets(production: boolean): Promise<TabAssets> {
  if (production && existsSync(join(PUBLIC_DIR, ENTRY_JS)) && existsSync(join(PUBLIC_DIR, ENTRY_CSS))) {
    const files = new Map<string, Buffer>();
    for (const name of readdirSync(PUBLIC_DIR)) if (/\.(js|css)$/.test(name)) files.set(name, readFileSync(join(PUBLIC_DIR, name)));
    return wrap(files);
  }
  return wrap(await bundle());
}

export async function writeTabAssets(): Promise<Array<{ name: string; bytes: number; gzipBytes: number }>> {
  const built = await bundle();
  rmSync(PUBLIC_DIR, { recursive: true, force: true });
  mkdirSync(PUBLIC_DIR, { recursive: true });
  const written = [];
  for (const [name, body] of built) {
    writeFileSync(join(PUBLIC_DIR, name), body);
    written.push({ name, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length });
  }
  return written;
}

const gz = (files: Iterable<Buffer>) => [...files].reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
const bytes = (files: Iterable<Buffer>) => [...files].reduce((sum, body) => sum + body.length, 0);
const scripts = (files: Map<string, Buffer>) => [...files].filter(([name]) => name.endsWith('.js')).map(([, body]) => body);

/**
 * Shipped sizes, gzipped, summed over files: all JavaScript a Teams client loads, our own code
 * (the same build with teams-js left out), and the first-load JavaScript of the fake host.
 */
export async function measureBundle(): Promise<{ totalJsGzip: number; totalJsBytes: number; ownJsGzip: number; ownJsBytes: number; entryJsGzip: number; cssGzip: number }> {
  const [full, own] = await Promise.all([bundle(), bundle({ withoutTeamsJs: true })]);
  return {
    totalJsBytes: bytes(scripts(full)),
    totalJsGzip: gz(scripts(full)),
    ownJsBytes: bytes(scripts(own)),
    ownJsGzip: gz(scripts(own)),
    entryJsGzip: gz([full.get(ENTRY_JS)!]),
    cssGzip: gz([full.get(ENTRY_CSS)!]),
  };
}
