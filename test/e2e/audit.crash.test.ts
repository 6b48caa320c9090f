import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedFerretdb, type EmbeddedDatabase } from '../../app/embeddedFerretdb';
import { createCoreWithInternals, type Core, type CoreInternals } from '../../core';
import type { Actor } from '../../core/domain/case';
import { connectDatabase, type Database } from '../../core/persistence/database';

/**
 * A change and its event, never one without the other (#12): FerretDB is killed (SIGKILL) while
 * 200 writes of each kind are in flight. Once it is back and the start-up repair has run, no
 * document is left without its events, no event is left without its change, and every hash chain
 * still verifies.
 */

jest.setTimeout(300_000);

let embedded: EmbeddedDatabase;
let database: Database;
let core: Core;
let internals: CoreInternals;

beforeAll(async () => {
  embedded = await startEmbeddedFerretdb({ binary: join(__dirname, '..', '..', '.tools', 'bin', 'ferretdb'), dataDir: mkdtempSync(join(tmpdir(), 'samspil-crash-')) });
  database = await connectDatabase(embedded.uri, 'crash');
  ({ core, internals } = createCoreWithInternals(database.db, () => new Date('2026-03-02T09:00:00Z')));
});
afterAll(async () => {
  await database?.close();
  await embedded?.stop();
});

const person = (name: string): Actor => ({ userId: `29:${name.replace(/\W/g, '')}`, name });
const coordinator = person('Karen Koordinator');
const parent = person('Forælder Frida');
const CASES = 10;
const PER_CASE = 20;

/**
 * Runs the writes 16 at a time and kills FerretDB once 60 have finished. Returns how many failed and
 * how many were in flight at the kill (the driver's retry may carry some through a quick restart,
 * so failures alone do not show that the kill hit writes).
 */
