// The DEMO market: deterministic synthetic numbers for running without a network (console,
// tests, first start). Every reply that uses it says DEMO DATA. Values are smooth functions of
// the New York trading day, so a given day always shows the same market and days differ.
import { toDayNumber, type IsoDate } from '../engine/dates.ts';
import type { MarketPort, MarketSnapshot, Quote } from '../app/ports.ts';
import { isTradingDay, newYorkDate, previousTradingDay, tradingDayOnOrBefore } from './calendar.ts';

export const DEMO_SOURCE = 'demo';

/** SPX around 6,000 and VIX around 16 on a day. */
export function demoClose(date: IsoDate): { spx: number; vix: number } {
  const day = toDayNumber(date);
  const spx = 6000 * Math.exp(0.012 * Math.sin(day / 9) + 0.006 * Math.sin(day / 2.3));
  const vix = 16 + 2.5 * Math.sin(day / 17) + 1.2 * Math.sin(day / 5.1);
  return { spx: Math.round(spx * 100) / 100, vix: Math.round(vix * 100) / 100 };
}

/** The demo VIX closes of the trading days before `date`, oldest first. */
export function demoVixHistory(date: IsoDate, count = 260): number[] {
  const closes: number[] = [];
  let day = previousTradingDay(date);
  for (let i = 0; i < count; i++) {
    closes.push(demoClose(day).vix);
    day = previousTradingDay(day);
  }
  return closes.reverse();
}

/** The demo SPX closes of the trading days before `date`, oldest first (for RSI and MACD). */
export function demoSpxCloses(date: IsoDate, count = 120): { date: IsoDate; close: number }[] {
  const closes: { date: IsoDate; close: number }[] = [];
  let day = previousTradingDay(date);
  for (let i = 0; i < count; i++) {
    closes.push({ date: day, close: demoClose(day).spx });
    day = previousTradingDay(day);
  }
  return closes.reverse();
}

export interface DemoOptions {
  now: () => number;
  rate: number;
  dividendYield: number;
  /** Why the demo is used (e.g. after a failed fetch); shown in the footer. */
  note?: string;
}

export function demoSnapshot(options: DemoOptions): MarketSnapshot {
  const nowMs = options.now();
  const today = newYorkDate(nowMs);
  const day = isTradingDay(today) ? today : tradingDayOnOrBefore(today);
  const close = demoClose(day);
  const previous = demoClose(previousTradingDay(day));
  const quote = (value: number, previousClose: number | null): Quote => ({
    value,
    asOfMs: nowMs,
    source: DEMO_SOURCE,
    previousClose,
  });
  return {
    spot: quote(close.spx, previous.spx),
    vix: quote(close.vix, previous.vix),
    vix3m: quote(Math.round(close.vix * 1.08 * 100) / 100, null),
    vvix: quote(90, null),
    vixHistory: demoVixHistory(day),
    spxCloses: demoSpxCloses(day),
    chain: null,
    demo: true,
    stale: false,
    asOfMs: nowMs,
    notes: options.note ? [options.note] : [],
    rate: options.rate,
    dividendYield: options.dividendYield,
  };
}

export function createDemoMarket(options: DemoOptions): MarketPort {
  return { snapshot: async () => demoSnapshot(options) };
}
