// The constant-product invariant (docs/specification.md §5): x = premium reserve, y = cushion reserve,
// δ = (k − k̂)/k₀, b_y = 1 − y/y₀, b_x = (x − x̃)/C, with the calibration c = C/x̂₀.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEntrySnapshot, measureInvariant, vixProxy, type MarketState } from '../../src/engine/index.ts';
import { MASKING_CASE } from './reference/references.ts';
import { ENTRY_DATE, ENTRY_MARKET, MODEL, SETTLEMENT, evaluateScenario, openPosition } from './fixtures.ts';
import { marketAt, relativeError } from './helpers.ts';

function readAt(market: MarketState, credit = MODEL.condor.credit) {
  const { condor, entry } = openPosition(credit);
  const vol = market.vol.atmVol;
  const legVolsNow = { longPut: vol, shortPut: vol, shortCall: vol, longCall: vol };
  return { entry, reading: measureInvariant({ condor, entry, market, settlementMs: SETTLEMENT, legVolsNow }) };
}

describe('the model condor of the masking case', () => {
  it('has the strikes and credit computed independently (mpmath, brute force over the grid)', () => {
    expect(MODEL.condor.strikes).toEqual(MASKING_CASE.strikes);
    expect(relativeError(MODEL.condor.credit, Number(MASKING_CASE.credit))).toBeLessThan(1e-12);
  });
});

describe('at entry', () => {
  it('reads δ = 0 exactly, b_y = 0 and b_x = 0 (same instant, same market)', () => {
    const { entry, reading } = readAt(ENTRY_MARKET);
    expect(reading.deviation).toBe(0);
    expect(reading.cushionBreach).toBe(0);
    expect(reading.premiumBreach).toBe(0);
    expect(reading.kTarget).toBe(reading.k);
    // k₀ = C · y₀, and k = k₀ up to the rounding of c·x̂₀ = C.
    expect(entry.baselineK).toBe(MODEL.condor.credit * entry.cushion);
    expect(relativeError(reading.k, entry.baselineK)).toBeLessThan(1e-15);
  });

  it('stores y₀ = cushion at S₀ and the entry distance of the shorts in expected moves', () => {
    const { entry } = readAt(ENTRY_MARKET);
    expect(relativeError(entry.cushion, Number(MASKING_CASE.cushionAtEntry))).toBeLessThan(1e-12);
    const em = 5800 * 0.16 * Math.sqrt(45 / 365);
    expect(entry.expectedMove).toBeCloseTo(em, 9);
    expect(entry.shortPutMoves).toBeCloseTo((5800 - MASKING_CASE.strikes.shortPut) / em, 12);
    expect(entry.shortCallMoves).toBeCloseTo((MASKING_CASE.strikes.shortCall - 5800) / em, 12);
  });

  it('reads no deviation when only time passes (spot and vol unchanged, 10 days later)', () => {
    const { reading } = readAt(marketAt('2026-04-10', 5800, 16));
    expect(reading.deviation).toBe(0);
    expect(reading.premiumBreach).toBe(0);
    expect(reading.cushionBreach).toBe(0);
    expect(reading.premiumReserve).toBeLessThan(MODEL.condor.credit); // theta has been earned
  });
});

describe('the masking case: spot −1.7% and VIX 16 → 20 the same day', () => {
  const after = marketAt(ENTRY_DATE, MASKING_CASE.spotAfter, 20);
  const { reading } = readAt(after);

  it('leaves the product nearly flat: |δ| < 0.03 (δ = −0.0204 by the definitions in mpmath)', () => {
    expect(Math.abs(reading.deviation)).toBeLessThan(0.03);
    expect(reading.deviation).toBeCloseTo(Number(MASKING_CASE.deviation), 10);
  });

  it('while both reserves say trouble: b_y = 0.324 (cushion) and b_x = 0.346 (premium)', () => {
    expect(reading.cushionBreach).toBeCloseTo(Number(MASKING_CASE.cushionBreach), 10);
    expect(reading.premiumBreach).toBeCloseTo(Number(MASKING_CASE.premiumBreach), 10);
    expect(reading.premiumReserve).toBeCloseTo(Number(MASKING_CASE.premiumReserve), 9);
    expect(reading.premiumIfVolUnchanged).toBeCloseTo(Number(MASKING_CASE.premiumIfVolUnchanged), 9);
    expect(reading.cushion).toBeCloseTo(Number(MASKING_CASE.cushion), 9);
  });

  it('so the position is not held: the action is ROLL (or HEDGE), never HOLD', () => {
    const evaluation = evaluateScenario({ spot: MASKING_CASE.spotAfter, vix: 20 });
    expect(['ROLL', 'HEDGE']).toContain(evaluation.action);
    expect(evaluation.action).toBe('ROLL'); // b_y 0.324 ≥ T 0.18 comes first
    expect(Math.abs(evaluation.invariant.deviation)).toBeLessThan(0.03);
    // b_x ≥ T, but the hedge reads the vol loss against max loss: 4.88 / 35.92 = 13.6% < T, no layer yet.
    expect(evaluation.hedge.volLossShare).toBeCloseTo(
      (Number(MASKING_CASE.premiumReserve) - Number(MASKING_CASE.premiumIfVolUnchanged)) /
        (50 - Number(MASKING_CASE.credit)),
      6,
    );
    expect(evaluation.hedge.proposed).toEqual([]);
  });
});

