// Put-call parity on the delayed SPX chain (docs/engine.md, "Parity"): each expiry's implied
// financing rate and dividend yield and the strike pairs quoted off parity beyond their bid/ask,
// and the one reading that prices every command while the chain is fresh (docs/market-data.md,
// "Rates implied by the chain").
import type { ChainParity, ExpiryParity, ImpliedRates } from '../app/ports.ts';
import { chainParity } from '../engine/index.ts';
import { MS_PER_DAY, MS_PER_YEAR } from '../engine/dates.ts';
import { settlementInstant } from './calendar.ts';
import type { OptionChain } from './parsers/cboe-chain.ts';
import { implausibleRates } from './plausible.ts';

/**
 * Expiries read for parity: from a week out (a shorter one discounts over hours, so a cent of
 * quote noise moves its implied rate by whole percents) to about a year (the far ones trade thin).
 */
export const PARITY_MIN_DAYS = 7;
export const PARITY_MAX_DAYS = 400;
/** Pricing reads the expiry nearest the model condor's 45 days (docs/specification.md §8). */
export const PRICING_TARGET_DAYS = 45;
/** ...among those at least this far out: the box spread's rate settles down with time. */
const PRICING_MIN_DAYS = 14;

/** Every expiry of the chain between PARITY_MIN_DAYS and PARITY_MAX_DAYS that parity can read. */
export function readChainParity(chain: OptionChain): ChainParity {
  const asOfMs = chain.underlying.asOf;
  const spot = chain.underlying.spot;
  const expiries: ExpiryParity[] = [];
  for (const series of chain.expiries) {
    const settlementMs = settlementInstant(series.expiry, series.settlement);
    const days = (settlementMs - asOfMs) / MS_PER_DAY;
    if (days < PARITY_MIN_DAYS || days > PARITY_MAX_DAYS) continue;
    const quote = (bid: number, ask: number, strike: number) => ({ strike, bid, ask });
    const reading = chainParity({
      spot,
      years: (settlementMs - asOfMs) / MS_PER_YEAR,
      calls: series.book.map((b) => quote(b.callBid, b.callAsk, b.strike)),
      puts: series.book.map((b) => quote(b.putBid, b.putAsk, b.strike)),
    });
    if (!reading) continue;
    expiries.push({
      expiry: series.expiry,
      root: series.root,
      settlement: series.settlement,
      days,
      rate: reading.rate,
      dividendYield: reading.dividendYield,
      forward: reading.forward,
      strikesUsed: reading.strikesUsed,
      beyondSpread: reading.beyondSpread,
    });
  }
  return { asOfMs, spot, expiries, implied: pricingRates(expiries, asOfMs) };
}

/**
 * The rate and yield that price every command: the reading nearest 45 days (SPXW first on a
 * shared date, as the chain lists them), or none; outside the plausible bounds it is kept with the
 * reason, so the reply can say why the configured numbers were used instead.
 */
function pricingRates(expiries: readonly ExpiryParity[], asOfMs: number): ImpliedRates | null {
  let best: ExpiryParity | null = null;
  for (const reading of expiries) {
    if (reading.days < PRICING_MIN_DAYS) continue;
    if (!best || Math.abs(reading.days - PRICING_TARGET_DAYS) < Math.abs(best.days - PRICING_TARGET_DAYS))
      best = reading;
  }
  if (!best) return null;
  return {
    rate: best.rate,
    dividendYield: best.dividendYield,
    asOfMs,
    expiry: best.expiry,
    root: best.root,
    implausible: implausibleRates(best.rate, best.dividendYield),
  };
}
