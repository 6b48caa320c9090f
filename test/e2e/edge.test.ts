import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createDeflateRaw, createGzip } from 'node:zlib';
import { isJsonContentType, jsonDepthExceeds } from '../../app/http/body';
import { localServiceUrlProblem, mongoEndpoints } from '../../app/http/serviceUrl';
import { cardAction, channelId, channelMessage, groupChatMessage, installInTeam, makeUser, personalMessage } from '../harness/activities';
import { startEdgeApp, type EdgeApp } from '../harness/edgeApp';
import { rawRequest, sleep } from '../harness/rawHttp';
import { testMongoUri } from '../harness/testApp';

/**
 * The HTTP edge in local mode (no MicrosoftAppId): bodies, media types, compression, uploads,
 * serviceUrl and field lengths. Connections and timeouts: edge.connections.test.ts; bot tokens:
 * edge.auth.test.ts. Everything runs on loopback with bounded loops.
 */

let t: EdgeApp;
const user = makeUser('Kant Tester');
const devToken = (oid: string) => `dev.${Buffer.from(JSON.stringify({ oid, name: 'Kant Tester', tid: 'edge' })).toString('base64url')}`;

beforeAll(async () => {
  t = await startEdgeApp(__filename, { env: { TAB_AUTH_MODE: 'dev' } });
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => t.connector.reset());

const messagesUrl = () => `${t.app.url}/api/messages`;
const tabPostUrl = () => `${t.app.url}/tab/api/cases/00000000-0000-4000-8000-000000000000/agreements`;
const uploads = () => readdirSync(tmpdir()).filter((name) => name.startsWith('upload_')).length;
const help = (extra: Record<string, unknown> = {}) => ({ ...personalMessage('help', { serviceUrl: t.connector.url, from: user, locale: 'en-US' }), ...extra });
const postJson = (body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(messagesUrl(), { headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A gzip (or raw deflate) stream that inflates to `inflatedBytes`, made without holding them in memory. */
async function compressionBomb(inflatedBytes: number, kind: 'gzip' | 'deflate'): Promise<Buffer> {
  const stream = kind === 'gzip' ? createGzip({ level: 9 }) : createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  for (let written = 0; written < inflatedBytes; written += chunk.length) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'end');
  return Buffer.concat(out);
}

function multipart(fileBytes: number): { body: Buffer; contentType: string } {
  const boundary = '----samspil-edge-test';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, Buffer.alloc(fileBytes, 0x41), tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('media types', () => {
  test.each([
    ['text/csv', 'a,b\n1,2\n'],
    ['text/plain', '{"type":"message"}'],
    ['application/x-www-form-urlencoded', 'type=message'],
    ['application/xml', '<activity/>'],
    ['application/json; charset=latin1', '{"type":"message"}'],
  ])('%s on /api/messages gets 415 before anything else runs', async (contentType, body) => {
    const response = await rawRequest(messagesUrl(), { headers: { 'Content-Type': contentType }, body });
    expect(response.status).toBe(415);
    expect(response.json).toEqual({ error: 'unsupported_media_type', message: 'Only application/json (UTF-8) is accepted.' });
    await sleep(50);
    expect(t.connector.calls).toHaveLength(0);
  });

  test('a body without Content-Type gets 415; so does an empty text/csv request', async () => {
    expect((await rawRequest(messagesUrl(), { body: JSON.stringify(help()) })).status).toBe(415);
    expect((await rawRequest(messagesUrl(), { headers: { 'Content-Type': 'text/csv' } })).status).toBe(415);
  });

  test('application/json with and without charset=utf-8 is accepted', async () => {
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"']) {
      const before = t.connector.sentActivities.length;
      const response = await rawRequest(messagesUrl(), { headers: { 'Content-Type': contentType }, body: JSON.stringify(help()) });
      expect(response.status).toBe(200);
      await t.connector.waitFor(() => t.connector.sentActivities.length > before);
    }
  });

  test('the tab API refuses a non-JSON body with 415 before its token check', async () => {
    const response = await rawRequest(tabPostUrl(), { headers: { 'Content-Type': 'text/csv' }, body: 'a,b' });
    expect(response.status).toBe(415);
    const noToken = await rawRequest(tabPostUrl(), { headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(401);
  });

  test('a tab API POST without a body still works (no Content-Type needed)', async () => {
    const response = await rawRequest(`${t.app.url}/tab/api/cases/00000000-0000-4000-8000-000000000000/agreements/00000000-0000-4000-8000-000000000001/done`, {
      headers: { Authorization: `Bearer ${devToken(user.aadObjectId)}` },
    });
    expect(response.status).toBe(404);
  });

  test('content-type helpers', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('application/json;charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/json; charset=iso-8859-1')).toBe(false);
    expect(isJsonContentType('application/jsonp')).toBe(false);
    expect(isJsonContentType('application/vnd.api+json')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});

describe('uploads and compression', () => {
  test('a 5 MB multipart upload leaves no file behind, on the bot route and on the tab API', async () => {
    const before = uploads();
    const { body, contentType } = multipart(5 * 1024 * 1024);
    for (const url of [messagesUrl(), tabPostUrl()]) {
      const response = await rawRequest(url, { headers: { 'Content-Type': contentType, 'Content-Length': body.length }, body }).catch((error: Error) => ({ status: -1, error }));
      // The answer comes before the body is read; a client still sending may see the connection close instead.
      expect([415, -1]).toContain(response.status);
      const polite = await rawRequest(url, { headers: { 'Content-Type': contentType, 'Content-Length': body.length, Expect: '100-continue' }, body });
      expect(polite.status).toBe(415);
    }
    await sleep(200);
    expect(uploads()).toBe(before);
  });

  test('a gzip bomb (249 KB inflating to 250 MB) is refused with 415 and memory stays flat', async () => {
    const bomb = await compressionBomb(250 * 1024 * 1024, 'gzip');
    expect(bomb.length).toBeLessThan(256 * 1024);
    const rssBefore = process.memoryUsage().rss;
    for (const url of [messagesUrl(), tabPostUrl()]) {
      const response = await rawRequest(url, { headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length }, body: bomb }).catch(() => ({ status: -1 }));
      expect([415, -1]).toContain(response.status);
      const polite = await rawRequest(url, { headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': bomb.length, Expect: '100-continue' }, body: bomb });
      expect(polite.status).toBe(415);
      expect(polite.json.error).toBe('unsupported_content_encoding');
    }
    // The same bytes without Content-Encoding are just bytes: not inflated, not UTF-8, refused as such.
    const plain = await rawRequest(messagesUrl(), { headers: { 'Content-Type': 'application/json', 'Content-Length': bomb.length }, body: bomb });
    expect(plain.status).toBe(400);
    const grown = process.memoryUsage().rss - rssBefore;
    console.log(`gzip bomb: RSS grew ${(grown / 1024 / 1024).toFixed(1)} MB (bomb ${(bomb.length / 1024).toFixed(0)} KB → 250 MB)`);
    expect(grown).toBeLessThan(50 * 1024 * 1024);
  });

  test.each(['deflate', 'br', 'identity, gzip', 'x-gzip'])('Content-Encoding: %s is refused with 415', async (encoding) => {
    const body = encoding === 'deflate' ? await compressionBomb(1024 * 1024, 'deflate') : Buffer.from(JSON.stringify(help()));
    const response = await rawRequest(messagesUrl(), { headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding, Expect: '100-continue' }, body });
    expect(response.status).toBe(415);
  });

  test('Content-Encoding: identity is plain JSON', async () => {
    const response = await postJson(help(), { 'Content-Encoding': 'identity' });
    expect(response.status).toBe(200);
  });
});

describe('body size and syntax', () => {
  test('a declared Content-Length over the limit gets 413 without the body being read', async () => {
    const response = await rawRequest(messagesUrl(), { headers: { 'Content-Type': 'application/json', 'Content-Length': 50 * 1024 * 1024, Expect: '100-continue' }, body: Buffer.alloc(0) });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
  });

  test('a chunked body is cut off at the limit with 413', async () => {
    const response = await rawRequest(messagesUrl(), { headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, body: `{"text":"${'x'.repeat(400 * 1024)}"}` });
    expect(response.status).toBe(413);
  });

  test('the tab API has a smaller limit (32 KB) than activities (256 KB)', async () => {
    const big = JSON.stringify({ what: 'x'.repeat(40 * 1024) });
    const response = await rawRequest(tabPostUrl(), { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${devToken(user.aadObjectId)}` }, body: big });
    expect(response.status).toBe(413);
  });

  test.each([
    ['malformed JSON', '{"type": "message", '],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['JSON nested 10,000 deep', '['.repeat(10_000) + ']'.repeat(10_000)],
  ])('%s gets 400 and the server keeps serving', async (_label, body) => {
    const response = await rawRequest(messagesUrl(), { headers: { 'Content-Type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_json');
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  });

  test('depth counting ignores brackets inside strings', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[[[[[' }), 3)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\"[[[[' }), 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[1]]]]', 3)).toBe(true);
  });
});

describe('serviceUrl in local mode', () => {
  const refused = async (serviceUrl: string) => {
    const response = await postJson(help({ serviceUrl }));
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('service_url_not_allowed');
  };

  test.each(['https://smba.trafficmanager.net/emea/', 'http://10.0.0.5:8080/', 'http://169.254.169.254/latest/', 'http://127.0.0.1@evil.example.org/', 'http://localhost.evil.example.org/', 'ftp://127.0.0.1/'])(
    '%s is refused with 400 and nothing is sent',
    async (serviceUrl) => {
      await refused(serviceUrl);
      await sleep(50);
      expect(t.connector.calls).toHaveLength(0);
    },
  );

  test("the database's port and the app's own port on loopback are refused", async () => {
    const [database] = mongoEndpoints(testMongoUri());
    if (database && /^(127\.|localhost)/.test(database.host)) await refused(`http://127.0.0.1:${database.port}/`);
    await refused(`http://localhost:${t.app.port}/`);
  });

  test('the fake connector by its name localhost is accepted and gets the reply', async () => {
    const serviceUrl = t.connector.url.replace('127.0.0.1', 'localhost');
    const response = await postJson(help({ serviceUrl }));
    expect(response.status).toBe(200);
    await t.connector.waitFor(() => t.connector.sentActivities.length > 0);
  });

  test('rules', () => {
    expect(localServiceUrlProblem('http://127.0.0.1:56150/_connector')).toBeUndefined();
    expect(localServiceUrlProblem('http://localhost:56150/')).toBeUndefined();
    expect(localServiceUrlProblem('http://[::1]:3000/')).toBeUndefined();
    expect(localServiceUrlProblem('http://127.8.9.10/')).toBeUndefined();
    expect(localServiceUrlProblem('http://2130706433/')).toBeUndefined(); // 127.0.0.1, as the URL parser reads it
    expect(localServiceUrlProblem('http://0.0.0.0:80/')).toBeDefined();
    expect(localServiceUrlProblem('http://user:pw@127.0.0.1/')).toBeDefined();
    expect(localServiceUrlProblem('http://127.0.0.1:27017/', [{ host: 'localhost', port: 27017 }])).toBeDefined();
    expect(mongoEndpoints('mongodb://u:p@127.0.0.1:41234,[::1]:5/db?x=1')).toEqual([
      { host: '127.0.0.1', port: 41234 },
      { host: '[::1]', port: 5 },
    ]);
  });
});

describe('length limits on untrusted activity fields', () => {
  const long = (n: number) => 'n'.repeat(n);

  test.each([
    ['a 240 KB conversation.name', () => help({ conversation: { id: 'a:x', conversationType: 'personal', name: long(240 * 1024) } })],
    ['a 300-character from.name', () => help({ from: { id: user.id, name: long(300), aadObjectId: user.aadObjectId } })],
    ['a 300-character team name in channelData', () => ({ ...channelMessage('hjælp', { serviceUrl: t.connector.url, from: user, channel: channelId('long') }), channelData: { team: { id: 'x', name: long(300) }, tenant: { id: 't' } } })],
    ['a 300-character channel name in channelData', () => ({ ...channelMessage('hjælp', { serviceUrl: t.connector.url, from: user, channel: channelId('long') }), channelData: { channel: { id: 'x', name: long(300) }, tenant: { id: 't' } } })],
    ['text over 28,000 characters', () => help({ text: long(28_001) })],
    ['a 300-character name of an added member', () => ({ ...installInTeam({ serviceUrl: t.connector.url, from: user }), membersAdded: [{ id: '29:x', name: long(300) }] })],
  ])('%s is refused with 400 and the bot does not run', async (_label, make) => {
    const response = await postJson(make());
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_activity');
    await sleep(50);
    expect(t.connector.calls).toHaveLength(0);
  });

  test('Teams-shaped activities at the limits pass: 256-character names, 28,000 characters of text', async () => {
    const named = { ...user, name: long(256) };
    const channel = channelId('limits');
    const activities = [
      personalMessage(`help ${long(27_990)}`, { serviceUrl: t.connector.url, from: named, locale: 'en-US' }),
      { ...channelMessage('hjælp', { serviceUrl: t.connector.url, from: named, channel }), conversation: { id: channel, conversationType: 'channel', isGroup: true, tenantId: 't', name: long(256) } },
      groupChatMessage('hjælp', { serviceUrl: t.connector.url, from: named, chatId: `19:${Date.now()}@thread.v2` }),
      { ...installInTeam({ serviceUrl: t.connector.url, from: named, channel }), channelData: { eventType: 'teamMemberAdded', team: { id: 'x', name: long(256), aadGroupId: user.aadObjectId }, tenant: { id: 't' } } },
      cardAction('case.refresh', { caseId: '00000000-0000-4000-8000-000000000000' }, { serviceUrl: t.connector.url, from: named, conversationId: channel }),
      { ...help(), timestamp: null, localTimestamp: null, conversation: { id: 'a:y', conversationType: 'personal', name: null }, unknownField: { deep: { anything: [1, 2, 3] } } },
    ];
    for (const [i, activity] of activities.entries()) {
      const response = await postJson(activity);
      // Past the edge: the bot answers (an invoke about an unknown case answers 404 itself).
      expect({ i, status: response.status, error: response.json?.error }).toEqual({ i, status: i === 4 ? 404 : 200, error: undefined });
    }
  });
});
