// Numbers a trader reads: rounded for reading, grouped, with units. The engine's numbers stay
// unrounded in Reply.data.
import { DateTime } from 'luxon';
import { dollars, percent, strike } from '../engine/format.ts';

// One vocabulary: the engine's formatters are the app's (src/engine/format.ts).
export { dollars, percent, points, signedDollars, signedPercent, strike, strikeList } from '../engine/format.ts';

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
  return (
    `${spreads} VIX ${strike(layer.longStrike)}/${strike(layer.shortStrike)} for ${dollars(layer.cost)}, ` +
    `pays ${dollars(layer.payoffAtUpperStrike)} at VIX ${strike(layer.shortStrike)}+ = ` +
    `${percent(layer.coverage, 0)} of max loss`
  );
}
