// What a real quote can look like: values and times outside these bounds are a broken or hostile
// publication (SPX 1e-300, VIX 1e300, a last trade in 2099), refused before they reach a reply,
// the quote cache or the VIX history. One home for the bounds: the live quotes (live-quotes.ts) and
// the history downloads (sync.ts) both read them.
import { percent } from '../app/format.ts';
import type { MarketSymbol } from './quote-source.ts';

/** [min, max] of a level: far outside anything seen (SPX 1928-2026: 4.4-7,000; VIX 8.6-82.7; VVIX 59-212). */
export const PLAUSIBLE_LEVEL: Readonly<Record<MarketSymbol, readonly [number, number]>> = {
  SPX: [50, 100_000],
  VIX: [5, 150],
  VIX3M: [5, 150],
  VVIX: [20, 500],
};

/** A quote's time may be this far in the future of our clock (clock skew), and this old (a long market closure). */
export const MAX_QUOTE_AHEAD_MS = 60 * 60_000;
export const MAX_QUOTE_AGE_MS = 31 * 24 * 3_600_000;

const fmt = (value: number) =>
  Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3 ? value.toExponential(3) : String(value);

/** Why a level is not believable, or null. */
export function implausibleLevel(symbol: MarketSymbol, value: number, what = symbol as string): string | null {
  const [min, max] = PLAUSIBLE_LEVEL[symbol];
  if (!Number.isFinite(value) || value < min || value > max) return `${what} ${fmt(value)} outside ${min}-${max}`;
  return null;
}

/** Why a quote (level, previous close, time) is not believable at nowMs, or null. */
export function implausibleQuote(
  symbol: MarketSymbol,
  quote: { value: number; asOfMs: number; previousClose: number | null },
  nowMs: number,
): string | null {
  const level = implausibleLevel(symbol, quote.value);
  if (level) return level;
  if (quote.previousClose !== null) {
    const previous = implausibleLevel(symbol, quote.previousClose, `${symbol} previous close`);
    if (previous) return previous;
  }
  if (!Number.isFinite(quote.asOfMs) || quote.asOfMs > nowMs + MAX_QUOTE_AHEAD_MS)
    return `${symbol} time ${new Date(quote.asOfMs).toISOString()} is in the future`;
  if (quote.asOfMs < nowMs - MAX_QUOTE_AGE_MS)
    return `${symbol} time ${new Date(quote.asOfMs).toISOString()} is over 31 days old`;
  return null;
}

/**
 * [min, max] of a financing rate and an SPX dividend yield implied by the chain's parity, as
 * decimals: wide of anything seen (Fed funds 0-5.5% since 2008, box-spread rates a little above;
 * the S&P 500 yield 1.1-3.6% since 1995) yet tight enough to catch a fit on a broken chain.
 */
export const PLAUSIBLE_RATE: readonly [number, number] = [-0.01, 0.15];
export const PLAUSIBLE_DIVIDEND_YIELD: readonly [number, number] = [-0.01, 0.06];

/**
 * Why a chain-implied rate or yield is not believable, or null: "implied r 25.30% outside -1% to
 * 15%", the value with two decimals as the configured r and q the footer shows beside it.
 */
export function implausibleRates(rate: number, dividendYield: number): string | null {
  for (const [name, value, [min, max]] of [
    ['r', rate, PLAUSIBLE_RATE],
    ['q', dividendYield, PLAUSIBLE_DIVIDEND_YIELD],
  ] as const) {
    if (!Number.isFinite(value) || value < min || value > max)
      return `implied ${name} ${percent(value, 2)} outside ${percent(min, 0)} to ${percent(max, 0)}`;
  }
  return null;
}
