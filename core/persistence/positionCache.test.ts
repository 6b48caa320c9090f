import { PositionCache } from './positionCache';

describe('PositionCache', () => {
  test('a read is reused at the same position and made again when the position moves', async () => {
    const cache = new PositionCache<string>(10, 60_000);
    let loads = 0;
    const load = (what: string) => async () => `${what}#${++loads}`;
    await expect(cache.get('case-1', 5, load('a'))).resolves.toBe('a#1');
    await expect(cache.get('case-1', 5, load('b'))).resolves.toBe('a#1');
    await expect(cache.get('case-1', 6, load('c'))).resolves.toBe('c#2');
    // Back to an older position (another instance's reader): read again rather than trust either.
    await expect(cache.get('case-1', 5, load('d'))).resolves.toBe('d#3');
  });

  test('callers at the same position share one read that is under way', async () => {
    const cache = new PositionCache<number>(10, 60_000);
    let loads = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 20));
    const [a, b] = await Promise.all([cache.get('case-1', 1, slow), cache.get('case-1', 1, slow)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
  });

  test('a failed read is not kept', async () => {
    const cache = new PositionCache<string>(10, 60_000);
    await expect(cache.get('case-1', 1, async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await expect(cache.get('case-1', 1, async () => 'fresh')).resolves.toBe('fresh');
  });

  test('it holds at most `capacity` reads, dropping the least recently used', async () => {
    const cache = new PositionCache<string>(2, 60_000);
    await cache.get('a', 1, async () => 'a1');
    await cache.get('b', 1, async () => 'b1');
    await cache.get('a', 1, async () => 'a2'); // a is now the most recent
    await cache.get('c', 1, async () => 'c1'); // b goes
    await expect(cache.get('a', 1, async () => 'a3')).resolves.toBe('a1');
    await expect(cache.get('b', 1, async () => 'b2')).resolves.toBe('b2');
  });

  test('a read older than its maximum age is made again, at the same position', async () => {
    let now = 0;
    const cache = new PositionCache<string>(10, 30_000, () => now);
    await cache.get('case-1', 7, async () => 'before erasure');
    now = 29_999;
    await expect(cache.get('case-1', 7, async () => 'after erasure')).resolves.toBe('before erasure');
    now = 30_000;
    await expect(cache.get('case-1', 7, async () => 'after erasure')).resolves.toBe('after erasure');
  });
});
