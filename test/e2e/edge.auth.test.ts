import { BotTokenRefused, BotTokenVerifier } from '../../app/http/botToken';
import { SamspilBot } from '../../bot/samspilBot';
import { makeUser, personalMessage } from '../harness/activities';
import { startEdgeApp, type EdgeApp } from '../harness/edgeApp';
import { BOT_APP_ID, FakeBotFramework, OfflineBotCredentials, type BotTokenOptions } from '../harness/fakeBotFramework';
import { openSocket, rawRequest, sleep, waitForResponseHead } from '../harness/rawHttp';

/**
 * The bot endpoint in authenticated mode (MicrosoftAppId set), offline: the app checks the Bot
 * Connector's tokens against a local fake of the Bot Framework's OpenID configuration and key set.
 * Every forged or unfit token gets 401 with a short reason, the bot never runs, nothing reaches the
 * Bot Connector, and no key or token reaches the log or the console.
 */

let t: EdgeApp;
let bf: FakeBotFramework;
const user = makeUser('Token Tester');
const run = jest.spyOn(SamspilBot.prototype, 'run');
const consoleError = jest.spyOn(console, 'error');
const consoleWarn = jest.spyOn(console, 'warn');

beforeAll(async () => {
  bf = await new FakeBotFramework().start();
  t = await startEdgeApp(__filename, { env: bf.env(), options: { bot: { credentialsFactory: new OfflineBotCredentials() } } });
});
afterAll(async () => {
  await t.stop();
  await bf.stop();
});
beforeEach(() => {
  t.connector.reset();
  run.mockClear();
  consoleError.mockClear();
  consoleWarn.mockClear();
});

const url = () => `${t.app.url}/api/messages`;
const activity = (extra: Record<string, unknown> = {}) => ({ ...personalMessage('help', { serviceUrl: t.connector.url, from: user, locale: 'en-US' }), ...extra });
const tokenFor = (options: BotTokenOptions = {}) => bf.token({ serviceUrl: t.connector.url, ...options });
const post = (authorization: string | undefined, body: unknown = activity()) =>
  rawRequest(url(), { headers: { 'Content-Type': 'application/json', ...(authorization === undefined ? {} : { Authorization: authorization }) }, body: JSON.stringify(body) });

/** Nothing of a key or a token in the app's log or on the console. */
function expectCleanLogs(tokens: string[]) {
  const text = [...t.logs, ...consoleError.mock.calls.flat().map(String), ...consoleWarn.mock.calls.flat().map(String)].join('\n');
  expect(text).not.toContain('BEGIN');
  expect(text).not.toContain(bf.publicKeyPem.split('\n')[1]!);
  for (const token of tokens) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2] || token);
  }
}

test('a valid Bot Connector token is accepted: 200, the bot runs and its reply reaches the connector', async () => {
  const token = tokenFor();
  const response = await post(`Bearer ${token}`);
  expect(response.status).toBe(200);
  expect(run).toHaveBeenCalledTimes(1);
  await t.connector.waitFor(() => t.connector.sentActivities.length > 0);
  // Both checks ran against the fake: ours before the body, botbuilder's in the turn.
  expect(bf.metadataFetches).toBeGreaterThanOrEqual(2);
  expectCleanLogs([token]);
});

describe('every invalid token gets 401 with a short reason, and nothing runs', () => {
  const cases: Array<[string, () => string | undefined, string]> = [
    ['signed by a foreign key under the trusted kid', () => `Bearer ${tokenFor({ signing: 'foreign' })}`, 'bad_signature'],
    ['alg: none', () => `Bearer ${tokenFor({ signing: 'none' })}`, 'bad_algorithm'],
    ['HS256 signed with the public key', () => `Bearer ${tokenFor({ signing: 'HS256-public' })}`, 'bad_algorithm'],
    ['nbf an hour in the future', () => `Bearer ${tokenFor({ notBefore: 3600 })}`, 'not_yet_valid'],
    ['expired an hour ago', () => `Bearer ${tokenFor({ expiresIn: -3600, notBefore: -7200 })}`, 'expired'],
    ['for another app (audience)', () => `Bearer ${tokenFor({ aud: '00000000-0000-4000-8000-000000000000' })}`, 'bad_audience'],
    ['from another issuer', () => `Bearer ${tokenFor({ iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/' })}`, 'bad_issuer'],
    ['with an unknown kid', () => `Bearer ${tokenFor({ kid: 'not-a-published-key' })}`, 'unknown_key'],
    ['no Authorization header', () => undefined, 'missing'],
    ['not a Bearer token', () => `Basic ${Buffer.from('a:b').toString('base64')}`, 'malformed'],
    ['not a JWT', () => 'Bearer abc.def', 'malformed'],
  ];

  test.each(cases)('%s', async (_label, header, reason) => {
    const authorization = header();
    const response = await post(authorization);
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: 'unauthorized', message: `The token was refused (${reason}).` });
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    await sleep(50);
    expect(run).not.toHaveBeenCalled();
    expect(t.connector.calls).toHaveLength(0);
    expect(consoleError).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
    const refusals = t.logs.filter((line) => line.includes('bot request refused: token'));
    expect(JSON.parse(refusals.at(-1)!)).toMatchObject({ reason, msg: 'bot request refused: token' });
    expectCleanLogs(authorization ? [authorization.replace(/^\w+ /, '')] : []);
  });

  test('a key the Bot Framework did not endorse for the channel', async () => {
    const response = await post(`Bearer ${tokenFor()}`, activity({ channelId: 'slack' }));
    expect(response.status).toBe(401);
    expect(response.json.message).toContain('channel_not_endorsed');
    expect(run).not.toHaveBeenCalled();
  });
});

