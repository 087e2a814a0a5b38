// The re-strikes behind ROLL and TIGHTEN (docs/engine.md, rolls): new short strikes at the entry
// distance measured in expected moves, under today's spot and vol and the time to the chosen
// expiry, same wing widths, on the grid. Three ways to roll: re-centre both sides in the same
// expiry, roll the whole condor out to a later expiry, or move the tested side only.
//
// What is closed and what is opened are priced the same way: the close is the position's mark x
// (the model scaled by the fill's calibration), so the new structure's model value is scaled by
// the same ratio x / model mark; without that a calibrated close was set against a raw open.
import {
  condorMark,
  cushionOf,
  legVols,
  LEG_ROLES,
  type Condor,
  type CondorStrikes,
  type LegRole,
  type MarketState,
} from './condor.ts';
import { asTime, type TimeToSettlement } from './clock.ts';
import type { IsoDate } from './dates.ts';
import { forwardAndDiscount } from './options.ts';
import type { EntrySnapshot } from './invariant.ts';
import { roundToGrid } from './underlying.ts';
import { volAtStrike } from './volatility.ts';

export type RollKind = 'recentre' | 'roll-out' | 'roll-tested';

export interface RestrikeProposal {
  strikes: CondorStrikes;
  /** Credit of the new condor, per share, priced the way the close is (model × the close's ratio). */
  newCredit: number;
  /** The model's own value of the new condor, per share (the backtest's fill before slippage). */
  newModelCredit: number;
  /** Cost to close the current one (its mark x), per share. */
  closeDebit: number;
  /** newCredit − closeDebit: positive is a net credit, per share. */
  netCredit: number;
  /** Dollars for the position's quantity. */
  netCreditDollars: number;
  /** The new baseline k₀ = new credit × new cushion. */
  newBaselineK: number;
  breakEvenLow: number;
  breakEvenHigh: number;
  /** Today's expected move to the new structure's expiry, points. */
  expectedMove: number;
  /** The position's credit after the roll (its credit plus the roll's net credit), per share. */
  creditAfter: number;
  /** What the position can lose after the roll: widest new wing − credit after, per share (≥ 0). */
  maxLossAfter: number;
}

/** Which side is tested: the short strike nearer spot. */
export const testedSide = (strikes: CondorStrikes, spot: number): 'put' | 'call' =>
  spot - strikes.shortPut <= strikes.shortCall - spot ? 'put' : 'call';

/**
 * Re-centres at the entry distance in expected moves for the time to settlement (both clocks) (the same expiry,
 * or a later one for a roll out). `side` moves one side only. `modelCloseMark` is the model value
 * behind `closeDebit` (the ratio prices the new condor the same way; 1 when absent).
 */
export function restrike(
  condor: Condor,
  entry: EntrySnapshot,
  market: MarketState,
  timeToSettlement: TimeToSettlement | number,
  closeDebit: number,
  modelCloseMark?: number,
  side?: 'put' | 'call',
): RestrikeProposal {
  const { strikes, underlying, quantity } = condor;
  const { spot, rate, dividendYield } = market;
  const step = underlying.strikeStep;
  const time = asTime(timeToSettlement);
  const { forward } = forwardAndDiscount(spot, time.discountYears, rate, dividendYield);
  const atmVol = volAtStrike(market.vol, forward, forward).vol;
  const expectedMove = spot * atmVol * Math.sqrt(time.varianceYears);
  const putWing = strikes.shortPut - strikes.longPut;
  const callWing = strikes.longCall - strikes.shortCall;
  let shortPut = side === 'call' ? strikes.shortPut : roundToGrid(spot - entry.shortPutMoves * expectedMove, step);
  let shortCall = side === 'put' ? strikes.shortCall : roundToGrid(spot + entry.shortCallMoves * expectedMove, step);
  if (shortCall < shortPut) {
    // An iron fly at worst, never crossed: the moved side stops at the other short.
    if (side === 'call') shortCall = shortPut;
    else shortPut = shortCall;
  }
  shortPut = Math.max(shortPut, putWing + step);
  if (shortCall < shortPut) shortCall = shortPut;
  const next: CondorStrikes = { longPut: shortPut - putWing, shortPut, shortCall, longCall: shortCall + callWing };
  const vols = legVols(next, market.vol, forward);
  const volValues = Object.fromEntries(LEG_ROLES.map((role) => [role, vols[role].vol])) as Record<LegRole, number>;
  const newModelCredit = condorMark(next, spot, time, volValues, rate, dividendYield);
  const ratio = modelCloseMark !== undefined && modelCloseMark > 0 ? closeDebit / modelCloseMark : 1;
  const newCredit = ratio * newModelCredit;
  const netCredit = newCredit - closeDebit;
  const creditAfter = condor.credit + netCredit;
  return {
    strikes: next,
    newCredit,
    newModelCredit,
    closeDebit,
    netCredit,
    netCreditDollars: netCredit * underlying.multiplier * quantity,
    newBaselineK: newCredit * cushionOf(next, newCredit, spot),
    breakEvenLow: next.shortPut - newCredit,
    breakEvenHigh: next.shortCall + newCredit,
    expectedMove,
    creditAfter,
    maxLossAfter: Math.max(0, Math.max(putWing, callWing) - creditAfter),
  };
}

export interface RollOption extends RestrikeProposal {
  kind: RollKind;
  expiry: IsoDate;
}

export interface RollOptionsInput {
  condor: Condor;
  entry: EntrySnapshot;
  market: MarketState;
  /** Time to the current expiry's settlement, on both clocks. */
  time: TimeToSettlement;
  closeDebit: number;
  modelCloseMark: number;
  /** The next listed expiry near the entry DTE, and the time to it; null = none known. */
  later: { expiry: IsoDate; time: TimeToSettlement } | null;
}

/** The three rolls a trader would consider, each priced the same way: re-centre, tested side, roll out. */
export function rollOptions(input: RollOptionsInput): RollOption[] {
  const { condor, entry, market, time, closeDebit, modelCloseMark, later } = input;
  const options: RollOption[] = [
    {
      kind: 'recentre',
      expiry: condor.expiry,
      ...restrike(condor, entry, market, time, closeDebit, modelCloseMark),
    },
    {
      kind: 'roll-tested',
      expiry: condor.expiry,
      ...restrike(condor, entry, market, time, closeDebit, modelCloseMark, testedSide(condor.strikes, market.spot)),
    },
  ];
  if (later)
    options.push({
      kind: 'roll-out',
      expiry: later.expiry,
      ...restrike(condor, entry, market, later.time, closeDebit, modelCloseMark),
    });
  return options;
}
