import type { Collection, Document } from 'mongodb';
import { runAudit } from '../../app/audit';
import { seal } from '../../core/audit/chain';
import { entryId } from '../../core/audit/chainStore';
import { splitEvent } from '../../core/audit/eventStore';
import { makeUser } from '../harness/activities';
import { CaseDriver } from '../harness/caseDriver';
import { startTestApp, testMongoUri, type TestApp } from '../harness/testApp';

/**
 * The history and the access log are hash chains per case: whatever is edited, deleted, reordered or
 * inserted directly in the database, the verifier finds, and names the first broken entry (#12).
 */

let t: TestApp;
const now = new Date('2026-03-02T09:00:00Z');
beforeAll(async () => {
  t = await startTestApp(__filename, { now: () => now });
});
afterAll(async () => {
  await t.stop();
});

const coordinator = makeUser('Karen Koordinator');
const teacher = makeUser('Lærer Lis');
const parent = makeUser('Forælder Frida');

const events = (): Collection<Document> => t.app.database.db.collection<Document>('events') as never;
const accessLog = (): Collection<Document> => t.app.database.db.collection('accessLog');
const cli = (argv: string[]) => runAudit(argv, { MONGODB_URI: testMongoUri(), MONGODB_DB: t.dbName, LOG_LEVEL: 'silent' });

/** A case with a real history: created, two members, consent, an observation, and a read of its timeline. */
async function caseWithHistory(label: string): Promise<string> {
  const d = await new CaseDriver(t, coordinator, label).create(`Sag ${label} / XY`);
  await d.say(coordinator, 'tilføj som forælder', { mentions: [parent] });
  await d.say(coordinator, 'tilføj som lærer', { mentions: [teacher] });
  await d.click(parent, 'consent.approve', { caseId: d.caseId, userId: teacher.id });
  const form = await d.openForm(teacher, 'observation');
  await d.click(teacher, 'observation.submit', { ...form.actions[0].data, area: 'child_school', level: 'yellow', text: 'Sidder alene i frikvarteret' });
  await d.say(coordinator, 'tidslinje');
  expect(await events().countDocuments({ caseId: d.caseId })).toBeGreaterThanOrEqual(5);
  expect(await accessLog().countDocuments({ caseId: d.caseId })).toBeGreaterThanOrEqual(1);
  return d.caseId;
}

const bySeq = async (caseId: string, seq: number) => (await events().findOne({ _id: entryId(caseId, seq) } as never))!;

/** Moves an entry to another position, as someone editing the collection by hand would. */
async function moveTo(entry: Document, seq: number): Promise<void> {
  await events().deleteOne({ _id: entry._id });
  await events().insertOne({ ...entry, _id: entryId(entry.caseId, seq), seq } as never);
}

