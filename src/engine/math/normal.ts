// Coefficients are kept with the digits Cody published; the compiler rounds them to doubles.
/* eslint-disable no-loss-of-precision */
// The normal distribution, accurate in the far tails.
//
// erfc and erfcx use W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
// approximations for the error function", Math. Comp. 23, 1969, pp. 631-638), which are good to
// about 1e-16 relative over the whole line. The CDF is built on erfc, never on 1 - erf, so
// N(-20) is 2.75e-89 (right to the last digits), not 0 or a negative number.

const SQRT2 = Math.SQRT2;
const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_PI = 0.56418958354775628695; // 1/sqrt(pi)
export const INV_SQRT_2PI = 0.3989422804014327; // 1/sqrt(2 pi)
export const LN_SQRT_2PI = 0.9189385332046728; // ln(sqrt(2 pi))

// |x| <= 0.46875: erf(x) = x * A(x^2) / B(x^2)
const A0 = 3.1611237438705656,
  A1 = 113.864154151050156,
  A2 = 377.485237685302021;
const A3 = 3209.37758913846947,
  A4 = 0.185777706184603153;
const B0 = 23.6012909523441209,
  B1 = 244.024637934444173,
  B2 = 1282.61652607737228;
const B3 = 2844.23683343917062;
// 0.46875 < |x| <= 4: erfcx(x) = C(x) / D(x)
const C0 = 0.564188496988670089,
  C1 = 8.88314979438837594,
  C2 = 66.1191906371416295;
const C3 = 298.635138197400131,
  C4 = 881.95222124176909,
  C5 = 1712.04761263407058;
const C6 = 2051.07837782607147,
  C7 = 1230.33935479799725,
  C8 = 2.15311535474403846e-8;
const D0 = 15.7449261107098347,
  D1 = 117.693950891312499,
  D2 = 537.181101862009858;
const D3 = 1621.38957456669019,
  D4 = 3290.79923573345963,
  D5 = 4362.61909014324716;
const D6 = 3439.36767414372164,
  D7 = 1230.33935480374942;
// |x| > 4: erfcx(x) = (1/sqrt(pi) - P(1/x^2)/(x^2 Q(1/x^2))) / x
const P0 = 0.305326634961232344,
  P1 = 0.360344899949804439,
  P2 = 0.125781726111229246;
const P3 = 0.0160837851487422766,
  P4 = 6.58749161529837803e-4,
  P5 = 0.0163153871373020978;
const Q0 = 2.56852019228982242,
  Q1 = 1.87295284992346047,
  Q2 = 0.527905102951428412;
const Q3 = 0.0605183413124413191,
  Q4 = 0.00233520497626869185;

function erfSmall(x: number): number {
  const z = x * x;
  const num = (((A4 * z + A0) * z + A1) * z + A2) * z + A3;
  const den = (((z + B0) * z + B1) * z + B2) * z + B3;
  return (x * num) / den;
}

/** exp(y^2) * erfc(y) for y > 0.46875 (no exponential taken). */
function erfcxPositive(y: number): number {
  if (y <= 4) {
    const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
    const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
    return num / den;
  }
  if (y >= 6.71e7) return INV_SQRT_PI / y; // 1 - 1/(2y^2) == 1 in double precision
  const z = 1 / (y * y);
  const num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
  const den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
  return (INV_SQRT_PI - (z * num) / den) / y;
}

/**
 * exp(-y^2). In the tail it is computed as exp(-a^2) exp(-(y-a)(y+a)), a = y cut to 1/16, so the
 * rounding of y^2 does not cost relative accuracy (Cody's device); below 3 one exp is exact enough
 * (the error y^2 * 1e-16 stays under 1e-15) and twice as fast.
 */
function expMinusSquare(y: number): number {
  if (y < 3) return Math.exp(-y * y);
  const a = Math.trunc(y * 16) / 16;
  return Math.exp(-a * a) * Math.exp(-(y - a) * (y + a));
}

/** The complementary error function, with relative accuracy kept for large positive x. */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const tail = y >= 26.543 ? 0 : expMinusSquare(y) * erfcxPositive(y);
  return x < 0 ? 2 - tail : tail;
}

/** The scaled complementary error function exp(x^2) erfc(x). */
export function erfcx(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return Math.exp(x * x) * (1 - erfSmall(x));
  if (x > 0) return erfcxPositive(y);
  if (x < -26.628) return Infinity;
  const a = Math.trunc(y * 16) / 16;
  const twiceExpSquare = 2 * Math.exp(a * a) * Math.exp((y - a) * (y + a));
  return twiceExpSquare - erfcxPositive(y);
}

/**
 * Standard normal cumulative distribution N(x). In the lower tail, N(x) = e^{-x²/2} erfcx(-x/√2) / 2
 * with e^{-x²/2} split as e^{-a²/2} e^{-(x-a)(x+a)/2}, a = x cut to 1/16: the rounding of -x/√2
 * would otherwise be squared into the exponent and cost ~1e-13 relative at -37σ.
 */
export function normCdf(x: number): number {
  if (x < -3) {
    const a = Math.trunc(x * 16) / 16;
    return 0.5 * Math.exp(-0.5 * a * a) * Math.exp(-0.5 * (x - a) * (x + a)) * erfcxPositive(-x * INV_SQRT2);
  }
  return 0.5 * erfc(-x * INV_SQRT2);
}

/** Standard normal density. */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

export { SQRT2, INV_SQRT2 };
