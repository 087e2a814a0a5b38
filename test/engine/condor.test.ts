// Iron condor evaluation (docs/specification.md §3): metrics worked by hand, payoff, validation, probabilities
// against mpmath values and the N(d2) formula, position greeks and the payoff curve.
import { describe, expect, it } from 'vitest';
import {
  assertValidCondor,
  condorViolations,
  evaluateCondor,
  normCdf,
  payoffAtExpiry,
  payoffCurve,
  roundStep,
  priceOption,
  touchProbability,
  CondorRuleError,
  LEG_ROLES,
  LEG_SIDE,
  LEG_TYPE,
  UNDERLYINGS,
  type Condor,
} from '../../src/engine/index.ts';
import { CONDOR_PROBABILITIES } from './reference/references.ts';
import { closeEdt, marketAt, relativeError, symmetricSpxCondor } from './helpers.ts';

// Valuation at the 16:00 close of 2026-03-31, expiry 16:00 on 2026-05-15: exactly 45 days, both
// in daylight time, so τ = 45/365.
const TODAY = '2026-03-31';
const SETTLEMENT = closeEdt('2026-05-15');
const market = marketAt(TODAY, 6000, 16);
const evaluate = (condor: Condor, m = market) => evaluateCondor({ condor, market: m, settlementMs: SETTLEMENT });

describe('evaluateCondor: metrics worked by hand', () => {
  it('symmetric SPX condor 5615/5665/6335/6385 for 14.20, one lot', () => {
    const e = evaluate(symmetricSpxCondor());
    // Wings: 5665 − 5615 = 50 and 6385 − 6335 = 50, so W = 50.
    expect([e.widthPut, e.widthCall, e.widestWing]).toEqual([50, 50, 50]);
    // Max profit = C·m·n = 14.20 × 100 × 1 = $1,420.
    expect(e.maxProfit).toBeCloseTo(1420, 9);
    // Max loss = (W − C)·m·n = (50 − 14.20) × 100 = 35.80 × 100 = $3,580.
    expect(e.maxLoss).toBeCloseTo(3580, 9);
    // Break-evens: 5665 − 14.20 = 5650.80 and 6335 + 14.20 = 6349.20.
    expect(e.breakEvenLow).toBeCloseTo(5650.8, 9);
    expect(e.breakEvenHigh).toBeCloseTo(6349.2, 9);
    // Return on risk = C/(W − C) = 14.20/35.80 = 0.396648… (39.7%).
    expect(e.returnOnRisk).toBeCloseTo(0.39664804469, 10);
    // Cushion at 6000: min(6000 − 5650.80, 6349.20 − 6000) = min(349.20, 349.20) = 349.20.
    expect(e.cushion).toBeCloseTo(349.2, 9);
    // 45 calendar days; expected move = S σ √τ = 6000 × 0.16 × √(45/365) = 337.08 points.
    expect(e.dte).toBe(45);
    expect(e.discountYears).toBe(45 / 365);
    expect(e.varianceYears).toBe(45 / 365); // no calendar given: the single ACT/365 clock
    expect(e.expectedMove).toBeCloseTo(6000 * 0.16 * Math.sqrt(45 / 365), 9);
    expect(e.expectedMove).toBeCloseTo(337.08, 2);
  });

  it('unequal wings 5600/5650/6350/6425 for 20.00, two lots: the wider (call) wing sets the risk', () => {
    const condor = symmetricSpxCondor({
      strikes: { longPut: 5600, shortPut: 5650, shortCall: 6350, longCall: 6425 },
      credit: 20,
      quantity: 2,
    });
    const e = evaluate(condor);
    // wP = 50, wC = 75, W = 75.
    expect([e.widthPut, e.widthCall, e.widestWing]).toEqual([50, 75, 75]);
    // Max profit = 20 × 100 × 2 = $4,000; max loss = (75 − 20) × 100 × 2 = 55 × 200 = $11,000.
    expect(e.maxProfit).toBe(4000);
    expect(e.maxLoss).toBe(11000);
    // Break-evens 5650 − 20 = 5630 and 6350 + 20 = 6370; return on risk 20/55 = 0.3636…
    expect([e.breakEvenLow, e.breakEvenHigh]).toEqual([5630, 6370]);
    expect(e.returnOnRisk).toBeCloseTo(20 / 55, 14);
  });

  it('XSP condor 563/568/632/637 for 1.42, three lots: multiplier 100, strike grid 1', () => {
    const condor: Condor = {
      underlying: UNDERLYINGS.XSP,
      strikes: { longPut: 563, shortPut: 568, shortCall: 632, longCall: 637 },
      expiry: '2026-05-15',
      quantity: 3,
      credit: 1.42,
    };
    const e = evaluate(condor, marketAt(TODAY, 600, 16));
    // Max profit = 1.42 × 100 × 3 = $426; max loss = (5 − 1.42) × 100 × 3 = 3.58 × 300 = $1,074.
    expect(e.maxProfit).toBeCloseTo(426, 9);
    expect(e.maxLoss).toBeCloseTo(1074, 9);
    // Break-evens 568 − 1.42 = 566.58 and 632 + 1.42 = 633.42.
    expect(e.breakEvenLow).toBeCloseTo(566.58, 9);
    expect(e.breakEvenHigh).toBeCloseTo(633.42, 9);
    // The same strikes are off the SPX grid (multiples of 5).
    expect(
      condorViolations({ ...condor, underlying: UNDERLYINGS.SPX, credit: 1.42 }, TODAY).map((v) => v.rule),
    ).toEqual(['strike-grid']);
  });

  it('marks the four legs at the mpmath value and reports unrealized P/L = (C − mark)·m·n', () => {
    const e = evaluate(symmetricSpxCondor());
    const mark = Number(CONDOR_PROBABILITIES.mark);
    expect(relativeError(e.mark, mark)).toBeLessThan(1e-12);
    expect(e.unrealizedPl).toBeCloseTo((14.2 - mark) * 100, 8);
  });
});

