// Implied volatility (docs/specification.md §2): the vol that reprices to 1e-12 relative for every
// attainable price, or a typed reason. The problem is solved in normalised Black form
// (see math/black.ts), reduced to an out-of-the-money call by put-call symmetry and in-out
// duality. Below the inflection point s_c = sqrt(2|x|) the solver works on ln b (nearly
// quadratic in 1/s there); above it on ln(b_max - b), the log of the distance to the upper
// bound. Both are smooth and monotone in s, so Halley's method from a close first guess takes
// two steps on average (measured: bench/engine.ts); a bracket kept from every evaluation
// catches a step that would leave it (bisection).
import { blackKernel, gapToMaximumFrom, normalisedIntrinsic, timeValueFrom } from './math/black.ts';
import { normCdf, INV_SQRT_2PI } from './math/normal.ts';
import { forwardAndDiscount, type OptionType } from './options.ts';

export interface ImpliedVolInput {
  type: OptionType;
  spot: number;
  strike: number;
  years: number;
  rate: number;
  dividendYield: number;
  /** The option's price in points. */
  price: number;
}

export type ImpliedVolFailure = 'below-intrinsic' | 'above-maximum' | 'invalid-input';
export type ImpliedVolResult = { ok: true; vol: number; iterations: number } | { ok: false; reason: ImpliedVolFailure };

const MAX_ITERATIONS = 40;
const EPSILON = 2.220446049250313e-16;
const SQRT_2PI = 2.5066282746310002;

/** Inverse of the upper normal tail, Q(y) = p, to about 4.5e-4 (Abramowitz & Stegun 26.2.23): a first guess only. */
function roughUpperTailInverse(p: number): number {
  if (p >= 0.5) return 0;
  const y = Math.sqrt(-2 * Math.log(p));
  return y - (2.515517 + y * (0.802853 + y * 0.010328)) / (1 + y * (1.432788 + y * (0.189269 + y * 0.001308)));
}

/** Solve the normalised time value (x <= 0) for s, given 0 < target < e^{x/2}. */
export function solveNormalisedVol(x: number, target: number): { s: number; iterations: number } {
  const expHalfX = Math.exp(0.5 * x);
  const inflection = Math.sqrt(-2 * x);
  // At s_c: d1 = 0 and d2 = -s_c, so b_c = e^{x/2}/2 - e^{-x/2} N(-s_c), and the vega there is
  // e^{x/2}/sqrt(2 pi). Accurate enough to pick a branch and draw a tangent.
  const atInflection = 0.5 * expHalfX - normCdf(-inflection) / expHalfX;
  const lowerBranch = target < atInflection;
  const logTarget = lowerBranch ? Math.log(target) : Math.log(expHalfX - target);

  let s: number;
  if (lowerBranch) {
    // For |x|/s large, b ≈ exp(-x²/(2s²) - s²/8) s³ / (sqrt(2π) x²); a few fixed-point rounds.
    const logFactor = Math.log(SQRT_2PI * x * x);
    s = -x / Math.sqrt(-2 * logTarget);
    for (let round = 0; round < 3; round++) {
      const exponent = -logTarget + 3 * Math.log(s) - logFactor - 0.125 * s * s;
      if (!(exponent > 0)) break;
      s = -x / Math.sqrt(2 * exponent);
    }
    if (!(s > 0 && s < inflection)) s = 0.5 * inflection;
    // Near the inflection the tangent there is the better guess: b is convex below it, so the
    // tangent lands a little above the root and Halley walks back in a step or two.
    const tangent = inflection + ((target - atInflection) * SQRT_2PI) / expHalfX;
    if (target > 0.05 * atInflection && tangent > s) s = tangent;
  } else {
    // The dominant term near the bound: e^{x/2} N(-(x/s + s/2)) ≈ gap (the two terms tie at x = 0).
    const share = x > -1e-3 ? 0.5 : 1;
    const y = roughUpperTailInverse(Math.min(0.49, (share * (expHalfX - target)) / expHalfX));
    s = y + Math.sqrt(y * y - 2 * x);
    if (!(s > inflection)) s = inflection > 0 ? 1.5 * inflection : 0.5;
  }

  // Each objective is monotone for every s > 0, so the bracket starts as the whole half-line.
  let low = 0;
  let high = Infinity;
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const h = x / s;
    const t = 0.5 * s;
    const kernel = blackKernel(x, s);
    const vega = INV_SQRT_2PI * kernel;
    const curvature = (vega * (h * h - t * t)) / s;
    let residual: number;
    let slope: number;
    let bend: number;
    if (lowerBranch) {
      const value = timeValueFrom(x, s, kernel, expHalfX);
      if (!(value > 0)) {
        low = s;
        s = Number.isFinite(high) ? 0.5 * (s + high) : 2 * s;
        continue;
      }
      residual = Math.log(value) - logTarget;
      slope = vega / value;
      bend = curvature / value - slope * slope;
      if (residual > 0) high = s;
      else low = s;
    } else {
      const gap = gapToMaximumFrom(x, s, expHalfX);
      if (!(gap > 0)) {
        high = s;
        s = 0.5 * (low + s);
        continue;
      }
      residual = Math.log(gap) - logTarget;
      slope = -vega / gap;
      bend = -curvature / gap - slope * slope;
      if (residual > 0) low = s;
      else high = s;
    }
    if (residual === 0) break;
    const newton = residual / slope;
    const correction = 1 - (0.5 * newton * bend) / slope;
    const step = correction > 0.2 ? newton / correction : newton;
    if (Math.abs(step) <= 4 * EPSILON * s) {
      s -= step;
      iterations++;
      break;
    }
    let next = s - step;
    if (!(next > low && next < high)) {
      next = Number.isFinite(high) ? 0.5 * (low + high) : Math.max(2 * s, 0.5 * (low + s));
    }
    s = next;
  }
  return { s, iterations };
}

