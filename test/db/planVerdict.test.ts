import { planVerdict } from './dbHarness';

/** The explain reader must understand every server the suite may run against, not only the one at hand. */

const sqlite = (...details: string[]) => ({ queryPlanner: { Plan: details.map((d, i) => `id=${i + 2} parent=0 notused=0 detail=${d}`) }, filterPushdown: true });

test('FerretDB on SQLite: SEARCH … USING INDEX is index use, SCAN is not', () => {
  expect(planVerdict(sqlite('SEARCH cases_1 USING INDEX cases_1__id_ (<expr>=?)'))).toMatchObject({ indexed: true, engine: 'ferretdb-sqlite' });
  expect(
    planVerdict(sqlite('MULTI-INDEX OR', 'INDEX 1', 'SEARCH a_1 USING INDEX a_1_caseId_1 (<expr>=?)', 'INDEX 2', 'SEARCH a_1 USING INDEX a_1_caseId_1 (<expr>>? AND <expr><?)')),
  ).toMatchObject({ indexed: true });
  expect(planVerdict(sqlite('SCAN cases_1'))).toMatchObject({ indexed: false, engine: 'ferretdb-sqlite' });
  // A full walk of an index (for ORDER BY) still reads every row.
  expect(planVerdict(sqlite('SCAN cases_1 USING INDEX cases_1_caseId_1'))).toMatchObject({ indexed: false });
  expect(planVerdict({ queryPlanner: { Plan: [] } })).toMatchObject({ indexed: false });
});

test('FerretDB on PostgreSQL: Index Scan versus Seq Scan', () => {
  expect(planVerdict({ queryPlanner: { Plan: { 'Node Type': 'Index Scan', 'Index Name': 'x' } } })).toMatchObject({ indexed: true, engine: 'ferretdb-postgresql' });
  expect(planVerdict({ queryPlanner: { Plan: { 'Node Type': 'Seq Scan' } } })).toMatchObject({ indexed: false });
});

test('MongoDB: IXSCAN, IDHACK and EXPRESS stages versus COLLSCAN, including aggregate explains', () => {
  const find = (winningPlan: object) => ({ explainVersion: '1', queryPlanner: { namespace: 'db.c', winningPlan, rejectedPlans: [{ stage: 'COLLSCAN' }] } });
  expect(planVerdict(find({ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'agreements_by_case' } }))).toMatchObject({ indexed: true, engine: 'mongodb' });
  expect(planVerdict(find({ stage: 'IDHACK' }))).toMatchObject({ indexed: true });
  expect(planVerdict(find({ stage: 'EXPRESS_IXSCAN' }))).toMatchObject({ indexed: true });
  expect(planVerdict(find({ queryPlan: { stage: 'SORT', inputStage: { stage: 'FETCH', inputStage: { stage: 'IXSCAN' } } }, slotBasedPlan: {} }))).toMatchObject({ indexed: true });
  expect(planVerdict(find({ stage: 'SORT', inputStage: { stage: 'COLLSCAN' } }))).toMatchObject({ indexed: false, summary: 'SORT > COLLSCAN' });
  const aggregate = { stages: [{ $cursor: { queryPlanner: { winningPlan: { stage: 'IXSCAN' } } } }, { $group: {} }] };
  expect(planVerdict(aggregate)).toMatchObject({ indexed: true, engine: 'mongodb' });
});

test('an explain it cannot read is an error, not a pass', () => {
  expect(() => planVerdict({ ok: 1 })).toThrow(/queryPlanner/);
  expect(() => planVerdict({ queryPlanner: { something: 'else' } })).toThrow(/unknown explain shape/);
});
