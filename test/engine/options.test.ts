// Black-Scholes-Merton prices and greeks, and Black-76 (docs/specification.md §2): textbook values, 32-digit
// mpmath references (greeks there are numerical derivatives of the high-precision price, not the
// closed forms), put-call parity, and every greek against central finite differences of the price.
import { describe, expect, it } from 'vitest';
import { black76, optionPrice, priceOption, type OptionInput, type OptionType } from '../../src/engine/index.ts';
import { BLACK76_REFERENCES, OPTION_REFERENCES } from './reference/references.ts';
import { relativeError } from './helpers.ts';

const round4 = (value: number) => Math.round(value * 1e4) / 1e4;

describe('priceOption: textbook values', () => {
  // E. G. Haug, The Complete Guide to Option Pricing Formulas, 2nd ed. (McGraw-Hill, 2007), ch. 1:
  // the generalized Black-Scholes-Merton examples, quoted to 4 decimals (also in docs/specification.md §2).
  it('Black-Scholes call S=60, K=65, T=0.25, r=8%, σ=30% is 2.1334 (Haug 2nd ed. §1.1.1)', () => {
    expect(
      round4(
        priceOption({ type: 'call', spot: 60, strike: 65, years: 0.25, vol: 0.3, rate: 0.08, dividendYield: 0 }).price,
      ),
    ).toBe(2.1334);
  });

  it('Merton put S=100, K=95, T=0.5, r=10%, q=5%, σ=20% is 2.4648 (Haug 2nd ed. §1.1.2)', () => {
    expect(
      round4(
        priceOption({ type: 'put', spot: 100, strike: 95, years: 0.5, vol: 0.2, rate: 0.1, dividendYield: 0.05 }).price,
      ),
    ).toBe(2.4648);
  });

  // Hull, Options, Futures, and Other Derivatives, 9th ed., Example 15.6: 4.76 and 0.81.
  it('S=42, K=40, T=0.5, r=10%, σ=20%: call 4.7594, put 0.8086 (Hull 9th ed., Example 15.6)', () => {
    const input = { spot: 42, strike: 40, years: 0.5, vol: 0.2, rate: 0.1, dividendYield: 0 };
    expect(round4(priceOption({ type: 'call', ...input }).price)).toBe(4.7594);
    expect(round4(priceOption({ type: 'put', ...input }).price)).toBe(0.8086);
  });

  it('index call S=930, K=900, T=2/12, r=8%, q=3%, σ=20% is 51.83 (Hull 9th ed., Example 17.1)', () => {
    const call = priceOption({
      type: 'call',
      spot: 930,
      strike: 900,
      years: 2 / 12,
      vol: 0.2,
      rate: 0.08,
      dividendYield: 0.03,
    });
    expect(Math.round(call.price * 100) / 100).toBe(51.83);
  });

  // Hull 9th ed., ch. 19, Examples 19.1, 19.2, 19.4, 19.6, 19.7.
  it("Hull's greeks example S=49, K=50, r=5%, σ=20%, T=20 weeks (Hull 9th ed., ch. 19)", () => {
    // Hull prints: price 2.40 per share, delta 0.522, theta −4.31 per year (−0.0118 per calendar
    // day), gamma 0.066, vega 12.1 per unit of vol (0.121 per vol point), rho 8.91 (0.0891 per point).
    const v = priceOption({
      type: 'call',
      spot: 49,
      strike: 50,
      years: 20 / 52,
      vol: 0.2,
      rate: 0.05,
      dividendYield: 0,
    });
    expect(v.price).toBeCloseTo(2.4, 2);
    expect(v.delta).toBeCloseTo(0.522, 3);
    expect(v.thetaPerDay * 365).toBeCloseTo(-4.31, 2);
    expect(v.thetaPerDay).toBeCloseTo(-0.0118, 4);
    expect(v.gamma).toBeCloseTo(0.066, 3);
    expect(v.vegaPerVolPoint * 100).toBeCloseTo(12.1, 1);
    expect(v.rhoPerPoint * 100).toBeCloseTo(8.91, 2);
  });

  // Haug 2nd ed., ch. 2 (Black-Scholes-Merton greeks), the worked examples with cost of carry b = r − q.
  it('Haug greeks: gamma 0.0278, put theta −31.1924 a year, call rho 38.7325, futures deltas 0.5946 / −0.3566', () => {
    const gamma = priceOption({
      type: 'call',
      spot: 55,
      strike: 60,
      years: 0.75,
      vol: 0.3,
      rate: 0.1,
      dividendYield: 0,
    }).gamma;
    expect(round4(gamma)).toBe(0.0278);
    const theta =
      priceOption({ type: 'put', spot: 430, strike: 405, years: 0.0833, vol: 0.2, rate: 0.07, dividendYield: 0.05 })
        .thetaPerDay * 365;
    expect(round4(theta)).toBe(-31.1924);
    const rho =
      priceOption({ type: 'call', spot: 72, strike: 75, years: 1, vol: 0.19, rate: 0.09, dividendYield: 0 })
        .rhoPerPoint * 100;
    expect(round4(rho)).toBe(38.7325);
    // b = 0 (an option on a future): q = r.
    const futures = { spot: 105, strike: 100, years: 0.5, vol: 0.36, rate: 0.1, dividendYield: 0.1 };
    expect(round4(priceOption({ type: 'call', ...futures }).delta)).toBe(0.5946);
    expect(round4(priceOption({ type: 'put', ...futures }).delta)).toBe(-0.3566);
  });
});

