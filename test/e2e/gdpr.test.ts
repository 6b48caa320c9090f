import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../app/audit';
import { runGdpr } from '../../app/gdpr';
import { createCore } from '../../core';
import { addDays, copenhagenDate } from '../../core/domain/dates';
import type { PersonExport } from '../../core/gdpr/personExport';
import { makeUser, personalMessage, type TestUser } from '../harness/activities';
import { CaseDriver, cardsOf, textOf } from '../harness/caseDriver';
import { FakeEntra } from '../harness/fakeEntra';
import { startTestApp, testMongoUri, type TestApp } from '../harness/testApp';

/**
 * Issue #12, part 3: a person's rights. Cases are built through the bot (and read through the tab);
 * the operator's commands run as `npm run gdpr` runs them, against the same database.
 */

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
let offsetMs = 0;
let t: TestApp;
let entra: FakeEntra;
let dir: string;

const karen = makeUser('Karen Koordinator');
const lise = makeUser('Lise Forælder');
const jonas = makeUser('Jonas Lærer');
const outsider = makeUser('Ukendt Person');

const LISE_OBSERVATION = 'Sover uroligt efter weekenderne hos farmor';
const LISE_PROPOSAL = 'Fast aftensmad klokken halv seks';
const LISE_REASON = 'Barnet er glad for sin klasse og vil ikke skifte';
const LISE_COMMENT = 'Hun siger selv at frikvartererne er svære';
const JONAS_SECRET = 'FAGLIGT: underretning fra skolens sundhedsplejerske modtaget';
const JONAS_VISIBLE = 'Deltager godt i dansk, men trækker sig i idræt';

let case1: CaseDriver;
let case2: CaseDriver;
let oldCaseId: string;

beforeAll(async () => {
  entra = await new FakeEntra().start();
  t = await startTestApp(__filename, { now: () => new Date(Date.now() + offsetMs), env: entra.env({ REMINDERS_ENABLED: 'false' }), options: { tab: { msal: entra.msal() } } });
  dir = mkdtempSync(join(tmpdir(), 'samspil-gdpr-'));

  // Case 1: Lise (parent) and Jonas (teacher) with a history of everything a person can write.
  case1 = await new CaseDriver(t, karen, 'gdpr-one').create('Trivsel for AB / AB');
  await case1.say(karen, 'tilføj som forælder', { mentions: [lise] });
  await case1.say(karen, 'tilføj som lærer', { mentions: [jonas] });
  await case1.click(lise, 'consent.approve', { caseId: case1.caseId, userId: jonas.id });
  await case1.say(lise, 'sag');
  const observe = async (who: TestUser, text: string, professionalsOnly = false) => {
    const form = await case1.openForm(who, 'observation');
    const result = await case1.click(who, 'observation.submit', { ...form.actions[0].data, area: 'child_leisure', level: 'yellow', text, ...(professionalsOnly ? { professionalsOnly: 'true' } : {}) });
    expect(result.statusCode).toBe(200);
  };
  await observe(lise, LISE_OBSERVATION);
  await observe(jonas, JONAS_VISIBLE);
  await observe(jonas, JONAS_SECRET, true);
  const today = copenhagenDate(new Date());
  const propose = async (who: TestUser, what: string, owner: TestUser) => {
    const form = await case1.openForm(who, 'aftale');
    const result = await case1.click(who, form.actions[0].verb, { ...form.actions[0].data, what, ownerId: owner.id, dueDate: addDays(today, 14), followUpDate: addDays(today, 28) });
    expect(result.statusCode).toBe(200);
    return cardsOf(result.sent)[0].refresh.action.data.agreementId as string;
  };
  const own = await propose(lise, LISE_PROPOSAL, lise);
  expect((await case1.click(lise, 'agreement.accept', { caseId: case1.caseId, agreementId: own })).statusCode).toBe(200);
  const change = await propose(karen, 'Skoleskift til efteråret', karen);
  expect((await case1.click(lise, 'agreement.decline', { caseId: case1.caseId, agreementId: change, reason: LISE_REASON })).statusCode).toBe(200);
  const [round] = cardsOf(await case1.say(karen, 'vurdering'));
  const roundId = round.actions[0].data.roundId as string;
  const rate = (who: TestUser, comment = '') => case1.click(who, 'assessment.submit', { caseId: case1.caseId, roundId, rating_cognitive: 'green', rating_emotional: 'yellow', rating_social: 'red', rating_physical: 'green', comment });
  expect((await rate(lise, LISE_COMMENT)).statusCode).toBe(200);
  expect((await rate(jonas)).statusCode).toBe(200);
  expect((await case1.click(karen, 'assessment.close', { caseId: case1.caseId, roundId })).statusCode).toBe(200);
  // Reads: Jonas's timeline in the bot, Karen's overview in the tab; Lise's own chat with the bot.
  await case1.say(jonas, 'tidslinje');
  expect((await tab(karen, `/cases/${case1.caseId}/overview`)).status).toBe(200);
  expect((await t.post(personalMessage('hjælp', { serviceUrl: t.connector.url, from: lise }))).status).toBe(200);

  // Case 2: Lise was added, then removed.
  case2 = await new CaseDriver(t, karen, 'gdpr-two').create('Søskendesag / CD');
  await case2.say(karen, 'tilføj som forælder', { mentions: [lise] });
  await case2.say(karen, 'fjern', { mentions: [lise] });

  // Case 3: closed six and a half years ago.
  offsetMs = -6.5 * YEAR_MS;
  const actor = { userId: karen.id, aadObjectId: karen.aadObjectId, name: karen.name };
  const old = await t.app.core.cases.createCase(actor, { conversationId: '19:gdpr-old@thread.v2', kind: 'groupChat' }, { title: 'Gammel sag', childRef: 'EF' });
  await t.app.core.cases.closeCase(actor, { caseId: old._id });
  oldCaseId = old._id;
  offsetMs = 0;
  await t.app.settled();
}, 120_000);

