import type { Server } from 'node:http';
import { makeUser, personalMessage } from '../harness/activities';
import { startEdgeApp, type EdgeApp } from '../harness/edgeApp';
import { closeNow, listenOnLoopback } from '../harness/localServer';
import { openSocket, rawRequest, sleep, waitForResponseHead, type TrackedSocket } from '../harness/rawHttp';

/**
 * Connections at the edge, with the timeouts set short for the test (production: 5 s keep-alive,
 * 15 s headers, 30 s request; docs/edge.md). Loopback only, bounded numbers of sockets.
 */

const KEEP_ALIVE_MS = 300;
/** Node closes an idle keep-alive socket one second after keepAliveTimeout. */
const NODE_KEEP_ALIVE_GRACE_MS = 1000;
const HEADERS_MS = 1000;
const REQUEST_MS = 2000;
const PER_CLIENT = 64;

let t: EdgeApp;
const user = makeUser('Forbindelse Tester');

beforeAll(async () => {
  t = await startEdgeApp(__filename, {
    env: {
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      HTTP_MAX_CONNECTIONS_PER_CLIENT: String(PER_CLIENT),
    },
  });
});
afterAll(async () => {
  await t.stop();
});

const closeAll = async (sockets: TrackedSocket[]) => {
  for (const s of sockets) s.socket.destroy();
  await Promise.all(sockets.map((s) => s.closed));
  await sleep(50);
};

test('50 idle keep-alive connections are closed by the server after the keep-alive timeout', async () => {
  const sockets = await Promise.all(Array.from({ length: 50 }, () => openSocket(t.app.port)));
  const answered: number[] = [];
  await Promise.all(
    sockets.map(async (s) => {
      s.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      const head = await waitForResponseHead(s);
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
      answered.push(Date.now());
    }),
  );
  const lastAnswer = Math.max(...answered);
  const closedAt = await Promise.all(sockets.map((s) => s.closed));
  const idle = closedAt.map((at, i) => at - answered[i]!);
  console.log(`keep-alive: 50 idle connections closed ${Math.min(...idle)}–${Math.max(...idle)} ms after their response (keepAliveTimeout ${KEEP_ALIVE_MS} ms + Node's 1 s)`);
  expect(Math.min(...idle)).toBeGreaterThanOrEqual(KEEP_ALIVE_MS);
  expect(Math.max(...closedAt) - lastAnswer).toBeLessThan(KEEP_ALIVE_MS + NODE_KEEP_ALIVE_GRACE_MS + 1000);
});

test('20 connections that never send a byte are closed after the headers timeout', async () => {
  const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(t.app.port)));
  const closedAt = await Promise.all(sockets.map((s) => s.closed));
  const lived = closedAt.map((at, i) => at - sockets[i]!.openedAt);
  console.log(`silent connections: closed after ${Math.min(...lived)}–${Math.max(...lived)} ms (headers timeout ${HEADERS_MS} ms)`);
  expect(Math.min(...lived)).toBeGreaterThanOrEqual(HEADERS_MS - 50);
  expect(Math.max(...lived)).toBeLessThan(HEADERS_MS + 1000);
});

test('headers sent at one byte every 200 ms get 408 and the connection closes at the headers timeout', async () => {
  const s = await openSocket(t.app.port);
  const request = `POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Padding: ${'p'.repeat(100)}\r\n\r\n`;
  let i = 0;
  const drip = setInterval(() => {
    if (i < request.length && !s.socket.destroyed) s.socket.write(request[i++]!);
  }, 200);
  try {
    const closedAt = await s.closed;
    console.log(`slow headers: 408 and closed after ${closedAt - s.openedAt} ms, ${i} bytes in`);
    expect(s.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAt - s.openedAt).toBeLessThan(HEADERS_MS + 1000);
  } finally {
    clearInterval(drip);
  }
});

test('a body sent at one byte every 200 ms gets 408 and the connection closes at the request timeout', async () => {
  const s = await openSocket(t.app.port);
  const body = JSON.stringify(personalMessage('help', { serviceUrl: t.connector.url, from: user }));
  s.socket.write(`POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
  let i = 0;
  const drip = setInterval(() => {
    if (i < body.length && !s.socket.destroyed) s.socket.write(body[i++]!);
  }, 200);
  try {
    const closedAt = await s.closed;
    console.log(`slow body: 408 and closed after ${closedAt - s.openedAt} ms, ${i} of ${body.length} bytes in`);
    expect(s.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAt - s.openedAt).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(closedAt - s.openedAt).toBeLessThan(REQUEST_MS + 1000);
    expect(t.connector.calls).toHaveLength(0);
  } finally {
    clearInterval(drip);
  }
});

test('a bot turn that takes longer than every timeout is not cut off', async () => {
  // A Bot Connector that takes 2.5 s to accept the reply: the turn outlasts the request timeout.
  let slow: Server | undefined;
  try {
    const started = await listenOnLoopback((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"id":"slow-1"}');
        }, REQUEST_MS + 500),
      );
    });
    slow = started.server;
    const begun = Date.now();
    const response = await rawRequest(`${t.app.url}/api/messages`, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(personalMessage('help', { serviceUrl: `${started.url}/`, from: user, locale: 'en-US' })),
    });
    expect(response.status).toBe(200);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(REQUEST_MS + 500);
  } finally {
    await closeNow(slow);
  }
});

test(`one client may hold ${PER_CLIENT} connections; more are closed at once, and freed slots are reused`, async () => {
  await sleep(KEEP_ALIVE_MS + NODE_KEEP_ALIVE_GRACE_MS + 200); // the previous tests' connections are gone
  const held = await Promise.all(Array.from({ length: PER_CLIENT }, () => openSocket(t.app.port)));
  const extra = await Promise.all(Array.from({ length: 10 }, () => openSocket(t.app.port)));
  const extraClosed = await Promise.all(extra.map((s) => s.closed));
  expect(Math.max(...extraClosed.map((at, i) => at - extra[i]!.openedAt))).toBeLessThan(300);
  // The first ones are still open (they would be closed at the headers timeout, not before).
  const stillOpen = held.filter((s) => !s.socket.destroyed).length;
  expect(stillOpen).toBe(PER_CLIENT);
  await closeAll(held);
  expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  expect(t.logs.some((line) => line.includes('too many open connections from one client'))).toBe(true);
});