describe('payoffAtExpiry', () => {
  const { strikes } = symmetricSpxCondor();
  it.each([
    // C − (K2−S)⁺ + (K1−S)⁺ − (S−K3)⁺ + (S−K4)⁺ with C = 14.20
    [6000, 14.2], //                     between the shorts: keep the credit
    [5665, 14.2], //                     at the short put
    [6335, 14.2], //                     at the short call
    [5650.8, 0], //                      break-even: 14.20 − (5665 − 5650.80)
    [6349.2, 0], //                      break-even: 14.20 − (6349.20 − 6335)
    [5640, -10.8], //                    14.20 − 25
    [6360, -10.8], //                    14.20 − 25
    [5615, -35.8], //                    14.20 − 50: the full put wing
    [4000, -35.8], //                    14.20 − 1665 + 1615
    [9000, -35.8], //                    14.20 − 2665 + 2615
  ])('at S = %d is %d points per share', (spot, want) => {
    expect(payoffAtExpiry(strikes, 14.2, spot)).toBeCloseTo(want, 9);
  });
});

describe('validation: every rule is rejected with its name and the offending values', () => {
  const today = TODAY;
  const broken = (patch: Partial<Condor>) => condorViolations(symmetricSpxCondor(patch), today);
  it.each<[string, Partial<Condor>, string[]]>([
    [
      'strike-positive',
      { strikes: { longPut: 0, shortPut: 5665, shortCall: 6335, longCall: 6385 } },
      ['0 / 5665 / 6335 / 6385'],
    ],
    ['strike-positive', { strikes: { longPut: NaN, shortPut: 5665, shortCall: 6335, longCall: 6385 } }, ['NaN']],
    [
      'strike-grid',
      { strikes: { longPut: 5617, shortPut: 5665, shortCall: 6335, longCall: 6386 } },
      ['multiples of 5', '5617', '6386'],
    ],
    [
      'strike-order',
      { strikes: { longPut: 5665, shortPut: 5615, shortCall: 6335, longCall: 6385 } },
      ['5,665 / 5,615 / 6,335 / 6,385'],
    ],
    [
      'strike-order',
      { strikes: { longPut: 5615, shortPut: 6340, shortCall: 6335, longCall: 6385 } },
      ['6,340', '6,335'],
    ],
    ['credit-positive', { credit: 0 }, ['got 0']],
    ['credit-positive', { credit: -3 }, ['got -3']],
    ['credit-below-width', { credit: 50 }, ['50.00', 'widest wing 50']],
    ['quantity-integer', { quantity: 1.5 }, ['got 1.5']],
    ['quantity-integer', { quantity: 0 }, ['got 0']],
    ['expiry-date', { expiry: '2026-02-30' }, ['2026-02-30']],
    ['expiry-past', { expiry: '2026-03-20' }, ['2026-03-20', today]],
  ])('%s: %j', (rule, patch, fragments) => {
    const violations = broken(patch);
    const hit = violations.find((v) => v.rule === rule);
    expect(hit, `rules broken: ${violations.map((v) => v.rule).join(', ')}`).toBeDefined();
    expect(hit).toBeInstanceOf(CondorRuleError);
    for (const fragment of fragments) expect(hit!.message).toContain(fragment);
    // The first broken rule is what evaluateCondor and assertValidCondor throw.
    expect(() => assertValidCondor(symmetricSpxCondor(patch), today)).toThrow(CondorRuleError);
  });

  it('accepts the valid condor, and an iron fly (short put = short call)', () => {
    expect(broken({})).toEqual([]);
    expect(broken({ strikes: { longPut: 5950, shortPut: 6000, shortCall: 6000, longCall: 6050 }, credit: 30 })).toEqual(
      [],
    );
  });

  it('accepts an expiry of today (0 DTE) but not yesterday', () => {
    expect(broken({ expiry: today })).toEqual([]);
    expect(broken({ expiry: '2026-03-30' }).map((v) => v.rule)).toEqual(['expiry-past']);
  });

  it('evaluateCondor refuses a broken condor with the rule', () => {
    try {
      evaluate(symmetricSpxCondor({ credit: 60 }));
      expect.unreachable('should throw');
    } catch (error) {
      expect((error as CondorRuleError).rule).toBe('credit-below-width');
    }
  });
});

