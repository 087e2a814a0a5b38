// Iron condor evaluation (docs/specification.md §3): validation, marks, break-evens, max profit/loss,
// probabilities, expected move and position greeks.
import { asTime, calendarClock, type TimeToSettlement, type ValuationClock } from './clock.ts';
import { daysBetween, isIsoDate, toDayNumber, type IsoDate } from './dates.ts';
import { points, strikeList } from './format.ts';
import { normCdf } from './math/normal.ts';
import { forwardAndDiscount, optionPrice, priceOption, type OptionType, type OptionValue } from './options.ts';
import { isOnGrid, type Underlying } from './underlying.ts';
import { volAtStrike, type VolInputs, type VolSource } from './volatility.ts';

export type LegRole = 'longPut' | 'shortPut' | 'shortCall' | 'longCall';
export const LEG_ROLES: readonly LegRole[] = ['longPut', 'shortPut', 'shortCall', 'longCall'];

export interface CondorStrikes {
  longPut: number;
  shortPut: number;
  shortCall: number;
  longCall: number;
}

export interface Condor {
  underlying: Underlying;
  strikes: CondorStrikes;
  /** Expiry date (New York). */
  expiry: IsoDate;
  /** Number of condors (contracts per leg). */
  quantity: number;
  /** Net credit received per share, in points. */
  credit: number;
}

/** Everything the engine needs to know about the market at one instant. */
export interface MarketState {
  spot: number;
  rate: number;
  dividendYield: number;
  vol: VolInputs;
  /** The valuation instant (epoch ms) and its New York date. */
  valuationMs: number;
  valuationDate: IsoDate;
}

export const LEG_TYPE: Record<LegRole, OptionType> = {
  longPut: 'put',
  shortPut: 'put',
  shortCall: 'call',
  longCall: 'call',
};
/** +1 for a long leg, -1 for a short one. */
export const LEG_SIDE: Record<LegRole, 1 | -1> = { longPut: 1, shortPut: -1, shortCall: -1, longCall: 1 };

/** The condor rules, by stable identifier (the app's error ids include them). */
export type CondorRule =
  | 'strike-positive'
  | 'strike-grid'
  | 'strike-order'
  | 'strike-scale'
  | 'credit-positive'
  | 'credit-below-width'
  | 'quantity-integer'
  | 'expiry-date'
  | 'expiry-past'
  | 'baseline-negative';

/** A broken condor rule: `rule` is a stable identifier, `message` one line with the values. */
export class CondorRuleError extends Error {
  readonly rule: CondorRule;
  constructor(rule: CondorRule, message: string) {
    super(message);
    this.name = 'CondorRuleError';
    this.rule = rule;
  }
}

const NO_VIOLATIONS: readonly CondorRuleError[] = Object.freeze([]);

/** The common case, checked without building anything (evaluations run this on every call). */
function plainlyValid({ strikes, underlying, credit, quantity, expiry }: Condor, today: IsoDate): boolean {
  const { longPut, shortPut, shortCall, longCall } = strikes;
  const step = underlying.strikeStep;
  return (
    longPut > 0 &&
    Number.isFinite(longCall) &&
    longPut < shortPut &&
    shortPut <= shortCall &&
    shortCall < longCall &&
    isOnGrid(longPut, step) &&
    isOnGrid(shortPut, step) &&
    isOnGrid(shortCall, step) &&
    isOnGrid(longCall, step) &&
    credit > 0 &&
    credit < Math.max(shortPut - longPut, longCall - shortCall) &&
    Number.isInteger(quantity) &&
    quantity >= 1 &&
    isIsoDate(expiry) &&
    toDayNumber(expiry) >= toDayNumber(today)
  );
}

