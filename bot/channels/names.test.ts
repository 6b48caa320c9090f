import { retryAfterMs } from '../retryAfter';
import { CHANNEL_NAME_MAX, channelNameFor, isNameConflict } from './names';

describe('channel names Teams accepts', () => {
  test('characters Teams refuses become spaces, and runs of spaces collapse', () => {
    expect(channelNameFor('Plan: tid & sted? <AB>/"CD"', 'Sag')).toBe('Plan tid sted AB CD');
  });

  test('a name may not start with _ or . nor end with a full stop, nor hold ".."', () => {
    expect(channelNameFor('_.Skoleskift... i 7. klasse.', 'Sag')).toBe('Skoleskift. i 7. klasse');
  });

  test('long titles are cut to 50 characters, leaving room for a number', () => {
    const title = 'Et meget langt forløb om overgangen fra børnehave til skole og fritidshjem';
    const cut = channelNameFor(title, 'Sag');
    expect(cut.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
    expect(cut).toBe('Et meget langt forløb om overgangen fra børnehave');
    const numbered = channelNameFor(title, 'Sag', ' (3)');
    expect(numbered.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
    expect(numbered.endsWith(' (3)')).toBe(true);
  });

  test('a title with nothing usable gets the default name', () => {
    expect(channelNameFor('???', 'Sag')).toBe('Sag');
    expect(channelNameFor('%%', 'Case', ' (2)')).toBe('Case (2)');
  });

  test('Graph\'s "name taken" answers are recognised in both shapes, other refusals are not', () => {
    expect(isNameConflict(400, 'BadRequest', 'Channel name already existed, please use other name')).toBe(true);
    expect(isNameConflict(409, 'NameAlreadyExists', 'Conflict')).toBe(true);
    expect(isNameConflict(400, 'BadRequest', "Channel name 'x' is invalid.")).toBe(false);
    expect(isNameConflict(403, 'Forbidden', 'name already exists')).toBe(false);
  });
});

describe('Retry-After', () => {
  test('is read as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0')).toBe(0);
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 10:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
