import { accessErasuresOf, splitAccess, type AccessEntry } from './accessLog';
import { hashOf } from './canonical';
import { verifyChain, type Linkable } from './chain';
import { linkEntries } from './chainStore';
import { draft, type CaseEvent, type EventDraft } from './events';
import { asLinkable, chainDrafts, erasuresOf } from './eventStore';

/**
 * Erasure (core/gdpr) replaces the content of entries and keeps the hashes: a redacted entry
 * verifies only if it names an erasure entry of its own chain that lists its position.
 */

const caseId = 'c0ffee00-0000-4000-8000-0000000000e1';
const at = (n: number) => new Date(Date.UTC(2026, 2, 2, 9, n));
const lise = { userId: '29:lise', name: 'Lise Forælder' };
const operator = { userId: 'operator:drift', name: 'Drift (npm run gdpr)' };

function history(erasedSeqs: number[] | undefined): { events: CaseEvent[]; head: ReturnType<typeof chainDrafts>['head'] } {
  const drafts: EventDraft[] = [
    draft('observation.created', { observationId: 'o1', area: 'child_school', level: 'red', text: 'Lises tekst' }, { key: 'observation:o1', caseId, at: at(1), actor: lise }),
    draft('agreement.proposed', { agreementId: 'a1', what: 'Sove', ownerId: lise.userId, ownerName: lise.name, dueDate: '2026-03-20', followUpDate: '2026-04-01' }, { key: `answer:r1|${lise.userId}:v1`, caseId, at: at(2), actor: lise }),
    draft('person.erased', { pseudonym: 'P-1', instruction: 'J.nr. 1', events: erasedSeqs?.length ?? 0, ...(erasedSeqs ? { seqs: erasedSeqs } : {}) }, { key: 'erasure:1', caseId, at: at(9), actor: operator }),
  ];
  return chainDrafts(caseId, drafts);
}

const redact = (event: CaseEvent, by: string): CaseEvent => ({ ...event, key: 'answer:r1|P-1:v1', actorId: 'P-1', actorName: 'P-1', data: { ...event.data, text: '[slettet]' }, redactedBy: by }) as CaseEvent;
const verifyHistory = (events: CaseEvent[], head: ReturnType<typeof chainDrafts>['head']) => verifyChain(events.map(asLinkable), head, erasuresOf(events));

describe('the history after an erasure', () => {
  test('entries redacted by the erasure that lists them verify, the key included (it is content, not envelope)', () => {
    const { events, head } = history([1, 2]);
    const erasureId = events[2]!._id;
    const redacted = [redact(events[0]!, erasureId), redact(events[1]!, erasureId), events[2]!];
    expect(verifyHistory(redacted, head)).toEqual({ ok: true, entries: 3, lastHash: events[2]!.hash });
  });

  test('an entry the erasure does not list, an erasure without a list, or an erasure that was itself redacted, do not', () => {
    const listed = history([1]);
    const unlisted = [listed.events[0]!, redact(listed.events[1]!, listed.events[2]!._id), listed.events[2]!];
    expect(verifyHistory(unlisted, listed.head)).toMatchObject({ ok: false, firstBreak: { seq: 2, reason: 'redaction' } });

    const noList = history(undefined);
    expect(verifyHistory([redact(noList.events[0]!, noList.events[2]!._id), noList.events[1]!, noList.events[2]!], noList.head)).toMatchObject({ ok: false, firstBreak: { seq: 1, reason: 'redaction' } });

    const both = history([1, 3]);
    const selfRedacted = [redact(both.events[0]!, both.events[2]!._id), both.events[1]!, { ...both.events[2]!, redactedBy: both.events[2]!._id } as CaseEvent];
    expect(verifyHistory(selfRedacted, both.head)).toMatchObject({ ok: false, firstBreak: { seq: 1, reason: 'redaction' } });
  });

  test('pointing at an ordinary event, or at an erasure of another chain, is caught', () => {
    const { events, head } = history([1]);
    expect(verifyHistory([redact(events[0]!, events[1]!._id), events[1]!, events[2]!], head)).toMatchObject({ ok: false, firstBreak: { seq: 1, reason: 'redaction' } });
    expect(verifyHistory([redact(events[0]!, 'other-case:0000000003'), events[1]!, events[2]!], head)).toMatchObject({ ok: false, firstBreak: { seq: 1, reason: 'redaction' } });
  });
});

