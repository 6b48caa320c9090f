import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../app/config';
import { startEmbeddedFerretdb, type DatabaseEvent, type EmbeddedDatabase } from '../../app/embeddedFerretdb';
import { createLogger } from '../../app/logger';
import { startApp, type RunningApp } from '../../app/server';
import { groupChatMessage, makeUser } from '../harness/activities';
import { FakeConnector, rosterEntry } from '../harness/fakeConnector';

/**
 * The embedded database comes back: the app supervises its FerretDB, answers 503 on /healthz and a
 * quick "try again" to users while it is down, and serves again without a restart once it is back.
 * No write a user was told about is lost.
 */

jest.setTimeout(120_000);

let embedded: EmbeddedDatabase;
let app: RunningApp;
let connector: FakeConnector;
const events: DatabaseEvent[] = [];
const coordinator = makeUser('Karen Koordinator');

beforeAll(async () => {
  embedded = await startEmbeddedFerretdb({ binary: join(__dirname, '..', '..', '.tools', 'bin', 'ferretdb'), dataDir: mkdtempSync(join(tmpdir(), 'samspil-recovery-')), onEvent: (e) => events.push(e) });
  connector = await new FakeConnector().start();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MONGODB_DB: 'recovery', NODE_ENV: 'test' });
  app = await startApp({ config, logger: createLogger(config.LOG_LEVEL), mongoUri: embedded.uri });
});
afterAll(async () => {
  await app?.close();
  await connector?.stop();
  await embedded?.stop();
});

const health = async () => (await fetch(`${app.url}/healthz`)).status;

test('FerretDB killed while 200 cases are being created: every case a user was told about is there, and the app serves again', async () => {
  const chats = Array.from({ length: 200 }, (_, i) => `19:recovery-${i}-${Date.now()}@thread.v2`);
  for (const chat of chats) connector.setRoster(chat, [rosterEntry(coordinator)]);

  // 200 `new case` commands, 16 at a time; FerretDB is killed (SIGKILL) once 60 have been answered.
  const statuses: number[] = [];
  const during: number[] = [];
  let killedAt = 0;
  let next = 0;
  const worker = async () => {
    while (next < chats.length) {
      const chat = chats[next++]!;
      const response = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(groupChatMessage(`ny sag Sag ${chat} / AB`, { serviceUrl: connector.url, from: coordinator, chatId: chat })),
      });
      statuses.push(response.status);
      if (!killedAt && statuses.length >= 60) {
        killedAt = Date.now();
        // Frozen first, so /healthz is asked while the database certainly cannot answer (a restart
        // can be quicker than the ping's timeout), then killed.
        const pid = embedded.pid!;
        process.kill(pid, 'SIGSTOP');
        during.push(await health());
        process.kill(pid, 'SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  expect(killedAt).toBeGreaterThan(0);

  // /healthz said 503 while it was down, and says 200 again soon after it is back.
  expect(during).toContain(503);
  const deadline = Date.now() + 30_000;
  while ((await health()) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await health()).toBe(200);
  expect(embedded.restarts).toBeGreaterThanOrEqual(1);
  expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['exited', 'restarted']));

  // Every case whose "created" answer reached the user exists; the rest were told to try again.
  const told = connector.sentActivities.filter((c) => String(c.activity.text ?? '').startsWith('Sagen "Sag ')).map((c) => c.conversationId!);
  const retry = connector.sentActivities.filter((c) => String(c.activity.text ?? '').includes('Prøv igen om lidt'));
  const stored = new Set((await app.database.db.collection('cases').find({}).toArray()).map((k) => k.conversation.conversationId as string));
  console.log(`database killed: ${told.length} cases confirmed (all stored), ${retry.length} asked to try again, back in ${events.find((e) => e.kind === 'restarted')?.downForMs} ms`);
  expect(told.length).toBeGreaterThanOrEqual(60);
  expect(told.filter((chat) => !stored.has(chat))).toEqual([]);
  expect(told.length + retry.length).toBeGreaterThanOrEqual(190);
  expect(statuses.every((s) => s < 500 || s === 503)).toBe(true);

  // The app serves again without a restart: a new case now, and the ones that failed can be made again.
  const again = chats.find((chat) => !stored.has(chat))!;
  if (again) {
    const before = connector.sentActivities.length;
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(groupChatMessage(`ny sag Igen ${again} / AB`, { serviceUrl: connector.url, from: coordinator, chatId: again })),
    });
    expect(response.status).toBe(200);
    expect(String(connector.sentActivities.slice(before)[0]?.activity.text)).toContain('er oprettet');
  }
});

test('while the database is down, a request is answered in about two seconds with "try again", not after a long wait', async () => {
  const chat = `19:down-${Date.now()}@thread.v2`;
  connector.setRoster(chat, [rosterEntry(coordinator)]);
  await embedded.stop();
  try {
    const started = Date.now();
    const before = connector.sentActivities.length;
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(groupChatMessage('sag', { serviceUrl: connector.url, from: coordinator, chatId: chat })),
    });
    const took = Date.now() - started;
    console.log(`database down: answered in ${took} ms`);
    expect(response.status).toBeLessThan(600);
    expect(took).toBeLessThan(3_000);
    expect(String(connector.sentActivities.slice(before)[0]?.activity.text)).toBe('Samspil kan ikke nå sin database lige nu. Prøv igen om lidt.');
    expect(await health()).toBe(503);
  } finally {
    embedded = await startEmbeddedFerretdb({ binary: join(__dirname, '..', '..', '.tools', 'bin', 'ferretdb'), dataDir: mkdtempSync(join(tmpdir(), 'samspil-recovery-')) });
  }
});