describe('priceOption: 32-digit references', () => {
  const greeks = ['price', 'delta', 'gamma', 'thetaPerDay', 'vegaPerVolPoint', 'rhoPerPoint'] as const;
  for (const reference of OPTION_REFERENCES) {
    it(`matches price and every greek to 1e-12 relative: ${reference.name}`, () => {
      const value = priceOption(reference);
      for (const greek of greeks) {
        const want = Number(reference[greek]);
        expect(relativeError(value[greek], want), `${greek}: got ${value[greek]}, want ${want}`).toBeLessThanOrEqual(
          1e-12,
        );
      }
    });
  }

  it('keeps deep out-of-the-money prices positive and exact: a put 40% out, 7 days, is 1.4099e-130', () => {
    const deep = OPTION_REFERENCES.find((r) => r.name.startsWith('deep OTM put'))!;
    const price = priceOption(deep).price;
    expect(price).toBeGreaterThan(0);
    expect(relativeError(price, 1.4098826012993439e-130)).toBeLessThan(1e-12);
    expect(
      relativeError(
        optionPrice(deep.type, deep.spot, deep.strike, deep.years, deep.vol, deep.rate, deep.dividendYield),
        1.4098826012993439e-130,
      ),
    ).toBeLessThan(1e-12);
  });

  it('never returns a negative or NaN price from 0.1% to 1000% of spot, 1 day to 3 years', () => {
    for (const type of ['call', 'put'] as const) {
      for (let m = -7; m <= 2.3; m += 0.1) {
        for (const years of [1 / 365, 7 / 365, 0.25, 1, 3]) {
          for (const vol of [0.01, 0.1, 0.5, 4]) {
            const price = priceOption({
              type,
              spot: 5800,
              strike: 5800 * Math.exp(m),
              years,
              vol,
              rate: 0.04,
              dividendYield: 0.013,
            }).price;
            expect(price >= 0, `${type} m=${m} τ=${years} σ=${vol}: ${price}`).toBe(true);
          }
        }
      }
    }
  });
});

// The §2 grid: moneyness ln(K/F) in [−1, 1], τ from 1 day to 3 years, σ from 1% to 400%.
const MONEYNESS = [-1, -0.6, -0.3, -0.1, -0.02, 0, 0.02, 0.1, 0.3, 0.6, 1];
const YEARS = [1 / 365, 7 / 365, 30 / 365, 0.25, 1, 3];
const VOLS = [0.01, 0.05, 0.16, 0.4, 1, 4];
const CARRY = [
  { spot: 5800, rate: 0.04, dividendYield: 0.013 },
  { spot: 100, rate: 0.1, dividendYield: 0.05 },
  { spot: 42, rate: -0.005, dividendYield: 0 },
];

