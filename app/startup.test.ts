import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MISSING_DATABASE_MESSAGE } from './embeddedFerretdb';
import { testMongoUri } from '../test/harness/testApp';

const root = join(__dirname, '..');

/** Runs `npm start`'s entry point with the given environment until it exits or prints `until`. */
function start(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', DOTENV_CONFIG_PATH: '/nonexistent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up', () => {
  test('without MONGODB_URI and without a FerretDB binary it stops with one sentence that says what to do', async () => {
    const result = await start({ FERRETDB_BIN: '/nonexistent/ferretdb' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').filter((l) => !l.includes('DeprecationWarning') && !l.includes('trace-deprecation'))).toEqual([MISSING_DATABASE_MESSAGE]);
  });

  test.each([
    ['PORT', 'not-a-port'],
    ['MONGODB_URI', 'http://example.org'],
    ['LOG_LEVEL', 'loud'],
    ['MicrosoftAppType', 'Everyone'],
  ])('a bad %s stops start-up with a message naming the variable', async (name, value) => {
    const result = await start({ [name]: value });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Invalid configuration – ${name}:`);
  });

  test('with no configuration it runs on the embedded FerretDB, keeps data in DATA_DIR, and stops the database when it exits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'samspil-start-'));
    let port = 0;
    let health: unknown;
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DOTENV_CONFIG_PATH: '/nonexistent' },
    });
    let stdout = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', async (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /"port":(\d+),"msg":"Samspil is listening"/.exec(stdout);
        if (match && !port) {
          port = Number(match[1]);
          health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
          child.kill('SIGTERM');
        }
      });
      child.on('exit', () => resolve());
    });
    expect(health).toEqual({ status: 'ok', database: 'up' });
    expect(readdirSync(join(dataDir, 'ferretdb')).some((f) => f.endsWith('.sqlite'))).toBe(true);
    const stillRunning = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes('ferretdb') && line.includes(dataDir));
    expect(stillRunning).toEqual([]);
  });

  test('secrets never reach the logs, which are structured JSON', async () => {
    const secret = 'super-secret-password-4711';
    const uri = testMongoUri();
    const result = await start({ MONGODB_URI: uri, MONGODB_DB: 'startup_secret_test', MicrosoftAppId: '00000000-0000-4000-8000-000000000001', MicrosoftAppPassword: secret, LOG_LEVEL: 'info' }, /Samspil is listening/);
    expect(result.stdout).toContain('Samspil is listening');
    expect(result.stdout).not.toContain(secret);
    expect(result.stdout).not.toContain(uri.replace(/\/$/, ''));
    for (const line of result.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