afterAll(async () => {
  await t.stop();
  await entra.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function tab(user: TestUser, path: string) {
  const response = await fetch(`${t.app.url}/tab/api${path}`, { headers: { Authorization: `Bearer ${entra.token({ oid: user.aadObjectId, name: user.name })}` } });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

const env = (extra: Record<string, string> = {}) => ({ MONGODB_URI: testMongoUri(), MONGODB_DB: t.dbName, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...extra });
const gdpr = (argv: string[], extra: Record<string, string> = {}) => runGdpr(argv, env(extra));
const db = () => t.app.database.db;
const accessEntries = (caseId: string) => t.app.internals.accessLog.all(caseId);
const historyOf = (caseId: string) => t.app.internals.events.all(caseId);

/** Every document of every collection, as JSON, per collection. */
async function dump(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { name } of await db().listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await db().collection(name).find({}).toArray();
    out[name] = JSON.stringify(docs.map((d) => JSON.stringify(d)).sort());
  }
  return out;
}

/** Where in the database a string still occurs (case-insensitive). */
async function occurrences(needles: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [name, json] of Object.entries(await dump())) {
    const lower = json.toLowerCase();
    for (const needle of needles) if (lower.includes(needle.toLowerCase())) found.push(`${name}: ${needle}`);
  }
  return found;
}

function readExport(base: string): { json: PersonExport; html: string } {
  return { json: JSON.parse(readFileSync(`${base}.json`, 'utf8')), html: readFileSync(`${base}.html`, 'utf8') };
}

describe('access (art. 15) by the operator', () => {
  test('everything about Lise, from both her cases, found by her Entra object ID in capitals, as JSON and a Danish summary only the operator can read', async () => {
    const members = (await t.app.internals.caseRepository.byId(case1.caseId))!.members;
    expect(members.find((m) => m.userId === lise.id)?.aadObjectId).toBe(lise.aadObjectId);
    const base = join(dir, 'lise');
    const { output, exitCode } = await gdpr(['export', '--person', lise.aadObjectId.toUpperCase(), '--out', `${base}.json`, '--by', 'Drift Driftesen']);
    expect(exitCode).toBe(0);
    expect(output).toContain('from 2 case(s), professionals-only content left out (GDPR_EXPORT_PROFESSIONAL_CONTENT=false)');
    for (const file of [`${base}.json`, `${base}.html`]) expect(statSync(file).mode & 0o777).toBe(0o600);
    const { json, html } = readExport(base);

    expect(json.person).toEqual({ userIds: [lise.id], aadObjectIds: [lise.aadObjectId], names: ['Lise Forælder'] });
    const [one, two] = [json.cases.find((c) => c.caseId === case1.caseId)!, json.cases.find((c) => c.caseId === case2.caseId)!];
    expect(one.membership).toEqual([expect.objectContaining({ role: 'parent', status: 'active', addedBy: { id: karen.id, name: 'Karen Koordinator' } })]);
    expect(two.membership).toEqual([expect.objectContaining({ role: 'parent', status: 'removed' })]);
    expect(two.consentHistory.map((h) => [h.event, h.byName])).toEqual([['member.added', 'Karen Koordinator'], ['member.removed', 'Karen Koordinator']]);
    expect(one.wrote.observations.map((o) => o.text)).toEqual([LISE_OBSERVATION]);
    expect(one.wrote.agreementProposals.map((a) => a.what)).toEqual([LISE_PROPOSAL]);
    expect(one.wrote.assessmentAnswers).toEqual([expect.objectContaining({ round: 1, comment: LISE_COMMENT, ratings: { cognitive: 'green', emotional: 'yellow', social: 'red', physical: 'green' } })]);
    expect(one.wrote.consentDecisions).toEqual([expect.objectContaining({ about: 'Jonas Lærer', role: 'teacher', decision: 'member.consent.approved' })]);
    expect(one.agreements.owned.map((a) => [a.what, a.status])).toEqual([[LISE_PROPOSAL, 'accepted']]);
    expect(one.agreements.decided.map((d) => [d.what, d.to, d.reason])).toEqual([
      [LISE_PROPOSAL, 'accepted', undefined],
      ['Skoleskift til efteråret', 'declined', LISE_REASON],
    ]);
    // Who read the case: Jonas in the bot, Karen in the tab, each with their role.
    expect(one.accessLog).toEqual(expect.arrayContaining([
      expect.objectContaining({ byName: 'Jonas Lærer', byRole: 'teacher', part: 'timeline', surface: 'bot' }),
      expect.objectContaining({ byName: 'Karen Koordinator', byRole: 'caseworker', part: 'tab.overview', surface: 'tab' }),
    ]));
    // Nobody else's text; professionals-only content is not in it, and the summary says so.
    expect(JSON.stringify(json)).not.toContain(JONAS_SECRET);
    expect(JSON.stringify(json)).not.toContain(JONAS_VISIBLE);
    expect(html).toContain('<html lang="da">');
    expect(html).toContain('Oplysninger, der kun er for fagpersoner, er ikke medtaget');
    expect(html).toContain(LISE_REASON);
    expect(html).toContain('<td>Tidslinjen</td><td>Samspil-botten i Teams</td>');
  });

  test('every export is in the access log of each case (surface gdpr, the operator, no ID of the person), and an existing file is never written over', async () => {
    const before = (await accessEntries(case2.caseId)).filter((e) => e.surface === 'gdpr');
    const base = join(dir, 'lise-again');
    await gdpr(['export', '--person', lise.id, '--out', base, '--by', 'Drift Driftesen']);
    for (const caseId of [case1.caseId, case2.caseId]) {
      const last = (await accessEntries(caseId)).filter((e) => e.surface === 'gdpr').at(-1)!;
      expect(last).toMatchObject({ action: 'read', part: 'gdpr.export', actorId: expect.stringMatching(/^operator:/), actorName: 'Drift Driftesen (npm run gdpr)', reason: expect.stringMatching(/^subject P-[0-9a-f]{12}$/) });
      expect(JSON.stringify(last)).not.toContain(lise.id);
    }
    expect((await accessEntries(case2.caseId)).filter((e) => e.surface === 'gdpr')).toHaveLength(before.length + 1);
    // Both files exist now: a second export to the same name is refused before anything is read or logged.
    await expect(gdpr(['export', '--person', lise.id, '--out', base])).rejects.toMatchObject({ code: 'EEXIST' });
    expect((await accessEntries(case2.caseId)).filter((e) => e.surface === 'gdpr')).toHaveLength(before.length + 1);
  });

  test('professionals-only content follows GDPR_EXPORT_PROFESSIONAL_CONTENT, both ways, and the summary says which', async () => {
    const off = join(dir, 'jonas-off');
    await gdpr(['export', '--person', jonas.id, '--out', off]);
    const without = readExport(off);
    expect(without.json.professionalContent.included).toBe(false);
    expect(without.json.cases[0]!.wrote.observations.map((o) => o.text)).toEqual([JONAS_VISIBLE]);
    expect(without.html).not.toContain(JONAS_SECRET);
    expect(without.html).toContain('er ikke medtaget');

    const on = join(dir, 'jonas-on');
    const { output } = await gdpr(['export', '--person', jonas.id, '--out', on], { GDPR_EXPORT_PROFESSIONAL_CONTENT: 'true' });
    expect(output).toContain('professionals-only content included (GDPR_EXPORT_PROFESSIONAL_CONTENT=true)');
    const withIt = readExport(on);
    expect(withIt.json.cases[0]!.wrote.observations.map((o) => [o.text, o.professionalsOnly])).toEqual([[JONAS_VISIBLE, false], [JONAS_SECRET, true]]);
    expect(withIt.html).toContain(JONAS_SECRET);
    expect(withIt.html).toContain('Oplysninger, der kun er for fagpersoner, er medtaget');
    expect(statSync(`${on}.json`).mode & 0o777).toBe(0o600);
  });

  test('someone in no case gets a clear refusal and no file; a command that is not understood says how to use it', async () => {
    const base = join(dir, 'nobody');
    await expect(gdpr(['export', '--person', outsider.aadObjectId, '--out', base])).rejects.toMatchObject({ key: 'error.gdprPersonNotFound' });
    expect(() => statSync(`${base}.json`)).toThrow();
    expect(() => statSync(`${base}.html`)).toThrow();
    await expect(gdpr(['export', '--person', '{"$gt":""}', '--out', join(dir, 'bad')])).rejects.toMatchObject({ key: 'error.gdprPersonId' });
    await expect(gdpr(['export', '--out', base])).rejects.toThrow(/--person is required for export/);
    await expect(gdpr(['erase', '--person', lise.id])).rejects.toThrow(/--instruction is required for erase/);
    await expect(gdpr(['forget', '--person', lise.id])).rejects.toThrow(/Unknown command "forget"/);
  });
});

describe('access in the tab, by the coordinator', () => {
  const path = (caseId: string, userId: string) => `/cases/${caseId}/members/${encodeURIComponent(userId)}/gdpr-export`;

  test("Karen gets Lise's data from this case only, with the Danish summary, and the export is logged", async () => {
    const before = (await accessEntries(case1.caseId)).length;
    const { status, body } = await tab(karen, path(case1.caseId, lise.id));
    expect(status).toBe(200);
    expect(body.fileName).toMatch(/^samspil-indsigt-P-[0-9a-f]{12}-\d{4}-\d{2}-\d{2}$/);
    expect(body.data.scope).toBe('one-case');
    expect(body.data.cases.map((c: { caseId: string }) => c.caseId)).toEqual([case1.caseId]);
    expect(body.data.cases[0].wrote.observations.map((o: { text: string }) => o.text)).toEqual([LISE_OBSERVATION]);
    expect(body.html).toContain('Udtrækket omfatter kun sagen nedenfor.');
    expect(body.html).toContain('er ikke medtaget');
    const logged = (await accessEntries(case1.caseId)).slice(before);
    expect(logged).toEqual([expect.objectContaining({ action: 'read', part: 'gdpr.export', surface: 'gdpr', actorId: karen.id, actorName: 'Karen Koordinator' })]);
  });

  test('a member who is not the coordinator, and someone outside the case, are refused without data, and the attempts are logged', async () => {
    const before = (await accessEntries(case1.caseId)).length;
    const teacherTries = await tab(jonas, path(case1.caseId, lise.id));
    expect(teacherTries.status).toBe(403);
    expect(teacherTries.body).toMatchObject({ key: 'error.gdprOnlyCoordinator', message: 'Kun sagens tovholder kan hente en persons oplysninger.' });
    const strangerTries = await tab(outsider, path(case1.caseId, lise.id));
    expect(strangerTries.status).toBe(403);
    for (const { text } of [teacherTries, strangerTries]) {
      expect(text).not.toContain(LISE_OBSERVATION);
      expect(text).not.toContain(lise.aadObjectId);
    }
    const logged = (await accessEntries(case1.caseId)).slice(before);
    expect(logged.map((e) => [e.action, e.part, e.actorName])).toEqual([
      ['refused', 'person.export', 'Jonas Lærer'],
      ['refused', 'person.export', 'Ukendt Person'],
    ]);
  });

  test('a coordinator asking about someone who is not in their case gets 404 and nothing of them; the attempt is logged', async () => {
    const before = (await accessEntries(case2.caseId)).length;
    const other = await tab(karen, path(case2.caseId, jonas.id));
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ key: 'error.gdprNotInCase' });
    expect(other.text).not.toContain('Jonas');
    const bad = await tab(karen, path(case2.caseId, 'x'));
    expect(bad.status).toBe(400);
    const logged = (await accessEntries(case2.caseId)).slice(before);
    expect(logged.map((e) => [e.action, e.part, e.reason])).toEqual([
      ['refused', 'person.export', 'not_in_case'],
      ['refused', 'person.export', 'invalid_person'],
    ]);
  });
});

