// A crash day: SPX 5,000 → 4,000 and VIX 16 → 45 in one close (October 1987 was −20%), ten days
// into the first campaign.
// hold stops out (loss ≥ 2 × credit); delta and cp close on rule 1 (the put break-even is
// crossed), the same day, at the same price. The P/L is computed here from the model mark.
import { describe, expect, it } from 'vitest';
import { runBacktests } from '../../../src/engine/backtest/index.ts';
import { markOn, path, strikesOf } from './paths.ts';

const CRASH = 10;
const DAYS = path(
  '2024-03-04',
  (i) => (i < CRASH ? 5000 : 4000),
  (i) => (i < CRASH ? 16 : 45),
  120,
);

describe('a crash day', () => {
  const result = runBacktests({ days: DAYS, params: { trace: true } });

  it.each([
    ['hold', 'stop-loss'],
    ['delta', 'break-even'],
    ['cp', 'break-even'],
  ] as const)('%s closes the first campaign on the crash day (%s) at the model mark plus slippage', (name, ending) => {
    const policy = result.policies.find((p) => p.policy === name)!;
    const [opened, closed] = policy.events;
    expect(opened!.kind).toBe('open');
    expect(opened!.date).toBe(DAYS[0]!.date);
    expect(closed!.kind).toBe('close');
    expect(closed!.date).toBe(DAYS[CRASH]!.date);
    expect(closed!.detail).toBe(ending);
    const campaign = policy.campaignList[0]!;
    expect(campaign.ending).toBe(ending);
    // P/L = (credit − (mark + 4 × 0.05)) × 100 − 2 trades × 4 legs × $1.
    const mark = markOn(strikesOf(opened!), campaign.expiry, DAYS[CRASH]!);
    expect(closed!.price).toBeCloseTo(mark + 0.2, 12);
    expect(campaign.pl).toBeCloseTo((opened!.price - mark - 0.2) * 100 - 8, 6);
    // The stop really is reached: the calibrated mark is at least three times the credit.
    expect(mark * (opened!.price / (opened!.price + 0.2)) - opened!.price).toBeGreaterThanOrEqual(2 * opened!.price);
    expect(policy.worstCampaign).toEqual(campaign);
    // The equity curve (marked to model) takes the move on that day: the change of the mark, and
    // the slippage (4 legs × 0.05 × 100) and commissions (4 legs × $1) of the close.
    const crashIndex = result.dates.indexOf(DAYS[CRASH]!.date);
    const markBefore = markOn(strikesOf(opened!), campaign.expiry, DAYS[CRASH - 1]!);
    expect(policy.equity[crashIndex]! - policy.equity[crashIndex - 1]!).toBeCloseTo(
      (markBefore - mark) * 100 - 20 - 4,
      6,
    );
    expect(policy.maxDrawdown).toBeGreaterThan(-campaign.pl);
  });

  it('all three policies lose the same amount on the same day', () => {
    const losses = result.policies.map((p) => p.campaignList[0]!.pl);
    expect(losses[1]).toBeCloseTo(losses[0]!, 9);
    expect(losses[2]).toBeCloseTo(losses[0]!, 9);
  });
});
