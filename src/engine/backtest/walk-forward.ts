// Walk-forward evidence (docs/evidence.md): each policy's parameters are chosen on a training
// window only (the candidate with the best Sortino of daily return on risk), applied unchanged to
// the next test window, and the windows roll on. The headline figures pool the test windows only;
// the training figures stand beside them so that overfitting shows. Deterministic: the bootstrap
// draws from a seeded generator, so the same files give the same bytes.
import { addDays, type IsoDate } from '../dates.ts';
import { POLICIES, type PolicyName } from '../policies/index.ts';
import { createEntryCache, runBacktests, type EntryCache } from './backtest.ts';
import {
  annualisedSharpe,
  annualisedSortino,
  cumulative,
  cvar,
  maxDrawdown,
  TRADING_DAYS_PER_YEAR,
} from './metrics.ts';
import type { PreparedHistory } from './prepare.ts';
import type { BacktestParams, CampaignRecord, PolicyResult } from './types.ts';

export interface WalkForwardWindow {
  trainFrom: IsoDate;
  trainTo: IsoDate;
  testFrom: IsoDate;
  testTo: IsoDate;
}

/** The selection criterion in words (docs/evidence.md states it before the numbers). */
export const SELECTION_CRITERION =
  'highest out-of-sample Sortino of daily return on risk; within 0.05, the smaller out-of-sample max drawdown on ' +
  'risk; at least 100 campaigns';
const TRAIN_TIE = 0.01;
const PICK_TIE = 0.05;
const MIN_CAMPAIGNS = 100;

/**
 * Windows of `trainYears` then `testYears` calendar years, rolling by `testYears`, from the first
 * year of the history; a last test window shorter than half a window is folded into the one before.
 */
export function walkForwardWindows(
  firstDate: IsoDate,
  lastDate: IsoDate,
  trainYears = 8,
  testYears = 2,
): WalkForwardWindow[] {
  const firstYear = Number(firstDate.slice(0, 4));
  const lastYear = Number(lastDate.slice(0, 4));
  const windows: WalkForwardWindow[] = [];
  for (let start = firstYear; start + trainYears <= lastYear; start += testYears) {
    const testStart = start + trainYears;
    const window = {
      trainFrom: start === firstYear ? firstDate : `${start}-01-01`,
      trainTo: `${testStart - 1}-12-31`,
      testFrom: `${testStart}-01-01`,
      testTo: `${testStart + testYears - 1}-12-31`,
    };
    // Less than half a test window of data left: it joins the previous window.
    if (windows.length && addDays(window.testFrom, Math.round((testYears * 365) / 2)) > lastDate) {
      windows[windows.length - 1]!.testTo = lastDate;
      break;
    }
    windows.push(window);
  }
  if (windows.length) windows[windows.length - 1]!.testTo = lastDate;
  return windows;
}

