// Numbers a trader reads: rounded for reading, grouped, with units. The engine's numbers stay
// unrounded in Reply.data.
import { DateTime } from 'luxon';
import { groupDigits as grouped } from '../engine/format.ts';

/** Index points with 2 decimals: 5,615.00. */
export const points = (value: number, digits = 2) => (Number.isFinite(value) ? grouped(value, digits) : '—');
/** A strike: 5,615 (no decimals unless it has them). */
export const strike = (value: number) => (Number.isInteger(value) ? grouped(value, 0) : grouped(value, 2));
/** Dollars: -$1,234 (cents only when asked). */
export const dollars = (value: number, digits = 0) => {
  if (!Number.isFinite(value)) return '—';
  const text = grouped(value, digits); // the sign is decided after rounding: never "-$0"
  return text.startsWith('-') ? `-$${text.slice(1)}` : `$${text}`;
};
/** Signed dollars: +$1,234 / -$1,234 / $0. */
export const signedDollars = (value: number, digits = 0) => {
  const text = dollars(value, digits);
  return text.startsWith('-') || /^\$[0.,]+$/.test(text) ? text : `+${text}`;
};
/** A fraction as a percentage: 0.171 → 17.1%. */
export const percent = (fraction: number, digits = 1) =>
  Number.isFinite(fraction) ? `${grouped(fraction * 100, digits)}%` : '—';
/** A signed percentage: +2.3% / -1.7%. */
export const signedPercent = (fraction: number, digits = 1) => `${fraction > 0 ? '+' : ''}${percent(fraction, digits)}`;
export const condorLabel = (s: { longPut: number; shortPut: number; shortCall: number; longCall: number }) =>
  `${strike(s.longPut)}/${strike(s.shortPut)}/${strike(s.shortCall)}/${strike(s.longCall)}`;

/** "10:42": the New York wall-clock time of an instant (market data times read in the market's zone). */
export const newYorkClockTime = (epochMs: number) =>
  DateTime.fromMillis(epochMs, { zone: 'America/New_York' }).toFormat('HH:mm');

/** "4 min", "2 h 5 min", "3 d" — the age of data. */
export function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d`;
}

/**
 * One ALVH layer's figures in a trader's words, wherever layers are shown (a quote or a recorded
 * layer): "2 spreads VIX 19/24 for $280, pays $1,000 at VIX 24+ = 28% of max loss".
 */
export function hedgeLayerFigures(layer: {
  contracts: number;
  longStrike: number;
  shortStrike: number;
  cost: number;
  payoffAtUpperStrike: number;
  coverage: number;
}): string {
  const spreads = `${layer.contracts} spread${layer.contracts === 1 ? '' : 's'}`;
  return `${spreads} VIX ${strike(layer.longStrike)}/${strike(layer.shortStrike)} for ${dollars(layer.cost)}, pays ${dollars(layer.payoffAtUpperStrike)} at VIX ${strike(layer.shortStrike)}+ = ${percent(layer.coverage, 0)} of max loss`;
}
