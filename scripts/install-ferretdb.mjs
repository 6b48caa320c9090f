#!/usr/bin/env node
// Installs FerretDB v1.24 (the embedded MongoDB-compatible database) into ./.tools/bin.
//
// Why not a bare `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`:
// the module zip on the Go proxy lacks build/version/version.txt (it is generated in
// FerretDB's own repo), so a binary built straight from the module panics at start-up.
// We therefore fetch the same module through the Go proxy, add the version file the
// upstream build task would generate, and build the same `cmd/ferretdb` package.
//
// On top of v1.24.2 we apply our own patch, scripts/ferretdb/samspil.patch (see docs/database.md):
// update, findAndModify and delete become atomic per document, and `_id` and indexed-field
// equality use SQLite indexes. The binary reports BUILD_VERSION, so a binary built from another
// recipe (a stock v1.24.2, an older patch) is rebuilt; a binary that reports it is reused.
// Bump the `-samspil.N` suffix whenever the patch changes.
//
// Usage: node scripts/install-ferretdb.mjs [--required]
//   --required  exit non-zero when FerretDB cannot be installed (used by `npm test`).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
const BUILD_VERSION = `${FERRETDB_VERSION}-samspil.7`;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const binary = join(binDir, 'ferretdb');
const patchFile = join(root, 'scripts', 'ferretdb', 'samspil.patch');
const required = process.argv.includes('--required');

function done(message, ok) {
  (ok ? console.log : console.error)(`[ferretdb] ${message}`);
  process.exit(ok || !required ? 0 : 1);
}

function installedVersion() {
  if (!existsSync(binary)) return undefined;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const match = /^version:\s*(v\S+)\s*$/m.exec(result.stdout);
  return match?.[1];
}

function makeWritable(path) {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

/** Applies the patch with git (outside any repository) or, without git, with patch(1). */
function applyPatch(source) {
  // Stop git from finding this project's repository above .tools/src: paths then resolve from `source`.
  const gitEnv = { ...process.env, GIT_CEILING_DIRECTORIES: dirname(source) };
  const git = spawnSync('git', ['apply', '--whitespace=nowarn', patchFile], { cwd: source, env: gitEnv, encoding: 'utf8' });
  if (git.status === 0) return;
  if (git.error === undefined) throw new Error(`git apply ${patchFile} failed: ${git.stderr.trim()}`);
  const patch = spawnSync('patch', ['-p1', '--forward', '--batch', '-i', patchFile], { cwd: source, encoding: 'utf8' });
  if (patch.status !== 0) throw new Error(`neither git nor patch could apply ${patchFile}: ${(patch.stderr || patch.stdout || String(patch.error)).trim()}`);
}

const installed = installedVersion();
if (installed === BUILD_VERSION) done(`${BUILD_VERSION} is already installed in .tools/bin`, true);
if (installed) console.log(`[ferretdb] .tools/bin has ${installed}; rebuilding as ${BUILD_VERSION}`);

if (spawnSync('go', ['version']).status !== 0) {
  done('Go was not found, so FerretDB cannot be built. Install Go 1.22+ or set MONGODB_URI to an existing MongoDB server.', false);
}

console.log(`[ferretdb] building ${FERRETDB_MODULE} ${FERRETDB_VERSION} with scripts/ferretdb/samspil.patch into .tools/bin (takes a minute or two the first time)`);
const scratch = mkdtempSync(join(tmpdir(), 'samspil-ferretdb-'));
const source = join(root, '.tools', 'src', `ferretdb@${FERRETDB_VERSION}`);
const env = { ...process.env, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
let failure;
try {
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { cwd: scratch, env, encoding: 'utf8' }),
  );
  if (info.Error || !info.Dir) throw new Error(info.Error ?? 'go mod download returned no directory');
  rmSync(source, { recursive: true, force: true });
  cpSync(info.Dir, source, { recursive: true });
  makeWritable(source);
  applyPatch(source);
  writeFileSync(join(source, 'build', 'version', 'version.txt'), `${BUILD_VERSION}\n`);
  mkdirSync(binDir, { recursive: true });
  // Build next to the old binary and swap it in only when the build worked.
  execFileSync('go', ['build', '-trimpath', '-o', `${binary}.new`, './cmd/ferretdb'], { cwd: source, env, stdio: 'inherit' });
  renameSync(`${binary}.new`, binary);
} catch (error) {
  failure = error;
} finally {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(source, { recursive: true, force: true });
  rmSync(`${binary}.new`, { force: true });
}
if (failure) done(`building FerretDB failed: ${failure.message.split('\n')[0]}. Fix the Go set-up or set MONGODB_URI.`, false);

const version = installedVersion();
if (version === BUILD_VERSION) done(`installed ${version} in .tools/bin`, true);
done(`the built binary does not report ${BUILD_VERSION} (got ${version ?? 'nothing'})`, false);