/** Figures pooled over several runs (the test windows, or the training windows). */
export interface PooledFigures {
  campaigns: number;
  winRate: number;
  meanReturnOnRisk: number;
  annualReturnOnRisk: number;
  maxDrawdownOnRisk: number;
  sharpe: number | null;
  sortino: number | null;
  worstReturnOnRisk: number | null;
  cvar5: number | null;
  totalPl: number;
  costs: number;
  adjustmentsPerCampaign: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface WindowOutcome extends WalkForwardWindow {
  /** The candidate kept on the training window ({} = the policy's defaults). */
  chosen: Record<string, number | null>;
  trainSortino: number | null;
  testSortino: number | null;
  testCampaigns: number;
  testWinRate: number;
}

export interface PolicyWalkForward {
  policy: PolicyName;
  label: string;
  outOfSample: PooledFigures;
  inSample: PooledFigures;
  /** 95% block-bootstrap intervals over the out-of-sample campaigns. */
  intervals: { winRate: Interval; meanReturnOnRisk: Interval; cvar5: Interval };
  windows: WindowOutcome[];
  /** The out-of-sample days, their cumulative return on risk and drawdown from the running peak (≤ 0). */
  curve: { dates: IsoDate[]; returnOnRisk: number[]; drawdown: number[] };
}

export interface WalkForwardResult {
  from: IsoDate;
  to: IsoDate;
  trainYears: number;
  testYears: number;
  windows: WalkForwardWindow[];
  policies: PolicyWalkForward[];
  criterion: string;
  recommendedPolicy: PolicyName | null;
  bootstrap: { resamples: number; blockLength: number; seed: number };
}

export interface WalkForwardOptions {
  params?: Partial<BacktestParams>;
  trainYears?: number;
  testYears?: number;
  resamples?: number;
  blockLength?: number;
  seed?: number;
}

interface RunPiece {
  campaigns: CampaignRecord[];
  daily: number[];
  dates: IsoDate[];
  costs: number;
  adjustments: number;
  totalPl: number;
}

function pieceOf(result: PolicyResult, dates: readonly IsoDate[]): RunPiece {
  const curve = result.returnOnRiskCurve;
  return {
    campaigns: result.campaignList,
    daily: curve.map((value, i) => value - (i ? curve[i - 1]! : 0)),
    dates: [...dates],
    costs: result.costs,
    adjustments: result.rolls + result.tightens + result.hedges,
    totalPl: result.totalPl,
  };
}

function pool(pieces: readonly RunPiece[]): PooledFigures {
  const campaigns = pieces.flatMap((piece) => piece.campaigns);
  const daily = pieces.flatMap((piece) => piece.daily);
  const returns = campaigns.map((campaign) => campaign.returnOnRisk);
  const count = campaigns.length;
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  return {
    campaigns: count,
    winRate: count ? campaigns.filter((campaign) => campaign.pl > 0).length / count : 0,
    meanReturnOnRisk: count ? sum(returns) / count : 0,
    annualReturnOnRisk: daily.length ? sum(daily) / (daily.length / TRADING_DAYS_PER_YEAR) : 0,
    maxDrawdownOnRisk: maxDrawdown(cumulative(daily)),
    sharpe: annualisedSharpe(daily),
    sortino: annualisedSortino(daily),
    worstReturnOnRisk: count ? Math.min(...returns) : null,
    cvar5: cvar(returns),
    totalPl: sum(pieces.map((piece) => piece.totalPl)),
    costs: sum(pieces.map((piece) => piece.costs)),
    adjustmentsPerCampaign: count ? sum(pieces.map((piece) => piece.adjustments)) / count : 0,
  };
}

/** mulberry32: a small seeded generator (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Circular block bootstrap over campaigns in date order (neighbouring campaigns share a market, so
 * blocks keep that dependence): the 2.5% and 97.5% quantiles of `statistic` over `resamples`.
 */
export function blockBootstrap(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  resamples: number,
  blockLength: number,
  seed: number,
): Interval {
  const n = values.length;
  if (n === 0) return { low: 0, high: 0 };
  const random = seededRandom(seed);
  const stats = new Float64Array(resamples);
  const sample = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let filled = 0; filled < n;) {
      const start = Math.floor(random() * n);
      for (let j = 0; j < blockLength && filled < n; j++) sample[filled++] = values[(start + j) % n]!;
    }
    stats[r] = statistic(sample);
  }
  stats.sort();
  const at = (q: number) => stats[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { low: at(0.025), high: at(0.975) };
}

const better = (a: PolicyResult, b: PolicyResult) => {
  const sa = a.sortino ?? -Infinity;
  const sb = b.sortino ?? -Infinity;
  if (Math.abs(sa - sb) > TRAIN_TIE) return sa > sb;
  return a.maxDrawdownOnRisk < b.maxDrawdownOnRisk;
};

