// The normal CDF and erfc against 30-digit mpmath values (test/engine/reference/make_references.py).
// docs/specification.md §2: ~1e-15 absolute in the body, relative accuracy kept in the tails (erfc, not 1 − erf),
// so deep out-of-the-money prices never collapse to 0 or go negative.
import { describe, expect, it } from 'vitest';
import { erfc, normCdf, normPdf } from '../../src/engine/index.ts';
import { ERFC, NORMAL_CDF } from './reference/references.ts';
import { relativeError, worst } from './helpers.ts';

const cdfRows = NORMAL_CDF.map(([x, value]) => ({ x, want: Number(value) }));

describe('normCdf', () => {
  it('covers -37 to +8 sigma in the reference table', () => {
    expect(Math.min(...cdfRows.map((r) => r.x))).toBe(-37);
    expect(Math.max(...cdfRows.map((r) => r.x))).toBe(8);
    expect(cdfRows.length).toBeGreaterThan(350);
  });

  it('keeps 1e-14 relative accuracy in the lower tail (x < -1), down to -37', () => {
    const tail = cdfRows.filter((r) => r.x < -1);
    const { error, row } = worst(tail, (r) => relativeError(normCdf(r.x), r.want));
    expect(error, `worst at x = ${row?.x}: got ${row ? normCdf(row.x) : ''}, want ${row?.want}`).toBeLessThanOrEqual(
      1e-14,
    );
  });

  it('is within 1e-15 absolute in the body (-1 <= x <= 8)', () => {
    const body = cdfRows.filter((r) => r.x >= -1);
    const { error, row } = worst(body, (r) => Math.abs(normCdf(r.x) - r.want));
    expect(error, `worst at x = ${row?.x}`).toBeLessThanOrEqual(1e-15);
  });

  it('is never zero or negative down to -37, and never decreases', () => {
    let previous = 0;
    for (let i = 0; i <= 4500; i++) {
      const x = -37 + i * 0.01;
      const value = normCdf(x);
      expect(value, `N(${x})`).toBeGreaterThan(0);
      expect(value, `N(${x}) below N(${x - 0.01})`).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
  });

  it('gives N(-37) ≈ 5.725571e-300, not 0 (where 1 − N(37) would be exactly 0)', () => {
    expect(normCdf(-37)).toBeGreaterThan(5.7255e-300);
    expect(normCdf(-37)).toBeLessThan(5.7256e-300);
    expect(1 - normCdf(37)).toBe(0);
  });

  it('is symmetric: N(x) + N(-x) = 1 to 2e-16 in the body', () => {
    for (let x = 0; x <= 8; x += 0.0625)
      expect(Math.abs(normCdf(x) + normCdf(-x) - 1), `x = ${x}`).toBeLessThanOrEqual(2.3e-16);
  });
});

describe('erfc', () => {
  it('is within 1e-14 relative of the 30-digit values from -6 to 26.54', () => {
    const rows = ERFC.map(([x, value]) => ({ x, want: Number(value) }));
    const { error, row } = worst(rows, (r) => relativeError(erfc(r.x), r.want));
    expect(error, `worst at x = ${row?.x}: got ${row ? erfc(row.x) : ''}, want ${row?.want}`).toBeLessThanOrEqual(
      1e-14,
    );
  });

  it('is exactly 1 at 0 and tends to 2 on the left', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(-10)).toBe(2);
  });
});

describe('normPdf', () => {
  it('is exp(-x²/2)/sqrt(2π): 0.3989422804014327 at 0 and 0.05399096651318806 at 2', () => {
    // 1/sqrt(2π) = 0.398942280401432677939946...; e^{-2}/sqrt(2π) = 0.0539909665131880519505...
    expect(relativeError(normPdf(0), 0.3989422804014327)).toBeLessThanOrEqual(2e-16);
    expect(relativeError(normPdf(2), 0.05399096651318805)).toBeLessThanOrEqual(4e-16);
    expect(normPdf(-2)).toBe(normPdf(2));
  });
});