test('a fresh history verifies, from the command line and on /healthz/audit, and the run is kept', async () => {
  const caseId = await caseWithHistory('intact');
  const run = await cli(['verify', '--case', caseId]);
  expect(run.exitCode).toBe(0);
  expect(run.output).toMatch(/^Audit trail intact: \d+ entries in case /);
  expect(run.run.broken).toEqual([]);

  // The app's own run reports the same, and /healthz/audit shows the newest run.
  const appRun = await t.app.core.verifier.verify({ by: 'app' });
  expect(appRun.ok).toBe(true);
  const health = await fetch(`${t.app.url}/healthz/audit`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', lastVerification: { by: 'app', brokenChains: 0, cases: appRun.cases, entries: appRun.entries } });
  expect(await t.app.database.db.collection('auditRuns').countDocuments({})).toBe(2);
  // Every change's event left its outbox: nothing is pending once the writes are answered.
  for (const name of ['cases', 'observations', 'agreements']) expect(await t.app.database.db.collection(name).countDocuments({ outbox: 'pending' })).toBe(0);
});

test('an edited, deleted, reordered or inserted event is found, and the first broken event of each case is named', async () => {
  const edited = await caseWithHistory('edited');
  const retyped = await caseWithHistory('retyped');
  const deleted = await caseWithHistory('deleted');
  const cutShort = await caseWithHistory('cut');
  const reordered = await caseWithHistory('reordered');
  const inserted = await caseWithHistory('inserted');
  const wiped = await caseWithHistory('wiped');
  const untouched = await caseWithHistory('untouched');

  // Edit: the observation's text is changed after the fact; another event gets a different type.
  const observation = (await events().findOne({ caseId: edited, type: 'observation.created' }))!;
  await events().updateOne({ _id: observation._id }, { $set: { 'data.level': 'green' } });
  await events().updateOne({ _id: entryId(retyped, 2) } as never, { $set: { type: 'member.removed' } });
  // Delete: an event in the middle, and the newest event (the chain is cut short).
  await events().deleteOne({ _id: entryId(deleted, 3) } as never);
  const lastOfCut = await events().countDocuments({ caseId: cutShort });
  await events().deleteOne({ _id: entryId(cutShort, lastOfCut) } as never);
  // Reorder: events 2 and 3 swap places.
  const [second, third] = [await bySeq(reordered, 2), await bySeq(reordered, 3)];
  await events().deleteMany({ _id: { $in: [second._id, third._id] } } as never);
  await events().insertMany([{ ...third, _id: second._id, seq: 2 }, { ...second, _id: third._id, seq: 3 }] as never);
  // Insert: a forged event, sealed correctly by someone who knows the algorithm, pushed in at position 3.
  const count = await events().countDocuments({ caseId: inserted });
  for (let seq = count; seq >= 3; seq -= 1) await moveTo(await bySeq(inserted, seq), seq + 1);
  const before = await bySeq(inserted, 2);
  const forged = { key: 'forged:1', at: new Date('2026-03-02T08:00:00Z'), type: 'member.removed', visibility: 'all', familySeq: before.familySeq + 1, actorId: coordinator.id, actorName: 'Karen Koordinator', data: { userId: parent.id, name: 'Forælder Frida' } };
  const { envelope, content } = splitEvent(forged as never);
  const sealed = seal(inserted, 3, envelope, content, before.hash);
  await events().insertOne({ ...forged, _id: entryId(inserted, 3), caseId: inserted, seq: 3, prevHash: before.hash, ...sealed } as never);
  // Wipe: the whole history of a case, head and all.
  await events().deleteMany({ caseId: wiped });
  await t.app.database.db.collection('eventHeads').deleteOne({ _id: wiped } as never);

  const run = await cli(['verify']);
  expect(run.exitCode).toBe(1);
  const found = Object.fromEntries(run.run.broken.filter((b) => b.log === 'events').map((b) => [b.caseId, `${b.seq}:${b.reason}`]));
  expect(found).toEqual({
    [edited]: `${observation.seq}:content`,
    [retyped]: '2:envelope',
    [deleted]: '3:gap',
    [cutShort]: `${lastOfCut}:head`,
    [reordered]: '2:link',
    [inserted]: '4:link',
    [wiped]: '1:head',
  });
  expect(found[untouched]).toBeUndefined();
  // The output names each case and its first broken event, as an operator would look it up.
  for (const b of run.run.broken) expect(run.output).toContain(`case ${b.caseId} (history): first broken entry ${b.entryId} (#${b.seq})`);

  // /healthz/audit says the trail is broken (and how many chains), without naming cases to anyone who asks.
  const health = await fetch(`${t.app.url}/healthz/audit`);
  expect(health.status).toBe(503);
  const body = await health.json();
  expect(body).toMatchObject({ status: 'broken', lastVerification: { brokenChains: 7 } });
  expect(JSON.stringify(body)).not.toContain(edited);

  // Verifying one intact case still passes.
  expect((await cli(['verify', '--case', untouched])).exitCode).toBe(0);
  await Promise.all([edited, retyped, deleted, cutShort, reordered, inserted, wiped].map((id) => t.app.database.db.collection('cases').deleteOne({ _id: id } as never)));
  await events().deleteMany({ caseId: { $in: [edited, retyped, deleted, cutShort, reordered, inserted] } });
  await t.app.database.db.collection('eventHeads').deleteMany({ _id: { $in: [edited, retyped, deleted, cutShort, reordered, inserted] } } as never);
});

test('the access log is a chain too: an edited or deleted read is found', async () => {
  const edited = await caseWithHistory('read-edited');
  const deleted = await caseWithHistory('read-deleted');
  // A second read, so that deleting the first leaves a hole rather than a shorter log.
  await t.app.core.timeline.page({ userId: coordinator.id, name: coordinator.name }, deleted, 1);
  await accessLog().updateOne({ caseId: edited, seq: 1 }, { $set: { actorName: 'Someone else' } });
  await accessLog().deleteOne({ caseId: deleted, seq: 1 });
  const run = await cli(['verify']);
  expect(run.exitCode).toBe(1);
  const found = run.run.broken.filter((b) => b.log === 'accessLog').map((b) => `${b.caseId}:${b.seq}:${b.reason}`).sort();
  expect(found).toEqual([`${edited}:1:content`, `${deleted}:1:gap`].sort());
  expect(run.output).toContain(`case ${edited} (access log): first broken entry`);
});

test('a command line that is not understood prints the usage and changes nothing', async () => {
  const runs = await t.app.database.db.collection('auditRuns').countDocuments({});
  await expect(cli(['verfy'])).rejects.toThrow('Usage: npm run audit -- verify [--case <case id>]');
  await expect(cli(['verify', '--cas', 'x'])).rejects.toThrow(/Unknown option '--cas'/);
  expect(await t.app.database.db.collection('auditRuns').countDocuments({})).toBe(runs);
});
