import { openTestDatabase, type TestDatabase } from '../../test/db/dbHarness';
import { PostedCardRepository, subjectOf, type PostedCard, type PostSpec } from './postedCardRepository';

describe('subjectOf', () => {
  test('a card and the lookup for the thing it shows name the same subject', () => {
    const spec: PostSpec = { kind: 'agreement', agreementId: 'a1' };
    expect(subjectOf(spec)).toBe(subjectOf({ kind: 'agreement', agreementId: 'a1' }));
    expect(subjectOf(spec)).not.toBe(subjectOf({ kind: 'agreement', agreementId: 'a2' }));
    expect(subjectOf({ kind: 'form', formId: 'a1' })).not.toBe(subjectOf(spec));
  });

  test('a summary and its round are different subjects; the case and one-off cards have no ID', () => {
    expect(subjectOf({ kind: 'summary', roundId: 'r1' })).not.toBe(subjectOf({ kind: 'round', roundId: 'r1' }));
    expect(subjectOf({ kind: 'case' })).toBe('case:');
    expect(subjectOf({ kind: 'closing', closedBy: 'u1', counts: { observations: 1, assessments: 0, agreements: 2 } })).toBe('closing:');
  });
});

describe('PostedCardRepository against the database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(__filename);
  });
  afterAll(async () => {
    await t?.close();
  });

  const card = (id: string, spec: PostSpec, postedAt: Date): PostedCard => ({
    _id: `room|${id}`,
    caseId: 'case-1',
    conversationId: 'room',
    postedTo: 'room',
    activityId: id,
    locale: 'da',
    spec,
    renderedFor: 'member',
    postedAt,
    updatedAt: postedAt,
  });

  test('every card showing an agreement is found, newest first, and no other card', async () => {
    const repository = new PostedCardRepository(t.db.collection<PostedCard>('cards'));
    await repository.remember(card('1', { kind: 'agreement', agreementId: 'a1' }, new Date('2026-01-01')));
    await repository.remember(card('2', { kind: 'agreement', agreementId: 'a2' }, new Date('2026-01-02')));
    await repository.remember(card('3', { kind: 'agreement', agreementId: 'a1' }, new Date('2026-01-03')));
    await repository.remember(card('4', { kind: 'form', formId: 'a1' }, new Date('2026-01-04')));
    const found = await repository.forSubject('case-1', { kind: 'agreement', agreementId: 'a1' });
    expect(found.map((c) => c.activityId)).toEqual(['3', '1']);
    expect(await repository.forSubject('case-2', { kind: 'agreement', agreementId: 'a1' })).toEqual([]);
  });

  test('cards stored before subjects existed are found after the start-up backfill', async () => {
    const collection = t.db.collection<PostedCard>('oldCards');
    await collection.insertOne(card('9', { kind: 'meeting', meetingId: 'm1' }, new Date('2026-01-01')));
    const repository = new PostedCardRepository(collection);
    expect(await repository.forSubject('case-1', { kind: 'meeting', meetingId: 'm1' })).toEqual([]);
    expect(await repository.backfillSubjects()).toBe(1);
    expect((await repository.forSubject('case-1', { kind: 'meeting', meetingId: 'm1' })).map((c) => c.activityId)).toEqual(['9']);
    expect(await repository.backfillSubjects()).toBe(0);
  });
});
