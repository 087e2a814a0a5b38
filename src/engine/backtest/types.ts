// The backtest's inputs, parameters and results (docs/specification.md §9). Plain data only: results
// serialise to the same JSON bytes for the same inputs (no Maps, fixed key order).
import type { IsoDate } from '../dates.ts';
import { POLICY_NAMES, type CampaignEnding, type PolicyName } from '../policies/index.ts';
import { DEFAULT_SETTINGS, type PositionSettings } from '../signals.ts';
import { UNDERLYINGS, type Underlying } from '../underlying.ts';

/** One trading day: the SPX and VIX closes (VIX3M and VVIX when known). */
export interface BacktestDay {
  date: IsoDate;
  spx: number;
  vix: number;
  vix3m?: number;
  vvix?: number;
}

export type BacktestPolicy = PolicyName;
/** Every policy (src/engine/policies); the plain run's default is CLASSIC_POLICIES. */
export const BACKTEST_POLICIES: readonly BacktestPolicy[] = POLICY_NAMES;
/** The three policies of the original comparison (the claim's cp and 50-delta, and hold). */
export const CLASSIC_POLICIES: readonly BacktestPolicy[] = ['cp', 'delta', 'hold'];

/**
 * Which trading days count as listed expiries: every trading day in the history ('daily', as
 * SPXW lists today), the last trading day of each week ('weekly': Fridays, or Thursday when
 * Friday is a holiday), or the third-Friday monthlies ('monthly').
 */
export type ExpiryRule = 'daily' | 'weekly' | 'monthly';

/** The position rules are the bot's own (docs/specification.md §6); the policy is chosen per run. */
export interface BacktestParams extends Omit<PositionSettings, 'policy'> {
  /** First and last day of the run (inclusive); earlier days still feed the VIX percentile. */
  from?: IsoDate;
  to?: IsoDate;
  underlying: Underlying;
  /** Target calendar days to expiry of each new condor (45). */
  targetDte: number;
  expiryRule: ExpiryRule;
  /** |delta| of each short strike at entry (0.16). */
  targetDelta: number;
  /** Long strikes at this |delta| instead of a wing width (the cndr policy's 0.05); null = wing width. */
  wingDelta: number | null;
  /**
   * Wing width in points near the underlying's reference price (SPX: 50 near 5,000); far from
   * it the same share of spot, rounded to the grid (defaultWingWidth). null = the underlying's.
   */
  wingWidth: number | null;
  /** Skew slope β of the VIX proxy (0 = flat). */
  skewBeta: number;
  rate: number;
  dividendYield: number;
  quantity: number;
  /** Dollars per contract per leg, on every open, close, roll and hedge trade (1.00). */
  commissionPerContract: number;
  /** Points per leg against us on every trade (0.05): credits lower, debits higher. */
  slippagePerLeg: number;
  /** Keep the per-day equity curve in the result (the sweep turns it off). */
  equityCurve: boolean;
  /** Keep the list of campaigns in the result. */
  campaignList: boolean;
  /** Record every trade as an event (for tests and for reading one campaign closely). */
  trace: boolean;
}

/** The defaults: the engine's position settings, r = 4%, q = 1.3% (docs/specification.md §1). */
export const DEFAULT_BACKTEST_PARAMS: BacktestParams = {
  underlying: UNDERLYINGS.SPX,
  targetDte: 45,
  expiryRule: 'daily',
  targetDelta: 0.16,
  wingDelta: null,
  wingWidth: null,
  skewBeta: 0,
  rate: 0.04,
  dividendYield: 0.013,
  quantity: 1,
  profitTarget: DEFAULT_SETTINGS.profitTarget,
  stopLoss: DEFAULT_SETTINGS.stopLoss,
  exitDte: DEFAULT_SETTINGS.exitDte,
  minRollDte: DEFAULT_SETTINGS.minRollDte,
  thresholdMin: DEFAULT_SETTINGS.thresholdMin,
  thresholdMax: DEFAULT_SETTINGS.thresholdMax,
  deltaTrigger: DEFAULT_SETTINGS.deltaTrigger,
  triggerMoves: DEFAULT_SETTINGS.triggerMoves,
  minAdjustDays: DEFAULT_SETTINGS.minAdjustDays,
  maxHedgeLayers: DEFAULT_SETTINGS.maxHedgeLayers,
  commissionPerContract: 1,
  slippagePerLeg: 0.05,
  equityCurve: true,
  campaignList: true,
  trace: false,
};

