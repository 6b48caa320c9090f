import fc from 'fast-check';
import { canonicalId, ERASED_TEXT, learnFrom, personIdFrom, pseudonymOf, Redactor, type PersonNeedles } from './pseudonym';

const AAD = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';
const aad = AAD.toLowerCase();
const USER = '29:lise-foraelder-1a2b3c4d';
const OTHER = '29:jonas-laerer-99887766';

describe('the ID a person is named by', () => {
  test('Teams user IDs are kept as given; Entra object IDs, bare or as the tab writes them, become lower-case GUIDs', () => {
    expect(personIdFrom(USER)).toBe(USER);
    expect(personIdFrom(AAD)).toBe(aad);
    expect(personIdFrom(`aad:${AAD}`)).toBe(aad);
    expect(personIdFrom(`  ${USER} `)).toBe(USER);
  });

  test.each([[''], ['ab'], ['{"$ne":null}'], ['x'.repeat(201)], ['aad:not-a-guid'], [42], [null], [{ $gt: '' }]])('%p is refused', (raw) => {
    expect(() => personIdFrom(raw)).toThrow(expect.objectContaining({ key: 'error.gdprPersonId' }));
  });
});

describe('the pseudonym', () => {
  test('is stable, the same for a GUID in any case, different per person, and does not contain the ID', () => {
    expect(pseudonymOf(aad)).toBe(pseudonymOf(AAD));
    expect(pseudonymOf(aad)).toMatch(/^P-[0-9a-f]{12}$/);
    expect(pseudonymOf(USER)).not.toBe(pseudonymOf(OTHER));
    expect(pseudonymOf(USER)).not.toContain('lise');
  });

  test('comes from the Entra object ID when the person has one, whichever ID was given first', () => {
    expect(canonicalId([USER, AAD])).toBe(aad);
    expect(canonicalId([AAD, USER])).toBe(aad);
    expect(canonicalId([USER])).toBe(USER);
    expect(() => canonicalId([])).toThrow();
  });
});

const needles = (): PersonNeedles => ({ ids: [USER, aad], names: ['Lise Forælder'], texts: ['Glad for fodbold om tirsdagen', 'Nej'] });

