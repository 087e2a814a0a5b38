// The backtest values an open condor on the live engine's two clocks (docs/engine.md, "Two
// clocks"): variance on sessions / 252, the forward and discounting on calendar days / 365. At a
// Friday close a Monday PM expiry is one session away (1/252 of variance), not three days (3/365).
import { describe, expect, it } from 'vitest';
import { dates, optionPrice, priceOption } from '../../../src/engine/index.ts';
import { runBacktests } from '../../../src/engine/backtest/index.ts';
import { path, Q, R, strikesOf } from './paths.ts';

// Monday 2025-03-03 to Monday 2025-03-10: open on Thursday 03-06, four calendar days to Monday 03-10.
const DAYS = path('2025-03-03', [5000, 5010, 4990, 5005, 5020, 5012], () => 16);
const THURSDAY = 3;
const FRIDAY = 4;
const MONDAY = 5;

/** The condor's value (cost to close, per share) with the legs priced on the given times. */
function condorValue(strikes: number[], spot: number, years: number, varianceYears: number): number {
  const [k1, k2, k3, k4] = strikes as [number, number, number, number];
  const price = (type: 'put' | 'call', strike: number) =>
    priceOption({ type, spot, strike, years, varianceYears, vol: 0.16, rate: R, dividendYield: Q }).price;
  return price('put', k2) - price('put', k1) + price('call', k3) - price('call', k4);
}

describe('the backtest’s clock at a Friday close', () => {
  const result = runBacktests({
    days: DAYS,
    policies: ['hold'],
    params: { from: DAYS[THURSDAY]!.date, targetDte: 4, expiryRule: 'daily', profitTarget: null, trace: true },
  });
  const run = result.policies[0]!;
  const opening = run.events[0]!;

  it('opens on Thursday for the Monday expiry', () => {
    expect(dates.weekday(DAYS[FRIDAY]!.date)).toBe(5);
    expect(dates.weekday(DAYS[MONDAY]!.date)).toBe(1);
    expect(opening.kind).toBe('open');
    expect(opening.date).toBe(DAYS[THURSDAY]!.date);
    expect(run.campaignList[0]!.expiry).toBe(DAYS[MONDAY]!.date);
  });

  it('marks the condor on Friday with one session of variance and three calendar days of discounting', () => {
    // Equity = cash − mark · 100; the cash is the credit less four legs' commission (1 each).
    const equityFriday = run.equity[FRIDAY - THURSDAY]!;
    const markFriday = (opening.price * 100 - 4 - equityFriday) / 100;
    const spot = DAYS[FRIDAY]!.spx;
    const strikes = [...opening.strikes];
    const twoClocks = condorValue(strikes, spot, 3 / 365, 1 / 252);
    const calendarOnly = condorValue(strikes, spot, 3 / 365, 3 / 365);
    expect(markFriday).toBeCloseTo(twoClocks, 9);
    // The old single clock gives a visibly different mark (more variance: 3/365 > 1/252).
    expect(Math.abs(calendarOnly - twoClocks)).toBeGreaterThan(0.05);
    expect(markFriday).not.toBeCloseTo(calendarOnly, 3);
  });

  it('prices the entry on Thursday with two sessions of variance', () => {
    const strikes = strikesOf(opening);
    const at = (type: 'put' | 'call', strike: number) =>
      optionPrice(type, DAYS[THURSDAY]!.spx, strike, 4 / 365, 0.16, R, Q, 2 / 252);
    const model =
      at('put', strikes.shortPut) -
      at('put', strikes.longPut) +
      at('call', strikes.shortCall) -
      at('call', strikes.longCall);
    // The open price is the model credit less four legs of slippage (0.05 each).
    expect(opening.price).toBeCloseTo(model - 0.2, 9);
  });
});
