// The model condor of docs/specification.md §8 for one entry day, found without modelCondor's strike walk:
// the same rule (the grid strike whose |delta| is nearest the target, walking out from the
// forward; the first strike past it or the one before, whichever is closer, ties outwards) and
// the same arithmetic, but an exponential-then-binary search instead of one step at a time, so
// an entry costs about a dozen deltas instead of a hundred prices. test/engine/backtest checks
// that strikes and credit equal modelCondor's. The search relies on |delta| falling as the strike
// moves away from the forward, which holds for the flat proxy and for the clamped skew.
import { cushionOf, LEG_ROLES, type LegRole } from '../condor.ts';
import type { IsoDate } from '../dates.ts';
import { MS_PER_DAY } from '../dates.ts';
import type { EntrySnapshot } from '../invariant.ts';
import { normCdf } from '../math/normal.ts';
import { forwardAndDiscount, optionPrice } from '../options.ts';
import { defaultWingWidth, roundToGrid, type Underlying } from '../underlying.ts';
import { skewedVol } from '../volatility.ts';

/** modelCondor's cap on the walk, kept so far-out answers agree too. */
const MAX_STEPS = 4000;

export interface MarketInputs {
  spot: number;
  /** ATM vol as a decimal (VIX / 100). */
  atmVol: number;
  skewBeta: number;
  rate: number;
  dividendYield: number;
  /** Calendar years to settlement (ACT/365): the forward and the discount factor. */
  years: number;
  /** Trading-time years of variance to settlement (sessions / 252, docs/engine.md "Two clocks"). */
  varianceYears: number;
}

/** Four strikes, ascending: long put, short put, short call, long call. */
export type Strikes4 = [number, number, number, number];

/**
 * |delta| of a put or call exactly as priceOption computes it (carry · N(±d1)), given the
 * forward and carry of forwardAndDiscount (calendar time) and the variance years (trading time).
 */
export function absDelta(
  type: 'put' | 'call',
  strike: number,
  vol: number,
  varianceYears: number,
  forward: number,
  carry: number,
): number {
  const s = vol * Math.sqrt(varianceYears);
  const d1 = Math.log(forward / strike) / s + 0.5 * s;
  return type === 'call' ? carry * normCdf(d1) : carry * normCdf(-d1);
}

function strikeAtDelta(
  type: 'put' | 'call',
  m: MarketInputs,
  step: number,
  target: number,
  forward: number,
  carry: number,
): number {
  const direction = type === 'put' ? -1 : 1;
  const start = roundToGrid(forward, step, type === 'put' ? 'down' : 'up');
  const strikeAt = (n: number) => start + direction * n * step;
  const deltaAt = (n: number) => {
    const strike = strikeAt(n);
    return absDelta(type, strike, skewedVol(m.atmVol, m.skewBeta, strike, forward), m.varianceYears, forward, carry);
  };
  if (!(deltaAt(0) > target)) return start;
  // Furthest step the walk may take: MAX_STEPS, and for puts only while the strike stays positive.
  let limit = MAX_STEPS;
  if (type === 'put') limit = Math.min(limit, Math.ceil(start / step - 1e-9) - 1);
  if (limit < 1) return start;
  // Smallest n in [1, limit] with |delta| ≤ target, if any.
  let low = 0; // |delta| > target here
  let high = 1;
  while (high < limit && deltaAt(high) > target) {
    low = high;
    high = Math.min(limit, high * 2);
  }
  if (deltaAt(high) > target) return strikeAt(high);
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (deltaAt(middle) > target) low = middle;
    else high = middle;
  }
  const past = deltaAt(high);
  const before = deltaAt(high - 1);
  return Math.abs(past - target) <= Math.abs(before - target) ? strikeAt(high) : strikeAt(high - 1);
}

/** The four legs' vols under the proxy (flat, or skewed around the forward). */
export function legVolsAt(
  strikes: Strikes4,
  atmVol: number,
  skewBeta: number,
  forward: number,
  into: Float64Array,
): void {
  for (let leg = 0; leg < 4; leg++) into[leg] = skewBeta ? skewedVol(atmVol, skewBeta, strikes[leg]!, forward) : atmVol;
}

/**
 * condorMark's sum, in its order (long put, short put, short call, long call), with optionPrice:
 * `years` on the calendar clock (discount, forward), `varianceYears` on the trading clock.
 */
