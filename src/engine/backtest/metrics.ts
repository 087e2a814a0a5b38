// A policy's figures from its campaigns and equity curve. Sums run in day order or campaign
// order, always the same, so the same run gives the same bits.
import type { BacktestEvent, BacktestPolicy, CampaignEnding, CampaignRecord, PolicyResult } from './types.ts';

export const TRADING_DAYS_PER_YEAR = 252;

export interface SummaryInput {
  policy: BacktestPolicy;
  campaigns: CampaignRecord[];
  /** Equity at each close of the run, dollars. */
  equity: Float64Array;
  /** Each day's P/L on the risk of its campaign (0 when flat). */
  returnOnRisk: Float64Array;
  keepCurve: boolean;
  keepCampaigns: boolean;
  totals: {
    rolls: number;
    tightens: number;
    hedges: number;
    hedgePl: number;
    commissions: number;
    slippage: number;
    daysInMarket: number;
    skippedEntries: number;
  };
  endings: Record<CampaignEnding, number>;
  events: BacktestEvent[];
}

/** Largest fall from a running peak; the curve starts from 0 before the first day. */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = 0;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const value = equity[i]!;
    if (value > peak) peak = value;
    if (peak - value > worst) worst = peak - value;
  }
  return worst;
}

/**
 * Sharpe ratio of daily P/L (the day-on-day change of the equity curve, the first day measured
 * from 0): mean / sample standard deviation × √252. Dollar P/L, no risk-free rate subtracted;
 * null when there are fewer than two days or the P/L never changes.
 */
export function dailySharpe(equity: ArrayLike<number>): number | null {
  const n = equity.length;
  if (n < 2) return null;
  let sum = 0;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    sum += equity[i]! - previous;
    previous = equity[i]!;
  }
  const mean = sum / n;
  let squares = 0;
  previous = 0;
  for (let i = 0; i < n; i++) {
    const deviation = equity[i]! - previous - mean;
    squares += deviation * deviation;
    previous = equity[i]!;
  }
  const deviation = Math.sqrt(squares / (n - 1));
  return deviation > 0 ? (mean / deviation) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
}

/** Mean / sample standard deviation of a daily series × √252; null when flat or too short. */
export function annualisedSharpe(daily: ArrayLike<number>): number | null {
  const n = daily.length;
  if (n < 2) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += daily[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (daily[i]! - mean) ** 2;
  const deviation = Math.sqrt(squares / (n - 1));
  return deviation > 0 ? (mean / deviation) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
}

/**
 * Sortino ratio of a daily series: mean / downside deviation × √252, the downside deviation being
 * √(mean of min(r, 0)²) over every day (target 0). null when no day lost.
 */
export function annualisedSortino(daily: ArrayLike<number>): number | null {
  const n = daily.length;
  if (n < 2) return null;
  let sum = 0;
  let downside = 0;
  for (let i = 0; i < n; i++) {
    const r = daily[i]!;
    sum += r;
    if (r < 0) downside += r * r;
  }
  const deviation = Math.sqrt(downside / n);
  return deviation > 0 ? (sum / n / deviation) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
}

/** Conditional value at risk: the mean of the worst `share` of the values (at least one); null when empty. */
export function cvar(values: readonly number[], share = 0.05): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const count = Math.max(1, Math.ceil(share * sorted.length));
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i]!;
  return sum / count;
}

/** The running sum of a daily series. */
export function cumulative(daily: ArrayLike<number>): Float64Array {
  const out = new Float64Array(daily.length);
  let sum = 0;
  for (let i = 0; i < daily.length; i++) out[i] = sum += daily[i]!;
  return out;
}

export function summarise(input: SummaryInput): PolicyResult {
  const { campaigns, equity, totals } = input;
  let wins = 0;
  let totalPl = 0;
  let worst: CampaignRecord | null = null;
  let best: CampaignRecord | null = null;
  for (const campaign of campaigns) {
    totalPl += campaign.pl;
    if (campaign.pl > 0) wins++;
    if (worst === null || campaign.pl < worst.pl) worst = campaign;
    if (best === null || campaign.pl > best.pl) best = campaign;
  }
  const count = campaigns.length;
  const returns = campaigns.map((campaign) => campaign.returnOnRisk);
  let returnSum = 0;
  for (const value of returns) returnSum += value;
  const rorCurve = cumulative(input.returnOnRisk);
  const years = input.returnOnRisk.length / TRADING_DAYS_PER_YEAR;
  const costs = totals.commissions + totals.slippage;
  return {
    policy: input.policy,
    campaigns: count,
    wins,
    winRate: count ? wins / count : 0,
    meanPl: count ? totalPl / count : 0,
    totalPl,
    maxDrawdown: maxDrawdown(equity),
    sharpe: dailySharpe(equity),
    worstCampaign: worst,
    bestCampaign: best,
    rolls: totals.rolls,
    tightens: totals.tightens,
    hedges: totals.hedges,
    hedgePl: totals.hedgePl,
    timeInMarket: equity.length ? totals.daysInMarket / equity.length : 0,
    daysInMarket: totals.daysInMarket,
    commissions: totals.commissions,
    slippage: totals.slippage,
    endings: input.endings,
    skippedEntries: totals.skippedEntries,
    meanReturnOnRisk: count ? returnSum / count : 0,
    cvar5: cvar(returns),
    annualReturnOnRisk: years > 0 && rorCurve.length ? rorCurve[rorCurve.length - 1]! / years : 0,
    maxDrawdownOnRisk: maxDrawdown(rorCurve),
    sharpeOnRisk: annualisedSharpe(input.returnOnRisk),
    sortino: annualisedSortino(input.returnOnRisk),
    costs,
    adjustmentsPerCampaign: count ? (totals.rolls + totals.tightens + totals.hedges) / count : 0,
    returnOnRiskCurve: input.keepCurve ? Array.from(rorCurve) : [],
    equity: input.keepCurve ? Array.from(equity) : [],
    campaignList: input.keepCampaigns ? campaigns : [],
    events: input.events,
  };
}
