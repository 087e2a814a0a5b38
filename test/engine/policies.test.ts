// Policies (src/engine/policies): one list of rule objects run by both the live evaluation and the
// backtest; the new policies on small synthetic histories whose answers are worked by hand; the
// walk-forward's windows; rolls priced one way (docs/backtest.md, docs/engine.md).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { daysBetween } from '../../src/engine/dates.ts';
import {
  annualisedSortino,
  blockBootstrap,
  cvar,
  prepareHistory,
  runBacktests,
  seededRandom,
  walkForward,
  walkForwardPolicy,
  walkForwardWindows,
} from '../../src/engine/backtest/index.ts';
import { takeProfit } from '../../src/engine/policies/rules.ts';
import { POLICIES } from '../../src/engine/policies/index.ts';
import { evaluateScenario, MODEL } from './fixtures.ts';
import { path } from './backtest/paths.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('one home for the rules', () => {
  it('a change to a rule object shows in the live evaluation and in the backtest alike', () => {
    // Live: VIX 12 takes the model condor's mark under 60% of its credit: hold takes profit at 40%.
    const live = () => evaluateScenario({ vix: 12, settings: { policy: 'hold', profitTarget: 0.4 } }).action;
    // Backtest: on a flat market hold takes profit on every campaign.
    const days = path('2021-01-04', Array(160).fill(4000), Array(160).fill(20));
    const endings = () => runBacktests({ days, policies: ['hold'] }).policies[0]!.endings;
    expect(live()).toBe('TAKE_PROFIT');
    expect(endings()['take-profit']).toBeGreaterThan(0);

    vi.spyOn(takeProfit, 'decide').mockReturnValue(null);
    expect(live()).toBe('HOLD');
    expect(endings()['take-profit']).toBe(0);
  });

  it('every policy is one entry of POLICIES, its rules in order, settlement first', () => {
    for (const policy of Object.values(POLICIES)) {
      expect(policy.rules[0]!.name, policy.name).toBe('expiry');
      expect(policy.summary.startsWith(`${policy.name}:`), policy.name).toBe(true);
    }
  });
});

describe('policies on synthetic histories', () => {
  it('delta rolls exactly once when spot jumps just under the short call, re-centring around the new spot', () => {
    const flat = path('2021-01-04', Array(60).fill(4000), Array(60).fill(20));
    const params = { trace: true, profitTarget: null, stopLoss: 100 };
    const opened = runBacktests({ days: flat, policies: ['delta'], params }).policies[0]!.events[0]!;
    const shortCall = opened.strikes[2];
    // Day 20: spot 5 points under the short call. The forward sits above spot (r > q), so the
    // call's |delta| is past 0.50, while spot is still inside the break-even (short call + credit).
    const jump = shortCall - 5;
    const days = path('2021-01-04', (i) => (i < 20 ? 4000 : jump), Array(60).fill(20), 60);
    const result = runBacktests({ days, policies: ['delta'], params }).policies[0]!;
    const rolls = result.events.filter((event) => event.kind === 'roll');
    expect(rolls).toHaveLength(1);
    expect(rolls[0]!.date).toBe(days[20]!.date);
    const [, shortPut, newShortCall] = rolls[0]!.strikes;
    expect(shortPut).toBeLessThan(jump);
    expect(newShortCall).toBeGreaterThan(jump);
    // Re-centred at the entry distance in expected moves (EM = spot·σ·√τ): the new short call sits
    // (shortCall − 4,000)·(new spot / 4,000)·√(DTE now / DTE at entry) above the new spot, on the 5-point grid.
    const expiry = result.campaignList[0]!.expiry;
    const scale = Math.sqrt(daysBetween(days[20]!.date, expiry) / daysBetween(days[0]!.date, expiry));
    expect(Math.abs(newShortCall - jump - (shortCall - 4000) * (jump / 4000) * scale)).toBeLessThanOrEqual(5);
    expect(result.campaignList[0]!.rolls).toBe(1);
  });

  it('tasty closes a campaign on the first close at or under 21 DTE when the profit target has not fired', () => {
    // Vol climbing 0.3 a day keeps the mark above half the credit until then.
    const days = path('2021-01-04', Array(80).fill(4000), (i) => 20 + 0.3 * i, 80);
    const result = runBacktests({ days, policies: ['tasty'], params: { trace: true } }).policies[0]!;
    const first = result.campaignList[0]!;
    expect(first.ending).toBe('exit-dte');
    const expected = days.find((day) => daysBetween(day.date, first.expiry) <= 21)!.date;
    expect(first.endedDate).toBe(expected);
    const close = result.events.find((event) => event.kind === 'close')!;
    expect(close.price - 4 * 0.05).toBeGreaterThan(0.5 * first.entryCredit);
  });

  it('cndr opens on the monthly third-Friday cycle with wings by delta, and holds to expiry', () => {
    const days = path('2021-01-04', Array(130).fill(4000), Array(130).fill(20));
    const result = runBacktests({ days, policies: ['cndr'], params: { trace: true } }).policies[0]!;
    for (const campaign of result.campaignList) {
      expect(campaign.ending).toBe('expiry');
      const expiry = new Date(`${campaign.expiry}T00:00:00Z`);
      expect(expiry.getUTCDay()).toBe(5);
      expect(expiry.getUTCDate()).toBeGreaterThanOrEqual(15);
      expect(expiry.getUTCDate()).toBeLessThanOrEqual(21);
    }
    expect(result.campaignList.length).toBeGreaterThanOrEqual(3);
    // 20-delta shorts inside 5-delta longs: the wings are wider than the fixed 50 points would be at 4,000.
    const [k1, k2, k3, k4] = result.events[0]!.strikes;
    expect(k2 - k1).toBeGreaterThan(40);
    expect(k4 - k3).toBeGreaterThan(40);
    expect(k2).toBeGreaterThan(3700);
  });
});

