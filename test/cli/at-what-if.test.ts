// `cli run ... --at`: a view as of another instant is a what-if and offers no button that records
// (issue 12 §6); without --at the same view offers the Close (review) button.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runOnce } from '../../src/cli/run.ts';
import { makeApp } from '../support/app.ts';

afterEach(() => vi.restoreAllMocks());

async function json(app: ReturnType<typeof makeApp>['app'], line: string, atMs?: number) {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const code = await runOnce(app, line, { json: true, userName: 'local', ...(atMs === undefined ? {} : { atMs }) });
  vi.restoreAllMocks();
  expect(code).toBe(0);
  return JSON.parse(out) as { title: string; buttons?: { command: string; options: Record<string, unknown> }[] };
}

describe('cli run --at', () => {
  it('shows the position as of that instant without a Close or Adopt button', async () => {
    const t = makeApp();
    // Short put 6150 above the demo SPX: under the cp policy (the default holds to expiry) the live view
    // proposes CLOSE.
    await json(t.app, '/settings policy=cp');
    const added = await json(t.app, '/position add 6100 6150 6650 6700 2027-01-08 credit=10 spot=6400 vix=16');
    const id = /^Position ([a-z0-9]{6}) recorded$/.exec(added.title)![1]!;
    const live = await json(t.app, `/position show ${id}`);
    expect(live.buttons?.map((b) => b.command)).toEqual(['position close']);
    const at = await json(t.app, `/position show ${id}`, t.clock.now() + 3_600_000);
    expect(at.title).toMatch(/CLOSE/);
    expect(at.buttons ?? []).toEqual([]);
  });
});
