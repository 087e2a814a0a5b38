// Numbers as a trader reads them, for the engine's one-sentence reasons. The engine keeps full
// precision in its data; only these strings are rounded. Hand-rolled rather than
// toLocaleString: Intl formatting was 60% of evaluatePosition's time.

/** 5615.5 → "5,615.50" (digits after the point, thousands grouped). */
export function groupDigits(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value > -999 && value < 999) {
    // No thousands to group: toFixed alone, minus a sign that rounding left on a zero ("-0.00").
    const short = value.toFixed(digits);
    return value < 0 && Number(short) === 0 ? short.slice(1) : short;
  }
  const fixed = Math.abs(value).toFixed(digits);
  const point = fixed.indexOf('.');
  const whole = point < 0 ? fixed : fixed.slice(0, point);
  let grouped = whole;
  if (whole.length > 3) {
    grouped = '';
    for (let end = whole.length; end > 0; end -= 3)
      grouped = whole.slice(Math.max(0, end - 3), end) + (grouped ? `,${grouped}` : '');
  }
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? '-' : ''}${grouped}${point < 0 ? '' : fixed.slice(point)}`;
}

// The one vocabulary of trader-facing numbers (the app re-exports it from src/app/format.ts).
// A value that is not finite reads "—", whatever its unit.

/** Index points with 2 decimals: 5,615.00 or 14.20. */
export const points = (value: number, digits = 2) => groupDigits(value, digits);

/** A strike: 5,615 (no decimals unless it has them: 412.5 stays 412.50). */
export const strike = (value: number) => groupDigits(value, Number.isInteger(value) ? 0 : 2);

/** A condor's four strikes, low to high: 5,500/5,550/5,650/5,700 (an error message spaces them: " / "). */
export const strikeList = (
  s: { longPut: number; shortPut: number; shortCall: number; longCall: number },
  separator = '/',
) => [s.longPut, s.shortPut, s.shortCall, s.longCall].map(strike).join(separator);

/** A fraction as a percentage: 0.1712 → "17.1%". */
export const percent = (fraction: number, digits = 1) =>
  Number.isFinite(fraction) ? `${groupDigits(fraction * 100, digits)}%` : '—';

/** A signed percentage: +2.3% / -1.7%. */
export const signedPercent = (fraction: number, digits = 1) => `${fraction > 0 ? '+' : ''}${percent(fraction, digits)}`;

/** Dollars: -1,234 → "-$1,234" (cents only when asked). The sign is decided after rounding: never "-$0". */
export const dollars = (value: number, digits = 0) => {
  if (!Number.isFinite(value)) return '—';
  const text = groupDigits(value, digits);
  return text.startsWith('-') ? `-$${text.slice(1)}` : `$${text}`;
};

/** Signed dollars: +$1,234 / -$1,234 / $0. */
export const signedDollars = (value: number, digits = 0) => {
  const text = dollars(value, digits);
  return text.startsWith('-') || /^\$[0.,]+$/.test(text) ? text : `+${text}`;
};
