// Market regime (docs/specification.md §4): percentile strictly below over the trailing 252 closes, rank,
// regime boundaries, the spike flag, term structure and the rebalance threshold.
import { describe, expect, it } from 'vitest';
import { classifyRegime, rebalanceThreshold, regimeFor } from '../../src/engine/index.ts';

/** `below` closes under `level`, `equal` at it and `above` over it, shuffled deterministically. */
function history(level: number, below: number, equal: number, above: number): number[] {
  const closes = [
    ...Array.from({ length: below }, (_, i) => level - 1 - (i % 7) * 0.5),
    ...Array.from({ length: equal }, () => level),
    ...Array.from({ length: above }, (_, i) => level + 1 + (i % 5) * 0.5),
  ];
  // Interleave so the order of the history does not matter.
  return closes
    .map((value, i) => ({ value, key: (i * 7919) % closes.length }))
    .sort((a, b) => a.key - b.key)
    .map((c) => c.value);
}

describe('VIX percentile and rank', () => {
  it('counts the closes strictly below today (ties do not count)', () => {
    // 100 below, 50 equal, 102 above: 100/252 = 39.68…%.
    const reading = classifyRegime({ vix: 20, history: history(20, 100, 50, 102) });
    expect(reading.historyCount).toBe(252);
    expect(reading.percentile).toBeCloseTo((100 * 100) / 252, 12);
  });

  it('uses only the last 252 closes when the history is longer', () => {
    const recent = history(20, 100, 50, 102);
    const older = Array.from({ length: 300 }, () => 10); // all below today's 20
    const reading = classifyRegime({ vix: 20, history: [...older, ...recent] });
    expect(reading.historyCount).toBe(252);
    expect(reading.percentile).toBeCloseTo((100 * 100) / 252, 12);
  });

  it('gives rank (VIX − min)/(max − min) · 100 over the same window', () => {
    const closes = [...Array.from({ length: 30 }, (_, i) => 12 + (i % 10)), 10, 30];
    // min 10, max 30: VIX 15 → (15 − 10)/(30 − 10) · 100 = 25.
    expect(classifyRegime({ vix: 15, history: closes }).rank).toBeCloseTo(25, 12);
    // Out-of-range values are clamped to 0 and 100.
    expect(classifyRegime({ vix: 40, history: closes }).rank).toBe(100);
    expect(classifyRegime({ vix: 5, history: closes }).rank).toBe(0);
  });

  it('is unknown with fewer than 20 closes (and says so), known with exactly 20', () => {
    const nineteen = classifyRegime({ vix: 18, history: Array.from({ length: 19 }, () => 15) });
    expect(nineteen.percentile).toBeNull();
    expect(nineteen.rank).toBeNull();
    expect(nineteen.summary).toMatch(/unknown/);
    expect(nineteen.summary).toMatch(/19 closes/);
    // Midpoint threshold: 0.15 + 0.05 · 0.5 = 0.175.
    expect(nineteen.threshold).toBeCloseTo(0.175, 15);
    const twenty = classifyRegime({ vix: 18, history: Array.from({ length: 20 }, () => 15) });
    expect(twenty.percentile).toBe(100);
  });
});

describe('regime boundaries', () => {
  it.each([
    [24.9, 'calm'],
    [25, 'normal'],
    [74.9, 'normal'],
    [75, 'elevated'],
    [94.9, 'elevated'],
    [95, 'extreme'],
    [0, 'calm'],
    [100, 'extreme'],
  ] as const)('percentile %d is %s (VIX 18)', (percentile, regime) => {
    expect(regimeFor(18, percentile)).toBe(regime);
  });

  it('is extreme at VIX ≥ 30 whatever the percentile, and not at 29.99', () => {
    expect(regimeFor(30, 0)).toBe('extreme');
    expect(regimeFor(45, 10)).toBe('extreme');
    expect(regimeFor(30, null)).toBe('extreme');
    expect(regimeFor(29.99, 0)).toBe('calm');
    // Through classifyRegime: 60 closes all above 40, so today's 30 is at the 0th percentile.
    const reading = classifyRegime({ vix: 30, history: Array.from({ length: 60 }, () => 41) });
    expect(reading.percentile).toBe(0);
    expect(reading.regime).toBe('extreme');
  });

  it('places percentiles from classifyRegime on the same boundaries (200 closes: 50 below → 25 → normal)', () => {
    expect(classifyRegime({ vix: 20, history: history(20, 49, 0, 151) }).regime).toBe('calm'); // 24.5
    expect(classifyRegime({ vix: 20, history: history(20, 50, 0, 150) }).regime).toBe('normal'); // 25
    expect(classifyRegime({ vix: 20, history: history(20, 150, 0, 50) }).regime).toBe('elevated'); // 75
    expect(classifyRegime({ vix: 20, history: history(20, 190, 0, 10) }).regime).toBe('extreme'); // 95
  });
});

describe('spike and term structure', () => {
  const flat = (last: number) => [...Array.from({ length: 30 }, () => 15), last];

  it('flags a close at exactly +15% over the previous close as a spike (20 → 23)', () => {
    const reading = classifyRegime({ vix: 23, history: flat(20) });
    expect(reading.change).toBeCloseTo(0.15, 14);
    expect(reading.spike).toBe(true);
  });

  it('flags +15% from other levels too (16 → 18.40, 40 → 46)', () => {
    expect(classifyRegime({ vix: 18.4, history: flat(16) }).spike).toBe(true);
    expect(classifyRegime({ vix: 46, history: flat(40) }).spike).toBe(true);
  });

  it('does not flag +14.9%, and says null without a previous close', () => {
    expect(classifyRegime({ vix: 22.98, history: flat(20) }).spike).toBe(false);
    expect(classifyRegime({ vix: 22, history: [] }).spike).toBeNull();
  });

  it('reads contango when VIX/VIX3M < 1, backwardation otherwise, null without VIX3M', () => {
    expect(classifyRegime({ vix: 16, history: flat(16), vix3m: 18 })).toMatchObject({
      termStructure: 'contango',
      vixToVix3m: 16 / 18,
    });
    expect(classifyRegime({ vix: 18, history: flat(16), vix3m: 18 }).termStructure).toBe('backwardation');
    expect(classifyRegime({ vix: 25, history: flat(16), vix3m: 21 }).termStructure).toBe('backwardation');
    expect(classifyRegime({ vix: 16, history: flat(16) }).termStructure).toBeNull();
  });
});

describe('rebalanceThreshold', () => {
  it('runs from T_min = 0.15 at percentile 0 to T_max = 0.20 at 100, linearly', () => {
    expect(rebalanceThreshold(0)).toBe(0.15);
    expect(rebalanceThreshold(100)).toBeCloseTo(0.2, 15);
    expect(rebalanceThreshold(50)).toBeCloseTo(0.175, 15);
    expect(rebalanceThreshold(38)).toBeCloseTo(0.15 + 0.05 * 0.38, 15);
  });

  it('uses the midpoint 0.175 when the percentile is unknown, and a configured band', () => {
    expect(rebalanceThreshold(null)).toBeCloseTo(0.175, 15);
    expect(rebalanceThreshold(40, { thresholdMin: 0.1, thresholdMax: 0.3 })).toBeCloseTo(0.18, 15);
  });

  it('is the threshold classifyRegime reports', () => {
    const reading = classifyRegime({ vix: 20, history: history(20, 100, 50, 102) });
    expect(reading.threshold).toBeCloseTo(0.15 + 0.05 * (100 / 252), 15);
  });
});