export function condorMark4(
  k1: number,
  k2: number,
  k3: number,
  k4: number,
  spot: number,
  years: number,
  v1: number,
  v2: number,
  v3: number,
  v4: number,
  rate: number,
  dividendYield: number,
  varianceYears: number,
): number {
  let mark = 0;
  mark -= optionPrice('put', spot, k1, years, v1, rate, dividendYield, varianceYears);
  mark += optionPrice('put', spot, k2, years, v2, rate, dividendYield, varianceYears);
  mark += optionPrice('call', spot, k3, years, v3, rate, dividendYield, varianceYears);
  mark -= optionPrice('call', spot, k4, years, v4, rate, dividendYield, varianceYears);
  return mark;
}

export interface EntryQuote {
  strikes: Strikes4;
  /** The model's value of the four legs (modelCondor's credit), per share. */
  modelCredit: number;
  wingWidth: number;
  legVols: Float64Array;
  forward: number;
}

/** The wing width for a spot: `atReference` points near the underlying's reference price, scaled far from it. */
export function wingWidthFor(underlying: Underlying, atReference: number | null, spot: number): number {
  return defaultWingWidth(atReference === null ? underlying : { ...underlying, defaultWingWidth: atReference }, spot);
}

/** The model condor for a target |delta|, or null when it does not fit (strikes at or below 0). */
export function modelEntry(
  m: MarketInputs,
  underlying: Underlying,
  targetDelta: number,
  wingWidth: number,
  wingDelta: number | null = null,
): EntryQuote | null {
  const { forward, carry } = forwardAndDiscount(m.spot, m.years, m.rate, m.dividendYield);
  const step = underlying.strikeStep;
  const shortPut = strikeAtDelta('put', m, step, targetDelta, forward, carry);
  const shortCall = strikeAtDelta('call', m, step, targetDelta, forward, carry);
  // Wings by delta (Cboe's CNDR: 5-delta longs), at least one grid step beyond the shorts.
  const strikes: Strikes4 =
    wingDelta === null
      ? [shortPut - wingWidth, shortPut, shortCall, shortCall + wingWidth]
      : [
          Math.min(strikeAtDelta('put', m, step, wingDelta, forward, carry), shortPut - step),
          shortPut,
          shortCall,
          Math.max(strikeAtDelta('call', m, step, wingDelta, forward, carry), shortCall + step),
        ];
  if (!(strikes[0] > 0) || !(shortPut <= shortCall)) return null;
  const legVols = new Float64Array(4);
  legVolsAt(strikes, m.atmVol, m.skewBeta, forward, legVols);
  const modelCredit = condorMark4(
    strikes[0],
    strikes[1],
    strikes[2],
    strikes[3],
    m.spot,
    m.years,
    legVols[0]!,
    legVols[1]!,
    legVols[2]!,
    legVols[3]!,
    m.rate,
    m.dividendYield,
    m.varianceYears,
  );
  return {
    strikes,
    modelCredit,
    wingWidth: Math.max(strikes[1] - strikes[0], strikes[3] - strikes[2]),
    legVols,
    forward,
  };
}

/**
 * The entry snapshot createEntrySnapshot would store for a fill at `credit`, from numbers the
 * backtest already has (no pricing): what restrike() and the invariant read.
 */
export function entrySnapshotOf(
  date: IsoDate,
  dayNumber: number,
  m: MarketInputs,
  strikes: Strikes4,
  legVols: Float64Array,
  forward: number,
  modelMark: number,
  credit: number,
  vix: number,
): EntrySnapshot {
  const strikesByRole = { longPut: strikes[0], shortPut: strikes[1], shortCall: strikes[2], longCall: strikes[3] };
  const cushion = cushionOf(strikesByRole, credit, m.spot);
  const atmVol = skewedVol(m.atmVol, m.skewBeta, forward, forward);
  const expectedMove = m.spot * atmVol * Math.sqrt(m.varianceYears);
  const vols = {} as Record<LegRole, number>;
  const sources = {} as EntrySnapshot['legVolSources'];
  LEG_ROLES.forEach((role, leg) => {
    vols[role] = legVols[leg]!;
    sources[role] = 'vix-proxy';
  });
  return {
    openedMs: dayNumber * MS_PER_DAY,
    openedDate: date,
    spot: m.spot,
    legVols: vols,
    legVolSources: sources,
    atmVol,
    vix,
    credit,
    years: m.years,
    rate: m.rate,
    dividendYield: m.dividendYield,
    cushion,
    baselineK: credit * cushion,
    modelMark,
    calibration: modelMark > 0 ? credit / modelMark : 1,
    expectedMove,
    shortPutMoves: expectedMove > 0 ? (m.spot - strikes[1]) / expectedMove : 0,
    shortCallMoves: expectedMove > 0 ? (strikes[2] - m.spot) / expectedMove : 0,
  };
}
