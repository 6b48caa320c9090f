import fc from 'fast-check';
import type { Member } from './case';
import { agendaVoiceHouses, checkHouse, checkHow, checkVisibility, HOUSES, howsFor, mayRead, NO_GATE, waitsForYouth, youthGate, type VoiceVisibility } from './childVoice';
import { DomainError } from './errors';
import { ROLES, roleGroup, type Role } from './roles';

const at = new Date('2026-03-02T09:00:00Z');
const member = (userId: string, role: Role, status: Member['status'] = 'active'): Member => ({ userId, name: userId, role, status, addedBy: 'k', addedAt: at, consent: { state: 'not_needed' } });
const refusal = (run: () => unknown) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.key : 'other';
  }
};

describe('who writes what', () => {
  test('a child writes in their own words; adults write with the child or as the child said it', () => {
    expect(howsFor('child')).toEqual(['by_child']);
    expect(checkHow('child', undefined)).toBe('by_child');
    expect(refusal(() => checkHow('child', 'as_said'))).toBe('error.invalidChoice');
    for (const role of ['parent', 'teacher', 'caseworker'] as const) {
      expect(howsFor(role)).toEqual(['with_child', 'as_said']);
      expect(refusal(() => checkHow(role, 'by_child'))).toBe('error.invalidChoice');
      expect(refusal(() => checkHow(role, undefined))).toBe('error.invalidChoice');
    }
  });

  test('parents write for the family; a professional or the child may keep an entry among the professionals', () => {
    expect(checkVisibility('parent', undefined)).toBe('family');
    expect(refusal(() => checkVisibility('parent', 'true'))).toBe('childVoice.error.parentsWriteForFamily');
    expect(checkVisibility('child', 'true')).toBe('professionals');
    expect(checkVisibility('teacher', true)).toBe('professionals');
    expect(checkVisibility('teacher', 'false')).toBe('family');
    expect(refusal(() => checkVisibility('teacher', 'maybe'))).toBe('error.invalidChoice');
  });

  test('only the three houses', () => {
    for (const house of HOUSES) expect(checkHouse(house)).toBe(house);
    fc.assert(fc.property(fc.anything().filter((v) => !(HOUSES as readonly unknown[]).includes(v)), (value) => refusal(() => checkHouse(value)) === 'error.invalidChoice'));
  });
});

describe('who reads an entry', () => {
  const entry = (visibility: VoiceVisibility, authorId = 'author') => ({ authorId, visibility });

  test('the family reads what is for the family, professionals read everything, the network nothing, the author always', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), fc.constantFrom<VoiceVisibility>('family', 'professionals'), (role, visibility) => {
        const viewer = member('viewer', role);
        const group = roleGroup(role);
        const expected = group === 'professional' ? true : group === 'family' ? visibility === 'family' : false;
        expect(mayRead(entry(visibility), viewer, NO_GATE)).toBe(expected);
        expect(mayRead(entry(visibility, 'viewer'), viewer, NO_GATE)).toBe(true);
        expect(mayRead(entry(visibility), { ...viewer, status: 'pending' }, NO_GATE)).toBe(false);
      }),
    );
  });

  test('with the young person’s say on, a professional reads only after their yes; the family is not affected', () => {
    expect(youthGate(false, { youth15Plus: true, allowed: [] })).toBe(NO_GATE);
    expect(youthGate(true, { youth15Plus: false, allowed: [] })).toBe(NO_GATE);
    const gate = youthGate(true, { youth15Plus: true, allowed: ['yes'] });
    expect(mayRead(entry('family'), member('yes', 'teacher'), gate)).toBe(true);
    expect(mayRead(entry('family'), member('no', 'teacher'), gate)).toBe(false);
    expect(mayRead(entry('family', 'no'), member('no', 'teacher'), gate)).toBe(true);
    expect(waitsForYouth(member('no', 'teacher'), gate)).toBe(true);
    expect(waitsForYouth(member('mum', 'parent'), gate)).toBe(false);
    expect(mayRead(entry('family'), member('mum', 'parent'), gate)).toBe(true);
  });
});

describe('agendaVoiceHouses', () => {
  const entry = { id: 'e1', text: 'Jeg kan lide frikvarter', how: 'by_child' as const, date: '2026-01-02', authorName: 'Ida', authorRole: 'parent' as Role };
  const empty = { houses: [{ house: 'worries' as const, entries: [], more: 0 }], withheld: 0, network: false };
  test('only houses with entries or more to read; nothing at all when nothing is said', () => {
    expect(agendaVoiceHouses(null)).toBeNull();
    expect(agendaVoiceHouses(empty)).toBeNull();
    expect(agendaVoiceHouses({ ...empty, houses: [...empty.houses, { house: 'good_things' as const, entries: [entry], more: 2 }] })!.map((h) => h.house)).toEqual(['good_things']);
  });
  test('entries held back or a network member taking part are still worth saying, with no houses', () => {
    expect(agendaVoiceHouses({ ...empty, withheld: 2 })).toEqual([]);
    expect(agendaVoiceHouses({ ...empty, network: true })).toEqual([]);
  });
});
