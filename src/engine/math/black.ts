// Normalised Black: the undiscounted call on a forward F with strike K, divided by sqrt(F K),
// as a function of x = ln(F/K) and s = vol * sqrt(years):
//     b(x, s) = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2).
// One function serves calls, puts (b(-x, s)) and the implied-vol solver. The difficulty is
// cancellation: out of the money with a small s, the two terms agree in almost every digit.
// Three regions keep the relative error near 1e-14 everywhere (test/engine/black.test.ts checks
// against 40-digit references):
//   - small s (s/2 < 0.21): a series in s whose terms are all positive, so nothing cancels;
//   - the first term dominates (d1 > 0.85): the two CDFs directly;
//   - otherwise: the difference of two erfcx values, which loses at most two digits there.
import { erfcx, normCdf, INV_SQRT2, SQRT2, INV_SQRT_2PI } from './normal.ts';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SMALL_HALF_S = 0.21;
const LAST_TERM = 17; // odd powers 1..17; the next is below 1e-19 of the first while s/2 < 0.21
const scaled = new Float64Array(LAST_TERM + 1);

/**
 * Fills `scaled` with E_k(u) = e^{u^2} i^k erfc(u), k = 0..17, u >= 0: the scaled repeated
 * integrals of erfc, which satisfy E_{k-2} = 2k E_k + 2u E_{k-1} with E_{-1} = 2/sqrt(pi).
 * For u <= 4 the recursion runs forwards from E_{-1} and E_0 = erfcx(u): the high terms lose
 * digits but are multiplied by tiny powers, and the sum stays within 1e-14 (measured against
 * 50-digit values). Beyond, E_1 itself cancels (about u² ulps), so the recursion runs backwards
 * (Miller's algorithm: every step adds positive numbers) from a start far enough out that the
 * start values have died away, scaled by the exact E_{-1}.
 */
function fillScaledErfcIntegrals(u: number): void {
  if (u <= 4) {
    let beforePrevious = TWO_OVER_SQRT_PI;
    let previous = erfcx(u);
    scaled[0] = previous;
    for (let k = 1; k <= LAST_TERM; k++) {
      const next = (beforePrevious - 2 * u * previous) / (2 * k);
      scaled[k] = next;
      beforePrevious = previous;
      previous = next;
    }
    return;
  }
  // The unwanted solution shrinks like exp(-2u (sqrt(2n) - sqrt(2k))): start where it is < 1e-16.
  const reach = 37 / (2 * u) + 5.9;
  const start = Math.min(1200, Math.ceil(0.5 * reach * reach) + LAST_TERM + 1);
  let above = 0; // E_{k+1}
  let current = 1e-300; // E_k, arbitrary scale
  for (let k = start; k >= 1; k--) {
    const below = 2 * (k + 1) * above + 2 * u * current; // E_{k-1}
    above = current;
    current = below;
    if (k - 1 <= LAST_TERM) scaled[k - 1] = current;
    if (current > 1e250) {
      above *= 1e-250;
      current *= 1e-250;
      for (let j = k - 1; j <= LAST_TERM; j++) scaled[j]! *= 1e-250;
    }
  }
  const scale = TWO_OVER_SQRT_PI / (2 * above + 2 * u * current); // true E_{-1} / computed E_{-1}
  for (let k = 0; k <= LAST_TERM; k++) scaled[k]! *= scale;
}

/** sum over odd k of c^k E_k(u) = (erfcx(u - c/2) - erfcx(u + c/2)) / 2, without the cancellation. */
function oddSeries(u: number, c: number): number {
  fillScaledErfcIntegrals(u);
  const c2 = c * c;
  let power = c;
  let sum = 0;
  for (let k = 1; k <= LAST_TERM; k += 2) {
    sum += power * scaled[k]!;
    power *= c2;
  }
  return sum;
}

/** The intrinsic part of the normalised call: e^{x/2} - e^{-x/2} for x > 0, else 0. */
export function normalisedIntrinsic(x: number): number {
  return x > 0 ? 2 * Math.sinh(0.5 * x) : 0;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's split for exact products without FMA

/** a·b as hi + lo exactly (Dekker's two-product). */
function twoProductError(a: number, b: number, product: number): number {
  let c = SPLITTER * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  c = SPLITTER * b;
  const bHi = c - (c - b);
  const bLo = b - bHi;
  return aLo * bLo - (product - aHi * bHi - aLo * bHi - aHi * bLo);
}

/**
 * exp(-(h^2 + t^2)/2) with h = x/s, t = s/2: sqrt(2 pi) times the normalised vega. Far out of the
 * money the exponent is in the hundreds and its rounding becomes the result's relative error, so
 * where it is large the exponent is carried in double-double (h = x/s with its remainder, h²
 * exact, the sum with t² exact) and the tail applied as a first-order correction.
 */
export function blackKernel(x: number, s: number): number {
  const h = x / s;
  const t = 0.5 * s;
  const hh = h * h;
  if (hh < 64) return Math.exp(-0.5 * (hh + t * t));
  const hLow = (x - h * s - twoProductError(h, s, h * s)) / s; // x/s = h + hLow
  const hhLow = twoProductError(h, h, hh) + 2 * h * hLow; // h² = hh + hhLow
  const tt = t * t;
  const sum = hh + tt;
  const sumLow = tt - (sum - hh) + hhLow; // exact: hh ≥ tt here
  return Math.exp(-0.5 * sum) * (1 - 0.5 * sumLow);
}

/**
 * The time value for x <= 0 and s > 0, given kernel = blackKernel(x, s) and expHalfX = e^{x/2}
 * (the solver has both already; passing them saves two exponentials an evaluation).
 */
export function timeValueFrom(x: number, s: number, kernel: number, expHalfX: number): number {
  const h = x / s;
  const t = 0.5 * s;
  if (t < SMALL_HALF_S) return kernel * oddSeries(-h * INV_SQRT2, SQRT2 * t);
  if (h + t > 0.85) return expHalfX * normCdf(h + t) - normCdf(h - t) / expHalfX;
  return 0.5 * kernel * (erfcx(-(h + t) * INV_SQRT2) - erfcx(-(h - t) * INV_SQRT2));
}

/** The normalised call for x <= 0 (at or out of the money): pure time value. */
export function normalisedTimeValue(x: number, s: number): number {
  if (!(s > 0)) return 0;
  return timeValueFrom(x, s, blackKernel(x, s), Math.exp(0.5 * x));
}

/**
 * e^{x/2} - b(x, s) for x <= 0: how far the normalised call is below its upper bound, as a sum
 * of two positive terms (no cancellation near the bound, where the solver needs it).
 */
export function gapToMaximumFrom(x: number, s: number, expHalfX: number): number {
  const h = x / s;
  const t = 0.5 * s;
  return expHalfX * normCdf(-(h + t)) + normCdf(h - t) / expHalfX;
}

/** b(x, s), the normalised Black call, for any x: intrinsic plus time value (in-out duality). */
export function normalisedBlackCall(x: number, s: number): number {
  return x > 0 ? normalisedIntrinsic(x) + normalisedTimeValue(-x, s) : normalisedTimeValue(x, s);
}

/** d b / d s = e^{-(h^2 + t^2)/2} / sqrt(2 pi), the same for calls and puts and for x and -x. */
export function normalisedVega(x: number, s: number): number {
  return INV_SQRT_2PI * blackKernel(x, s);
}