describe('cushion breach b_y', () => {
  const { entry } = readAt(ENTRY_MARKET);
  const breakEvenLow = MODEL.condor.strikes.shortPut - MODEL.condor.credit;
  const breakEvenHigh = MODEL.condor.strikes.shortCall + MODEL.condor.credit;
  const middle = (breakEvenLow + breakEvenHigh) / 2;
  const breachAt = (spot: number, vix = 16) => readAt(marketAt(ENTRY_DATE, spot, vix)).reading.cushionBreach;

  it('never decreases as spot moves towards either break-even (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (u, v, down) => {
          const [near, far] = u < v ? [u, v] : [v, u]; // fraction of the way from the middle
          const at = (f: number) =>
            down ? middle - f * (middle - breakEvenLow) : middle + f * (breakEvenHigh - middle);
          expect(breachAt(at(far))).toBeGreaterThanOrEqual(breachAt(at(near)));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('is 1 − y/y₀: 1 at a break-even, above 1 past it, and does not depend on vol', () => {
    expect(breachAt(breakEvenLow)).toBeCloseTo(1, 12);
    expect(breachAt(breakEvenHigh)).toBeCloseTo(1, 12);
    expect(breachAt(breakEvenLow - 10)).toBeCloseTo(1 + 10 / entry.cushion, 12);
    expect(breachAt(5750, 35)).toBe(breachAt(5750, 12));
    expect(breachAt(5750)).toBeCloseTo(1 - (5750 - breakEvenLow) / entry.cushion, 12);
  });
});

describe('premium breach b_x', () => {
  it('is zero when vol is unchanged, whatever spot does', () => {
    for (const spot of [5600, 5750, 5900, 6100])
      expect(readAt(marketAt(ENTRY_DATE, spot, 16)).reading.premiumBreach).toBe(0);
  });

  it('rises with vol and falls below zero when vol falls', () => {
    const at = (vix: number) => readAt(marketAt(ENTRY_DATE, 5800, vix)).reading.premiumBreach;
    expect(at(12)).toBeLessThan(0);
    expect(at(20)).toBeGreaterThan(at(18));
    expect(at(18)).toBeGreaterThan(0);
  });
});

describe('calibration c = C / x̂₀', () => {
  const fair = MODEL.condor.credit;
  for (const [name, credit] of [
    ['a better fill (+10%)', fair * 1.1],
    ['a worse fill (−10%)', fair * 0.9],
  ] as const) {
    it(`does not show ${name} as a deviation at entry`, () => {
      const { entry, reading } = readAt(ENTRY_MARKET, credit);
      expect(entry.calibration).toBeCloseTo(credit / fair, 12);
      // The raw model mark differs from the fill by 10%; the calibrated reserve is the fill.
      expect(Math.abs(reading.modelMark / credit - 1)).toBeGreaterThan(0.09);
      expect(relativeError(reading.premiumReserve, credit)).toBeLessThan(1e-15);
      expect(reading.deviation).toBe(0);
      expect(reading.premiumBreach).toBe(0);
    });
  }

  it('reads the same premium breach after a vol move whatever the fill', () => {
    const after = { ...marketAt(ENTRY_DATE, 5750, 19), vol: vixProxy(19) };
    const [better, worse, model] = [fair * 1.1, fair * 0.9, fair].map(
      (credit) => readAt(after, credit).reading.premiumBreach,
    );
    expect(better).toBeCloseTo(model!, 12);
    expect(worse).toBeCloseTo(model!, 12);
  });

  it('falls back to c = 1 when the model mark is zero (nothing to scale)', () => {
    const entry = createEntrySnapshot({
      condor: { ...MODEL.condor },
      market: { ...ENTRY_MARKET, vol: vixProxy(0) },
      settlementMs: SETTLEMENT,
      vix: 0,
    });
    expect(entry.modelMark).toBe(0);
    expect(entry.calibration).toBe(1);
  });
});
