import { inputLabel } from './earlyWarningText';

describe('how a warning names an observation', () => {
  test('by its day in Copenhagen, not in UTC: 00:30 on 2 March in Denmark is 23:30 UTC on 1 March', () => {
    const label = inputLabel('da', { kind: 'observation', id: 'o1', at: '2026-03-01T23:30:00.000Z', role: 'teacher', level: 'red', professionalsOnly: false, isNew: true });
    expect(label).toContain('2. mar');
    expect(label).not.toContain('1. mar');
    expect(label).toContain('Lærer');
  });

  test('says that an input is new and kept among professionals, never its text', () => {
    const label = inputLabel('en', { kind: 'observation', id: 'o1', at: '2026-06-10T08:00:00.000Z', role: 'health_visitor', level: 'yellow', professionalsOnly: true, isNew: false });
    expect(label).toMatch(/Jun/);
    expect(label).toMatch(/professionals/i);
  });
});
