// The re-strike behind ROLL and TIGHTEN (ENGINE.md §6): new short strikes at the entry distance
// measured in expected moves, under today's spot, vol and time, same wing widths, on the grid.
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
import { forwardAndDiscount } from './options.ts';
import type { EntrySnapshot } from './invariant.ts';
import { roundToGrid } from './underlying.ts';
import { volAtStrike } from './volatility.ts';

export interface RestrikeProposal {
  strikes: CondorStrikes;
  /** Model credit of the new condor, per share. */
  newCredit: number;
  /** Cost to close the current one (its premium reserve x), per share. */
  closeDebit: number;
  /** newCredit − closeDebit: positive is a net credit, per share. */
  netCredit: number;
  /** Dollars for the position's quantity. */
  netCreditDollars: number;
  /** The new baseline k₀ = new credit × new cushion. */
  newBaselineK: number;
  breakEvenLow: number;
  breakEvenHigh: number;
  /** Today's expected move to the same expiry, points. */
  expectedMove: number;
}

export function restrike(
  condor: Condor,
  entry: EntrySnapshot,
  market: MarketState,
  timeToSettlement: TimeToSettlement | number,
  closeDebit: number,
): RestrikeProposal {
  const time = asTime(timeToSettlement);
  const { strikes, underlying, quantity } = condor;
  const { spot, rate, dividendYield } = market;
  const step = underlying.strikeStep;
  const { forward } = forwardAndDiscount(spot, time.discountYears, rate, dividendYield);
  const atmVol = volAtStrike(market.vol, forward, forward).vol;
  const expectedMove = spot * atmVol * Math.sqrt(time.varianceYears);
  const putWing = strikes.shortPut - strikes.longPut;
  const callWing = strikes.longCall - strikes.shortCall;
  let shortPut = roundToGrid(spot - entry.shortPutMoves * expectedMove, step);
  let shortCall = roundToGrid(spot + entry.shortCallMoves * expectedMove, step);
  if (shortCall < shortPut) shortCall = shortPut; // an iron fly at worst, never crossed
  shortPut = Math.max(shortPut, putWing + step);
  const next: CondorStrikes = { longPut: shortPut - putWing, shortPut, shortCall, longCall: shortCall + callWing };
  const vols = legVols(next, market.vol, forward);
  const volValues = Object.fromEntries(LEG_ROLES.map((role) => [role, vols[role].vol])) as Record<LegRole, number>;
  const newCredit = condorMark(next, spot, time, volValues, rate, dividendYield);
  const netCredit = newCredit - closeDebit;
  return {
    strikes: next,
    newCredit,
    closeDebit,
    netCredit,
    netCreditDollars: netCredit * underlying.multiplier * quantity,
    newBaselineK: newCredit * cushionOf(next, newCredit, spot),
    breakEvenLow: next.shortPut - newCredit,
    breakEvenHigh: next.shortCall + newCredit,
    expectedMove,
  };
}
