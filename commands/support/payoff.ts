// The payoff chart attachment shared by /condor eval and /position show: P/L at expiry, today and on
// a date half-way to expiry (the T+N view), the ±1σ/±2σ expected move, PoP and max profit/loss.
import {
  dates,
  calibratedMark,
  entryCalibration,
  modelMarkOf,
  payoffCurve,
  type Condor,
  type CondorEvaluation,
  type EntrySnapshot,
  type IsoDate,
  type MarketState,
  type ValuationClock,
  type ValuationInstant,
} from '../../src/engine/index.ts';
import type { CommandContext } from '../../src/app/command.ts';
import { strikeList } from '../../src/app/format.ts';
import type { CalendarPort, PayoffChartInput } from '../../src/app/ports.ts';
import type { ReplyAttachment } from '../../src/app/reply.ts';

export interface PayoffChartRequest {
  condor: Condor;
  evaluation: CondorEvaluation;
  /** The market of the condor's own underlying (its spot, its vols). */
  state: MarketState;
  settlementMs: number;
  settlement: 'AM' | 'PM';
  demo: boolean;
  /** The mark per share under a market: the valuation the reply's text shows (default: the model mark). */
  markAt?: (market: MarketState) => number;
}

/**
 * The T+N date: the trading day at or before half-way from today to expiry, valued at its 16:00
 * close; none when expiry is less than two days away (the curve would sit on one of the others).
 */
export function laterInstant(calendar: CalendarPort, today: IsoDate, expiry: IsoDate): ValuationInstant | null {
  const days = dates.daysBetween(today, expiry);
  if (days < 2) return null;
  let date = dates.addDays(today, Math.floor(days / 2));
  if (!calendar.isTradingDay(date)) date = calendar.previousTradingDay(date);
  if (date <= today) return null;
  return { valuationDate: date, valuationMs: calendar.newYorkInstant(date, '16:00') };
}

/**
 * A stored position's mark under a market: the model mark with the fill's calibration, the rule
 * measureInvariant applies for the premium reserve x, which /position show's text reads as
 * "P/L (calibrated mark)" (the chart once drew the raw model mark: +$650 where the text said $0).
 */
export function positionMarkAt(condor: Condor, entry: EntrySnapshot, clockAt: (valuationMs: number) => ValuationClock) {
  const factor = entryCalibration(condor.strikes, entry).timeValueFactor;
  return (market: MarketState): number =>
    calibratedMark(
      condor.strikes,
      market.spot,
      modelMarkOf(condor.strikes, market, clockAt(market.valuationMs)),
      factor,
    );
}

/** The trading-time clocks from any instant to this expiry's settlement (the calendar's). */
export function valuationClockAt(context: CommandContext, expiry: IsoDate, settlement: 'AM' | 'PM') {
  // The chart asks for two instants a few hundred times each: each clock is worked out once.
  const clocks = new Map<number, ValuationClock>();
  return (valuationMs: number): ValuationClock => {
    let clock = clocks.get(valuationMs);
    if (!clock) clocks.set(valuationMs, (clock = context.calendar.clockAt(valuationMs, expiry, settlement)));
    return clock;
  };
}

/** What the image shows, in words: its alt text, the console's and the JSON reply's description. */
export function payoffDescription(input: PayoffChartInput): string {
  const curves = ['P/L at expiry', ...(input.points.some((p) => p.profitToday !== undefined) ? ['today'] : [])];
  const later = input.laterDate ? ` and on ${input.laterDate}` : '';
  const parts = [`${curves.join(', ')}${later}`];
  if (input.expectedMove && input.expectedMove > 0) parts.push('±1σ/±2σ band');
  if (input.probabilityOfProfit !== undefined) parts.push(`PoP ${(input.probabilityOfProfit * 100).toFixed(0)}%`);
  return `${input.title}: ${parts.join('; ')}`;
}

export async function payoffAttachment(context: CommandContext, request: PayoffChartRequest): Promise<ReplyAttachment> {
  const { condor, evaluation, state, settlementMs, settlement, demo } = request;
  const later = laterInstant(context.calendar, state.valuationDate, condor.expiry);
  const points = payoffCurve({
    condor,
    evaluation,
    market: state,
    settlementMs,
    clockAt: valuationClockAt(context, condor.expiry, settlement),
    ...(request.markAt ? { markAt: request.markAt } : {}),
    ...(later ? { later } : {}),
  });
  const input: PayoffChartInput = {
    title: `${condor.underlying.symbol} ${strikeList(condor.strikes)} ${condor.expiry} x${condor.quantity}`,
    points,
    breakEvens: [evaluation.breakEvenLow, evaluation.breakEvenHigh].filter((level) => level !== null),
    spot: state.spot,
    strikes: [condor.strikes.longPut, condor.strikes.shortPut, condor.strikes.shortCall, condor.strikes.longCall],
    maxProfit: evaluation.maxProfit,
    maxLoss: -evaluation.maxLoss,
    probabilityOfProfit: evaluation.probabilityOfProfit,
    expectedMove: evaluation.expectedMove,
    ...(later ? { laterDate: later.valuationDate } : {}),
    footer:
      `Model at ${(evaluation.atmVol * 100).toFixed(1)}% vol; ±1σ = spot × vol × √time to expiry · ` +
      `educational, not investment advice`,
    demo,
  };
  const png = await context.charts.payoff(input);
  return { filename: 'payoff.png', contentType: 'image/png', data: png, description: payoffDescription(input) };
}
