import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { resolve } from 'node:path';

export class StartupError extends Error {}

/** What the supervisor tells whoever wants to know (the app's logger). */
export type DatabaseEvent =
  | { kind: 'exited'; code: number | null; signal: string | null; restartInMs: number; lastError: string }
  | { kind: 'restarted'; attempt: number; downForMs: number }
  | { kind: 'restartFailed'; attempt: number; error: string };

export interface EmbeddedDatabase {
  uri: string;
  port: number;
  /** The running FerretDB process's ID (it changes when the supervisor restarts it). */
  readonly pid: number | undefined;
  /** Whether the process is running now. */
  readonly up: boolean;
  /** How many times it was restarted after dying. */
  readonly restarts: number;
  stop(): Promise<void>;
}

export const MISSING_DATABASE_MESSAGE =
  'No database available: set MONGODB_URI to a MongoDB server, or run "npm install" (with Go installed) to build the embedded FerretDB into .tools/bin.';

/** Restart delays after a crash: quick at first, then backing off, never slower than this. */
const RESTART_BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];

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

interface Launch {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stderr: () => string;
}

/**
 * Go's collector runs at every doubling of a small heap, and FerretDB allocates for every document it reads:
 * at GOGC=100 the collector took about a sixth of the embedded server's CPU under the bench's card actions.
 * GOGC=400 spends some 15 MB more memory to collect a quarter as often; GOMEMLIMIT makes it collect sooner
 * again if the heap ever nears 512 MiB. Values the operator set win.
 */
export function ferretdbEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { GOGC: '400', GOMEMLIMIT: '512MiB', ...env };
}

function launch(binary: string, dataDir: string, port: number): Launch {
  const child = spawn(
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
    { stdio: ['ignore', 'ignore', 'pipe'], env: ferretdbEnvironment(process.env) },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

async function waitUntilListening(launched: Launch, port: number, timeoutMs: number): Promise<void> {
  let gone = false;
  void launched.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!(await portAccepts(port))) {
    if (gone || Date.now() > deadline) {
      launched.child.kill('SIGKILL');
      throw new StartupError(`FerretDB did not start: ${launched.stderr().trim().split('\n').pop() ?? 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Starts FerretDB v1 on SQLite as a child process, on loopback only, with telemetry and the
 * debug HTTP listener off, and supervises it: if it dies, it is started again on the same port
 * (so the driver's connection string stays valid) with backoff, and every step is reported.
 * The caller owns `stop()`; we also kill it if this process exits.
 */
export async function startEmbeddedFerretdb(options: { binary: string; dataDir: string; startTimeoutMs?: number; onEvent?: (event: DatabaseEvent) => void }): Promise<EmbeddedDatabase> {
  const binary = resolve(options.binary);
  if (!existsSync(binary)) throw new StartupError(MISSING_DATABASE_MESSAGE);
  const dataDir = resolve(options.dataDir, 'ferretdb');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;

  let current = launch(binary, dataDir, port);
  await waitUntilListening(current, port, startTimeoutMs);

  let stopping = false;
  let up = true;
  let restarts = 0;
  const killOnExit = () => current.child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const supervise = (launched: Launch) => {
    void launched.exited.then(async ({ code, signal }) => {
      if (stopping || launched !== current) return;
      up = false;
      const diedAt = Date.now();
      for (let attempt = 1; !stopping; attempt++) {
        const delay = RESTART_BACKOFF_MS[Math.min(attempt - 1, RESTART_BACKOFF_MS.length - 1)]!;
        options.onEvent?.({ kind: 'exited', code, signal, restartInMs: delay, lastError: launched.stderr().trim().split('\n').pop() ?? '' });
        await new Promise((r) => setTimeout(r, delay));
        if (stopping) return;
        const next = launch(binary, dataDir, port);
        current = next;
        try {
          await waitUntilListening(next, port, startTimeoutMs);
          up = true;
          restarts += 1;
          options.onEvent?.({ kind: 'restarted', attempt, downForMs: Date.now() - diedAt });
          supervise(next);
          return;
        } catch (error) {
          options.onEvent?.({ kind: 'restartFailed', attempt, error: (error as Error).message });
        }
      }
    });
  };
  supervise(current);

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    get pid() {
      return current.child.pid;
    },
    get up() {
      return up;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      process.removeListener('exit', killOnExit);
      const running = current;
      if (running.child.exitCode !== null || running.child.signalCode !== null) return;
      running.child.kill('SIGTERM');
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 5_000);
      await running.exited;
      clearTimeout(timer);
    },
  };
}