describe('retention', () => {
  test('a closed case is read-only: nobody can add to it', async () => {
    const d = await new CaseDriver(t, karen, 'gdpr-closed').create('Lukket sag / GH');
    await d.say(karen, 'tilføj som lærer hjemmel Folkeskoleloven', { mentions: [jonas] });
    await d.say(karen, 'luk sag');
    expect((await d.kase()).status).toBe('closed');
    expect(textOf(await d.say(jonas, 'observation'))).toContain('Sagen er lukket og kan kun læses');
    expect(textOf(await d.say(karen, 'tilføj som forælder', { mentions: [lise] }))).toContain('Sagen er lukket og kan kun læses');
    expect((await d.kase()).members.map((m) => m.userId)).toEqual([karen.id, jonas.id]);
  });

  test('`due` lists closed cases past RETENTION_YEARS with closing date, coordinator and hold, logs the report, and deletes nothing', async () => {
    const before = await db().collection('cases').countDocuments({});
    const { output, exitCode } = await gdpr(['due', '--by', 'Drift Driftesen'], { RETENTION_YEARS: '5' });
    expect(exitCode).toBe(0);
    expect(output).toContain('1 closed case(s) due for deletion review (RETENTION_YEARS=5):');
    expect(output).toMatch(new RegExp(`case ${oldCaseId}  closed \\d{4}-\\d{2}-\\d{2}  review due \\d{4}-\\d{2}-\\d{2}  coordinator Karen Koordinator \\(${karen.id}\\)  hold: none`));
    expect(output).not.toContain(case1.caseId);
    expect(output).toContain('Nothing was deleted');
    expect((await accessEntries(oldCaseId)).at(-1)).toMatchObject({ action: 'read', part: 'gdpr.due', surface: 'gdpr', actorName: 'Drift Driftesen (npm run gdpr)' });
    expect(await db().collection('cases').countDocuments({})).toBe(before);

    expect((await gdpr(['due'], { RETENTION_YEARS: '7' })).output).toContain('No closed case is due for deletion review (RETENTION_YEARS=7)');
    expect((await gdpr(['due', '--years', '6'])).output).toContain(oldCaseId);
    expect((await gdpr(['due', '--years', '7'])).output).toContain('No closed case is due');
  });

  test('a hold is placed and released with its reason, each as an event; the report shows it', async () => {
    const placed = await gdpr(['hold', '--case', oldCaseId, '--reason', 'Klagesag ved Ankestyrelsen', '--by', 'Drift Driftesen']);
    expect(placed.output).toContain(`Case ${oldCaseId} is under a retention hold: Klagesag ved Ankestyrelsen.`);
    expect((await gdpr(['hold', '--case', oldCaseId, '--reason', 'Klagesag ved Ankestyrelsen'])).output).toContain('already under this hold; nothing changed');
    await expect(gdpr(['hold', '--case', oldCaseId, '--reason', 'Noget andet'])).rejects.toMatchObject({ key: 'error.gdprHoldExists' });
    expect((await gdpr(['due'], { RETENTION_YEARS: '5' })).output).toContain('hold: Klagesag ved Ankestyrelsen (since');
    const released = await gdpr(['release', '--case', oldCaseId, '--reason', 'Sagen er afgjort']);
    expect(released.output).toContain('is released');
    expect((await gdpr(['release', '--case', oldCaseId, '--reason', 'Sagen er afgjort'])).output).toContain('has no retention hold; nothing changed');
    const events = (await historyOf(oldCaseId)).filter((e) => e.type.startsWith('case.hold'));
    expect(events.map((e) => [e.type, e.data, e.actorName])).toEqual([
      ['case.hold.placed', { reason: 'Klagesag ved Ankestyrelsen' }, 'Drift Driftesen (npm run gdpr)'],
      ['case.hold.released', { reason: 'Sagen er afgjort', placedAt: expect.any(Date) }, expect.stringContaining('(npm run gdpr)')],
    ]);
    expect((await t.app.internals.caseRepository.byId(oldCaseId))!.retentionHold).toBeUndefined();
    await expect(gdpr(['hold', '--case', 'not-a-case', '--reason', 'x'])).rejects.toMatchObject({ key: 'error.caseNotFound' });
  });
});

