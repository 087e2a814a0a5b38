// The result as people read it: the table of the policies, the method in one line and the
// equity curves, shared by the CLI and the /backtest command (plain data, no rendering).
import { percent, points, dollars } from '../format.ts';
import { POLICIES, type PolicyName } from '../policies/index.ts';
import type { BacktestResult, PolicyResult } from './types.ts';
import type { WalkForwardResult } from './walk-forward.ts';

export const POLICY_LABELS: Readonly<Record<PolicyName, string>> = Object.fromEntries(
  Object.values(POLICIES).map((policy) => [policy.name, policy.label]),
) as Record<PolicyName, string>;

export interface ResultTable {
  columns: { label: string; align?: 'left' | 'right' }[];
  rows: string[][];
}

/** One row per policy: the figures of docs/specification.md §9, rounded for reading. */
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
      percent(policy.winRate),
      dollars(policy.meanPl),
      dollars(policy.totalPl),
      dollars(-policy.maxDrawdown),
      policy.sharpe === null ? '—' : points(policy.sharpe, 2),
      policy.worstCampaign ? dollars(policy.worstCampaign.pl) : '—',
      String(policy.rolls + policy.tightens),
      String(policy.hedges),
      percent(policy.timeInMarket, 0),
    ]),
  };
}

/** The method in one line, for footers. */
export function methodLine(result: BacktestResult): string {
  const p = result.params;
  const target = p.profitTarget === null ? 'no profit target' : `profit target ${percent(p.profitTarget, 0)}`;
  const condors = `${p.targetDte}-DTE ${points(p.targetDelta, 2)}Δ ${p.underlying} condors`;
  const wings = `wings ${points(p.wingWidthAtReference, 0)} pts at the reference price (a share of spot far from it)`;
  const costs = `$${points(p.commissionPerContract)}/contract/leg, ${points(p.slippagePerLeg)} pts slippage/leg`;
  return (
    `${result.from} → ${result.to}, ${points(result.days, 0)} trading days. ${condors}, ${wings}, ${target}, ` +
    `stop ${points(p.stopLoss, 1)}× credit, ${costs}; σ = VIX/100${p.skewBeta ? `, skew β ${p.skewBeta}` : ''}; ` +
    'Sharpe of daily P/L × √252; rolls include re-strikes to tighten.'
  );
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

const ratio = (value: number | null) => (value === null ? '—' : points(value, 2));
const times = (value: number | null) => (value === null ? '—' : `${points(value, 2)}×`);

/**
 * The walk-forward headline: one row per policy, out-of-sample figures first (95% block-bootstrap
 * intervals in brackets), the in-sample ones beside them; the recommended policy is starred.
 * Return on risk is P/L over what the campaign could lose; drawdown in multiples of that risk.
 */
export function walkForwardTable(result: WalkForwardResult): ResultTable {
  const right = (label: string) => ({ label, align: 'right' as const });
  return {
    columns: [
      { label: 'policy' },
      right('OOS campaigns'),
      right('win rate [95%]'),
      right('RoR/campaign [95%]'),
      right('RoR/year'),
      right('max DD'),
      right('Sharpe'),
      right('Sortino'),
      right('worst'),
      right('CVaR 5%'),
      right('costs'),
      right('adj/camp'),
      right('in-sample win'),
      right('in-sample Sortino'),
    ],
    rows: result.policies.map((p) => {
      const o = p.outOfSample;
      const i = p.intervals;
      return [
        `${p.policy === result.recommendedPolicy ? '★ ' : ''}${p.label}`,
        String(o.campaigns),
        `${percent(o.winRate)} [${percent(i.winRate.low, 0)}–${percent(i.winRate.high, 0)}]`,
        `${percent(o.meanReturnOnRisk)} [${percent(i.meanReturnOnRisk.low, 0)}–${percent(i.meanReturnOnRisk.high, 0)}]`,
        percent(o.annualReturnOnRisk, 0),
        times(-o.maxDrawdownOnRisk),
        ratio(o.sharpe),
        ratio(o.sortino),
        o.worstReturnOnRisk === null ? '—' : percent(o.worstReturnOnRisk, 0),
        o.cvar5 === null ? '—' : percent(o.cvar5, 0),
        dollars(o.costs),
        points(o.adjustmentsPerCampaign, 2),
        percent(p.inSample.winRate),
        ratio(p.inSample.sortino),
      ];
    }),
  };
}

/** The recommendation in one sentence, numbers included. */
export function recommendationLine(result: WalkForwardResult): string {
  const pick = result.policies.find((p) => p.policy === result.recommendedPolicy);
  if (!pick) return 'No policy qualifies for a recommendation in this run (too few out-of-sample campaigns).';
  const cp = result.policies.find((p) => p.policy === 'cp');
  const o = pick.outOfSample;
  const cpWords =
    cp && cp !== pick
      ? `; cp: Sortino ${ratio(cp.outOfSample.sortino)}, drawdown ${times(cp.outOfSample.maxDrawdownOnRisk)}, ` +
        `win rate ${percent(cp.outOfSample.winRate)}`
      : '';
  return (
    `Recommended by the stated criterion (${result.criterion}): ${pick.policy}, out-of-sample Sortino ` +
    `${ratio(o.sortino)}, max drawdown ${times(o.maxDrawdownOnRisk)} the risk, ` +
    `win rate ${percent(o.winRate)}${cpWords}.`
  );
}

/** The method of a walk-forward run in one line. */
export function walkForwardMethodLine(result: WalkForwardResult): string {
  return (
    `Walk-forward ${result.from} → ${result.to}: ${result.trainYears} years to choose each policy's ` +
    `parameters (best Sortino of daily return on risk), the next ${result.testYears} years out of sample, rolling ` +
    `(${result.windows.length} windows, first test ${result.windows[0]?.testFrom ?? '—'}). ` +
    'RoR = P/L ÷ what the campaign could lose; drawdown in multiples of that risk; intervals: block bootstrap over ' +
    `campaigns (blocks of ${result.bootstrap.blockLength}, ${result.bootstrap.resamples} resamples, ` +
    `seed ${result.bootstrap.seed}).`
  );
}

/** The out-of-sample cumulative return on risk per policy (for the equity chart, in risk units). */
export function walkForwardSeries(result: WalkForwardResult): EquitySeries[] {
  return result.policies.map((p) => ({
    label: p.label,
    points: p.curve.returnOnRisk.map((equity, i) => ({ date: p.curve.dates[i]!, equity })),
  }));
}
