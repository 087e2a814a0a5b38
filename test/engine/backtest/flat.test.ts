// A flat market (SPX 5,000 and VIX 16 every day): nothing moves but time, so every campaign
// must win exactly its credit minus costs, under every policy. The expected numbers come from
// modelCondor and the cost model, worked out here without the backtest.
import { describe, expect, it } from 'vitest';
import { dates, modelCondor, UNDERLYINGS } from '../../../src/engine/index.ts';
import { runBacktests, type BacktestDay } from '../../../src/engine/backtest/index.ts';
import { clockOn, markOn, marketOn, msOf, path } from './paths.ts';

const DAYS = path(
  '2024-01-01',
  () => 5000,
  () => 16,
  260,
);
const SLIPPAGE_PER_CONDOR = 4 * 0.05; // four legs
const COMMISSION_PER_TRADE = 4 * 1; // four legs, one contract each

/** Campaign openings and expiries by the documented rule: nearest day to +45 calendar days, ties later. */
function expectedSchedule(
  days: readonly BacktestDay[],
  release: (open: number, expiry: number) => number,
): { open: number; expiry: number; end: number }[] {
  const out = [];
  let open = 0;
  const last = dates.toDayNumber(days.at(-1)!.date);
  while (open < days.length) {
    const target = dates.toDayNumber(days[open]!.date) + 45;
    if (last < target) break;
    let expiry = open + 1;
    for (let j = open + 1; j < days.length; j++) {
      const distance = Math.abs(dates.toDayNumber(days[j]!.date) - target);
      if (distance <= Math.abs(dates.toDayNumber(days[expiry]!.date) - target)) expiry = j;
      if (dates.toDayNumber(days[j]!.date) >= target) break;
    }
    const end = release(open, expiry);
    out.push({ open, expiry, end });
    open = end + 1;
  }
  return out;
}

const modelOn = (open: number, expiry: number) =>
  modelCondor({
    underlying: UNDERLYINGS.SPX,
    market: marketOn(DAYS[open]!),
    expiry: DAYS[expiry]!.date,
    settlementMs: msOf(DAYS[expiry]!.date),
    clock: clockOn(DAYS[open]!.date, DAYS[expiry]!.date),
  });

describe('a flat market', () => {
  it('held to expiry, every campaign wins its credit minus slippage and commissions, under every policy', () => {
    const result = runBacktests({ days: DAYS, params: { profitTarget: null } });
    const schedule = expectedSchedule(DAYS, (_open, expiry) => expiry);
    expect(schedule.length).toBeGreaterThanOrEqual(4);
    for (const policy of result.policies) {
      expect(policy.campaigns).toBe(schedule.length);
      expect(policy.winRate).toBe(1);
      expect(policy.rolls + policy.tightens + policy.hedges).toBe(0);
      policy.campaignList.forEach((campaign, n) => {
        const { open, expiry } = schedule[n]!;
        const model = modelOn(open, expiry);
        expect(campaign.openedDate).toBe(DAYS[open]!.date);
        expect(campaign.endedDate).toBe(DAYS[expiry]!.date);
        expect(campaign.ending).toBe('expiry');
        // Settles worthless: keeps the credit (model value less slippage), pays one commission per leg.
        expect(campaign.pl).toBeCloseTo((model.condor.credit - SLIPPAGE_PER_CONDOR) * 100 - COMMISSION_PER_TRADE, 6);
      });
      expect(policy.totalPl).toBeCloseTo(
        policy.campaignList.reduce((sum, c) => sum + c.pl, 0),
        9,
      );
      expect(policy.equity.at(-1)).toBeCloseTo(policy.totalPl, 6);
    }
  });

  it('with the 50% profit target, each campaign closes on the first day the mark is half the model credit', () => {
    const result = runBacktests({ days: DAYS, params: { profitTarget: 0.5 } });
    const closes: number[] = [];
    const schedule = expectedSchedule(DAYS, (open, expiry) => {
      const model = modelOn(open, expiry);
      for (let day = open + 1; day < expiry; day++) {
        if (markOn(model.condor.strikes, DAYS[expiry]!.date, DAYS[day]!) <= 0.5 * model.condor.credit) {
          closes.push(day);
          return day;
        }
      }
      closes.push(expiry);
      return expiry;
    });
    for (const policy of result.policies) {
      expect(policy.campaigns).toBe(schedule.length);
      expect(policy.endings['take-profit']).toBe(schedule.length);
      policy.campaignList.forEach((campaign, n) => {
        const { open, expiry, end } = schedule[n]!;
        const model = modelOn(open, expiry);
        const credit = model.condor.credit - SLIPPAGE_PER_CONDOR;
        const debit = markOn(model.condor.strikes, DAYS[expiry]!.date, DAYS[end]!) + SLIPPAGE_PER_CONDOR;
        expect(campaign.endedDate).toBe(DAYS[closes[n]!]!.date);
        expect(campaign.pl).toBeCloseTo((credit - debit) * 100 - 2 * COMMISSION_PER_TRADE, 6);
        expect(campaign.pl).toBeGreaterThan(0);
      });
    }
  });

  it('is in the market every day and opens the next campaign the trading day after one ends', () => {
    const [policy] = runBacktests({ days: DAYS, policies: ['hold'], params: { profitTarget: null } }).policies;
    const list = policy!.campaignList;
    for (let n = 1; n < list.length; n++) {
      const previousEnd = DAYS.findIndex((day) => day.date === list[n - 1]!.endedDate);
      expect(list[n]!.openedDate).toBe(DAYS[previousEnd + 1]!.date);
    }
    const lastEnd = DAYS.findIndex((day) => day.date === list.at(-1)!.endedDate);
    expect(policy!.daysInMarket).toBe(lastEnd + 1);
  });
});