describe('erasure on the controller’s instruction', () => {
  const liseStrings = [lise.id, lise.aadObjectId, 'Lise Forælder', LISE_OBSERVATION, LISE_PROPOSAL, LISE_REASON, LISE_COMMENT];

  test('is refused while Lise is still in an open case, and while a case of hers is under a retention hold, with the reason; nothing changes', async () => {
    const before = await dump();
    await expect(gdpr(['erase', '--person', lise.id, '--instruction', 'J.nr. 2026-0117'])).rejects.toMatchObject({ key: 'error.gdprStillActive', params: { cases: case1.caseId } });
    expect(await dump()).toEqual(before);

    await case1.say(karen, 'fjern', { mentions: [lise] });
    await case1.say(karen, 'luk sag');
    await t.app.settled();
    await gdpr(['hold', '--case', case1.caseId, '--reason', 'Aktindsigtssag verserer']);
    const held = await dump();
    await expect(gdpr(['erase', '--person', lise.aadObjectId, '--instruction', 'J.nr. 2026-0117'])).rejects.toMatchObject({ key: 'error.gdprHold', params: { holds: `${case1.caseId} (Aktindsigtssag verserer)` } });
    expect(await dump()).toEqual(held);
    // The instruction is kept in the history: it may not name the person.
    await gdpr(['release', '--case', case1.caseId, '--reason', 'Afgjort']);
    await expect(gdpr(['erase', '--person', lise.id, '--instruction', 'Sletning af Lise Forælder'])).rejects.toMatchObject({ key: 'error.gdprInstructionIdentifies' });
  });

  test('leaves no identifying string of Lise anywhere in the database, and every hash chain still verifies', async () => {
    expect(await occurrences(liseStrings)).not.toEqual([]);
    const { output, exitCode } = await gdpr(['erase', '--person', lise.id, '--instruction', 'J.nr. 2026-0117', '--by', 'Drift Driftesen']);
    expect(exitCode).toBe(0);
    expect(output).toMatch(/^Erased 29:lise-.* under instruction "J\.nr\. 2026-0117": pseudonym P-[0-9a-f]{12}\./);
    expect(output).toMatch(/2 case\(s\), \d+ history entries and \d+ access-log entries redacted/);

    expect(await occurrences(liseStrings)).toEqual([]);
    const verified = await runAudit(['verify'], env());
    expect(verified.output).toMatch(/^Audit trail intact/);
    expect(verified.exitCode).toBe(0);

    // The erasure is itself in each case's history and access log, and the case reads on with the pseudonym.
    const pseudonym = /pseudonym (P-[0-9a-f]{12})/.exec(output)![1]!;
    for (const d of [case1, case2]) {
      const erased = (await historyOf(d.caseId)).filter((e) => e.type === 'person.erased');
      expect(erased).toEqual([expect.objectContaining({ data: expect.objectContaining({ pseudonym, instruction: 'J.nr. 2026-0117' }), actorName: 'Drift Driftesen (npm run gdpr)' })]);
      expect((await historyOf(d.caseId)).filter((e) => e.redactedBy).every((e) => e.redactedBy === erased[0]!._id)).toBe(true);
    }
    expect((await accessEntries(case1.caseId)).filter((e) => e.action === 'erased')).toHaveLength(1);
    const overview = await tab(karen, `/cases/${case1.caseId}/overview`);
    expect(overview.status).toBe(200);
    const stored = (await t.app.internals.caseRepository.byId(case1.caseId))!.members;
    expect(stored.map((m) => [m.userId, m.aadObjectId, m.name, m.status])).toEqual([
      [karen.id, karen.aadObjectId, 'Karen Koordinator', 'active'],
      [pseudonym, pseudonym, pseudonym, 'removed'],
      [jonas.id, jonas.aadObjectId, 'Jonas Lærer', 'active'],
    ]);
    const added = (await historyOf(case1.caseId)).find((e) => e.type === 'member.added' && e.data.role === 'parent')!;
    expect(added).toMatchObject({ data: { userId: pseudonym, name: pseudonym }, redactedBy: expect.any(String) });
    // What others wrote is still there.
    expect(JSON.stringify(await db().collection('observations').find({ caseId: case1.caseId }).toArray())).toContain(JONAS_VISIBLE);
    expect((await db().collection('gdprErasures').find({}).toArray()).map((j) => [j.status, j.pseudonym, j.needles])).toEqual([['done', pseudonym, undefined]]);
  });

  test('running it again changes nothing, and says it was done before', async () => {
    const before = await dump();
    const { output, exitCode } = await gdpr(['erase', '--person', lise.aadObjectId.toUpperCase(), '--instruction', 'J.nr. 2026-0117']);
    expect(exitCode).toBe(0);
    expect(output).toContain(`Nothing in the database names ${lise.aadObjectId.toUpperCase()}; nothing was changed.`);
    expect(output).toContain('under instruction "J.nr. 2026-0117" by Drift Driftesen (npm run gdpr)');
    expect(await dump()).toEqual(before);
  });

  test('a run that stops half-way leaves the chains verifiable, and running the command again finishes it', async () => {
    const jonasStrings = [jonas.id, jonas.aadObjectId, 'Jonas Lærer', JONAS_SECRET, JONAS_VISIBLE];
    // A core whose history rewrites fail after two entries, as if the process died there.
    const core = createCore(db());
    const events = (core.gdpr as unknown as { events: { redact: (...args: unknown[]) => Promise<void> } }).events;
    const redact = events.redact.bind(events);
    let calls = 0;
    events.redact = async (...args: unknown[]) => {
      if (++calls > 2) throw new Error('killed');
      return redact(...args);
    };
    await expect(core.gdpr.erase(jonas.id, 'J.nr. 2026-0200', { id: 'operator:test', name: 'Drift (npm run gdpr)' })).rejects.toThrow('killed');
    expect(await occurrences(jonasStrings)).not.toEqual([]);
    expect((await runAudit(['verify'], env())).exitCode).toBe(0);
    expect(await db().collection('gdprErasures').countDocuments({ status: 'running' })).toBe(1);
    expect((await gdpr(['due'])).output).toContain('WARNING: the erasure "J.nr. 2026-0200"');

    const { output } = await gdpr(['erase', '--person', jonas.aadObjectId, '--instruction', 'J.nr. 2026-0200']);
    expect(output).toMatch(/^Finished the unfinished erasure of/);
    expect(await occurrences(jonasStrings)).toEqual([]);
    expect((await runAudit(['verify'], env())).exitCode).toBe(0);
    expect(await db().collection('gdprErasures').countDocuments({ status: 'running' })).toBe(0);
    const erased = (await historyOf(case1.caseId)).filter((e) => e.type === 'person.erased');
    expect(erased.length).toBeGreaterThanOrEqual(2);
  });

  test('what is written about the person while the erasure runs is found and erased too', async () => {
    // The outsider was refused in the tab: the access log names them (by Entra object ID and name) though they were in no case.
    const strings = [outsider.aadObjectId, 'Ukendt Person'];
    expect(await occurrences(strings)).not.toEqual([]);
    const core = createCore(db());
    const log = (core.gdpr as unknown as { accessLog: { redact: (...args: unknown[]) => Promise<void> } }).accessLog;
    const redact = log.redact.bind(log);
    let once = false;
    log.redact = async (...args: unknown[]) => {
      if (!once) {
        once = true;
        // Meanwhile, the outsider tries again in another case.
        expect((await tab(outsider, `/cases/${case2.caseId}/overview`)).status).toBe(403);
      }
      return redact(...args);
    };
    const outcome = await core.gdpr.erase(outsider.aadObjectId, 'J.nr. 2026-0300', { id: 'operator:test', name: 'Drift (npm run gdpr)' });
    expect(once).toBe(true);
    expect(outcome).toMatchObject({ status: 'erased', counts: { cases: 2 } });
    expect(await occurrences(strings)).toEqual([]);
    expect((await runAudit(['verify'], env())).exitCode).toBe(0);
  });
});
