// The figures, on curves small enough to check by hand.
import { describe, expect, it } from 'vitest';
import {
  dailySharpe,
  maxDrawdown,
  readClaim,
  resultTable,
  type BacktestResult,
  type PolicyResult,
} from '../../../src/engine/backtest/index.ts';

describe('max drawdown and Sharpe', () => {
  it('drawdown is the largest fall from a running peak that starts at 0', () => {
    expect(maxDrawdown([100, 50, 120, 30, 200])).toBe(90);
    expect(maxDrawdown([-10, -40, 5])).toBe(40);
    expect(maxDrawdown([1, 2, 3])).toBe(0);
  });

  it('Sharpe is mean / sample sd of the daily changes × √252', () => {
    // Daily P/L 10, −5, 10, −5: mean 2.5, sample sd √75.
    expect(dailySharpe([10, 5, 15, 10])).toBeCloseTo((2.5 / Math.sqrt(75)) * Math.sqrt(252), 12);
    expect(dailySharpe([0, 0, 0])).toBeNull();
    expect(dailySharpe([5])).toBeNull();
  });
});

const policy = (name: PolicyResult['policy'], wins: number, campaigns: number, totalPl: number): PolicyResult => ({
  policy: name,
  campaigns,
  wins,
  winRate: wins / campaigns,
  meanPl: totalPl / campaigns,
  totalPl,
  maxDrawdown: 1000,
  sharpe: 0.5,
  worstCampaign: null,
  bestCampaign: null,
  rolls: 3,
  tightens: 1,
  hedges: 2,
  hedgePl: 0,
  timeInMarket: 0.97,
  daysInMarket: 97,
  commissions: 0,
  slippage: 0,
  endings: {
    expiry: 0,
    'take-profit': 0,
    'stop-loss': 0,
    'break-even': 0,
    'exit-dte': 0,
    'roll-too-late': 0,
    'roll-no-credit': 0,
    'roll-no-expiry': 0,
  },
  skippedEntries: 0,
  meanReturnOnRisk: 0,
  cvar5: null,
  annualReturnOnRisk: 0,
  maxDrawdownOnRisk: 0,
  sharpeOnRisk: null,
  sortino: null,
  costs: 0,
  adjustmentsPerCampaign: 0,
  returnOnRiskCurve: [],
  equity: [],
  campaignList: [],
  events: [],
});
const run = (...policies: PolicyResult[]) => ({ policies }) as unknown as BacktestResult;

describe('the claim under test', () => {
  it.each([
    [70, 60, 'supported'],
    [80, 60, 'larger'],
    [65, 60, 'smaller'],
    [55, 60, 'not-supported'],
    [60, 60, 'not-supported'],
  ] as const)('cp %i%% vs delta %i%% → %s', (cp, delta, verdict) => {
    const reading = readClaim(run(policy('cp', cp * 4, 400, 100), policy('delta', delta * 4, 400, 200)))!;
    expect(reading.verdict).toBe(verdict);
    expect(reading.differencePoints).toBeCloseTo(cp - delta, 9);
    expect(reading.sentence).toContain(`${cp - delta >= 0 ? '+' : '−'}${Math.abs(cp - delta).toFixed(1)} points`);
    expect(reading.claim).toBe(
      'constant-product rebalancing improves win rate by about 8–12 points over a static 50-delta rule',
    );
  });

  it('says when the difference is within sampling noise, and when there is nothing to read', () => {
    expect(readClaim(run(policy('cp', 6, 10, 1), policy('delta', 5, 10, 1)))!.sentence).toContain(
      'within sampling noise',
    );
    expect(readClaim(run(policy('cp', 0, 0, 0), policy('delta', 5, 10, 1)))!.verdict).toBe('no-data');
    expect(readClaim(run(policy('hold', 5, 10, 1)))).toBeNull();
  });

  it('tabulates one row per policy', () => {
    const table = resultTable([policy('cp', 300, 400, 12_345), policy('hold', 200, 400, -500)]);
    expect(table.columns.map((c) => c.label)).toEqual([
      'policy',
      'campaigns',
      'win rate',
      'mean P/L',
      'total P/L',
      'max DD',
      'Sharpe',
      'worst',
      'rolls',
      'hedges',
      'in market',
    ]);
    expect(table.rows[0]).toEqual([
      'cp (invariant)',
      '400',
      '75.0%',
      '$31',
      '$12,345',
      '-$1,000',
      '0.50',
      '—',
      '4',
      '2',
      '97%',
    ]);
    expect(table.rows[1]![4]).toBe('-$500');
  });
});
