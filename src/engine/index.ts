// The engine's public entry (docs/specification.md §2): pure functions over plain data. No I/O, no clock,
// no environment; everything it needs is passed in.
export { priceOption, optionPrice, black76, forwardAndDiscount } from './options.ts';
export type { OptionType, OptionInput, OptionValue, Black76Input, Black76Value } from './options.ts';
export { impliedVolatility } from './implied-vol.ts';
export type { ImpliedVolInput, ImpliedVolResult, ImpliedVolFailure } from './implied-vol.ts';
export { normCdf, normPdf, erfc, erfcx } from './math/normal.ts';
export {
  evaluateCondor,
  condorViolations,
  assertValidCondor,
  payoffAtExpiry,
  closingPl,
  payoffCurve,
  roundStep,
  cushionOf,
  legVols,
  modelMarkOf,
  condorMark,
  condorIntrinsic,
  breakEvensOf,
  touchProbability,
  strikeScaleViolation,
  MAX_STRIKE_POINTS,
  MAX_STRIKE_TIMES_SPOT,
  CondorRuleError,
  LEG_ROLES,
  LEG_TYPE,
  LEG_SIDE,
} from './condor.ts';
export type {
  Condor,
  CondorStrikes,
  CondorEvaluation,
  CondorRule,
  MarketState,
  LegRole,
  LegValuation,
  PositionGreeks,
  PayoffPoint,
  PayoffCurveInput,
  ValuationInstant,
} from './condor.ts';
export {
  valuationClock,
  timeToSettlement,
  sessionsToSettlement,
  settlementMsOf,
  calendarClock,
  TRADING_DAYS_PER_YEAR,
} from './clock.ts';
export type { Settlement, TradingSessions, TimeToSettlement, ValuationClock } from './clock.ts';
export {
  classifyRegime,
  rebalanceThreshold,
  regimeFor,
  DEFAULT_THRESHOLD_BAND,
  HISTORY_WINDOW,
  MIN_HISTORY,
} from './regime.ts';
export type { RegimeReading, RegimeName, RegimeInput, ThresholdBand } from './regime.ts';
export {
  createEntrySnapshot,
  measureInvariant,
  fillCalibration,
  entryCalibration,
  calibratedMark,
  baselineViolation,
  EXPLAINED_FILL_RATIO,
} from './invariant.ts';
export type { EntrySnapshot, InvariantReading, FillCalibration } from './invariant.ts';
export { evaluatePosition, DEFAULT_SETTINGS } from './signals.ts';
export type {
  Action,
  Policy,
  PositionSettings,
  PositionEvaluation,
  PositionInput,
  EvaluatePositionInput,
  Proposal,
  MacroEvent,
  TriggerDistance,
} from './signals.ts';
export {
  proposeHedge,
  hedgeSummary,
  estimateVixFuture,
  DEFAULT_LAYER_BUDGETS,
  VIX_FUTURE_MODEL,
  DEFAULT_VOL_OF_VOL,
  sizeHedgeLayer,
  VIX_MULTIPLIER,
  spreadPayoff,
  volLossShare,
  layersToBuy,
} from './hedge.ts';
export type { HedgeInput, HedgeProposal, HedgeLayerQuote, LayerStatus, LayerSize, LayerSizeInput } from './hedge.ts';
export { restrike } from './restrike.ts';
export type { RestrikeProposal } from './restrike.ts';
export { modelCondor } from './model-condor.ts';
export type { ModelCondor, ModelCondorInput } from './model-condor.ts';
export {
  UNDERLYINGS,
  underlyingFor,
  isUnderlyingSymbol,
  roundToGrid,
  isOnGrid,
  defaultWingWidth,
} from './underlying.ts';
export type { Underlying, UnderlyingSymbol } from './underlying.ts';
export { vixProxy, volAtStrike, skewedVol } from './volatility.ts';
export type { VolInputs, VolSource, LegVol } from './volatility.ts';
export { spxMonthlyExpiry, vixExpiryForMonth, vixExpiryOnOrAfter, businessDayOnOrBefore } from './expiries.ts';
export type { HolidayRule } from './expiries.ts';
export { wilderRsi, ema, macd, marketIndicators } from './indicators.ts';
export type { RsiReading, MacdReading, MarketIndicators } from './indicators.ts';
export { sizeByRisk } from './sizing.ts';
export { chainParity } from './parity.ts';
export type { ParityInput, ParityQuote, ParityReading, ParityDeviation } from './parity.ts';
export type { Sizing, SizingInput } from './sizing.ts';
export * as dates from './dates.ts';
export type { IsoDate } from './dates.ts';