/** Every rule a condor breaks, in order (empty when valid). `today` is the New York date. */
export function condorViolations(condor: Condor, today: IsoDate): readonly CondorRuleError[] {
  if (plainlyValid(condor, today)) return NO_VIOLATIONS;
  const { strikes, underlying, credit, quantity, expiry } = condor;
  const errors: CondorRuleError[] = [];
  const values = [strikes.longPut, strikes.shortPut, strikes.shortCall, strikes.longCall];
  if (!values.every((k) => Number.isFinite(k) && k > 0)) {
    errors.push(new CondorRuleError('strike-positive', `strikes must be positive numbers; got ${values.join(' / ')}`));
    return errors;
  }
  const offGrid = values.filter((k) => !isOnGrid(k, underlying.strikeStep));
  if (offGrid.length) {
    errors.push(
      new CondorRuleError(
        'strike-grid',
        `${underlying.symbol} strikes are multiples of ${underlying.strikeStep}; ${offGrid.join(', ')} ` +
          `${offGrid.length > 1 ? 'are' : 'is'} not`,
      ),
    );
  }
  if (!(
    strikes.longPut < strikes.shortPut &&
    strikes.shortPut <= strikes.shortCall &&
    strikes.shortCall < strikes.longCall
  )) {
    errors.push(
      new CondorRuleError(
        'strike-order',
        `strikes must rise: long put < short put <= short call < long call; got ${strikeList(strikes, ' / ')}`,
      ),
    );
  }
  const widest = Math.max(strikes.shortPut - strikes.longPut, strikes.longCall - strikes.shortCall);
  if (!(Number.isFinite(credit) && credit > 0)) {
    errors.push(new CondorRuleError('credit-positive', `the credit must be above 0 points; got ${credit}`));
  } else if (widest > 0 && credit >= widest) {
    errors.push(
      new CondorRuleError(
        'credit-below-width',
        `the credit ${points(credit)} must be below the widest wing ${points(widest, 0)} (else the condor cannot lose)`,
      ),
    );
  }
  if (!(Number.isInteger(quantity) && quantity >= 1)) {
    errors.push(
      new CondorRuleError(
        'quantity-integer',
        `the quantity must be a whole number of condors, 1 or more; got ${quantity}`,
      ),
    );
  }
  if (!isIsoDate(expiry)) {
    errors.push(new CondorRuleError('expiry-date', `the expiry must be a date (YYYY-MM-DD); got ${expiry}`));
  } else if (toDayNumber(expiry) < toDayNumber(today)) {
    errors.push(new CondorRuleError('expiry-past', `the expiry ${expiry} is in the past (today is ${today})`));
  }
  return errors;
}

/** No strike above this many points, and none above this multiple of spot (a typo, not a condor). */
export const MAX_STRIKE_POINTS = 1_000_000;
export const MAX_STRIKE_TIMES_SPOT = 10;

/** The strike-scale rule, checked where a trader types strikes against a known spot; null when kept. */
export function strikeScaleViolation(strikes: CondorStrikes, spot: number): CondorRuleError | null {
  const limit = Math.min(MAX_STRIKE_POINTS, MAX_STRIKE_TIMES_SPOT * spot);
  if (strikes.longCall <= limit) return null;
  return new CondorRuleError(
    'strike-scale',
    `strikes must be at most ${MAX_STRIKE_TIMES_SPOT}× spot and at most ${points(MAX_STRIKE_POINTS, 0)} points; ` +
      `the long call ${points(strikes.longCall, 0)} is above ${points(limit, 0)} (spot ${points(spot)})`,
  );
}

/** Throws the first broken rule. */
export function assertValidCondor(condor: Condor, today: IsoDate): void {
  const first = condorViolations(condor, today)[0];
  if (first) throw first;
}

/**
 * P/L in dollars of a condor sold for `credit` and bought back for `debit` (points): realized when
 * the debit is paid, unrealized when it is today's mark. `dollarsPerPoint` is multiplier × quantity.
 */
export function closingPl(credit: number, debit: number, dollarsPerPoint: number): number {
  return (credit - debit) * dollarsPerPoint;
}

/** Payoff at expiry per share, in points: C − (K2−S)⁺ + (K1−S)⁺ − (S−K3)⁺ + (S−K4)⁺. */
export function payoffAtExpiry(strikes: CondorStrikes, credit: number, spotAtExpiry: number): number {
  const s = spotAtExpiry;
  return (
    credit -
    Math.max(strikes.shortPut - s, 0) +
    Math.max(strikes.longPut - s, 0) -
    Math.max(s - strikes.shortCall, 0) +
    Math.max(s - strikes.longCall, 0)
  );
}

/**
 * What the four legs are worth if they settle at `spot` (per share): the put spread's and the call
 * spread's intrinsic value, between 0 and the widest wing.
 */