describe('probabilities', () => {
  const e = evaluate(symmetricSpxCondor());
  // Independent of the engine's code path: d2(K) = (ln(F/K) − σ²τ/2)/(σ√τ) written out here.
  const years = 45 / 365;
  const forward = 6000 * Math.exp((0.04 - 0.013) * years);
  const d2 = (level: number) => (Math.log(forward / level) - 0.5 * 0.16 * 0.16 * years) / (0.16 * Math.sqrt(years));

  it('PoP = N(d2(BE−)) − N(d2(BE+)) matches mpmath to 1e-12 and the formula computed here', () => {
    expect(relativeError(e.probabilityOfProfit, Number(CONDOR_PROBABILITIES.probabilityOfProfit))).toBeLessThan(1e-12);
    expect(e.probabilityOfProfit).toBeCloseTo(normCdf(d2(5650.8)) - normCdf(d2(6349.2)), 13);
    expect(e.probabilityOfProfit).toBeGreaterThan(0.6);
    expect(e.probabilityOfProfit).toBeLessThan(0.75);
  });

  it('P(max profit) = N(d2(K2)) − N(d2(K3)) is below PoP', () => {
    expect(relativeError(e.probabilityOfMaxProfit, Number(CONDOR_PROBABILITIES.probabilityOfMaxProfit))).toBeLessThan(
      1e-12,
    );
    expect(e.probabilityOfMaxProfit).toBeLessThan(e.probabilityOfProfit);
  });

  it("P(touch) of each short strike is the first-passage probability at that strike's vol", () => {
    const time = { varianceYears: 45 / 365, discountYears: 45 / 365 };
    const vol = (strike: number) => e.legs.find((leg) => leg.strike === strike)!.vol;
    expect(e.touchProbabilityShortPut).toBe(touchProbability(6000, 5665, vol(5665), time, 0.04, 0.013));
    expect(e.touchProbabilityShortCall).toBe(touchProbability(6000, 6335, vol(6335), time, 0.04, 0.013));
    // Touching is likelier than finishing beyond, and less likely than twice that (the drift-free shortcut).
    const beyondPut = Number(CONDOR_PROBABILITIES.beyondShortPut);
    expect(e.touchProbabilityShortPut).toBeGreaterThan(beyondPut);
    expect(e.touchProbabilityShortPut).toBeLessThan(2 * beyondPut + 0.01);
  });

  it('is 1 when the short strike is already through spot', () => {
    const below = evaluate(symmetricSpxCondor(), marketAt(TODAY, 5655, 16));
    expect(below.touchProbabilityShortPut).toBe(1);
    expect(below.touchProbabilityShortCall).toBeLessThan(0.1);
  });
});