function* grid(): Generator<Omit<OptionInput, 'type'>> {
  for (const { spot, rate, dividendYield } of CARRY) {
    for (const years of YEARS) {
      const forward = spot * Math.exp((rate - dividendYield) * years);
      for (const m of MONEYNESS)
        for (const vol of VOLS) yield { spot, strike: forward * Math.exp(m), years, vol, rate, dividendYield };
    }
  }
}

describe('put-call parity', () => {
  it('C − P = S e^{−qτ} − K e^{−rτ} to 1e-12 of S over the §2 grid', () => {
    let worstGap = 0;
    for (const input of grid()) {
      const call = priceOption({ type: 'call', ...input }).price;
      const put = priceOption({ type: 'put', ...input }).price;
      const parity =
        input.spot * Math.exp(-input.dividendYield * input.years) - input.strike * Math.exp(-input.rate * input.years);
      worstGap = Math.max(worstGap, Math.abs(call - put - parity) / input.spot);
    }
    expect(worstGap).toBeLessThanOrEqual(1e-12);
  });

  it('call delta − put delta = e^{−qτ}, and gamma and vega are the same for both', () => {
    for (const input of grid()) {
      const call = priceOption({ type: 'call', ...input });
      const put = priceOption({ type: 'put', ...input });
      expect(Math.abs(call.delta - put.delta - Math.exp(-input.dividendYield * input.years))).toBeLessThanOrEqual(
        1e-15,
      );
      expect(call.gamma).toBe(put.gamma);
      expect(call.vegaPerVolPoint).toBe(put.vegaPerVolPoint);
    }
  });
});

/** Central differences with one Richardson step: error O(h⁴). */
function derivative(f: (x: number) => number, x: number, h: number): number {
  const d = (step: number) => (f(x + step) - f(x - step)) / (2 * step);
  return (4 * d(h / 2) - d(h)) / 3;
}
function secondDerivative(f: (x: number) => number, x: number, h: number): number {
  const d = (step: number) => (f(x + step) - 2 * f(x) + f(x - step)) / (step * step);
  return (4 * d(h / 2) - d(h)) / 3;
}