async function underFire(label: string, writes: Array<() => Promise<unknown>>): Promise<{ done: number; failed: number; inFlightAtKill: number }> {
  let next = 0;
  let finished = 0;
  let failed = 0;
  let inFlightAtKill = 0;
  const restartsBefore = embedded.restarts;
  const worker = async () => {
    while (next < writes.length) {
      const write = writes[next++]!;
      await write().catch(() => (failed += 1));
      finished += 1;
      if (finished === 60) {
        inFlightAtKill = next - finished;
        process.kill(embedded.pid!, 'SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  // Back again: the app repairs at start-up (and every few minutes); so does this test.
  const deadline = Date.now() + 30_000;
  while ((embedded.restarts === restartsBefore || !(await database.ping())) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const repaired = await internals.audited.repair();
  console.log(`${label}: killed with ${inFlightAtKill} writes in flight; ${writes.length - failed} of ${writes.length} written, ${failed} failed while the database was down; the repair appended ${repaired} events a crash had left in an outbox`);
  expect(embedded.restarts).toBe(restartsBefore + 1);
  expect(inFlightAtKill).toBeGreaterThan(0);
  return { done: writes.length - failed, failed, inFlightAtKill };
}

/** Event keys are `<kind>:<id>:v<version>` (or `observation:<id>`): each names the change it belongs to. */
async function mismatches(): Promise<{ changesWithoutEvent: string[]; eventsWithoutChange: string[]; pendingOutboxes: number }> {
  const db = database.db;
  const keys = new Set((await db.collection('events').find({}, { projection: { key: 1 } }).toArray()).map((e) => e.key as string));
  const versioned = { case: 'cases', agreement: 'agreements', round: 'assessmentRounds', answer: 'assessmentAnswers' } as const;
  const expected = new Set<string>();
  const versions = new Map<string, number>();
  let pendingOutboxes = 0;
  for (const [kind, name] of Object.entries(versioned)) {
    for (const doc of await db.collection(name).find({}).toArray()) {
      if (doc.outbox) pendingOutboxes += 1;
      const version = (doc.version as number | undefined) ?? 1;
      versions.set(`${kind}:${doc._id}`, version);
      for (let v = 1; v <= version; v++) expected.add(`${kind}:${doc._id}:v${v}`);
    }
  }
  for (const doc of await db.collection('observations').find({}).toArray()) {
    if (doc.outbox) pendingOutboxes += 1;
    expected.add(`observation:${doc._id}`);
  }
  const eventsWithoutChange = [...keys].filter((key) => {
    const versionedKey = /^(case|agreement|round|answer):(.+):v(\d+)$/.exec(key);
    if (versionedKey) return (versions.get(`${versionedKey[1]}:${versionedKey[2]}`) ?? 0) < Number(versionedKey[3]);
    if (key.startsWith('observation:')) return !expected.has(key);
    return false;
  });
  return { changesWithoutEvent: [...expected].filter((key) => !keys.has(key)), eventsWithoutChange, pendingOutboxes };
}

async function expectWhole(): Promise<void> {
  expect(await mismatches()).toEqual({ changesWithoutEvent: [], eventsWithoutChange: [], pendingOutboxes: 0 });
  const run = await core.verifier.verify({ by: 'test' });
  expect(run.broken).toEqual([]);
}

const caseIds: string[] = [];
const teachers = (c: number) => Array.from({ length: PER_CASE }, (_, i) => person(`Lærer ${c}-${i}`));
const activeTeachers = async (caseId: string): Promise<Actor[]> => {
  const kase = await internals.caseRepository.byId(caseId);
  return kase!.members.filter((m) => m.role === 'teacher' && m.status === 'active').map((m) => ({ userId: m.userId, name: m.name }));
};

test('200 new cases', async () => {
  const writes = Array.from({ length: 200 }, (_, i) => () =>
    core.cases.createCase(coordinator, { conversationId: `19:crash-${i}@thread.v2`, kind: 'groupChat' }, { title: `Sag ${i}`, childRef: 'AB' }).then((k) => i < CASES && (caseIds[i] = k._id)),
  );
  await underFire('cases', writes);
  await expectWhole();
  // Cases the test goes on with: any of the first ten that failed are made now.
  for (let i = 0; i < CASES; i++) {
    caseIds[i] ??= (await core.cases.openCaseOfConversation(coordinator, `19:crash-${i}@thread.v2`).catch(() => core.cases.createCase(coordinator, { conversationId: `19:crash-${i}@thread.v2`, kind: 'groupChat' }, { title: `Sag ${i}` })))._id;
  }
});

test('200 members added, twenty at a time to the same case', async () => {
  const writes = caseIds.flatMap((caseId, c) => teachers(c).map((teacher) => () => core.members.add(coordinator, caseId, { ...teacher, role: 'teacher', legalBasis: 'Folkeskoleloven § 1' })));
  await underFire('members', writes);
  await expectWhole();
  for (const caseId of caseIds) await core.members.add(coordinator, caseId, { ...parent, role: 'parent' });
});

test('200 observations', async () => {
  const forms = [];
  for (const caseId of caseIds) for (const teacher of (await activeTeachers(caseId)).slice(0, PER_CASE)) forms.push({ caseId, teacher, formId: (await core.forms.open(teacher, caseId, 'observation')).form._id });
  const writes = forms.slice(0, 200).map(({ caseId, teacher, formId }) => () => core.observations.create(teacher, caseId, { formId, area: 'child_school', level: 'yellow', text: 'Sidder alene i frikvarteret' }));
  await underFire('observations', writes);
  await expectWhole();
});

const proposals: Array<{ caseId: string; agreementId: string }> = [];
test('200 agreement proposals, then 200 acceptances by the family', async () => {
  const forms = [];
  for (const caseId of caseIds) for (const teacher of await activeTeachers(caseId)) forms.push({ caseId, teacher, formId: (await core.forms.open(teacher, caseId, 'agreement')).form._id });
  const writes = forms.slice(0, 200).map(({ caseId, teacher, formId }) => () =>
    core.agreements.propose(teacher, caseId, { formId, what: 'Lektiehjælp tirsdag', ownerId: teacher.userId, dueDate: '2026-03-20', followUpDate: '2026-03-30' }).then((r) => proposals.push({ caseId, agreementId: r.agreement._id })),
  );
  await underFire('proposals', writes);
  await expectWhole();

  const accepts = proposals.map(({ caseId, agreementId }) => () => core.agreements.transition(parent, caseId, agreementId, 'accepted'));
  await underFire('acceptances', accepts);
  await expectWhole();
});

test('200 answers in well-being rounds', async () => {
  const writes = [];
  for (const caseId of caseIds) {
    const { round } = await core.assessments.open(coordinator, caseId);
    for (const teacher of await activeTeachers(caseId)) writes.push(() => core.assessments.answer(teacher, caseId, round._id, { ratings: { cognitive: 'green', emotional: 'yellow', social: 'red', physical: 'green' } }));
  }
  await underFire('answers', writes.slice(0, 200));
  await expectWhole();
});