describe('position greeks', () => {
  it('are the signed sum of the legs × multiplier × quantity', () => {
    const condor = symmetricSpxCondor({ quantity: 3 });
    const e = evaluate(condor, marketAt(TODAY, 5900, 18));
    const sum = { delta: 0, gamma: 0, theta: 0, vega: 0, rho: 0 };
    for (const role of LEG_ROLES) {
      const v = priceOption({
        type: LEG_TYPE[role],
        spot: 5900,
        strike: condor.strikes[role],
        years: 45 / 365,
        vol: 0.18,
        rate: 0.04,
        dividendYield: 0.013,
      });
      const sign = LEG_SIDE[role] * 100 * 3; // long +, short −
      sum.delta += sign * v.delta;
      sum.gamma += sign * v.gamma;
      // Theta per trading day is a revaluation; with no calendar given the next day is 24 hours later.
      const tomorrow = priceOption({
        type: LEG_TYPE[role],
        spot: 5900,
        strike: condor.strikes[role],
        years: 44 / 365,
        vol: 0.18,
        rate: 0.04,
        dividendYield: 0.013,
      });
      sum.theta += sign * (tomorrow.price - v.price);
      sum.vega += sign * v.vegaPerVolPoint;
      sum.rho += sign * v.rhoPerPoint;
    }
    expect(e.greeks.deltaPerPoint).toBeCloseTo(sum.delta, 10);
    expect(e.greeks.gammaPerPoint2).toBeCloseTo(sum.gamma, 12);
    expect(e.greeks.thetaPerDay).toBeCloseTo(sum.theta, 10);
    expect(e.greeks.vegaPerVolPoint).toBeCloseTo(sum.vega, 10);
    expect(e.greeks.rhoPerRatePoint).toBeCloseTo(sum.rho, 10);
    // A short condor below the middle is long delta, short gamma and vega, and earns theta.
    expect(e.greeks.deltaPerPoint).toBeGreaterThan(0);
    expect(e.greeks.gammaPerPoint2).toBeLessThan(0);
    expect(e.greeks.vegaPerVolPoint).toBeLessThan(0);
    expect(e.greeks.thetaPerDay).toBeGreaterThan(0);
  });
});

describe('payoffCurve', () => {
  const condor = symmetricSpxCondor({ quantity: 2 });
  const e = evaluate(condor);
  const curve = payoffCurve({ condor, evaluation: e, market, settlementMs: SETTLEMENT, steps: 400 });

  it('runs from below the long put to above the long call, in order, through every kink', () => {
    expect(curve.length).toBeGreaterThanOrEqual(401);
    const spots = new Set(curve.map((p) => p.spot));
    for (const level of [5615, 5665, 6335, 6385, e.breakEvenLow!, e.breakEvenHigh!, 6000])
      expect(spots.has(level), `${level}`).toBe(true);
    expect(curve[0]!.spot).toBeLessThan(5615);
    expect(curve[curve.length - 1]!.spot).toBeGreaterThan(6385);
    // Round ends: both on multiples of the same 1-2-2.5-5 step, about an eighth of the span.
    const first = curve[0]!.spot;
    const last = curve[curve.length - 1]!.spot;
    const step = roundStep((last - first) / 8);
    expect([first % step, last % step]).toEqual([0, 0]);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.spot).toBeGreaterThan(curve[i - 1]!.spot);
  });

  it('is at max profit between the shorts and at max loss beyond the wings', () => {
    for (const point of curve) {
      if (point.spot >= 5665 && point.spot <= 6335) expect(point.profitAtExpiry).toBeCloseTo(e.maxProfit, 8);
      if (point.spot <= 5615 || point.spot >= 6385) expect(point.profitAtExpiry).toBeCloseTo(-e.maxLoss, 8);
      expect(point.profitAtExpiry).toBeLessThanOrEqual(e.maxProfit + 1e-9);
      expect(point.profitAtExpiry).toBeGreaterThanOrEqual(-e.maxLoss - 1e-9);
    }
  });

  it("shows today's model P/L between the expiry payoff's extremes, crossing zero near spot only at the fill", () => {
    for (const point of curve) {
      expect(point.profitToday).toBeLessThan(e.maxProfit);
      expect(point.profitToday).toBeGreaterThan(-e.maxLoss);
    }
    // Today's P/L at today's spot is the unrealized P/L.
    const atSpot = curve.reduce((best, p) => (Math.abs(p.spot - 6000) < Math.abs(best.spot - 6000) ? p : best));
    expect(Math.abs(atSpot.spot - 6000)).toBeLessThan(5);
    expect(atSpot.profitToday).toBeCloseTo(e.unrealizedPl, -1);
  });

  it('values every curve with the mark it is given: today and a later instant', () => {
    const seen: number[] = [];
    const later = { valuationMs: market.valuationMs + 10 * 86_400_000, valuationDate: '2026-12-03' };
    const points = payoffCurve({
      condor,
      evaluation: e,
      market,
      settlementMs: SETTLEMENT,
      steps: 10,
      later,
      markAt: (m) => (seen.push(m.valuationMs), m.valuationMs === later.valuationMs ? 1 : 2),
    });
    const size = 100 * 2;
    for (const point of points) {
      expect(point.profitToday).toBeCloseTo((condor.credit - 2) * size, 9);
      expect(point.profitLater).toBeCloseTo((condor.credit - 1) * size, 9);
    }
    expect(new Set(seen)).toEqual(new Set([market.valuationMs, later.valuationMs]));
  });

  it('has round step sizes', () => {
    expect([0.7, 1, 1.3, 2.2, 3, 7, 120, 1234].map(roundStep)).toEqual([1, 1, 2, 2.5, 5, 10, 200, 2000]);
  });
});