describe('walk-forward', () => {
  it('cuts 8-in/2-out windows rolling by 2 years, folding a short last test window into the one before', () => {
    const windows = walkForwardWindows('1990-01-02', '2026-02-11');
    expect(windows[0]).toEqual({
      trainFrom: '1990-01-02',
      trainTo: '1997-12-31',
      testFrom: '1998-01-01',
      testTo: '1999-12-31',
    });
    expect(windows).toHaveLength(14);
    expect(windows.at(-1)).toEqual({
      trainFrom: '2016-01-01',
      trainTo: '2023-12-31',
      testFrom: '2024-01-01',
      testTo: '2026-02-11',
    });
  });

  it('does not leak: what happens after a training window cannot change the parameters chosen on it', () => {
    const n = 4 * 261;
    const calm = path(
      '2018-01-01',
      (i) => 3000 * (1 + 0.0002 * i),
      (i) => 18 + 4 * Math.sin(i / 9),
      n,
    );
    // The same history until the end of 2019, then a crash.
    const crash = calm.map((day) => (day.date < '2020-01-01' ? day : { ...day, spx: day.spx * 0.7, vix: 60 }));
    const windows = walkForwardWindows(calm[0]!.date, calm.at(-1)!.date, 2, 1);
    expect(windows[0]!.trainTo).toBe('2019-12-31');
    const a = walkForwardPolicy(prepareHistory(calm), 'cp', windows, { resamples: 50 });
    const b = walkForwardPolicy(prepareHistory(crash), 'cp', windows, { resamples: 50 });
    expect(b.windows[0]!.chosen).toEqual(a.windows[0]!.chosen);
    expect(b.windows[0]!.trainSortino).toBe(a.windows[0]!.trainSortino);
    // No test campaign outlives its window, none starts before it.
    const history = prepareHistory(calm);
    const test = runBacktests({
      days: history,
      policies: ['cp'],
      params: { from: windows[0]!.testFrom, to: windows[0]!.testTo },
    }).policies[0]!;
    for (const campaign of test.campaignList) {
      expect(campaign.openedDate >= windows[0]!.testFrom).toBe(true);
      expect(campaign.endedDate <= windows[0]!.testTo).toBe(true);
    }
  });

  it('gives the same bytes for the same history, and names a recommended policy', () => {
    const days = path(
      '2018-01-01',
      (i) => 3000 + 200 * Math.sin(i / 40),
      (i) => 18 + 3 * Math.cos(i / 15),
      3 * 261,
    );
    const options = { trainYears: 1, testYears: 1, resamples: 50, policies: ['hold', 'delta'] as const };
    const one = walkForward(prepareHistory(days), { ...options, policies: [...options.policies] });
    const two = walkForward(prepareHistory(days), { ...options, policies: [...options.policies] });
    expect(JSON.stringify(one)).toBe(JSON.stringify(two));
    expect(one.windows.map((w) => w.testFrom)).toEqual(['2019-01-01', '2020-01-01']);
    expect(one.policies.map((p) => p.policy)).toEqual(['hold', 'delta']);
  });
});

