// The daily model condor (docs/specification.md §8): for a target DTE, short strikes at a target |delta|
// each side, wings of the default width, under today's vols. What the daily summary leads with.
import {
  cushionOf,
  evaluateCondor,
  type Condor,
  type CondorEvaluation,
  type CondorStrikes,
  type MarketState,
} from './condor.ts';
import type { IsoDate } from './dates.ts';
import { calendarClock, type TimeToSettlement, type ValuationClock } from './clock.ts';
import { forwardAndDiscount, priceOption } from './options.ts';
import type { RegimeReading } from './regime.ts';
import { defaultWingWidth, roundToGrid, type Underlying } from './underlying.ts';
import { volAtStrike } from './volatility.ts';

export interface ModelCondorInput {
  underlying: Underlying;
  market: MarketState;
  /** The listed expiry chosen for the target DTE, and its settlement instant. */
  expiry: IsoDate;
  settlementMs: number;
  /** Both clocks (src/engine/clock.ts); without it, ACT/365 for both. */
  clock?: ValuationClock;
  /** |delta| of each short strike (default 0.16). */
  targetDelta?: number;
  /** Wing width in points (default: the underlying's, scaled to spot far from its reference). */
  wingWidth?: number;
  quantity?: number;
  regime?: RegimeReading;
}

export interface ModelCondor {
  condor: Condor;
  evaluation: CondorEvaluation;
  targetDelta: number;
  shortPutDelta: number;
  shortCallDelta: number;
  /** k₀ = credit × cushion at today's spot. */
  baselineK: number;
  wingWidth: number;
  regime: RegimeReading | null;
  threshold: number | null;
}

const MAX_STEPS = 4000;

/**
 * Walks the strike grid outwards from the forward and returns the strike whose |delta| is
 * nearest the target (the first one past it, or the one before, whichever is closer).
 */
function strikeAtDelta(
  type: 'put' | 'call',
  input: ModelCondorInput,
  time: TimeToSettlement,
  forward: number,
  target: number,
): { strike: number; delta: number } {
  const { market, underlying } = input;
  const step = underlying.strikeStep;
  const direction = type === 'put' ? -1 : 1;
  const deltaAt = (strike: number) =>
    Math.abs(
      priceOption({
        type,
        spot: market.spot,
        strike,
        years: time.discountYears,
        varianceYears: time.varianceYears,
        vol: volAtStrike(market.vol, strike, forward).vol,
        rate: market.rate,
        dividendYield: market.dividendYield,
      }).delta,
    );
  let strike = roundToGrid(forward, step, type === 'put' ? 'down' : 'up');
  let delta = deltaAt(strike);
  for (let i = 0; i < MAX_STEPS && delta > target; i++) {
    const next = strike + direction * step;
    if (next <= 0) break;
    const nextDelta = deltaAt(next);
    if (nextDelta <= target) {
      return Math.abs(nextDelta - target) <= Math.abs(delta - target)
        ? { strike: next, delta: nextDelta }
        : { strike, delta };
    }
    strike = next;
    delta = nextDelta;
  }
  return { strike, delta };
}

export function modelCondor(input: ModelCondorInput): ModelCondor {
  const { underlying, market, expiry, settlementMs } = input;
  const targetDelta = input.targetDelta ?? 0.16;
  const clock = input.clock ?? calendarClock(market.valuationMs, settlementMs);
  const { forward } = forwardAndDiscount(market.spot, clock.discountYears, market.rate, market.dividendYield);
  const wingWidth = input.wingWidth ?? defaultWingWidth(underlying, market.spot);
  const put = strikeAtDelta('put', input, clock, forward, targetDelta);
  const call = strikeAtDelta('call', input, clock, forward, targetDelta);
  const strikes: CondorStrikes = {
    longPut: put.strike - wingWidth,
    shortPut: put.strike,
    shortCall: call.strike,
    longCall: call.strike + wingWidth,
  };
  // The credit is the model's fair value: the mark of the four legs.
  const probe: Condor = { underlying, strikes, expiry, quantity: input.quantity ?? 1, credit: Number.MIN_VALUE };
  const fair = evaluateCondor({ condor: probe, market, settlementMs, clock });
  const credit = fair.mark;
  const condor: Condor = { ...probe, credit };
  const evaluation = evaluateCondor({ condor, market, settlementMs, clock });
  return {
    condor,
    evaluation,
    targetDelta,
    shortPutDelta: put.delta,
    shortCallDelta: call.delta,
    baselineK: credit * cushionOf(strikes, credit, market.spot),
    wingWidth,
    regime: input.regime ?? null,
    threshold: input.regime?.threshold ?? null,
  };
}