export function condorIntrinsic(strikes: CondorStrikes, spot: number): number {
  return (
    Math.max(strikes.shortPut - spot, 0) -
    Math.max(strikes.longPut - spot, 0) +
    Math.max(spot - strikes.shortCall, 0) -
    Math.max(spot - strikes.longCall, 0)
  );
}

/**
 * The break-evens of the condor's own payoff (docs/engine.md, "Payoff-based metrics"): where the
 * payoff at expiry crosses zero. A side whose wing is narrower than the credit cannot lose, so it
 * has no break-even (null): the payoff below the long put is C − put wing > 0.
 */
export function breakEvensOf(strikes: CondorStrikes, credit: number): { low: number | null; high: number | null } {
  const putWing = strikes.shortPut - strikes.longPut;
  const callWing = strikes.longCall - strikes.shortCall;
  return {
    low: credit < putWing ? strikes.shortPut - credit : null,
    high: credit < callWing ? strikes.shortCall + credit : null,
  };
}

export interface LegValuation {
  role: LegRole;
  type: OptionType;
  side: 'long' | 'short';
  strike: number;
  vol: number;
  volSource: VolSource;
  /** Per-share price and greeks of one option of this leg (thetaPerDay: to the same time next trading day). */
  value: OptionValue;
}

/** Position greeks in dollars: per-contract greeks × multiplier × quantity, signed (short = −). */
export interface PositionGreeks {
  deltaPerPoint: number;
  gammaPerPoint2: number;
  /**
   * Value change by the same time on the next trading day, spot and vol unchanged (a Friday's includes the weekend).
   */
  thetaPerDay: number;
  vegaPerVolPoint: number;
  rhoPerRatePoint: number;
}

export interface CondorEvaluation {
  credit: number;
  widthPut: number;
  widthCall: number;
  widestWing: number;
  /** Dollars. */
  maxProfit: number;
  /** Dollars; also the position's margin and risk budget. */
  maxLoss: number;
  /** Where the payoff at expiry crosses zero; null on a side that cannot lose (credit above its wing). */
  breakEvenLow: number | null;
  breakEvenHigh: number | null;
  returnOnRisk: number;
  /** Model value of the four legs (cost to close), per share. */
  mark: number;
  /** (credit − mark) × multiplier × quantity, dollars. */
  unrealizedPl: number;
  probabilityOfProfit: number;
  probabilityOfMaxProfit: number;
  touchProbabilityShortPut: number;
  touchProbabilityShortCall: number;
  /** S σ_atm √τ, points. */
  expectedMove: number;
  atmVol: number;
  /** Trading-time years of variance to settlement (sessions / 252). */
  varianceYears: number;
  /** Calendar years to the settlement instant (ACT/365): forward and discounting. */
  discountYears: number;
  /** Sessions of variance left (today's share + trading days between + the expiry day's share). */
  sessions: number;
  rate: number;
  dividendYield: number;
  dte: number;
  forward: number;
  /** Distance from spot to the nearer break-even (≤ 0 once one is crossed), points. */
  cushion: number;
  greeks: PositionGreeks;
  legs: LegValuation[];
}

/**
 * Distance from spot to the nearer break-even of the payoff, in points (the cushion reserve y of
 * docs/engine.md); a side with no break-even (it cannot lose) does not count.
 */
export function cushionOf(strikes: CondorStrikes, credit: number, spot: number): number {
  const { low, high } = breakEvensOf(strikes, credit);
  return Math.min(low === null ? Infinity : spot - low, high === null ? Infinity : high - spot);
}

/** Model value of the four legs at given per-leg vols (cost to close, per share). */
export function condorMark(
  strikes: CondorStrikes,
  spot: number,
  time: TimeToSettlement | number,
  vols: Record<LegRole, number>,
  rate: number,
  dividendYield: number,
): number {
  const { varianceYears, discountYears } = asTime(time);
  let mark = 0;
  for (const role of LEG_ROLES) {
    mark -=
      LEG_SIDE[role] *
      optionPrice(LEG_TYPE[role], spot, strikes[role], discountYears, vols[role], rate, dividendYield, varianceYears);
  }
  return mark;
}

/**
 * The model mark alone, as evaluateCondor values the legs (vols at the forward, both clocks) but
 * without greeks or probabilities: for curves that need it at hundreds of spots.
 */
