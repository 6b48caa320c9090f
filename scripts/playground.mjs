#!/usr/bin/env node
/* global AbortSignal */
// `npm run playground`: Microsoft 365 Agents Playground (a local Teams-like client) against the bot
// on this machine. Offline, telemetry off, mock users/team/chat from .m365agentsplayground.yml.
// Start the app first (`npm start`); see README, "Trying the bot in Microsoft 365 Agents Playground".
import 'dotenv/config';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const PLAYGROUND_PORT = 56150;
const botPort = Number(process.env.PORT || 3978);
const botBase = `http://127.0.0.1:${botPort}`;
const endpoint = `${botBase}/api/messages`;
const configFile = join(root, '.m365agentsplayground.yml');
// The playground writes its log to ./devTools by default; keep it in the ignored data folder instead.
const logFile = resolve(root, process.env.DATA_DIR || '.data', 'playground.log');

/** Same check the playground makes; it would silently move to a random port, we would rather say so. */
function portFree(port) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, () => server.close(() => done(true)));
  });
}

async function botAnswers() {
  try {
    const response = await fetch(`${botBase}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function waitForPlayground(child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`http://127.0.0.1:${PLAYGROUND_PORT}/_debug/ping`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function main() {
  if (!existsSync(configFile)) throw new Error(`Missing ${configFile}.`);
  if (!(await portFree(PLAYGROUND_PORT))) {
    throw new Error(`Port ${PLAYGROUND_PORT} is in use: is a playground already running? Stop it first.`);
  }
  if (!(await botAnswers())) {
    console.warn(`The bot does not answer on ${botBase} yet. Start it in another terminal with "npm start"; the playground connects once it is up.`);
  }
  mkdirSync(dirname(logFile), { recursive: true });

  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const args = [cli, 'start', '-e', endpoint, '-c', 'msteams', '-p', String(PLAYGROUND_PORT), '--disable-telemetry'];
  const env = {
    ...process.env,
    // Never open a browser from here; we print the address.
    TEAMSAPPTESTER_BROWSER: 'none',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
    M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    // --disable-telemetry only stops the playground's own events: its Application Insights SDK is
    // still started (heartbeat, statsbeat). These settings switch that SDK off as well.
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    APPLICATIONINSIGHTS_CONFIGURATION_CONTENT: JSON.stringify({
      disableAppInsights: true,
      disableStatsbeat: true,
      enableAutoCollectHeartbeat: false,
      enableAutoCollectPerformance: false,
      enableAutoCollectPreAggregatedMetrics: false,
      enableAutoCollectRequests: false,
      enableAutoCollectDependencies: false,
      enableAutoCollectExceptions: false,
      enableAutoCollectConsole: false,
      disableAllExtendedMetrics: true,
    }),
  };
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopping = true;
      child.kill(signal);
    });
  }
  // Stopped by us (Ctrl+C): a clean exit. Killed by anything else: say so through the exit code.
  child.once('exit', (code) => process.exit(stopping ? 0 : (code ?? 1)));

  if (await waitForPlayground(child)) {
    console.log(
      [
        '',
        `Agents Playground: http://localhost:${PLAYGROUND_PORT}  (open it in a browser)`,
        `Bot endpoint:      ${endpoint}`,
        `Mock users/team:   ${configFile}`,
        `Playground log:    ${logFile}`,
        'Stop with Ctrl+C.',
        '',
      ].join('\n'),
    );
  } else if (child.exitCode === null) {
    console.warn(`The playground did not answer on port ${PLAYGROUND_PORT} within 30 s; see ${logFile}.`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
