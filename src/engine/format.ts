// Numbers as a trader reads them, for the engine's one-sentence reasons. The engine keeps full
// precision in its data; only these strings are rounded.
const grouped = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Index points: 5,615.00 or 14.20. */
export const pts = (value: number, digits = 2) => grouped(value, digits);

/** A fraction as a percentage: 0.1712 → "17.1%". */
export const pct = (fraction: number, digits = 1) => `${grouped(fraction * 100, digits)}%`;

/** Dollars: -1,234 → "-$1,234". */
export const usd = (value: number, digits = 0) => `${value < 0 ? '-' : ''}$${grouped(Math.abs(value), digits)}`;

/** A signed number of points: +3.10 / -3.10. */
export const signedPts = (value: number, digits = 2) => `${value >= 0 ? '+' : '-'}${grouped(Math.abs(value), digits)}`;