export function modelMarkOf(strikes: CondorStrikes, market: MarketState, clock: ValuationClock): number {
  const { forward } = forwardAndDiscount(market.spot, clock.discountYears, market.rate, market.dividendYield);
  const vols = legVols(strikes, market.vol, forward);
  const volOf = Object.fromEntries(LEG_ROLES.map((role) => [role, vols[role].vol])) as Record<LegRole, number>;
  return condorMark(strikes, market.spot, clock, volOf, market.rate, market.dividendYield);
}

/** Each leg's vol under a vol model. */
export function legVols(
  strikes: CondorStrikes,
  vol: VolInputs,
  forward: number,
): Record<LegRole, { vol: number; source: VolSource }> {
  return {
    longPut: volAtStrike(vol, strikes.longPut, forward),
    shortPut: volAtStrike(vol, strikes.shortPut, forward),
    shortCall: volAtStrike(vol, strikes.shortCall, forward),
    longCall: volAtStrike(vol, strikes.longCall, forward),
  };
}

/** The vol at a level between the legs (sorted by strike): linear in strike between their vols, flat outside. */
function volAtLevel(sorted: readonly LegValuation[], level: number): number {
  if (level <= sorted[0]!.strike) return sorted[0]!.vol;
  for (let i = 1; i < sorted.length; i++) {
    const left = sorted[i - 1]!;
    const right = sorted[i]!;
    if (level <= right.strike) {
      const span = right.strike - left.strike;
      return span > 0 ? left.vol + ((right.vol - left.vol) * (level - left.strike)) / span : right.vol;
    }
  }
  return sorted[sorted.length - 1]!.vol;
}

/** Risk-neutral P(S_T > K) = N(d2(K)), with total variance σ²·varianceYears. */
function probabilityAbove(forward: number, level: number, vol: number, varianceYears: number): number {
  if (level === Infinity) return 0;
  if (!(level > 0)) return 1;
  if (!(varianceYears > 0) || !(vol > 0)) return forward > level ? 1 : 0;
  const s = vol * Math.sqrt(varianceYears);
  return normCdf((Math.log(forward / level) - 0.5 * s * s) / s);
}

/**
 * Risk-neutral probability that the index touches `barrier` before settlement: the exact
 * first-passage probability of a Brownian motion with drift in log space (docs/engine.md,
 * "P(touch)"). Log-spot moves by m = (r − q)·discountYears − σ²·varianceYears/2 in total with
 * variance v = σ²·varianceYears; treating the drift as spread over variance time, the running
 * minimum (or maximum) of X = ln(S_t/S) reaches b = ln(H/S) with probability
 *   N((−|b| ∓ m)/√v) + e^{2mb/v}·N((−|b| ± m)/√v)   (upper sign for a barrier above spot).
 * With one clock this is the textbook barrier-hitting probability.
 */
export function touchProbability(
  spot: number,
  barrier: number,
  vol: number,
  time: TimeToSettlement,
  rate: number,
  dividendYield: number,
): number {
  const b = Math.log(barrier / spot);
  if (b === 0) return 1;
  const v = vol * vol * time.varianceYears;
  const m = (rate - dividendYield) * time.discountYears - v / 2;
  if (!(v > 0)) return (b > 0 ? m >= b : m <= b) ? 1 : 0;
  const sd = Math.sqrt(v);
  // A barrier above: P(max X ≥ b) = N((m − b)/√v) + e^{2mb/v} N((−m − b)/√v); below: mirror.
  const direct = b > 0 ? normCdf((m - b) / sd) : normCdf((b - m) / sd);
  const reflected = b > 0 ? normCdf((-m - b) / sd) : normCdf((b + m) / sd);
  return Math.min(1, direct + Math.exp((2 * m * b) / v) * reflected);
}

export interface EvaluateCondorInput {
  condor: Condor;
  market: MarketState;
  /** The settlement instant of the expiry (PM: the close; AM: 09:30 New York), epoch ms. */
  settlementMs: number;
  /**
   * Both clocks to settlement and to the same time next trading day (src/engine/clock.ts). Without
   * it both are ACT/365 to settlement (the single calendar clock).
   */
  clock?: ValuationClock;
  /** A stored position may be valued after its expiry (it is then worth intrinsic). */
  allowExpired?: boolean;
}

