// The constant-product invariant (docs/specification.md §5). An automated market maker keeps x·y = k for
// its two reserves; an open condor has two as well: the premium reserve x (what it costs to
// close) and the cushion reserve y (points from spot to the nearer break-even). The product is
// the headline number; the actions read the two reserves separately, because an adverse move
// raises x while it shrinks y, so k can stay flat while the position is in trouble.
import { calendarClock, type ValuationClock } from './clock.ts';
import {
  condorIntrinsic,
  condorMark,
  CondorRuleError,
  cushionOf,
  legVols,
  LEG_ROLES,
  type Condor,
  type CondorStrikes,
  type LegRole,
  type MarketState,
} from './condor.ts';
import type { IsoDate } from './dates.ts';
import { points } from './format.ts';
import { forwardAndDiscount } from './options.ts';
import { volAtStrike, type VolSource } from './volatility.ts';

/** Stored when the position is opened and never recomputed. */
export interface EntrySnapshot {
  openedMs: number;
  openedDate: IsoDate;
  /** S₀. */
  spot: number;
  /** σ₀ per leg, and where each came from. */
  legVols: Record<LegRole, number>;
  legVolSources: Record<LegRole, VolSource>;
  /** σ_atm at entry (for the expected move). */
  atmVol: number;
  /** VIX₀, points. */
  vix: number;
  /** C, the fill, per share. */
  credit: number;
  /** τ₀, calendar years to settlement (ACT/365). */
  years: number;
  rate: number;
  dividendYield: number;
  /** y₀ = cushion at S₀, points. */
  cushion: number;
  /** k₀ = C · y₀. */
  baselineK: number;
  /** x̂₀: the model's entry mark. */
  modelMark: number;
  /** C / x̂₀: the fill against the model's whole entry mark (shown to the trader; marks use fillCalibration). */
  calibration: number;
  /** EM₀ = S₀ σ_atm √τ₀, points. */
  expectedMove: number;
  /** Entry distance of each short strike from spot, in expected moves (for re-striking). */
  shortPutMoves: number;
  shortCallMoves: number;
}

/** Outside this ratio of the fill's time value to the model's, the model does not explain the fill. */
export const EXPLAINED_FILL_RATIO = 4;

/** How the fill's difference from the model carries into later marks (docs/engine.md, "Calibration"). */
export interface FillCalibration {
  /** The fill's time value ÷ the model's at entry; 1 when the model cannot explain the fill. */
  timeValueFactor: number;
  explained: boolean;
  /** One line for the trader when the model cannot explain the fill, else null. */
  warning: string | null;
}

/**
 * The fill's difference from the model, applied to time value only: the factor that turns the
 * model's time value at entry (mark − intrinsic value) into the fill's. Time value is gone at
 * settlement, so the difference fades with it. A fill whose time value is more than
 * EXPLAINED_FILL_RATIO times the model's, or less than its inverse (or none where the model has
 * some), is not explained: the marks stay the model's own and a warning says so.
 */
export function fillCalibration(
  strikes: CondorStrikes,
  credit: number,
  spotAtEntry: number,
  modelMarkAtEntry: number,
): FillCalibration {
  const intrinsic = condorIntrinsic(strikes, spotAtEntry);
  const modelTimeValue = modelMarkAtEntry - intrinsic;
  const fillTimeValue = credit - intrinsic;
  const factor = modelTimeValue > 0 ? fillTimeValue / modelTimeValue : NaN;
  if (factor >= 1 / EXPLAINED_FILL_RATIO && factor <= EXPLAINED_FILL_RATIO) {
    return { timeValueFactor: factor, explained: true, warning: null };
  }
  return {
    timeValueFactor: 1,
    explained: false,
    warning:
      `The model cannot explain this fill: ${points(credit)} against a model value of ` +
      `${points(modelMarkAtEntry)} (time value ${points(fillTimeValue)} vs ${points(modelTimeValue)}, more than ` +
      `${EXPLAINED_FILL_RATIO}× apart); marks use the model's own value, check the strikes, expiry and credit.`,
  };
}

/**
 * The mark the trader sees: intrinsic value plus the model's time value scaled by the fill's
 * factor, never below 0 nor above the widest wing (what four legs can be worth). At and after
 * settlement the model's time value is 0, so this is the intrinsic value exactly.
 */
export function calibratedMark(
  strikes: CondorStrikes,
  spot: number,
  modelMark: number,
  timeValueFactor: number,
): number {
  const widest = Math.max(strikes.shortPut - strikes.longPut, strikes.longCall - strikes.shortCall);
  const intrinsic = condorIntrinsic(strikes, spot);
  return Math.min(widest, Math.max(0, intrinsic + timeValueFactor * (modelMark - intrinsic)));
}

/** The calibration of a stored entry (derived, so positions stored before it need no migration). */
export function entryCalibration(strikes: CondorStrikes, entry: EntrySnapshot): FillCalibration {
  return fillCalibration(strikes, entry.credit, entry.spot, entry.modelMark);
}

/**
 * The rule a recorded position's entry must keep: k₀ = C·y₀ not negative. Below 0 spot is already
 * past a break-even at entry, so there is no cushion for the invariant to watch. Null when kept.
 */
export function baselineViolation(entry: EntrySnapshot): CondorRuleError | null {
  if (!(entry.baselineK < 0)) return null;
  return new CondorRuleError(
    'baseline-negative',
    `the baseline k₀ = credit × cushion is ${points(entry.baselineK, 1)}, below 0: spot ${points(entry.spot)} is ` +
      `already ${points(-entry.cushion)} points past a break-even; record a condor whose break-evens are on ` +
      `either side of spot`,
  );
}