/** The volatility at which priceOption reproduces `price`, or why there is none. */
export function impliedVolatility(input: ImpliedVolInput): ImpliedVolResult {
  const { type, spot, strike, years, rate, dividendYield, price } = input;
  const finite =
    Number.isFinite(spot) &&
    Number.isFinite(strike) &&
    Number.isFinite(years) &&
    Number.isFinite(rate) &&
    Number.isFinite(dividendYield) &&
    Number.isFinite(price);
  if (!finite || !(spot > 0) || !(strike > 0) || !(years > 0) || !(price >= 0) || (type !== 'call' && type !== 'put')) {
    return { ok: false, reason: 'invalid-input' };
  }
  const { forward, discount, carry } = forwardAndDiscount(spot, years, rate, dividendYield);
  // The upper bound, checked on the raw price: a call is worth less than S e^{-qτ}, a put less
  // than K e^{-rτ}; at the bound the vol is infinite.
  if (price >= (type === 'call' ? spot * carry : strike * discount)) return { ok: false, reason: 'above-maximum' };
  let x = Math.log(forward / strike);
  if (type === 'put') x = -x;
  const normalised = price / (discount * Math.sqrt(forward * strike));
  // In the money: strip the intrinsic value and solve for the time value at -x.
  let timeValue = normalised - normalisedIntrinsic(x);
  if (x > 0) x = -x;
  if (timeValue < 0) {
    // A price computed as S e^{-qτ} N(d1) − K e^{-rτ} N(d2) carries rounding of the size of its
    // larger term (e^{|x|/2} in normalised units), so deep in the money it can sit a few ulps
    // below the intrinsic value: that is zero time value, not an impossible price.
    if (timeValue >= -16 * EPSILON * (normalised + Math.exp(0.5 * Math.abs(x)))) timeValue = 0;
    else return { ok: false, reason: 'below-intrinsic' };
  }
  if (timeValue === 0) return { ok: true, vol: 0, iterations: 0 };
  if (timeValue >= Math.exp(0.5 * x)) return { ok: false, reason: 'above-maximum' };
  const { s, iterations } = solveNormalisedVol(x, timeValue);
  return { ok: true, vol: s / Math.sqrt(years), iterations };
}