describe('the access log after an erasure', () => {
  type Draft = Pick<AccessEntry, 'key' | 'at' | 'actorId' | 'actorName' | 'action' | 'part' | 'surface' | 'reason' | 'redacts'>;
  const reads: Draft[] = [
    { key: 'access:1', at: at(1), actorId: lise.userId, actorName: lise.name, action: 'read', part: 'timeline', surface: 'bot' },
    { key: 'access:2', at: at(2), actorId: '29:jonas', actorName: 'Jonas', action: 'read', part: 'tab.overview', surface: 'tab' },
    { key: 'access:3', at: at(3), actorId: lise.userId, actorName: lise.name, action: 'refused', part: 'agreement.accept', surface: 'bot', reason: 'role' },
  ];
  const chain = (marker: Draft) => {
    const { entries, head } = linkEntries(caseId, [...reads, marker], (e) => splitAccess(e as never), () => false);
    return { entries: entries as unknown as AccessEntry[], head };
  };
  const linkable = (entries: AccessEntry[]): Linkable[] => entries.map((e) => ({ ...splitAccess(e), caseId: e.caseId, seq: e.seq, contentHash: e.contentHash, prevHash: e.prevHash, hash: e.hash, redactedBy: e.redactedBy }));
  const verify = (entries: AccessEntry[], head: ReturnType<typeof chain>['head']) => verifyChain(linkable(entries), head, accessErasuresOf(entries));
  const redact = (e: AccessEntry, by: string) => ({ ...e, actorId: 'P-1', actorName: 'P-1', redactedBy: by });
  const marker: Draft = { key: 'erasure:1', at: at(9), actorId: operator.userId, actorName: operator.name, action: 'erased', part: 'gdpr.erasure', surface: 'gdpr', reason: 'J.nr. 1', redacts: [1, 3] };

  test('reads redacted by a marker that lists them verify; the marker’s list is covered by its own hash', () => {
    const { entries, head } = chain(marker);
    const markerId = entries[3]!._id;
    const redacted = [redact(entries[0]!, markerId), entries[1]!, redact(entries[2]!, markerId), entries[3]!];
    expect(verify(redacted, head)).toMatchObject({ ok: true, entries: 4 });
    // Widening the marker's list afterwards, to cover another entry, breaks the marker itself.
    const widened = [...redacted.slice(0, 3), { ...entries[3]!, redacts: [1, 2, 3] }];
    expect(verify(widened, head)).toMatchObject({ ok: false, firstBreak: { seq: 4, reason: 'envelope' } });
  });

  test('a redaction the marker does not list, or one pointing at a plain read, is caught (before, any redaction passed)', () => {
    const { entries, head } = chain(marker);
    expect(verify([entries[0]!, redact(entries[1]!, entries[3]!._id), entries[2]!, entries[3]!], head)).toMatchObject({ ok: false, firstBreak: { seq: 2, reason: 'redaction' } });
    expect(verify([redact(entries[0]!, entries[1]!._id), entries[1]!, entries[2]!, entries[3]!], head)).toMatchObject({ ok: false, firstBreak: { seq: 1, reason: 'redaction' } });
  });

  test('entries from before markers existed hash as they always did: `redacts` is left out when absent', () => {
    const r = reads[0]!;
    const plain = splitAccess({ ...r, familySeq: 0 });
    expect(hashOf(plain.envelope)).toBe(hashOf({ key: r.key, at: r.at, action: r.action, part: r.part, surface: r.surface, familySeq: 0 }));
    expect(hashOf(splitAccess(marker as never).envelope)).not.toBe(hashOf(splitAccess({ ...marker, redacts: undefined } as never).envelope));
  });
});