describe('redacting a document', () => {
  const r = new Redactor(needles(), 'P-000000000001');

  test('IDs and names become the pseudonym, in values and field names; copied text becomes the erased marker', () => {
    const at = new Date('2026-03-02T09:00:00Z');
    const { value, changed } = r.redact({
      _id: `a:personal-${aad}`,
      members: [{ userId: USER, aadObjectId: AAD, name: 'Lise Forælder', addedAt: at }],
      reference: { user: { id: USER, name: 'LISE FORÆLDER' } },
      profiles: { [USER]: 'x' },
      item: { what: 'Mor sagde: Glad for fodbold om tirsdagen.' },
      key: `answer:round-1|${USER}:v2`,
    });
    expect(changed).toBe(true);
    expect(value).toEqual({
      _id: 'a:personal-P-000000000001',
      members: [{ userId: 'P-000000000001', aadObjectId: 'P-000000000001', name: 'P-000000000001', addedAt: at }],
      reference: { user: { id: 'P-000000000001', name: 'P-000000000001' } },
      profiles: { 'P-000000000001': 'x' },
      item: { what: `Mor sagde: ${ERASED_TEXT}.` },
      key: 'answer:round-1|P-000000000001:v2',
    });
    expect(value.members[0]!.addedAt).toBeInstanceOf(Date);
  });

  test('names match as whole words only; IDs wherever they are', () => {
    const { value } = r.redact({ a: 'Lise Forælderen kom ikke', b: 'Anne-Lise Forælder', c: `x${USER}${USER}9`, d: 'Lise Forælder, Jonas' });
    expect(value).toEqual({ a: 'Lise Forælderen kom ikke', b: 'Anne-P-000000000001', c: 'xP-000000000001P-0000000000019', d: 'P-000000000001, Jonas' });
  });

  test('text the person wrote is erased where it is stored as theirs, however short; the same words by someone else stay', () => {
    const { value } = r.redact({
      history: [
        { by: USER, byName: 'Lise Forælder', reason: 'Nej' },
        { by: OTHER, byName: 'Jonas Lærer', reason: 'Nej' },
      ],
      observation: { authorId: USER, text: 'Kort' },
      answer: { userId: `aad:${AAD}`, comment: 'ok' },
    });
    expect(value.history).toEqual([
      { by: 'P-000000000001', byName: 'P-000000000001', reason: ERASED_TEXT },
      { by: OTHER, byName: 'Jonas Lærer', reason: 'Nej' },
    ]);
    expect(value.observation.text).toBe(ERASED_TEXT);
    expect(value.answer).toEqual({ userId: 'aad:P-000000000001', comment: ERASED_TEXT });
  });

  test("an event's content: what its actor wrote, by the event's type; an agreement's text in someone else's step is not the actor's", () => {
    const proposed = r.redact({ key: 'agreement:a1:v1', actorId: USER, actorName: 'Lise Forælder', data: { what: 'Sove', ownerId: OTHER, ownerName: 'Jonas Lærer' } }, { eventType: 'agreement.proposed' });
    expect(proposed.value).toEqual({ key: 'agreement:a1:v1', actorId: 'P-000000000001', actorName: 'P-000000000001', data: { what: ERASED_TEXT, ownerId: OTHER, ownerName: 'Jonas Lærer' } });
    const accepted = r.redact({ key: 'agreement:a2:v2', actorId: USER, actorName: 'Lise Forælder', data: { what: 'Lektiehjælp', from: 'proposed', to: 'accepted' } }, { eventType: 'agreement.accepted' });
    expect(accepted.value.data.what).toBe('Lektiehjælp');
    const other = r.redact({ key: 'k', actorId: OTHER, actorName: 'Jonas Lærer', data: { text: 'Sove' } }, { eventType: 'observation.created' });
    expect(other).toEqual({ value: { key: 'k', actorId: OTHER, actorName: 'Jonas Lærer', data: { text: 'Sove' } }, changed: false });
  });

  test('a document without the person comes back as the same object, unchanged', () => {
    const doc = { _id: 'x', members: [{ userId: OTHER, name: 'Jonas Lærer' }], at: new Date() };
    expect(r.redact(doc)).toEqual({ value: doc, changed: false });
    expect(r.redact(doc).value).toBe(doc);
  });

  test('redacting twice changes nothing the second time', () => {
    const once = r.redact({ by: USER, reason: 'Nej', name: 'Lise Forælder', note: 'Glad for fodbold om tirsdagen' }).value;
    expect(r.redact(once)).toEqual({ value: once, changed: false });
  });

  test('property: whatever surrounds them, no ID, name or copied text of the person is left, and nothing else changes', () => {
    const person = needles();
    const redactor = new Redactor(person, 'P-abcdef012345');
    const needle = fc.constantFrom(USER, AAD, aad, 'Lise Forælder', 'lise forælder', 'Glad for fodbold om tirsdagen');
    // Separators around them (names and text match as whole words; a letter glued to a name is another word).
    const filler = fc.string({ unit: fc.constantFrom(' ', ',', '.', '|', ':', '\n', '(', ')', '-', '«', '»'), minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, needle), { maxLength: 5 }), filler, (parts, tail) => {
        const text = parts.map(([f, n]) => `${f}${n}`).join('') + tail;
        const out = redactor.replace(text);
        for (const n of [USER, aad, 'lise forælder', 'glad for fodbold om tirsdagen']) expect(out.toLowerCase()).not.toContain(n);
        expect(redactor.contains(out)).toBe(false);
        if (parts.length === 0) expect(out).toBe(text);
      }),
    );
  });
});

describe('finding out who the person is', () => {
  test("from a member: the other ID and the name; from name fields: the names; from who-fields: the text they wrote", () => {
    const found: PersonNeedles = { ids: [USER], names: [], texts: [] };
    const newId = learnFrom(
      {
        members: [
          { userId: USER, aadObjectId: AAD, name: 'Lise Forælder' },
          { userId: OTHER, aadObjectId: '11111111-2222-4333-8444-555555555555', name: 'Jonas Lærer' },
        ],
        history: [{ by: USER, byName: 'Lise F.', reason: 'Vi har en aftale' }],
        authorId: OTHER,
        text: 'Not hers',
      },
      found,
    );
    expect(newId).toBe(true);
    expect(found).toEqual({ ids: [USER, aad], names: ['Lise Forælder', 'Lise F.'], texts: ['Vi har en aftale'] });
    // The tab's refusals name people as aad:<GUID>; an event's actor wrote its text.
    expect(learnFrom({ actorId: `aad:${AAD}`, actorName: 'Lise (fanen)', data: { text: 'Skrevet i fanen' } }, found, { eventType: 'observation.created' })).toBe(false);
    expect(found.names).toContain('Lise (fanen)');
    expect(found.texts).toContain('Skrevet i fanen');
  });
});
