// Synthetic histories whose answers can be worked out by hand, and the engine's own pieces to
// work them out with (the tests recompute what the backtest should do, independently of it).
import {
  condorMark,
  createEntrySnapshot,
  dates,
  evaluatePosition,
  classifyRegime,
  UNDERLYINGS,
  vixProxy,
  type Condor,
  type CondorStrikes,
  type MarketState,
  type PositionSettings,
} from '../../../src/engine/index.ts';
import type { BacktestDay, BacktestEvent } from '../../../src/engine/backtest/index.ts';
import { valuationClock, type TradingSessions, type ValuationClock } from '../../../src/engine/clock.ts';

/** `count` consecutive weekdays from `start` (no holidays: every weekday trades). */
export function weekdays(start: string, count: number): string[] {
  const out: string[] = [];
  for (let day = start; out.length < count; day = dates.addDays(day, 1)) if (!dates.isWeekend(day)) out.push(day);
  return out;
}

/** Days with the given closes (a number repeats for every day). */
export function path(
  start: string,
  spx: number[] | ((i: number) => number),
  vix: number[] | ((i: number) => number),
  count?: number,
): BacktestDay[] {
  const n = count ?? (Array.isArray(spx) ? spx.length : Array.isArray(vix) ? vix.length : 0);
  const at = (series: number[] | ((i: number) => number), i: number) =>
    Array.isArray(series) ? series[i]! : series(i);
  return weekdays(start, n).map((date, i) => ({ date, spx: at(spx, i), vix: at(vix, i) }));
}

/** A seeded linear congruential generator (deterministic "random" paths). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The backtest's nominal clock: every close at the same instant of its date, so τ = calendar days / 365. */
export const msOf = (date: string) => dates.toDayNumber(date) * dates.MS_PER_DAY;

/**
 * The exchange calendar of these paths: every weekday has a session closing at its date's
 * instant (msOf), so each close in a path is a session's close, as in the backtest.
 */
export const weekdaySessions: TradingSessions = {
  dateOf: (epochMs) => dates.fromDayNumber(Math.floor(epochMs / dates.MS_PER_DAY)),
  sessionOf: (date) => (dates.isWeekend(date) ? null : { openMs: msOf(date) - 6.5 * 3_600_000, closeMs: msOf(date) }),
  sameTimeNextTradingDay(epochMs) {
    let next = epochMs + dates.MS_PER_DAY;
    while (dates.isWeekend(dates.fromDayNumber(Math.floor(next / dates.MS_PER_DAY)))) next += dates.MS_PER_DAY;
    return next;
  },
};

/** The live engine's two clocks at a close, to a PM expiry (src/engine/clock.ts, computed session by session). */
export const clockOn = (date: string, expiry: string): ValuationClock =>
  valuationClock(msOf(date), expiry, 'PM', weekdaySessions);

export const strikesOf = (event: BacktestEvent): CondorStrikes => {
  const [longPut, shortPut, shortCall, longCall] = event.strikes;
  return { longPut, shortPut, shortCall, longCall };
};

export const R = 0.04;
export const Q = 0.013;

export function marketOn(day: BacktestDay): MarketState {
  return {
    spot: day.spx,
    rate: R,
    dividendYield: Q,
    vol: vixProxy(day.vix),
    valuationMs: msOf(day.date),
    valuationDate: day.date,
  };
}

/** The model mark (cost to close, per share) of strikes on a day, as the backtest marks them. */
export function markOn(strikes: CondorStrikes, expiry: string, day: BacktestDay): number {
  const vol = day.vix / 100;
  return condorMark(
    strikes,
    day.spx,
    clockOn(day.date, expiry),
    { longPut: vol, shortPut: vol, shortCall: vol, longCall: vol },
    R,
    Q,
  );
}

/**
 * The bot's own verdict for the structure the backtest opened on `openDay` with `credit`, on a
 * later day: evaluatePosition with the same entry snapshot and the VIX history before that day.
 */
export function botAction(
  history: readonly BacktestDay[],
  openIndex: number,
  strikes: CondorStrikes,
  expiry: string,
  credit: number,
  dayIndex: number,
  settings: Partial<PositionSettings>,
) {
  const condor: Condor = { underlying: UNDERLYINGS.SPX, strikes, expiry, quantity: 1, credit };
  const settlementMs = msOf(expiry);
  const openDay = history[openIndex]!;
  const entry = createEntrySnapshot({
    condor,
    market: marketOn(openDay),
    settlementMs,
    clock: clockOn(openDay.date, expiry),
    vix: openDay.vix,
  });
  const day = history[dayIndex]!;
  const regime = classifyRegime({ vix: day.vix, history: history.slice(0, dayIndex).map((d) => d.vix) });
  return evaluatePosition({
    position: { condor, entry, settlementMs, clock: clockOn(day.date, expiry), activeHedgeLayers: [] },
    market: marketOn(day),
    regime,
    settings: { policy: 'cp', ...settings },
  });
}