export interface CreateEntryInput {
  condor: Condor;
  market: MarketState;
  settlementMs: number;
  /** Both clocks (src/engine/clock.ts); without it, ACT/365 for both. */
  clock?: ValuationClock;
  vix: number;
}

export function createEntrySnapshot({
  condor,
  market,
  settlementMs,
  clock = calendarClock(market.valuationMs, settlementMs),
  vix,
}: CreateEntryInput): EntrySnapshot {
  const { strikes, credit } = condor;
  const { spot, rate, dividendYield } = market;
  const years = clock.discountYears;
  const { forward } = forwardAndDiscount(spot, years, rate, dividendYield);
  const vols = legVols(strikes, market.vol, forward);
  const legVolValues = Object.fromEntries(LEG_ROLES.map((role) => [role, vols[role].vol])) as Record<LegRole, number>;
  const legVolSources = Object.fromEntries(LEG_ROLES.map((role) => [role, vols[role].source])) as Record<
    LegRole,
    VolSource
  >;
  const modelMark = condorMark(strikes, spot, clock, legVolValues, rate, dividendYield);
  const cushion = cushionOf(strikes, credit, spot);
  const atmVol = volAtStrike(market.vol, forward, forward).vol;
  const expectedMove = spot * atmVol * Math.sqrt(clock.varianceYears);
  return {
    openedMs: market.valuationMs,
    openedDate: market.valuationDate,
    spot,
    legVols: legVolValues,
    legVolSources,
    atmVol,
    vix,
    credit,
    years,
    rate,
    dividendYield,
    cushion,
    baselineK: credit * cushion,
    modelMark,
    calibration: modelMark > 0 ? credit / modelMark : 1,
    expectedMove,
    shortPutMoves: expectedMove > 0 ? (spot - strikes.shortPut) / expectedMove : 0,
    shortCallMoves: expectedMove > 0 ? (strikes.shortCall - spot) / expectedMove : 0,
  };
}

export interface InvariantReading {
  /** x = calibrated mark(S, σ, τ): the premium reserve, per share, in [0, widest wing]. */
  premiumReserve: number;
  /** x̃ = c · mark(S, σ₀, τ): the premium had vol stayed at entry levels. */
  premiumIfVolUnchanged: number;
  /** x̂ = c · mark(S₀, σ₀, τ): the premium had only time passed. */
  premiumIfOnlyTime: number;
  /** y: points from spot to the nearer break-even (≤ 0 once crossed). */
  cushion: number;
  /** y₀. */
  cushionAtEntry: number;
  /** k = x · y. */
  k: number;
  /** k̂ = x̂ · y₀: the path target. */
  kTarget: number;
  /** k₀ = C · y₀. */
  baselineK: number;
  /** δ = (k − k̂) / k₀. */
  deviation: number;
  /** b_y = 1 − y / y₀: the share of the cushion reserve that is gone (the spot part). */
  cushionBreach: number;
  /** b_x = (x − x̃) / C: premium expansion beyond what spot and time explain (the vol part). */
  premiumBreach: number;
  /** The raw model mark before calibration. */
  modelMark: number;
  /** The fill's time-value factor used, and whether the model explains the fill. */
  calibration: FillCalibration;
  years: number;
}

export interface MeasureInput {
  condor: Condor;
  entry: EntrySnapshot;
  market: MarketState;
  settlementMs: number;
  clock?: ValuationClock;
  /** Today's per-leg vols (already resolved from the vol model). */
  legVolsNow: Record<LegRole, number>;
  /** The raw model mark at today's spot and vols, when the caller has it already (saves 4 prices). */
  modelMarkNow?: number;
}

/** Reads the invariant at a valuation instant. At entry it returns δ = 0 exactly. */
export function measureInvariant({
  condor,
  entry,
  market,
  settlementMs,
  clock = calendarClock(market.valuationMs, settlementMs),
  legVolsNow,
  modelMarkNow,
}: MeasureInput): InvariantReading {
  const { strikes, credit } = condor;
  const { spot, rate, dividendYield } = market;
  const calibration = entryCalibration(strikes, entry);
  const mark = (at: number, model: number) => calibratedMark(strikes, at, model, calibration.timeValueFactor);
  const modelMark = modelMarkNow ?? condorMark(strikes, spot, clock, legVolsNow, rate, dividendYield);
  const premiumReserve = mark(spot, modelMark);
  const premiumIfVolUnchanged = mark(spot, condorMark(strikes, spot, clock, entry.legVols, rate, dividendYield));
  const premiumIfOnlyTime = mark(
    entry.spot,
    condorMark(strikes, entry.spot, clock, entry.legVols, entry.rate, entry.dividendYield),
  );
  const cushion = cushionOf(strikes, credit, spot);
  const k = premiumReserve * cushion;
  const kTarget = premiumIfOnlyTime * entry.cushion;
  return {
    premiumReserve,
    premiumIfVolUnchanged,
    premiumIfOnlyTime,
    cushion,
    cushionAtEntry: entry.cushion,
    k,
    kTarget,
    baselineK: entry.baselineK,
    deviation: entry.baselineK !== 0 ? (k - kTarget) / entry.baselineK : 0,
    cushionBreach: entry.cushion > 0 ? 1 - cushion / entry.cushion : 0,
    premiumBreach: (premiumReserve - premiumIfVolUnchanged) / credit,
    modelMark,
    calibration,
    years: clock.discountYears,
  };
}