/** Metrics of docs/engine.md ("evaluateCondor") for a (valid) condor under a market state. */
export function evaluateCondor({
  condor,
  market,
  settlementMs,
  clock = calendarClock(market.valuationMs, settlementMs),
  allowExpired = false,
}: EvaluateCondorInput): CondorEvaluation {
  for (const broken of condorViolations(condor, market.valuationDate)) {
    if (!(allowExpired && broken.rule === 'expiry-past')) throw broken;
  }
  const { strikes, credit, quantity, underlying } = condor;
  const { spot, rate, dividendYield } = market;
  const size = underlying.multiplier * quantity;
  const { varianceYears, discountYears } = clock;
  const { forward } = forwardAndDiscount(spot, discountYears, rate, dividendYield);
  const vols = legVols(strikes, market.vol, forward);
  const legs: LegValuation[] = [];
  let mark = 0;
  for (const role of LEG_ROLES) {
    const { vol, source } = vols[role];
    const type = LEG_TYPE[role];
    const strike = strikes[role];
    const value = priceOption({ type, spot, strike, years: discountYears, varianceYears, vol, rate, dividendYield });
    // Theta per trading day: the change to the same time on the next trading day (docs/engine.md).
    const next = clock.nextTradingDay;
    value.thetaPerDay =
      optionPrice(type, spot, strike, next.discountYears, vol, rate, dividendYield, next.varianceYears) - value.price;
    legs.push({ role, type, side: LEG_SIDE[role] > 0 ? 'long' : 'short', strike, vol, volSource: source, value });
    mark -= LEG_SIDE[role] * value.price;
  }
  const greeks: PositionGreeks = {
    deltaPerPoint: 0,
    gammaPerPoint2: 0,
    thetaPerDay: 0,
    vegaPerVolPoint: 0,
    rhoPerRatePoint: 0,
  };
  for (const leg of legs) {
    const sign = LEG_SIDE[leg.role] * size;
    greeks.deltaPerPoint += sign * leg.value.delta;
    greeks.gammaPerPoint2 += sign * leg.value.gamma;
    greeks.thetaPerDay += sign * leg.value.thetaPerDay;
    greeks.vegaPerVolPoint += sign * leg.value.vegaPerVolPoint;
    greeks.rhoPerRatePoint += sign * leg.value.rhoPerPoint;
  }
  const widthPut = strikes.shortPut - strikes.longPut;
  const widthCall = strikes.longCall - strikes.shortCall;
  const widestWing = Math.max(widthPut, widthCall);
  const { low: breakEvenLow, high: breakEvenHigh } = breakEvensOf(strikes, credit);
  const atmVol = volAtStrike(market.vol, forward, forward).vol;
  // Legs are in strike order already (long put < short put <= short call < long call).
  const above = (level: number) => probabilityAbove(forward, level, volAtLevel(legs, level), varianceYears);
  const touch = (level: number) => touchProbability(spot, level, volAtLevel(legs, level), clock, rate, dividendYield);
  // The payoff is positive exactly between the break-evens; a side with none never loses.
  const aboveBreakEvenLow = breakEvenLow === null ? 1 : above(breakEvenLow);
  const aboveBreakEvenHigh = breakEvenHigh === null ? 0 : above(breakEvenHigh);
  // Settled, or a mark the model prices outside what four legs can be worth: never outside [0, widest wing].
  const boundedMark = Math.min(widestWing, Math.max(0, discountYears > 0 ? mark : condorIntrinsic(strikes, spot)));
  return {
    credit,
    widthPut,
    widthCall,
    widestWing,
    maxProfit: credit * size,
    maxLoss: (widestWing - credit) * size,
    breakEvenLow,
    breakEvenHigh,
    returnOnRisk: credit / (widestWing - credit),
    mark: boundedMark,
    unrealizedPl: closingPl(credit, boundedMark, size),
    probabilityOfProfit: Math.max(0, aboveBreakEvenLow - aboveBreakEvenHigh),
    probabilityOfMaxProfit: Math.max(0, above(strikes.shortPut) - above(strikes.shortCall)),
    touchProbabilityShortPut: spot <= strikes.shortPut ? 1 : touch(strikes.shortPut),
    touchProbabilityShortCall: spot >= strikes.shortCall ? 1 : touch(strikes.shortCall),
    expectedMove: spot * atmVol * Math.sqrt(varianceYears),
    atmVol,
    varianceYears,
    discountYears,
    sessions: clock.sessions,
    rate,
    dividendYield,
    dte: daysBetween(market.valuationDate, condor.expiry),
    forward,
    cushion: cushionOf(strikes, credit, spot),
    greeks,
    legs,
  };
}