/** One policy through every window (the service calls it policy by policy, breathing between). */
export function walkForwardPolicy(
  history: PreparedHistory,
  policy: PolicyName,
  windows: readonly WalkForwardWindow[],
  options: WalkForwardOptions = {},
  cache: EntryCache = createEntryCache(),
): PolicyWalkForward {
  const definition = POLICIES[policy];
  const candidates = definition.grid.length ? definition.grid : [{}];
  const base = { ...options.params, equityCurve: true, campaignList: true };
  const run = (from: IsoDate, to: IsoDate, candidate: object) => {
    const result = runBacktests({
      days: history,
      policies: [policy],
      params: { ...base, ...candidate, from, to },
      entryCache: cache,
    });
    return { result: result.policies[0]!, dates: result.dates };
  };
  const train: RunPiece[] = [];
  const test: RunPiece[] = [];
  const outcomes: WindowOutcome[] = [];
  for (const window of windows) {
    let best: { result: PolicyResult; dates: IsoDate[]; candidate: object } | null = null;
    for (const candidate of candidates) {
      const trained = run(window.trainFrom, window.trainTo, candidate);
      if (best === null || better(trained.result, best.result)) best = { ...trained, candidate };
    }
    const tested = run(window.testFrom, window.testTo, best!.candidate);
    train.push(pieceOf(best!.result, best!.dates));
    test.push(pieceOf(tested.result, tested.dates));
    outcomes.push({
      ...window,
      chosen: best!.candidate as Record<string, number | null>,
      trainSortino: best!.result.sortino,
      testSortino: tested.result.sortino,
      testCampaigns: tested.result.campaigns,
      testWinRate: tested.result.winRate,
    });
  }
  const outOfSample = pool(test);
  const returns = test.flatMap((piece) => piece.campaigns.map((campaign) => campaign.returnOnRisk));
  const resamples = options.resamples ?? 1000;
  const blockLength = options.blockLength ?? 10;
  const seed = options.seed ?? 1;
  const mean = (sample: readonly number[]) => sample.reduce((total, value) => total + value, 0) / sample.length;
  const curve = cumulative(test.flatMap((piece) => piece.daily));
  let peak = 0;
  const drawdown = Array.from(curve, (value) => {
    peak = Math.max(peak, value);
    return value - peak;
  });
  return {
    policy,
    label: definition.label,
    outOfSample,
    inSample: pool(train),
    intervals: {
      winRate: blockBootstrap(returns, (s) => s.filter((r) => r > 0).length / s.length, resamples, blockLength, seed),
      meanReturnOnRisk: blockBootstrap(returns, mean, resamples, blockLength, seed),
      cvar5: blockBootstrap(returns, (s) => cvar(s) ?? 0, resamples, blockLength, seed),
    },
    windows: outcomes,
    curve: { dates: test.flatMap((piece) => piece.dates), returnOnRisk: Array.from(curve), drawdown },
  };
}

/** The policy the criterion picks from the out-of-sample figures; null when none qualifies. */
export function recommendPolicy(policies: readonly PolicyWalkForward[]): PolicyName | null {
  const ranked = policies
    .filter((p) => p.outOfSample.campaigns >= MIN_CAMPAIGNS && p.outOfSample.sortino !== null)
    .sort((a, b) => b.outOfSample.sortino! - a.outOfSample.sortino!);
  if (!ranked.length) return null;
  const [first, second] = ranked;
  if (second && first!.outOfSample.sortino! - second.outOfSample.sortino! <= PICK_TIE)
    return second.outOfSample.maxDrawdownOnRisk < first!.outOfSample.maxDrawdownOnRisk ? second.policy : first!.policy;
  return first!.policy;
}

export function assembleWalkForward(
  history: PreparedHistory,
  windows: readonly WalkForwardWindow[],
  policies: PolicyWalkForward[],
  options: WalkForwardOptions = {},
): WalkForwardResult {
  return {
    from: history.dates[0]!,
    to: history.dates[history.length - 1]!,
    trainYears: options.trainYears ?? 8,
    testYears: options.testYears ?? 2,
    windows: [...windows],
    policies,
    criterion: SELECTION_CRITERION,
    recommendedPolicy: recommendPolicy(policies),
    bootstrap: {
      resamples: options.resamples ?? 1000,
      blockLength: options.blockLength ?? 10,
      seed: options.seed ?? 1,
    },
  };
}

/** Every policy (default all) through every window, in one call. */
export function walkForward(
  history: PreparedHistory,
  options: WalkForwardOptions & { policies?: readonly PolicyName[] } = {},
): WalkForwardResult {
  const windows = walkForwardWindows(
    history.dates[0]!,
    history.dates[history.length - 1]!,
    options.trainYears,
    options.testYears,
  );
  const cache = createEntryCache();
  const names = options.policies ?? (Object.keys(POLICIES) as PolicyName[]);
  return assembleWalkForward(
    history,
    windows,
    names.map((name) => walkForwardPolicy(history, name, windows, options, cache)),
    options,
  );
}