test("a valid token for another serviceUrl: 400, and nothing is sent to the activity's serviceUrl", async () => {
  const response = await post(`Bearer ${tokenFor({ serviceUrl: 'https://smba.trafficmanager.net/emea/' })}`);
  expect(response.status).toBe(400);
  expect(response.json.error).toBe('service_url_not_allowed');
  await sleep(50);
  expect(run).not.toHaveBeenCalled();
  expect(t.connector.calls).toHaveLength(0);
});

test('without a valid token a malformed body gets 401, never the schema details', async () => {
  for (const body of [{ hello: 'world' }, { type: 42 }, [1, 2, 3]]) {
    const response = await post(undefined, body);
    expect(response.status).toBe(401);
    expect(response.text).not.toContain('invalid_activity');
    expect(response.text).not.toContain('Bot Framework activity');
  }
  // With a valid token the same body gets its 400 with the reason.
  const valid = await post(`Bearer ${tokenFor()}`, { hello: 'world' });
  expect(valid.status).toBe(400);
  expect(valid.json.error).toBe('invalid_activity');
});

test('Content-Type text/csv gets 415 before the token is looked at', async () => {
  const response = await rawRequest(url(), { headers: { 'Content-Type': 'text/csv' }, body: 'a,b' });
  expect(response.status).toBe(415);
});

test('the token is checked before the body is read: 401 while a 5 MB body is still coming', async () => {
  const socket = await openSocket(t.app.port);
  socket.socket.write(`POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`);
  socket.socket.write(`{"type":"message","text":"${'x'.repeat(1024)}`);
  const started = Date.now();
  const head = await waitForResponseHead(socket, 2000);
  expect(head).toMatch(/^HTTP\/1\.1 401 /);
  expect(head.toLowerCase()).toContain('connection: close');
  expect(Date.now() - started).toBeLessThan(2000);
  await socket.closed;
  expect(run).not.toHaveBeenCalled();
});

test('forged kids do not make the app fetch the key set again and again', async () => {
  const before = bf.metadataFetches;
  for (let i = 0; i < 20; i++) expect((await post(`Bearer ${tokenFor({ kid: `forged-${i}` })}`)).status).toBe(401);
  expect(bf.metadataFetches - before).toBeLessThanOrEqual(1);
});

test('when the key set cannot be fetched: 503, and the next attempt waits a few seconds', async () => {
  let fetches = 0;
  let now = Date.now();
  const verifier = new BotTokenVerifier({
    appId: BOT_APP_ID,
    metadataUrl: 'https://login.botframework.invalid/v1/.well-known/openidconfiguration',
    fetch: async () => {
      fetches++;
      throw new Error('offline');
    },
    now: () => now,
  });
  const refusal = (header: string) => verifier.verify(header).then(() => undefined, (error: unknown) => error as BotTokenRefused);
  const first = await refusal(`Bearer ${tokenFor()}`);
  expect([first?.reason, first?.status]).toEqual(['keys_unavailable', 503]);
  expect((await refusal(`Bearer ${tokenFor()}`))?.reason).toBe('keys_unavailable');
  expect(fetches).toBe(1);
  now += 6_000;
  await refusal(`Bearer ${tokenFor()}`);
  expect(fetches).toBe(2);
  // A forged token for another issuer costs no fetch at all.
  expect((await refusal(`Bearer ${tokenFor({ iss: 'https://evil.example.org' })}`))?.reason).toBe('bad_issuer');
  expect(fetches).toBe(2);
});
