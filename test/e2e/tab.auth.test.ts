import jwt from 'jsonwebtoken';
import { ConfigError, loadConfig } from '../../app/config';
import { makeUser } from '../harness/activities';
import { CLIENT_ID, FOREIGN_TENANT, OTHER_ALLOWED_TENANT, TENANT } from '../harness/fakeEntra';
import { startTabTestApp, type TabTestApp } from '../harness/tabApp';
import { actorOf, seedCase, type SeededCase } from '../harness/tabSeed';

let t: TabTestApp;
let s: SeededCase;
const doctor = makeUser('Dorte Børnepsykiater');

beforeAll(async () => {
  t = await startTabTestApp(__filename);
  s = await seedCase(t, 'Sag med login');
  // A doctor from the region's own tenant (child psychiatry), added on a stated legal basis before the family joined is not
  // possible here (a parent is in), so she joins with the family's consent.
  await t.app.core.members.add(actorOf(s.coordinator), s.caseId, { userId: doctor.id, aadObjectId: doctor.aadObjectId, name: doctor.name, role: 'doctor' });
  await t.app.core.members.decideConsent(actorOf(s.parent), s.caseId, doctor.id, 'approve');
});
afterAll(async () => {
  await t.stop();
});

const overview = () => `/cases/${s.caseId}/overview`;

describe('tokens that are refused', () => {
  const cases: Array<[string, () => string | undefined]> = [
    ['no token at all', () => undefined],
    ['an expired token', () => t.entra.token({ oid: s.coordinator.aadObjectId, expiresIn: -600 })],
    ['a token for another audience', () => t.entra.token({ oid: s.coordinator.aadObjectId, aud: 'api://someone-else.example.org/99999999-0000-4000-8000-000000000000' })],
    ['a token from a tenant that is not allowed', () => t.entra.token({ oid: s.coordinator.aadObjectId, tid: FOREIGN_TENANT })],
    ['a token with a bad signature', () => t.entra.token({ oid: s.coordinator.aadObjectId, untrustedKey: true })],
    ['a token signed with a shared secret (HS256)', () => t.entra.token({ oid: s.coordinator.aadObjectId, alg: 'HS256' })],
    ['a token whose issuer is another tenant', () => t.entra.token({ oid: s.coordinator.aadObjectId, iss: `https://sts.windows.net/${FOREIGN_TENANT}/` })],
    ['a token without the tab’s delegated scope', () => t.entra.token({ oid: s.coordinator.aadObjectId, scp: 'User.Read' })],
    ['an unsigned token (alg none)', () => jwt.sign({ oid: s.coordinator.aadObjectId, tid: TENANT, aud: CLIENT_ID }, '', { algorithm: 'none' })],
    ['a development token, which only dev mode accepts', () => `dev.${Buffer.from(JSON.stringify({ oid: s.coordinator.aadObjectId, name: 'x' })).toString('base64url')}`],
    ['a token that is not a JWT', () => 'not-a-token-at-all'],
  ];

  test.each(cases)('%s gets 401 and nothing else', async (_label, makeToken) => {
    const token = makeToken();
    const response = await t.api(overview(), { token });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(response.body).toEqual({ error: 'unauthorized', message: 'Din adgang kunne ikke bekræftes. Luk fanen, og åbn den igen.' });
    expect(response.text).not.toContain('Sag med login');
  });

  test('every API route refuses a missing token, and the refusal is in English for an English client', async () => {
    for (const [method, path] of [
      ['GET', '/me'],
      ['GET', '/cases'],
      ['GET', `/cases/${s.caseId}/stage`],
      ['GET', `/cases/${s.caseId}/agenda`],
      ['GET', `/cases/${s.caseId}/minutes`],
      ['GET', `/cases/${s.caseId}/observations`],
      ['GET', `/cases/${s.caseId}/profiles`],
      ['POST', `/cases/${s.caseId}/agreements`],
      ['POST', `/cases/${s.caseId}/agreements/${s.agreements.weekly}/done`],
      ['POST', `/cases/${s.caseId}/minutes`],
    ] as const) {
      const response = await t.api(path, { method, body: method === 'POST' ? {} : undefined, locale: 'en-US' });
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
      expect(response.body.message).toBe('Your access could not be confirmed. Close the tab and open it again.');
    }
    const weekly = await t.app.internals.agreementRepository.byId(s.agreements.weekly);
    expect(weekly?.status).toBe('accepted');
  });
});

