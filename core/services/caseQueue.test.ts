import { CaseQueue } from './caseQueue';

describe('CaseQueue.coalesced', () => {
  test('calls made while one is waiting to start join it; a call made while it runs starts the next one', async () => {
    const queue = new CaseQueue();
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = queue.serialized('case-1', () => gate);
    const first = queue.coalesced('case-1', async () => void started.push('a'));
    const joined = queue.coalesced('case-1', async () => void started.push('b'));
    expect(joined).toBe(first);
    expect(queue.waiting('case-1')).toBe(first);
    release();
    await running;
    await first;
    expect(started).toEqual(['a']);
    expect(queue.waiting('case-1')).toBeUndefined();
    await queue.coalesced('case-1', async () => void started.push('c'));
    expect(started).toEqual(['a', 'c']);
  });

  test('other cases do not wait for it', async () => {
    const queue = new CaseQueue();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    void queue.serialized('case-1', () => gate);
    const other = queue.coalesced('case-2', async () => 'done');
    await expect(other).resolves.toBe('done');
    release();
  });
});

describe('CaseQueue with a gap', () => {
  test('the next coalesced work starts a gap after the last one started, and calls made during the gap join it', async () => {
    const queue = new CaseQueue(150);
    const starts: number[] = [];
    const work = async () => void starts.push(performance.now());
    await queue.coalesced('case-1', work);
    const second = queue.coalesced('case-1', work);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Still within the gap: this call is the same work as the one waiting.
    expect(queue.coalesced('case-1', work)).toBe(second);
    await second;
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(145);
  });

  test("work waiting out its gap does not hold up the case's other work", async () => {
    const queue = new CaseQueue(60_000);
    await queue.coalesced('case-1', async () => undefined);
    let gapped = false;
    void queue.track(queue.coalesced('case-1', async () => void (gapped = true)));
    const started = performance.now();
    await queue.serialized('case-1', async () => undefined);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(gapped).toBe(false);
    await queue.idle();
  });

  test('the gap is per case: another case starts at once', async () => {
    const queue = new CaseQueue(10_000);
    await queue.coalesced('case-1', async () => undefined);
    const started = performance.now();
    await queue.coalesced('case-2', async () => undefined);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

test('idle starts work that waits out a gap at once', async () => {
  const queue = new CaseQueue(60_000);
  await queue.coalesced('case-1', async () => undefined);
  let ran = false;
  void queue.track(queue.coalesced('case-1', async () => void (ran = true)));
  const started = performance.now();
  await queue.idle();
  expect(ran).toBe(true);
  expect(performance.now() - started).toBeLessThan(5_000);
});
