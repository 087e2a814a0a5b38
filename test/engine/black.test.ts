// The normalised Black call b(x, s) = e^{x/2} N(x/s + s/2) − e^{−x/2} N(x/s − s/2), the kernel of
// every price and of the implied-vol solver, against 40-digit mpmath values over x in [−3, 3] and
// s = σ√τ from 5e-4 to 7 (45 log-spaced values), wherever b > 1e-300.
import { describe, expect, it } from 'vitest';
import { normalisedBlackCall, normalisedIntrinsic, normalisedVega } from '../../src/engine/math/black.ts';
import { NORMALISED_BLACK } from './reference/references.ts';
import { relativeError, worst } from './helpers.ts';

const rows = NORMALISED_BLACK.map(([x, s, value]) => ({ x, s, want: Number(value) }));

describe('normalisedBlackCall', () => {
  it('spans the grid: x from -3 to 3, s from 5e-4 to 7, values down to 1e-300', () => {
    expect(Math.min(...rows.map((r) => r.x))).toBe(-3);
    expect(Math.max(...rows.map((r) => r.x))).toBe(3);
    expect(Math.min(...rows.map((r) => r.s))).toBeCloseTo(5e-4, 15);
    expect(Math.max(...rows.map((r) => r.s))).toBeCloseTo(7, 12);
    expect(Math.min(...rows.map((r) => r.want))).toBeLessThan(1e-250);
  });

  it('is within 1e-13 relative of the 40-digit values wherever b > 1e-300', () => {
    const { error, row } = worst(rows, (r) => relativeError(normalisedBlackCall(r.x, r.s), r.want));
    expect(
      error,
      `worst at x = ${row?.x}, s = ${row?.s}: got ${row ? normalisedBlackCall(row.x, row.s) : ''}, want ${row?.want}`,
    ).toBeLessThanOrEqual(1e-13);
  });

  it('is within 1e-13 relative out of the money (x <= 0) where x²/s² < 1000', () => {
    // The exponent of b is about −x²/(2s²): one rounding of x/s costs x²/s² · 1.1e-16 relative.
    // Below 1000 that is 1.1e-13 at worst even without extra precision in the exponent.
    const moderate = rows.filter((r) => r.x <= 0 && (r.x / r.s) ** 2 < 1000);
    const { error, row } = worst(moderate, (r) => relativeError(normalisedBlackCall(r.x, r.s), r.want));
    expect(error, `worst at x = ${row?.x}, s = ${row?.s}`).toBeLessThanOrEqual(1e-13);
  });

  it('is never negative, and never below intrinsic', () => {
    for (const { x, s } of rows) {
      const value = normalisedBlackCall(x, s);
      expect(value).toBeGreaterThan(0);
      expect(value).toBeGreaterThanOrEqual(normalisedIntrinsic(x));
    }
  });

  it('respects put-call symmetry: b(x, s) − b(−x, s) = e^{x/2} − e^{−x/2}', () => {
    for (const { x, s } of rows) {
      const difference = normalisedBlackCall(x, s) - normalisedBlackCall(-x, s);
      const parity = Math.exp(x / 2) - Math.exp(-x / 2);
      expect(Math.abs(difference - parity), `x = ${x}, s = ${s}`).toBeLessThanOrEqual(
        4e-16 * Math.max(1, Math.exp(Math.abs(x) / 2)),
      );
    }
  });

  it('has vega e^{-(x²/s² + s²/4)/2}/√(2π): the central difference in s agrees', () => {
    for (const [x, s] of [
      [-0.5, 0.3],
      [0, 0.2],
      [0.8, 1.1],
      [-2, 2.5],
    ] as const) {
      const h = 1e-5 * s;
      const numeric = (normalisedBlackCall(x, s + h) - normalisedBlackCall(x, s - h)) / (2 * h);
      expect(relativeError(normalisedVega(x, s), numeric), `x = ${x}, s = ${s}`).toBeLessThan(1e-8);
    }
  });

  it('is worth e^{x/2}(2N(s/2) − 1) at the money: 0.0797 at s = 0.2', () => {
    // N(0.1) = 0.539827837277029 (tables): 2·0.539827837277029 − 1 = 0.079655674554058.
    expect(normalisedBlackCall(0, 0.2)).toBeCloseTo(0.079655674554058, 14);
  });
});
