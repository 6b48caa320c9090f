import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { resolve } from 'node:path';

export class StartupError extends Error {}

export interface EmbeddedDatabase {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

export const MISSING_DATABASE_MESSAGE =
  'No database available: set MONGODB_URI to a MongoDB server, or run "npm install" (with Go installed) to build the embedded FerretDB into .tools/bin.';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Starts FerretDB v1 on SQLite as a child process, on loopback only, with telemetry and the
 * debug HTTP listener off. The caller owns `stop()`; we also kill it if this process exits.
 */
export async function startEmbeddedFerretdb(options: { binary: string; dataDir: string; startTimeoutMs?: number }): Promise<EmbeddedDatabase> {
  const binary = resolve(options.binary);
  if (!existsSync(binary)) throw new StartupError(MISSING_DATABASE_MESSAGE);
  const dataDir = resolve(options.dataDir, 'ferretdb');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();

  const child: ChildProcess = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=warn',
      '--log-format=json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await portAccepts(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      process.removeListener('exit', killOnExit);
      throw new StartupError(`FerretDB did not start: ${stderr.trim().split('\n').pop() ?? 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