describe('touchProbability: the exact first-passage probability under the risk-neutral lognormal', () => {
  // Textbook form (Shreve, Stochastic Calculus II, §7.2): with ν = r − q − σ²/2 and b = ln(H/S),
  // P(min ≤ b) = N((b − νT)/(σ√T)) + (H/S)^{2ν/σ²} N((b + νT)/(σ√T)) for a barrier below spot, and
  // P(max ≥ b) = N((νT − b)/(σ√T)) + (H/S)^{2ν/σ²} N((−b − νT)/(σ√T)) for one above.
  const textbook = (spot: number, barrier: number, vol: number, years: number, r: number, q: number) => {
    const nu = r - q - (vol * vol) / 2;
    const b = Math.log(barrier / spot);
    const sd = vol * Math.sqrt(years);
    const power = Math.pow(barrier / spot, (2 * nu) / (vol * vol));
    return barrier < spot
      ? normCdf((b - nu * years) / sd) + power * normCdf((b + nu * years) / sd)
      : normCdf((nu * years - b) / sd) + power * normCdf((-b - nu * years) / sd);
  };

  it.each([
    [6000, 5665, 0.16, 45 / 365, 0.04, 0.013],
    [6000, 6335, 0.16, 45 / 365, 0.04, 0.013],
    [6000, 5500, 0.8, 30 / 365, 0.05, 0.0],
    [6000, 6600, 0.8, 30 / 365, 0.05, 0.0],
    [100, 95, 0.3, 1, 0.1, 0.02],
  ])('S %d, H %d, σ %d, T %d, r %d, q %d matches the textbook closed form', (spot, barrier, vol, years, r, q) => {
    const time = { varianceYears: years, discountYears: years };
    expect(touchProbability(spot, barrier, vol, time, r, q)).toBeCloseTo(textbook(spot, barrier, vol, years, r, q), 12);
  });

  it('is exactly twice P(finish beyond) when log-spot has no drift (r − q = σ²/2: the reflection principle)', () => {
    const vol = 0.2;
    const time = { varianceYears: 0.25, discountYears: 0.25 };
    const sd = vol * Math.sqrt(0.25);
    expect(touchProbability(5000, 4800, vol, time, 0.02 + vol ** 2 / 2, 0.02)).toBeCloseTo(
      2 * normCdf(Math.log(4800 / 5000) / sd),
      13,
    );
  });

  it('differs from 2 × P(finish beyond) by several points at VIX 80 (the shortcut it replaces)', () => {
    const years = 45 / 365;
    const time = { varianceYears: years, discountYears: years };
    const exact = touchProbability(6000, 5000, 0.8, time, 0.04, 0.013);
    const d2 = (Math.log(6000 / 5000) + (0.04 - 0.013 - 0.32) * years) / (0.8 * Math.sqrt(years));
    const shortcut = 2 * normCdf(-d2);
    expect(Math.abs(exact - shortcut)).toBeGreaterThan(0.03);
  });
});
