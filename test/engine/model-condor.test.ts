// The daily model condor (docs/specification.md §8): shorts at the grid strikes nearest 16 delta, default
// wings (50 points for SPX near 5,000, a share of spot far from it), credit = model mark, k₀ = C·y₀.
import { describe, expect, it } from 'vitest';
import {
  defaultWingWidth,
  modelCondor,
  priceOption,
  UNDERLYINGS,
  type MarketState,
  type Underlying,
} from '../../src/engine/index.ts';
import { MASKING_CASE } from './reference/references.ts';
import { closeEdt, marketAt, relativeError } from './helpers.ts';

const EXPIRY = '2026-05-15';
const SETTLEMENT = closeEdt(EXPIRY);
const build = (
  market: MarketState,
  underlying: Underlying = UNDERLYINGS.SPX,
  extra: { targetDelta?: number; wingWidth?: number } = {},
) => modelCondor({ underlying, market, expiry: EXPIRY, settlementMs: SETTLEMENT, ...extra });
const absDelta = (market: MarketState, type: 'call' | 'put', strike: number) =>
  Math.abs(
    priceOption({
      type,
      spot: market.spot,
      strike,
      years: 45 / 365,
      vol: market.vol.atmVol,
      rate: market.rate,
      dividendYield: market.dividendYield,
    }).delta,
  );

describe('short strikes', () => {
  for (const [spot, vix] of [
    [5800, 16],
    [5800, 28],
    [6400, 12],
    [4300, 22],
  ] as const) {
    it(`are the grid strikes with |delta| nearest 0.16, neighbours farther (SPX ${spot}, VIX ${vix})`, () => {
      const market = marketAt('2026-03-31', spot, vix);
      const model = build(market);
      const { shortPut, shortCall } = model.condor.strikes;
      for (const [type, strike] of [
        ['put', shortPut],
        ['call', shortCall],
      ] as const) {
        const miss = Math.abs(absDelta(market, type, strike) - 0.16);
        expect(strike % 5).toBe(0);
        expect(Math.abs(absDelta(market, type, strike - 5) - 0.16), `${type} ${strike - 5}`).toBeGreaterThanOrEqual(
          miss,
        );
        expect(Math.abs(absDelta(market, type, strike + 5) - 0.16), `${type} ${strike + 5}`).toBeGreaterThanOrEqual(
          miss,
        );
      }
      // modelCondor reports the put's |delta| (evaluatePosition reports it signed): compare sizes.
      expect(Math.abs(model.shortPutDelta)).toBeCloseTo(absDelta(market, 'put', shortPut), 15);
      expect(model.shortCallDelta).toBeCloseTo(absDelta(market, 'call', shortCall), 15);
    });
  }

  it('match the brute-force search of make_references.py for SPX 5800, VIX 16, 45 days', () => {
    expect(build(marketAt('2026-03-31', 5800, 16)).condor.strikes).toEqual(MASKING_CASE.strikes);
  });

  it('move out with a lower target delta', () => {
    const market = marketAt('2026-03-31', 5800, 16);
    const ten = build(market, UNDERLYINGS.SPX, { targetDelta: 0.1 }).condor.strikes;
    expect(ten.shortPut).toBeLessThan(MASKING_CASE.strikes.shortPut);
    expect(ten.shortCall).toBeGreaterThan(MASKING_CASE.strikes.shortCall);
  });
});

describe('wings', () => {
  it('are 50 points for SPX near 5,000 (from 2,500 to 12,500 by default)', () => {
    expect(build(marketAt('2026-03-31', 5800, 16)).wingWidth).toBe(50);
    expect(defaultWingWidth(UNDERLYINGS.SPX, 2500)).toBe(50);
    expect(defaultWingWidth(UNDERLYINGS.SPX, 12500)).toBe(50);
  });

  it('are 1% of spot, on the grid, far from it: SPX at 350 → 5, at 1,000 → 10, at 15,000 → 150', () => {
    // 50 × 350 / 5000 = 3.5 → nearest multiple of 5 = 5 (and never below one step).
    expect(defaultWingWidth(UNDERLYINGS.SPX, 350)).toBe(5);
    expect(defaultWingWidth(UNDERLYINGS.SPX, 1000)).toBe(10);
    expect(defaultWingWidth(UNDERLYINGS.SPX, 2400)).toBe(25); // 24 → 25
    expect(defaultWingWidth(UNDERLYINGS.SPX, 15000)).toBe(150);
    const model = build(marketAt('2026-03-31', 350, 16));
    expect(model.wingWidth).toBe(5);
    const { strikes } = model.condor;
    expect(strikes.shortPut - strikes.longPut).toBe(5);
    expect(strikes.longCall - strikes.shortCall).toBe(5);
  });

  it('are 5 points for XSP near 500, with 1-point strikes', () => {
    const model = build(marketAt('2026-03-31', 580, 16), UNDERLYINGS.XSP);
    expect(model.wingWidth).toBe(5);
    expect(model.condor.strikes.shortPut - model.condor.strikes.longPut).toBe(5);
    expect(Number.isInteger(model.condor.strikes.shortPut)).toBe(true);
  });

  it('follow an explicit width', () => {
    const { strikes } = build(marketAt('2026-03-31', 5800, 16), UNDERLYINGS.SPX, { wingWidth: 25 }).condor;
    expect(strikes.longCall - strikes.shortCall).toBe(25);
  });
});

describe('credit and baseline', () => {
  const market = marketAt('2026-03-31', 5800, 16);
  const model = build(market);

  it('credits the model mark of the four legs (the mpmath value 14.0776)', () => {
    expect(model.condor.credit).toBe(model.evaluation.mark);
    expect(relativeError(model.condor.credit, Number(MASKING_CASE.credit))).toBeLessThan(1e-12);
    expect(model.evaluation.unrealizedPl).toBeCloseTo(0, 9);
  });

  it("reports k₀ = credit × cushion at today's spot", () => {
    const { strikes, credit } = model.condor;
    const cushion = Math.min(5800 - (strikes.shortPut - credit), strikes.shortCall + credit - 5800);
    expect(model.baselineK).toBeCloseTo(credit * cushion, 9);
    expect(
      relativeError(model.baselineK, Number(MASKING_CASE.credit) * Number(MASKING_CASE.cushionAtEntry)),
    ).toBeLessThan(1e-12);
  });

  it('carries PoP, max loss, return on risk and expected move, and the regime when given', () => {
    const e = model.evaluation;
    expect(e.maxLoss).toBeCloseTo((50 - model.condor.credit) * 100, 9);
    expect(e.returnOnRisk).toBeCloseTo(model.condor.credit / (50 - model.condor.credit), 12);
    // Roughly: both shorts at 16 delta leave about 2/3 between them.
    expect(e.probabilityOfProfit).toBeGreaterThan(0.6);
    expect(e.probabilityOfProfit).toBeLessThan(0.8);
    expect(e.expectedMove).toBeCloseTo(5800 * 0.16 * Math.sqrt(45 / 365), 9);
    expect(model.regime).toBeNull();
    expect(model.threshold).toBeNull();
  });
});
