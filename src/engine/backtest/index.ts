// The backtest (docs/specification.md §9): pure, deterministic, no I/O. Campaigns of the §8 model condor
// managed by hold, the static 50-delta rule or the constant-product invariant (cp), with costs.
export { runBacktest, runBacktests, resolveParams, createEntryCache } from './backtest.ts';
export type { BacktestInput, EntryCache } from './backtest.ts';
export { prepareHistory, rangeOf, expiryIndexFor, BacktestInputError } from './prepare.ts';
export type { PreparedHistory } from './prepare.ts';
export { modelEntry, wingWidthFor } from './entry.ts';
export type { EntryQuote } from './entry.ts';
export { maxDrawdown, dailySharpe, TRADING_DAYS_PER_YEAR } from './metrics.ts';
export { readClaim, CLAIM_UNDER_TEST, CLAIM_POINTS, PAST_RESULTS } from './claim.ts';
export type { ClaimReading, ClaimVerdict } from './claim.ts';
export {
  resultTable,
  methodLine,
  equitySeries,
  POLICY_LABELS,
  walkForwardTable,
  recommendationLine,
  walkForwardMethodLine,
  walkForwardSeries,
} from './report.ts';
export type { ResultTable, EquitySeries } from './report.ts';
export { BACKTEST_POLICIES, CAMPAIGN_ENDINGS, DEFAULT_BACKTEST_PARAMS } from './types.ts';
export type {
  BacktestDay,
  BacktestEvent,
  BacktestEventKind,
  BacktestParams,
  BacktestPolicy,
  BacktestResult,
  CampaignEnding,
  CampaignRecord,
  ExpiryRule,
  PolicyResult,
} from './types.ts';
export {
  walkForward,
  walkForwardPolicy,
  walkForwardWindows,
  assembleWalkForward,
  recommendPolicy,
  blockBootstrap,
  seededRandom,
  SELECTION_CRITERION,
} from './walk-forward.ts';
export type {
  WalkForwardResult,
  WalkForwardWindow,
  PolicyWalkForward,
  PooledFigures,
  WalkForwardOptions,
  WindowOutcome,
} from './walk-forward.ts';
export { annualisedSharpe, annualisedSortino, cvar } from './metrics.ts';
export { CLASSIC_POLICIES } from './types.ts';
