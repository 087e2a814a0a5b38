// The result as people read it: the table of the policies, the method in one line and the
// equity curves, shared by the CLI and the /backtest command (plain data, no rendering).
import { pct, pts, usd } from '../format.ts';
import { POLICIES, type PolicyName } from '../policies/index.ts';
import type { BacktestResult, PolicyResult } from './types.ts';

export const POLICY_LABELS: Readonly<Record<PolicyName, string>> = Object.fromEntries(
  Object.values(POLICIES).map((policy) => [policy.name, policy.label]),
) as Record<PolicyName, string>;

export interface ResultTable {
  columns: { label: string; align?: 'left' | 'right' }[];
  rows: string[][];
}

/** One row per policy: the figures of ENGINE.md §9, rounded for reading. */
export function resultTable(policies: readonly PolicyResult[]): ResultTable {
  const right = (label: string) => ({ label, align: 'right' as const });
  return {
    columns: [
      { label: 'policy' },
      right('campaigns'),
      right('win rate'),
      right('mean P/L'),
      right('total P/L'),
      right('max DD'),
      right('Sharpe'),
      right('worst'),
      right('rolls'),
      right('hedges'),
      right('in market'),
    ],
    rows: policies.map((policy) => [
      POLICY_LABELS[policy.policy],
      String(policy.campaigns),
      pct(policy.winRate),
      usd(policy.meanPl),
      usd(policy.totalPl),
      usd(-policy.maxDrawdown),
      policy.sharpe === null ? '—' : pts(policy.sharpe, 2),
      policy.worstCampaign ? usd(policy.worstCampaign.pl) : '—',
      String(policy.rolls + policy.tightens),
      String(policy.hedges),
      pct(policy.timeInMarket, 0),
    ]),
  };
}

/** The method in one line, for footers. */
export function methodLine(result: BacktestResult): string {
  const p = result.params;
  const target = p.profitTarget === null ? 'no profit target' : `profit target ${pct(p.profitTarget, 0)}`;
  return `${result.from} → ${result.to}, ${pts(result.days, 0)} trading days. ${p.targetDte}-DTE ${pts(p.targetDelta, 2)}Δ ${p.underlying} condors, wings ${pts(p.wingWidthAtReference, 0)} pts at the reference price (a share of spot far from it), ${target}, stop ${pts(p.stopLoss, 1)}× credit, $${pts(p.commissionPerContract)}/contract/leg, ${pts(p.slippagePerLeg)} pts slippage/leg; σ = VIX/100${p.skewBeta ? `, skew β ${p.skewBeta}` : ''}; Sharpe of daily P/L × √252; rolls include re-strikes to tighten.`;
}

export interface EquitySeries {
  label: string;
  points: { date: string; equity: number }[];
}

/** One equity series per policy (dollars, marked to model), for ChartsPort.equity. */
export function equitySeries(result: BacktestResult): EquitySeries[] {
  return result.policies.map((policy) => ({
    label: POLICY_LABELS[policy.policy],
    points: policy.equity.map((equity, i) => ({ date: result.dates[i]!, equity })),
  }));
}