describe('greeks against central finite differences of the price', () => {
  // Units (docs/specification.md §1): delta per point, gamma per point², theta per calendar day = −dV/dτ / 365,
  // vega per vol point = dV/dσ / 100, rho per rate point = dV/dr / 100.
  const cases: OptionInput[] = [];
  for (const type of ['call', 'put'] as OptionType[]) {
    for (const [strike, years, vol] of [
      [5500, 45 / 365, 0.16],
      [6100, 45 / 365, 0.16],
      [5800, 7 / 365, 0.12],
      [5000, 1, 0.3],
      [7000, 2, 0.5],
      [5800, 30 / 365, 1.2],
    ] as const) {
      cases.push({ type, spot: 5800, strike, years, vol, rate: 0.04, dividendYield: 0.013 });
    }
    cases.push({ type, spot: 100, strike: 95, years: 0.5, vol: 0.2, rate: 0.1, dividendYield: 0.05 });
  }
  const price = (input: OptionInput) =>
    optionPrice(input.type, input.spot, input.strike, input.years, input.vol, input.rate, input.dividendYield);
  // Finite differences of a price near `scale` carry rounding of about 1e-16·scale/h; the
  // tolerance allows that plus 1e-7 relative for truncation.
  const close = (got: number, want: number, noise: number) => Math.abs(got - want) <= 1e-7 * Math.abs(want) + noise;

  for (const input of cases) {
    const days = (input.years * 365).toFixed(0);
    it(`${input.type} K=${input.strike} τ=${days}d σ=${input.vol}: delta, gamma, theta, vega, rho`, () => {
      const v = priceOption(input);
      const scale = Math.max(v.price, 1);
      // A step of 1% of one standard deviation of the spot at expiry keeps truncation small.
      const hS = 0.01 * input.spot * input.vol * Math.sqrt(input.years);
      const delta = derivative((spot) => price({ ...input, spot }), input.spot, hS);
      expect(close(v.delta, delta, (1e-13 * scale) / hS), `delta ${v.delta} vs ${delta}`).toBe(true);
      const gamma = secondDerivative((spot) => price({ ...input, spot }), input.spot, 4 * hS);
      expect(close(v.gamma, gamma, (1e-13 * scale) / (hS * hS)), `gamma ${v.gamma} vs ${gamma}`).toBe(true);
      const hT = 1e-3 * input.years;
      const theta = -derivative((years) => price({ ...input, years }), input.years, hT) / 365;
      expect(close(v.thetaPerDay, theta, (1e-13 * scale) / hT), `theta ${v.thetaPerDay} vs ${theta}`).toBe(true);
      const hV = 1e-3 * input.vol;
      const vega = derivative((vol) => price({ ...input, vol }), input.vol, hV) / 100;
      expect(close(v.vegaPerVolPoint, vega, (1e-13 * scale) / hV), `vega ${v.vegaPerVolPoint} vs ${vega}`).toBe(true);
      const hR = 1e-4;
      const rho = derivative((rate) => price({ ...input, rate }), input.rate, hR) / 100;
      expect(close(v.rhoPerPoint, rho, (1e-13 * scale) / hR), `rho ${v.rhoPerPoint} vs ${rho}`).toBe(true);
    });
  }
});

describe('priceOption: expiry and zero vol', () => {
  const base = { spot: 5800, rate: 0.04, dividendYield: 0.013 };

  it('is worth intrinsic at and after expiry, with delta 1/0/−1 and no other greeks', () => {
    for (const years of [0, -0.01]) {
      const itmCall = priceOption({ type: 'call', strike: 5700, years, vol: 0.2, ...base });
      expect(itmCall).toEqual({ price: 100, delta: 1, gamma: 0, thetaPerDay: 0, vegaPerVolPoint: 0, rhoPerPoint: 0 });
      const otmCall = priceOption({ type: 'call', strike: 5900, years, vol: 0.2, ...base });
      expect(otmCall.price).toBe(0);
      expect(otmCall.delta).toBe(0);
      const itmPut = priceOption({ type: 'put', strike: 5900, years, vol: 0.2, ...base });
      expect(itmPut.price).toBe(100);
      expect(itmPut.delta).toBe(-1);
    }
  });

  it('is the discounted forward intrinsic at zero vol, with theta and rho of that deterministic value', () => {
    const years = 0.5;
    const discount = Math.exp(-0.04 * years);
    const carry = Math.exp(-0.013 * years);
    const call = priceOption({ type: 'call', strike: 5600, years, vol: 0, ...base });
    // C = S e^{−qτ} − K e^{−rτ}; dC/dS = e^{−qτ}; −dC/dτ = q S e^{−qτ} − r K e^{−rτ}; dC/dr = τ K e^{−rτ}.
    expect(relativeError(call.price, 5800 * carry - 5600 * discount)).toBeLessThan(1e-13);
    expect(call.delta).toBeCloseTo(carry, 15);
    expect(call.gamma).toBe(0);
    expect(call.vegaPerVolPoint).toBe(0);
    expect(relativeError(call.thetaPerDay, (0.013 * 5800 * carry - 0.04 * 5600 * discount) / 365)).toBeLessThan(1e-12);
    expect(relativeError(call.rhoPerPoint, (years * 5600 * discount) / 100)).toBeLessThan(1e-13);
    const put = priceOption({ type: 'put', strike: 6000, years, vol: 0, ...base });
    expect(relativeError(put.price, 6000 * discount - 5800 * carry)).toBeLessThan(1e-12);
    expect(put.delta).toBeCloseTo(-carry, 15);
    expect(priceOption({ type: 'put', strike: 5600, years, vol: 0, ...base }).price).toBe(0);
  });

  it('tends to the zero-vol value as vol tends to 0, and to intrinsic as time runs out', () => {
    const zero = priceOption({ type: 'call', strike: 5600, years: 0.5, vol: 0, ...base }).price;
    const tiny = priceOption({ type: 'call', strike: 5600, years: 0.5, vol: 1e-6, ...base }).price;
    expect(relativeError(tiny, zero)).toBeLessThan(1e-12);
    const lastSecond = priceOption({ type: 'put', strike: 5900, years: 1 / (365 * 86400), vol: 0.2, ...base }).price;
    expect(Math.abs(lastSecond - 100)).toBeLessThan(0.01);
  });
});

