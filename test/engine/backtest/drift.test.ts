// A slow drift down through the short put (−0.25% a day, VIX flat at 16): the static-delta rule
// rolls on the first day the short put's |delta| reaches 0.50, the cp rule on the first day the
// cushion breach b_y = 1 − y/y₀ reaches T (0.15 here: a flat VIX sits at the 0th percentile).
// The days are found here from priceOption and cushionOf, and checked against evaluatePosition.
import { describe, expect, it } from 'vitest';
import { cushionOf, priceOption, rebalanceThreshold, classifyRegime } from '../../../src/engine/index.ts';
import { runBacktests } from '../../../src/engine/backtest/index.ts';
import { botAction, clockOn, markOn, path, Q, R, strikesOf } from './paths.ts';

const FLAT = 40;
const DAYS = path(
  '2025-01-06',
  (i) => (i <= FLAT ? 5000 : 5000 * (1 - 0.0025) ** (i - FLAT)),
  () => 16,
  120,
);
const SETTINGS = { profitTarget: null, stopLoss: 100 } as const;

describe('a slow drift through the short put', () => {
  const result = runBacktests({ days: DAYS, params: { ...SETTINGS, from: DAYS[FLAT]!.date, trace: true } });
  // The first roll, or the close that ended the campaign first (a roll is traced as a close of the
  // old structure, detail 'roll', then the 'roll' that opens the new one).
  const firstRoll = (policy: string) =>
    result.policies
      .find((p) => p.policy === policy)!
      .events.find((e) => e.kind === 'roll' || (e.kind === 'close' && e.detail !== 'roll'));
  const opening = result.policies[0]!.events[0]!;
  const strikes = strikesOf(opening);
  const expiry = result.policies[0]!.campaignList[0]!.expiry;

  it('every policy opened the same condor on the first day of the run', () => {
    for (const policy of result.policies) expect(policy.events[0]).toEqual({ ...opening, detail: '' });
    expect(opening.date).toBe(DAYS[FLAT]!.date);
  });

  it('the delta rule rolls on the day the short put |delta| first reaches 0.50', () => {
    const putDelta = (i: number) => {
      const { discountYears: years, varianceYears } = clockOn(DAYS[i]!.date, expiry);
      return Math.abs(
        priceOption({
          type: 'put',
          spot: DAYS[i]!.spx,
          strike: strikes.shortPut,
          years,
          varianceYears,
          vol: 0.16,
          rate: R,
          dividendYield: Q,
        }).delta,
      );
    };
    let day = FLAT + 1;
    while (putDelta(day) < 0.5) day++;
    expect(putDelta(day - 1)).toBeLessThan(0.5);
    const roll = firstRoll('delta')!;
    expect(roll.kind).toBe('roll');
    expect(roll.date).toBe(DAYS[day]!.date);
    // The bot itself says HOLD the day before and ROLL that day.
    expect(
      botAction(DAYS, FLAT, strikes, expiry, opening.price, day - 1, { ...SETTINGS, policy: 'delta' }).action,
    ).toBe('HOLD');
    expect(botAction(DAYS, FLAT, strikes, expiry, opening.price, day, { ...SETTINGS, policy: 'delta' }).action).toBe(
      'ROLL',
    );
  });

  it('the cp rule rolls on the day the cushion breach first reaches T', () => {
    const threshold = (i: number) =>
      rebalanceThreshold(classifyRegime({ vix: 16, history: DAYS.slice(0, i).map((d) => d.vix) }).percentile);
    expect(threshold(FLAT + 1)).toBeCloseTo(0.15, 12);
    const entryCushion = cushionOf(strikes, opening.price, DAYS[FLAT]!.spx);
    const breach = (i: number) => 1 - cushionOf(strikes, opening.price, DAYS[i]!.spx) / entryCushion;
    let day = FLAT + 1;
    while (breach(day) < threshold(day)) day++;
    const roll = firstRoll('cp')!;
    expect(roll.kind).toBe('roll');
    expect(roll.date).toBe(DAYS[day]!.date);
    expect(botAction(DAYS, FLAT, strikes, expiry, opening.price, day - 1, { ...SETTINGS, policy: 'cp' }).action).toBe(
      'HOLD',
    );
    const bot = botAction(DAYS, FLAT, strikes, expiry, opening.price, day, { ...SETTINGS, policy: 'cp' });
    expect(bot.action).toBe('ROLL');
    // The new structure is the one the bot proposes, its credit the model's less 4 × 0.05.
    const next = result.policies
      .find((p) => p.policy === 'cp')!
      .events.find((e) => e.date === roll.date && e.kind === 'roll')!;
    if (bot.proposal.kind !== 'roll') throw new Error('expected a roll proposal');
    expect(strikesOf(next)).toEqual(bot.proposal.restrike.strikes);
    expect(next.price).toBeCloseTo(bot.proposal.restrike.newModelCredit - 0.2, 9);
  });

  it('cp rolls before the delta rule, and a roll costs two trades: 8 legs of slippage and commission', () => {
    const cp = result.policies.find((p) => p.policy === 'cp')!;
    const roll = firstRoll('cp')!;
    expect(roll.date < firstRoll('delta')!.date).toBe(true);
    const [, closed] = cp.events;
    expect(closed).toMatchObject({ kind: 'close', detail: 'roll', date: roll.date });
    const day = DAYS.findIndex((d) => d.date === roll.date);
    const mark = markOn(strikes, expiry, DAYS[day]!);
    expect(closed!.price).toBeCloseTo(mark + 0.2, 12);
    // Marked to model, the day's equity change is the old structure's move less both trades' costs.
    const at = result.dates.indexOf(roll.date);
    const markBefore = markOn(strikes, expiry, DAYS[day - 1]!);
    expect(cp.equity[at]! - cp.equity[at - 1]!).toBeCloseTo((markBefore - mark) * 100 - 2 * (20 + 4), 6);
    expect(cp.rolls).toBeGreaterThanOrEqual(1);
  });
});
