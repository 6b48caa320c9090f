import { RecentMap } from './recentMap';

test('holds at most its capacity, forgetting the least recently used entry first', () => {
  const map = new RecentMap<string, number>(2);
  map.set('a', 1);
  map.set('b', 2);
  expect(map.get('a')).toBe(1); // a is now newer than b
  map.set('c', 3);
  expect(map.get('b')).toBeUndefined();
  expect(map.get('a')).toBe(1);
  expect(map.get('c')).toBe(3);
  map.set('a', 10); // rewriting keeps one entry
  map.set('d', 4);
  expect([map.get('a'), map.get('c'), map.get('d')]).toEqual([10, undefined, 4]);
  map.delete('a');
  expect(map.get('a')).toBeUndefined();
});
