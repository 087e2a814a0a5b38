// The constant-product invariant (ENGINE.md §5). An automated market maker keeps x·y = k for
// its two reserves; an open condor has two as well: the premium reserve x (what it costs to
// close) and the cushion reserve y (points from spot to the nearer break-even). The product is
// the headline number; the actions read the two reserves separately, because an adverse move
// raises x while it shrinks y, so k can stay flat while the position is in trouble.
import { condorMark, cushionOf, legVols, LEG_ROLES, type Condor, type LegRole, type MarketState } from './condor.ts';
import { yearsBetween, type IsoDate } from './dates.ts';
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
  /** τ₀, years. */
  years: number;
  rate: number;
  dividendYield: number;
  /** y₀ = cushion at S₀, points. */
  cushion: number;
  /** k₀ = C · y₀. */
  baselineK: number;
  /** x̂₀: the model's entry mark. */
  modelMark: number;
  /** c = C / x̂₀: scales every model mark so the fill's quality is not read as a deviation. */
  calibration: number;
  /** EM₀ = S₀ σ_atm √τ₀, points. */
  expectedMove: number;
  /** Entry distance of each short strike from spot, in expected moves (for re-striking). */
  shortPutMoves: number;
  shortCallMoves: number;
}

export interface CreateEntryInput {
  condor: Condor;
  market: MarketState;
  settlementMs: number;
  vix: number;
}

export function createEntrySnapshot({ condor, market, settlementMs, vix }: CreateEntryInput): EntrySnapshot {
  const { strikes, credit } = condor;
  const { spot, rate, dividendYield } = market;
  const years = yearsBetween(market.valuationMs, settlementMs);
  const { forward } = forwardAndDiscount(spot, years, rate, dividendYield);
  const vols = legVols(strikes, market.vol, forward);
  const legVolValues = Object.fromEntries(LEG_ROLES.map((role) => [role, vols[role].vol])) as Record<LegRole, number>;
  const legVolSources = Object.fromEntries(LEG_ROLES.map((role) => [role, vols[role].source])) as Record<
    LegRole,
    VolSource
  >;
  const modelMark = condorMark(strikes, spot, years, legVolValues, rate, dividendYield);
  const cushion = cushionOf(strikes, credit, spot);
  const atmVol = volAtStrike(market.vol, forward, forward).vol;
  const expectedMove = spot * atmVol * Math.sqrt(years);
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
  /** x = c · mark(S, σ, τ): the premium reserve, per share. */
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
  years: number;
}

export interface MeasureInput {
  condor: Condor;
  entry: EntrySnapshot;
  market: MarketState;
  settlementMs: number;
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
  legVolsNow,
  modelMarkNow,
}: MeasureInput): InvariantReading {
  const { strikes, credit } = condor;
  const { spot, rate, dividendYield } = market;
  const years = yearsBetween(market.valuationMs, settlementMs);
  const c = entry.calibration;
  const modelMark = modelMarkNow ?? condorMark(strikes, spot, years, legVolsNow, rate, dividendYield);
  const premiumReserve = c * modelMark;
  const premiumIfVolUnchanged = c * condorMark(strikes, spot, years, entry.legVols, rate, dividendYield);
  const premiumIfOnlyTime = c * condorMark(strikes, entry.spot, years, entry.legVols, entry.rate, entry.dividendYield);
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
    years,
  };
}