describe('black76', () => {
  it('Haug 2nd ed. §1.1.3: F = K = 19, T = 0.75, r = 10%, σ = 28% → call = put = 1.7011', () => {
    const input = { forward: 19, strike: 19, years: 0.75, vol: 0.28, rate: 0.1 };
    expect(round4(black76({ type: 'call', ...input }).price)).toBe(1.7011);
    expect(round4(black76({ type: 'put', ...input }).price)).toBe(1.7011);
  });

  it("Hull 9th ed., ch. 18 (Black's model): crude-oil futures put F = K = 20, 4 months, r = 9%, σ = 25% → 1.12", () => {
    expect(
      Math.round(black76({ type: 'put', forward: 20, strike: 20, years: 4 / 12, vol: 0.25, rate: 0.09 }).price * 100) /
        100,
    ).toBe(1.12);
  });

  for (const reference of BLACK76_REFERENCES) {
    it(`matches price, delta and vega to 1e-12 relative: ${reference.name}`, () => {
      const value = black76(reference);
      for (const key of ['price', 'delta', 'vegaPerVolPoint'] as const) {
        const want = Number(reference[key]);
        expect(relativeError(value[key], want), `${key}: got ${value[key]}, want ${want}`).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  it('satisfies C − P = e^{−rτ}(F − K), and its delta and vega match finite differences', () => {
    for (const forward of [12, 20, 35]) {
      for (const strike of [10, 18, 21, 26, 50]) {
        for (const years of [5 / 365, 48 / 365, 1]) {
          for (const vol of [0.3, 0.9, 2]) {
            const input = { forward, strike, years, vol, rate: 0.04 };
            const call = black76({ type: 'call', ...input });
            const put = black76({ type: 'put', ...input });
            expect(Math.abs(call.price - put.price - Math.exp(-0.04 * years) * (forward - strike))).toBeLessThanOrEqual(
              1e-13 * forward,
            );
            for (const type of ['call', 'put'] as const) {
              const value = type === 'call' ? call : put;
              const delta = derivative((f) => black76({ type, ...input, forward: f }).price, forward, 1e-3 * forward);
              expect(Math.abs(value.delta - delta)).toBeLessThanOrEqual(1e-8);
              const vega = derivative((v) => black76({ type, ...input, vol: v }).price, vol, 1e-3 * vol) / 100;
              expect(Math.abs(value.vegaPerVolPoint - vega)).toBeLessThanOrEqual(1e-9 * Math.max(1, vega));
            }
          }
        }
      }
    }
  });

  it('is worth the discounted intrinsic at expiry or zero vol', () => {
    expect(black76({ type: 'call', forward: 25, strike: 21, years: 0, vol: 0.9, rate: 0.04 })).toEqual({
      price: 4,
      delta: 1,
      vegaPerVolPoint: 0,
    });
    const zeroVol = black76({ type: 'put', forward: 18, strike: 21, years: 0.5, vol: 0, rate: 0.04 });
    expect(zeroVol.price).toBeCloseTo(3 * Math.exp(-0.02), 14);
    expect(zeroVol.delta).toBeCloseTo(-Math.exp(-0.02), 15);
  });
});
