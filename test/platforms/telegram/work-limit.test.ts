// The bot's update limit (src/platforms/telegram/work-limit.ts): at most N updates worked on at once,
// the rest started in arrival order as slots free up, a failure frees its slot too.
import { describe, expect, it } from 'vitest';
import { createWorkLimit } from '../../../src/platforms/telegram/work-limit.ts';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('createWorkLimit', () => {
  it('runs at most 3 at once and starts the waiting ones in arrival order', async () => {
    const limit = createWorkLimit(3);
    const gates = Array.from({ length: 7 }, gate);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const done = gates.map((g, i) =>
      limit(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await g.opened;
        running--;
        return i * 10;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.open();
    await done[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2, 3]);
    for (const g of gates) g.open();
    expect(await Promise.all(done)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it('a failed work rejects its own caller and frees its slot', async () => {
    const limit = createWorkLimit(1);
    const failing = limit(() => Promise.reject(new Error('boom')));
    const next = limit(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ran');
  });
});