describe('metrics worked by hand', () => {
  it('Sortino: mean over the downside deviation against 0, × √252', () => {
    // 2, −1, 2, −1: mean 0.5; downside √((1 + 1) / 4) = √0.5.
    expect(annualisedSortino([2, -1, 2, -1])).toBeCloseTo((0.5 / Math.sqrt(0.5)) * Math.sqrt(252), 12);
    expect(annualisedSortino([1, 2, 3])).toBeNull();
  });

  it('5% CVaR is the mean of the worst 5% (at least one value)', () => {
    const values = Array.from({ length: 40 }, (_, i) => i + 1); // 5% of 40 = the worst 2: 1 and 2
    expect(cvar(values)).toBe(1.5);
    expect(cvar([])).toBeNull();
  });

  it('the block bootstrap is seeded, and a constant sample has a zero-width interval', () => {
    expect(blockBootstrap([0.1, 0.1, 0.1], (s) => s[0]!, 100, 2, 7)).toEqual({ low: 0.1, high: 0.1 });
    const values = Array.from({ length: 30 }, (_, i) => (i % 3) - 1);
    const mean = (s: readonly number[]) => s.reduce((a, b) => a + b, 0) / s.length;
    const once = blockBootstrap(values, mean, 200, 5, 3);
    expect(blockBootstrap(values, mean, 200, 5, 3)).toEqual(once);
    expect(once.low).toBeLessThan(0);
    expect(once.high).toBeGreaterThan(0);
    const a = seededRandom(1);
    const b = seededRandom(1);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    for (const value of first) expect(value >= 0 && value < 1).toBe(true);
  });
});

describe('rolls priced one way (issue 12 §4)', () => {
  it("prices the open with the close's calibration, offers the three rolls, says credit and max loss after", () => {
    // Filled 13% above the model: the close is the calibrated mark, so the open must be too.
    const credit = MODEL.condor.credit * 1.13;
    const evaluation = evaluateScenario({ spot: 5690, date: '2026-04-10', credit, settings: { policy: 'cp' } });
    expect(evaluation.action).toBe('ROLL');
    if (evaluation.proposal.kind !== 'roll') throw new Error('expected a roll');
    const { options, picked, restrike } = evaluation.proposal;
    const ratio = restrike.closeDebit / evaluation.condor.mark;
    expect(ratio).toBeCloseTo(1.13, 9);
    for (const option of options) expect(option.newCredit / option.newModelCredit).toBeCloseTo(ratio, 12);
    expect(options.map((option) => option.kind)).toEqual(['recentre', 'roll-tested', 'roll-out']);
    expect(picked).toBe('recentre');
    const strikes = MODEL.condor.strikes;
    // Tested side (the put, spot fell): the calls stay where they were.
    const tested = options.find((option) => option.kind === 'roll-tested')!;
    expect([tested.strikes.shortCall, tested.strikes.longCall]).toEqual([strikes.shortCall, strikes.longCall]);
    expect(tested.strikes.shortPut).toBeLessThan(strikes.shortPut);
    // Out in time: a later expiry near the entry's 45 days.
    const out = options.find((option) => option.kind === 'roll-out')!;
    expect(out.expiry > MODEL.condor.expiry).toBe(true);
    for (const option of options) {
      expect(option.creditAfter).toBeCloseTo(credit + option.netCredit, 12);
      const wing = Math.max(
        option.strikes.shortPut - option.strikes.longPut,
        option.strikes.longCall - option.strikes.shortCall,
      );
      expect(option.maxLossAfter).toBeCloseTo(Math.max(0, wing - option.creditAfter), 12);
    }
    expect(evaluation.reason).toMatch(/re-centre in the same expiry/);
  });
});
