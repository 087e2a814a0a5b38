// Shared helpers for the engine's tests: error measures and a few fixed market set-ups.
import { UNDERLYINGS, vixProxy, type Condor, type MarketState } from '../../src/engine/index.ts';

/** |got − want| / |want| (want ≠ 0). */
export const relativeError = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

/** Worst of a list of [error, label] pairs, for failure messages that name the offending input. */
export function worst<T>(rows: readonly T[], error: (row: T) => number): { error: number; row: T | undefined } {
  let best: { error: number; row: T | undefined } = { error: 0, row: undefined };
  for (const row of rows) {
    const e = error(row);
    if (!(e <= best.error)) best = { error: e, row };
  }
  return best;
}

export const MS_PER_DAY = 86_400_000;

/**
 * 16:00 in New York on a date in US daylight time (EDT, UTC−4): 20:00 UTC. Every date used with
 * it lies between the second Sunday of March and the first Sunday of November.
 */
export function closeEdt(date: string): number {
  return Date.parse(`${date}T20:00:00Z`);
}

/** A market at the 16:00 New York close of `date` (EDT), VIX proxy vol, r = 4%, q = 1.3%. */
export function marketAt(date: string, spot: number, vix: number, extra: Partial<MarketState> = {}): MarketState {
  return {
    spot,
    rate: 0.04,
    dividendYield: 0.013,
    vol: vixProxy(vix),
    valuationMs: closeEdt(date),
    valuationDate: date,
    ...extra,
  };
}

/** The symmetric SPX condor of the docs: 5615/5665/6335/6385 for a 14.20 credit. */
export function symmetricSpxCondor(overrides: Partial<Condor> = {}): Condor {
  return {
    underlying: UNDERLYINGS.SPX,
    strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
    expiry: '2026-05-15',
    quantity: 1,
    credit: 14.2,
    ...overrides,
  };
}
