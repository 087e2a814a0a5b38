// Same inputs, same bytes out: two runs, a run with a shared entry cache, a single-policy run and
// a run from a prepared history all serialise identically.
import { describe, expect, it } from 'vitest';
import { createEntryCache, prepareHistory, runBacktest, runBacktests } from '../../../src/engine/backtest/index.ts';
import { lcg, path } from './paths.ts';

function wanderingPath(seed: number, count: number) {
  const random = lcg(seed);
  let spx = 1500;
  let vix = 20;
  return path(
    '2008-01-07',
    Array.from({ length: count }, () => (spx = Math.round(spx * (1 + (random() - 0.5) * 0.05) * 100) / 100)),
    Array.from(
      { length: count },
      () => (vix = Math.round(Math.min(80, Math.max(10, vix * (1 + (random() - 0.5) * 0.2))) * 100) / 100),
    ),
  );
}

describe('determinism', () => {
  const days = wanderingPath(7, 900);
  const params = { from: days[60]!.date, trace: true };

  it('two runs give identical JSON', () => {
    const first = JSON.stringify(runBacktests({ days, params }));
    const second = JSON.stringify(runBacktests({ days, params }));
    expect(second).toBe(first);
    expect(first.length).toBeGreaterThan(10_000);
  });

  it('a shared entry cache, a prepared history and single-policy runs change nothing', () => {
    const plain = runBacktests({ days, params });
    const cache = createEntryCache();
    const history = prepareHistory(days);
    runBacktests({ days: history, params, entryCache: cache, policies: ['hold'] });
    const cached = runBacktests({ days: history, params, entryCache: cache });
    expect(JSON.stringify(cached)).toBe(JSON.stringify(plain));
    for (const policy of plain.policies) {
      expect(JSON.stringify(runBacktest({ days, params, policy: policy.policy }).policies[0])).toBe(
        JSON.stringify(policy),
      );
    }
  });

  it('the path really exercises the rules', () => {
    const [cp, delta, hold] = runBacktests({ days, params }).policies;
    expect(cp!.rolls).toBeGreaterThan(5);
    expect(delta!.rolls).toBeGreaterThan(0);
    expect(hold!.endings['stop-loss'] + hold!.endings.expiry).toBeGreaterThan(0);
  });
});
