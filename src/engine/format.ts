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

/** Index points: 5,615.00 or 14.20. */
export const pts = (value: number, digits = 2) => groupDigits(value, digits);

/** A fraction as a percentage: 0.1712 → "17.1%". */
export const pct = (fraction: number, digits = 1) => `${groupDigits(fraction * 100, digits)}%`;

/** Dollars: -1,234 → "-$1,234". */
export const usd = (value: number, digits = 0) => {
  const text = groupDigits(Math.abs(value), digits);
  return `${value < 0 && text.replace(/[0.,]/g, '') !== '' ? '-' : ''}$${text}`;
};
