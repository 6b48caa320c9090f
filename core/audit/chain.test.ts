import { GENESIS_HASH, verifyChain } from './chain';
import { draft, type CaseEvent, type EventDraft } from './events';
import { asLinkable, chainDrafts } from './eventStore';

const caseId = 'c0ffee00-0000-4000-8000-000000000001';
const actor = { userId: '29:mette', name: 'Mette Lærer' };
const at = (n: number) => new Date(Date.UTC(2026, 2, 2, 9, n));

function history(n = 6): EventDraft[] {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 2
      ? draft('observation.created', { observationId: `o${i}`, area: 'child_school', level: 'red', text: `Observation ${i}` }, { key: `k${i}`, caseId, at: at(i), actor, visibility: 'professionals' })
      : draft('agreement.proposed', { agreementId: `a${i}`, what: `Aftale ${i}`, ownerId: actor.userId, ownerName: actor.name, dueDate: '2026-03-20', followUpDate: '2026-04-01' }, { key: `k${i}`, caseId, at: at(i), actor }),
  );
}

const verify = (events: CaseEvent[], head = chainDrafts(caseId, history()).head) => {
  const erasures = new Set(events.filter((e) => e.type === 'person.erased').map((e) => e._id));
  return verifyChain(events.map(asLinkable), head, (id) => erasures.has(id));
};

describe('the hash chain of a case', () => {
  test('an untouched chain verifies, and links every entry to the one before', () => {
    const { events, head } = chainDrafts(caseId, history());
    expect(verify(events, head)).toEqual({ ok: true, entries: 6, lastHash: events[5]!.hash });
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(events.map((e) => e.familySeq)).toEqual([1, 2, 2, 3, 4, 4]);
  });

  test.each([
    ['edited text', (e: CaseEvent[]) => ((e[3]!.data as { what: string }).what = 'Noget andet'), { seq: 4, reason: 'content' }],
    ['another author', (e: CaseEvent[]) => (e[1]!.actorName = 'Ukendt'), { seq: 2, reason: 'content' }],
    ['a changed time', (e: CaseEvent[]) => (e[2]!.at = at(59)), { seq: 3, reason: 'envelope' }],
    ['a changed visibility', (e: CaseEvent[]) => (e[2]!.visibility = 'all'), { seq: 3, reason: 'envelope' }],
    ['a deleted event', (e: CaseEvent[]) => e.splice(2, 1), { seq: 3, reason: 'gap' }],
    ['two events swapped', (e: CaseEvent[]) => ([e[1], e[2]] = [e[2]!, e[1]!]), { seq: 2, reason: 'gap' }],
    ['two events swapped with their positions', (e: CaseEvent[]) => {
      const [a, b] = [e[1]!, e[2]!];
      [a.seq, b.seq] = [b.seq, a.seq];
      [e[1], e[2]] = [b, a];
    }, { seq: 2, reason: 'link' }],
    ['an inserted event', (e: CaseEvent[]) => {
      const forged = { ...e[2]!, key: 'forged', data: { ...e[2]!.data } } as CaseEvent;
      e.splice(3, 0, forged);
      for (let i = 3; i < e.length; i++) e[i] = { ...e[i]!, seq: i + 1 } as CaseEvent;
    }, { seq: 4, reason: 'link' }],
    ['a deleted tail', (e: CaseEvent[]) => e.splice(4), { seq: 5, reason: 'head' }],
  ])('%s is caught, with the first broken event', (_label, tamper, firstBreak) => {
    const { events, head } = chainDrafts(caseId, history());
    const copy = events.map((e) => ({ ...e, data: { ...e.data } }) as CaseEvent);
    tamper(copy);
    expect(verify(copy, head)).toMatchObject({ ok: false, firstBreak });
  });

  test('content replaced by an erasure recorded in the chain still verifies; without one it does not', () => {
    const drafts = [...history(3), draft('person.erased', { pseudonym: 'Person A1', instruction: 'J.nr. 1', events: 1 }, { key: 'erase', caseId, at: at(9), actor: { userId: 'samspil', name: 'Samspil' }, visibility: 'professionals' })];
    const { events, head } = chainDrafts(caseId, drafts);
    const redacted = events.map((e) => ({ ...e }) as CaseEvent);
    redacted[0] = { ...redacted[0]!, actorName: 'Person A1', redactedBy: redacted[3]!._id } as CaseEvent;
    expect(verify(redacted, head)).toEqual({ ok: true, entries: 4, lastHash: events[3]!.hash });
    redacted[1] = { ...redacted[1]!, actorName: 'Person A1', redactedBy: redacted[2]!._id } as CaseEvent;
    expect(verify(redacted, head)).toMatchObject({ ok: false, firstBreak: { seq: 2, reason: 'redaction' } });
  });
});
