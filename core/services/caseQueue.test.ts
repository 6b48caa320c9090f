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
