// Which r and q price a snapshot (docs/market-data.md): the latest chain's parity reading while it
// is fresh and plausible, whether or not that snapshot asked for the chain, so every command prices
// with the same r and q; else the configured RISK_FREE_RATE and DIVIDEND_YIELD.
import type { ImpliedRates, Logger, MarketSnapshot } from '../app/ports.ts';
import { isQuoteStale } from './calendar.ts';

export interface ConfiguredRates {
  rate: number;
  dividendYield: number;
  staleAfterMinutes: number;
}

export interface ChainRates {
  /** A newer chain's reading replaces the one kept (an implausible one too: the reply then says why). */
  remember(reading: ImpliedRates | null): void;
  /** The chain's r and q while its reading is fresh and plausible, else the configured ones. */
  at(nowMs: number): Pick<MarketSnapshot, 'rate' | 'dividendYield' | 'ratesFrom'>;
}

export function createChainRates(configured: ConfiguredRates, log: Logger): ChainRates {
  let implied: ImpliedRates | null = null;
  return {
    remember(reading) {
      if (!reading || (implied && reading.asOfMs <= implied.asOfMs)) return;
      implied = reading;
      if (reading.implausible)
        log.warn({ reason: reading.implausible, expiry: reading.expiry }, 'market data: chain-implied rates refused');
    },
    at(nowMs) {
      const fallback = { rate: configured.rate, dividendYield: configured.dividendYield };
      if (!implied || isQuoteStale(implied.asOfMs, nowMs, configured.staleAfterMinutes)) return fallback;
      if (implied.implausible) return { ...fallback, ratesFrom: { from: 'configured', note: implied.implausible } };
      return {
        rate: implied.rate,
        dividendYield: implied.dividendYield,
        ratesFrom: { from: 'chain', asOfMs: implied.asOfMs, expiry: implied.expiry },
      };
    },
  };
}