export type { CampaignEnding };

export const CAMPAIGN_ENDINGS: readonly CampaignEnding[] = [
  'expiry',
  'take-profit',
  'stop-loss',
  'break-even',
  'exit-dte',
  'roll-too-late',
  'roll-no-credit',
  'roll-no-expiry',
];

export interface CampaignRecord {
  openedDate: IsoDate;
  endedDate: IsoDate;
  expiry: IsoDate;
  /** Dollars, after every cost, hedges included. */
  pl: number;
  /** What the first structure could lose, dollars (widest wing − credit): the campaign's risk. */
  risk: number;
  /** pl / risk. */
  returnOnRisk: number;
  /** Credit of the first structure, per share, after slippage. */
  entryCredit: number;
  rolls: number;
  tightens: number;
  /** Hedge layers bought. */
  hedges: number;
  ending: CampaignEnding;
}

export type BacktestEventKind = 'open' | 'roll' | 'tighten' | 'hedge' | 'close' | 'settle';

/** One trade of a traced run. */
export interface BacktestEvent {
  date: IsoDate;
  kind: BacktestEventKind;
  /** The structure opened ('open', 'roll', 'tighten') or closed ('close', 'settle'). */
  strikes: [number, number, number, number];
  /** Per share: the credit received ('open', 'roll', 'tighten'), or the debit paid to close or settle. */
  price: number;
  /** 'close': how the campaign ended; 'hedge': the layer bought and its size. */
  detail: string;
}

export interface PolicyResult {
  policy: BacktestPolicy;
  campaigns: number;
  wins: number;
  /** Share of campaigns with P/L > 0. */
  winRate: number;
  meanPl: number;
  totalPl: number;
  /** Largest fall of the equity curve from a previous peak, dollars (≥ 0). */
  maxDrawdown: number;
  /** mean / standard deviation of daily P/L × √252, over every day of the run; null when flat. */
  sharpe: number | null;
  worstCampaign: CampaignRecord | null;
  bestCampaign: CampaignRecord | null;
  rolls: number;
  tightens: number;
  /** Hedge layers bought, and what they cost and returned (dollars, costs included). */
  hedges: number;
  hedgePl: number;
  /** Share of the run's days with a position open at the close. */
  timeInMarket: number;
  daysInMarket: number;
  /** Dollars paid in commissions and lost to slippage. */
  commissions: number;
  slippage: number;
  endings: Record<CampaignEnding, number>;
  /** Days on which an entry was skipped (the model condor had no credit left after costs). */
  skippedEntries: number;
  /** Return on risk: mean per campaign, and the 5% CVaR (mean of the worst 5% of campaigns). */
  meanReturnOnRisk: number;
  cvar5: number | null;
  /** Sum of the daily P/L on the open campaign's risk, per year: the yearly return on a fixed risk budget. */
  annualReturnOnRisk: number;
  /** Largest fall of the cumulative return on risk (1 = one full max loss). */
  maxDrawdownOnRisk: number;
  /** Sharpe and Sortino of the daily return on risk, × √252; null when flat. */
  sharpeOnRisk: number | null;
  sortino: number | null;
  /** Commissions and slippage, dollars. */
  costs: number;
  /** Rolls, tightens and hedge layers per campaign. */
  adjustmentsPerCampaign: number;
  /** Cumulative return on risk at each day of `dates`; empty when off. */
  returnOnRiskCurve: number[];
  /** Equity (cumulative P/L, dollars, marked to model) at each day of `dates`; empty when off. */
  equity: number[];
  campaignList: CampaignRecord[];
  /** Every trade, when params.trace is on. */
  events: BacktestEvent[];
}

export interface BacktestResult {
  from: IsoDate;
  to: IsoDate;
  /** Trading days in the run. */
  days: number;
  /** The run's dates (the equity curve's x axis); empty when the curve is off. */
  dates: IsoDate[];
  params: Omit<BacktestParams, 'underlying'> & { underlying: string; wingWidthAtReference: number };
  policies: PolicyResult[];
}