describe('tokens that are accepted', () => {
  test('a v1 token (sts.windows.net, App ID URI) maps the user to their membership by object ID', async () => {
    const response = await t.api(overview(), { token: t.entra.token({ oid: s.parent.aadObjectId, name: 'Lise F.' }) });
    expect(response.status).toBe(200);
    expect(response.body.viewer.role).toBe('parent');
    expect(response.body.members.find((m: any) => m.me).name).toBe('Lise Forælder');
  });

  test('a v2 token (login.microsoftonline.com/…/v2.0, client ID audience) is accepted too', async () => {
    const response = await t.api('/me', { token: t.entra.tokenV2({ oid: s.teacher.aadObjectId, name: 'Jonas Lærer' }) });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ name: 'Jonas Lærer', mode: 'entra' });
  });

  test('a professional from another allowed tenant (the region) reaches the case she was consented to', async () => {
    const response = await t.api(overview(), { token: t.entra.token({ oid: doctor.aadObjectId, tid: OTHER_ALLOWED_TENANT, name: doctor.name }) });
    expect(response.status).toBe(200);
    expect(response.body.viewer.role).toBe('doctor');
  });

  test('a valid token of someone who is not a member is authorized by the case policy, not by the token', async () => {
    const response = await t.api(overview(), { token: t.entra.token({ oid: s.outsider.aadObjectId }) });
    expect(response.status).toBe(403);
  });
});

describe('without Entra ID', () => {
  test('with no client ID configured the tab API says sign-in is not set up (503), and the page still loads', async () => {
    const bare = await startTabTestApp(__filename, { env: { TAB_CLIENT_ID: '', TAB_CLIENT_SECRET: '' } });
    try {
      const response = await bare.api('/me', { token: t.entra.token({ oid: s.parent.aadObjectId }) });
      expect(response.status).toBe(503);
      expect(response.body.error).toBe('auth_not_configured');
      const page = await fetch(`${bare.url}/tab`);
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain('dev-banner');
    } finally {
      await bare.stop();
    }
  });

  test('dev mode accepts development tokens only, and every page says so in a banner', async () => {
    const dev = await startTabTestApp(__filename, { env: { TAB_AUTH_MODE: 'dev' } });
    try {
      const devToken = `dev.${Buffer.from(JSON.stringify({ oid: 'dddddddd-0000-4000-8000-00000000000d', name: 'Udvikler' })).toString('base64url')}`;
      const me = await dev.api('/me', { token: devToken });
      expect(me.body).toEqual({ name: 'Udvikler', mode: 'dev' });
      const entraToken = await dev.api('/me', { token: t.entra.token({ oid: s.parent.aadObjectId }) });
      expect(entraToken.status).toBe(401);
      for (const path of ['/tab', '/tab/config']) {
        const html = await (await fetch(`${dev.url}${path}`)).text();
        expect(html).toContain('class="dev-banner"');
        expect(html).toContain('Udviklingstilstand.');
      }
    } finally {
      await dev.stop();
    }
  });

  test('dev mode is refused at start in production, and Entra mode needs an allow-list of tenants', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TAB_AUTH_MODE: 'dev' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', TAB_AUTH_MODE: 'dev' })).toThrow(/TAB_AUTH_MODE/);
    expect(() => loadConfig({ TAB_CLIENT_ID: CLIENT_ID })).toThrow(/TAB_ALLOWED_TENANTS/);
    expect(loadConfig({ NODE_ENV: 'development', TAB_AUTH_MODE: 'dev' }).TAB_AUTH_MODE).toBe('dev');
    expect(loadConfig({}).TAB_AUTH_MODE).toBe('entra');
  });
});

describe('pages', () => {
  test('pages are served with a content security policy that lets only Teams frame them', async () => {
    const response = await fetch(`${t.url}/tab`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('frame-ancestors');
    expect(csp).toContain('https://teams.microsoft.com');
    const html = await response.text();
    const script = /src="(\/tab\/assets\/samspil-tab\.js\?v=[0-9a-f]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${t.url}${script}`);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await js.text()).length).toBeGreaterThan(1000);
  });
});