/** One spot of a payoff curve (payoffCurve makes them, the payoff chart draws them). */
export interface PayoffPoint {
  spot: number;
  /** P/L of the whole position at expiry, dollars. */
  profitAtExpiry: number;
  /**
   * P/L today at this spot, dollars: the same mark the text shows (see PayoffCurveInput.markAt).
   * payoffCurve always sets it; a chart given points without it draws the expiry line alone.
   */
  profitToday?: number;
  /** P/L at this spot on the later date (the T+N view), dollars, when one was asked for. */
  profitLater?: number;
}

/** A valuation instant and its New York date. */
export interface ValuationInstant {
  valuationMs: number;
  valuationDate: IsoDate;
}

export interface PayoffCurveInput {
  condor: Condor;
  evaluation: CondorEvaluation;
  market: MarketState;
  settlementMs: number;
  /**
   * The mark (cost to close, per share) of the position under a market: the caller passes the
   * valuation its text shows (a stored position's calibrated mark), so the chart and the text agree
   * at every spot. Default: the model mark of evaluateCondor.
   */
  markAt?: (market: MarketState) => number;
  /** A date between today and expiry for a third curve (the T+N view). */
  later?: ValuationInstant;
  /** Both clocks from a valuation instant to settlement (the calendar's); default the calendar clock. */
  clockAt?: (valuationMs: number) => ValuationClock;
  steps?: number;
}

/** Steps of 1, 2, 2.5 or 5 × 10^n: the round number at least `raw`. */
export function roundStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * Points for the payoff chart: from below the long put to above the long call, the ends on round
 * levels (multiples of a 1-2-2.5-5 step, so the axis starts and ends on a tick).
 */
export function payoffCurve({
  condor,
  evaluation,
  market,
  settlementMs,
  markAt,
  later,
  clockAt = (valuationMs) => calendarClock(valuationMs, settlementMs),
  steps = 200,
}: PayoffCurveInput): PayoffPoint[] {
  const { strikes, credit, underlying, quantity } = condor;
  const size = underlying.multiplier * quantity;
  const margin =
    Math.max(evaluation.widestWing, evaluation.expectedMove * 0.5, strikes.longCall - strikes.longPut) * 0.6;
  const rawFrom = Math.max(0, Math.min(strikes.longPut, market.spot) - margin);
  const rawTo = Math.max(strikes.longCall, market.spot) + margin;
  const step = roundStep((rawTo - rawFrom) / 8);
  const from = Math.max(0, Math.floor(rawFrom / step) * step);
  const to = Math.ceil(rawTo / step) * step;
  const mark = markAt ?? ((m: MarketState) => modelMarkOf(strikes, m, clockAt(m.valuationMs)));
  // Even steps, plus the kinks (strikes, break-evens) and spot, so the lines bend exactly there.
  const spots = new Set<number>();
  for (let i = 0; i <= steps; i++) spots.add(from + ((to - from) * i) / steps);
  for (const level of [
    strikes.longPut,
    strikes.shortPut,
    strikes.shortCall,
    strikes.longCall,
    evaluation.breakEvenLow,
    evaluation.breakEvenHigh,
    market.spot,
  ]) {
    if (level !== null && level > from && level < to) spots.add(level);
  }
  const laterMarket = later && later.valuationMs < settlementMs ? { ...market, ...later } : null;
  return [...spots]
    .sort((a, b) => a - b)
    .map((spot) => ({
      spot,
      profitAtExpiry: payoffAtExpiry(strikes, credit, spot) * size,
      profitToday: closingPl(credit, mark({ ...market, spot }), size),
      ...(laterMarket ? { profitLater: closingPl(credit, mark({ ...laterMarket, spot }), size) } : {}),
    }));
}
