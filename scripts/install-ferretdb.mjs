#!/usr/bin/env node
// Installs FerretDB v1.24 (the embedded MongoDB-compatible database) into ./.tools/bin.
//
// Why not a bare `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`:
// the module zip on the Go proxy lacks build/version/version.txt (it is generated in
// FerretDB's own repo), so a binary built straight from the module panics at start-up.
// We therefore fetch the same module through the Go proxy, add the version file the
// upstream build task would generate, and build the same `cmd/ferretdb` package.
//
// Usage: node scripts/install-ferretdb.mjs [--required]
//   --required  exit non-zero when FerretDB cannot be installed (used by `npm test`).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const binary = join(binDir, 'ferretdb');
const required = process.argv.includes('--required');

function done(message, ok) {
  (ok ? console.log : console.error)(`[ferretdb] ${message}`);
  process.exit(ok || !required ? 0 : 1);
}

function installedVersion() {
  if (!existsSync(binary)) return undefined;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const match = /version:\s*(v[\d.]+)/.exec(result.stdout);
  return match?.[1];
}

function makeWritable(path) {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

if (installedVersion() === FERRETDB_VERSION) done(`${FERRETDB_VERSION} is already installed in .tools/bin`, true);

if (spawnSync('go', ['version']).status !== 0) {
  done('Go was not found, so FerretDB cannot be built. Install Go 1.22+ or set MONGODB_URI to an existing MongoDB server.', false);
}

console.log(`[ferretdb] building ${FERRETDB_MODULE} ${FERRETDB_VERSION} into .tools/bin (takes a minute or two the first time)`);
const scratch = mkdtempSync(join(tmpdir(), 'samspil-ferretdb-'));
const env = { ...process.env, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
try {
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { cwd: scratch, env, encoding: 'utf8' }),
  );
  if (info.Error || !info.Dir) throw new Error(info.Error ?? 'go mod download returned no directory');
  const source = join(root, '.tools', 'src', `ferretdb@${FERRETDB_VERSION}`);
  rmSync(source, { recursive: true, force: true });
  cpSync(info.Dir, source, { recursive: true });
  makeWritable(source);
  writeFileSync(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  mkdirSync(binDir, { recursive: true });
  execFileSync('go', ['build', '-trimpath', '-o', binary, './cmd/ferretdb'], { cwd: source, env, stdio: 'inherit' });
  rmSync(source, { recursive: true, force: true });
} catch (error) {
  done(`building FerretDB failed: ${error.message.split('\n')[0]}. Fix the Go set-up or set MONGODB_URI.`, false);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const version = installedVersion();
if (version === FERRETDB_VERSION) done(`installed ${version} in .tools/bin`, true);
done(`the built binary does not report ${FERRETDB_VERSION} (got ${version ?? 'nothing'})`, false);
