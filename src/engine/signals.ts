// One action per position (ENGINE.md §6), first rule that fires wins:
//   1 CLOSE  2 TAKE_PROFIT  3 ROLL  4 HEDGE  5 TIGHTEN  6 HOLD
// The cp policy reads the invariant's two breaches against the threshold T; the static-delta
// policy (the backtest's comparison, and a user setting) rolls when a short leg's |delta|
// reaches the trigger, with the same rules 1–2 and no hedges or tightening.
import { calendarClock, type ValuationClock } from './clock.ts';
import { evaluateCondor, type Condor, type CondorEvaluation, type LegValuation, type MarketState } from './condor.ts';
import { pct, pts, usd } from './format.ts';
import { hedgeWaitReason, layersToBuy, proposeHedge, type HedgeProposal } from './hedge.ts';
import type { HolidayRule } from './expiries.ts';
import { measureInvariant, type EntrySnapshot, type InvariantReading } from './invariant.ts';
import { rebalanceThreshold, type RegimeReading } from './regime.ts';
import { restrike, type RestrikeProposal } from './restrike.ts';
import type { LegRole } from './condor.ts';
import type { IsoDate } from './dates.ts';

const strikeList = (s: { longPut: number; shortPut: number; shortCall: number; longCall: number }) =>
  `${pts(s.longPut, 0)}/${pts(s.shortPut, 0)}/${pts(s.shortCall, 0)}/${pts(s.longCall, 0)}`;

export type Action = 'CLOSE' | 'TAKE_PROFIT' | 'ROLL' | 'HEDGE' | 'TIGHTEN' | 'HOLD';
export type Policy = 'cp' | 'delta';

export interface PositionSettings {
  /** Take profit when the mark is this share of the credit below it (0.5); null = off. */
  profitTarget: number | null;
  /** Close when the loss reaches this multiple of the credit (2.0). */
  stopLoss: number;
  /** Close at or below this many days to expiry (0 = off). */
  exitDte: number;
  /** Below this DTE a roll becomes a close (7). */
  minRollDte: number;
  thresholdMin: number;
  thresholdMax: number;
  policy: Policy;
  /** |delta| of a short leg that triggers the static-delta roll (0.50). */
  deltaTrigger: number;
  maxHedgeLayers: number;
}

export const DEFAULT_SETTINGS: PositionSettings = {
  profitTarget: 0.5,
  stopLoss: 2.0,
  exitDte: 0,
  minRollDte: 7,
  thresholdMin: 0.15,
  thresholdMax: 0.2,
  policy: 'cp',
  deltaTrigger: 0.5,
  maxHedgeLayers: 3,
};

export interface MacroEvent {
  date: IsoDate;
  kind: 'FOMC' | 'CPI' | 'PPI' | string;
  title: string;
}

export interface PositionInput {
  condor: Condor;
  entry: EntrySnapshot;
  settlementMs: number;
  /** Both clocks at the valuation instant (src/engine/clock.ts); without it, ACT/365 for both. */
  clock?: ValuationClock;
  activeHedgeLayers: readonly number[];
  /** Dollars the recorded hedge layers pay at their upper strikes (caps new layers at max loss). */
  hedgePayoffHeld?: number;
}

export interface EvaluatePositionInput {
  position: PositionInput;
  market: MarketState;
  regime: RegimeReading;
  settings?: Partial<PositionSettings>;
  vvix?: number | null;
  vixFuture?: { expiry: IsoDate; price: number } | null;
  isHoliday?: HolidayRule;
  /** FOMC, CPI and PPI events in the next 3 trading days (the caller's calendar picks them). */
  upcomingEvents?: readonly MacroEvent[];
  /** True when the previous trading day had an FOMC decision. */
  dayAfterFomc?: boolean;
}

export type Proposal =
  | { kind: 'close'; debit: number; realizedPl: number }
  | { kind: 'roll' | 'tighten'; restrike: RestrikeProposal }
  | { kind: 'hedge'; hedge: HedgeProposal }
  | { kind: 'none' };

export interface TriggerDistance {
  name: string;
  /** Current value and the level that fires. */
  value: number;
  fireAt: number;
  unit: 'fraction' | 'points' | 'days' | 'delta';
}

export interface PositionEvaluation {
  action: Action;
  reason: string;
  policy: Policy;
  threshold: number;
  regime: RegimeReading;
  invariant: InvariantReading;
  condor: CondorEvaluation;
  /** Unrealized P/L in dollars, on the calibrated mark x. */
  unrealizedPl: number;
  dte: number;
  shortPutDelta: number;
  shortCallDelta: number;
  proposal: Proposal;
  /** The full ALVH picture (also when the action is not HEDGE). */
  hedge: HedgeProposal;
  triggers: TriggerDistance[];
  warnings: string[];
}

/** Evaluates a stored position and picks its one action. */
export function evaluatePosition(input: EvaluatePositionInput): PositionEvaluation {
  const settings: PositionSettings = { ...DEFAULT_SETTINGS, ...input.settings };
  const { position, market, regime } = input;
  const { condor, entry, settlementMs } = position;
  const clock = position.clock ?? calendarClock(market.valuationMs, settlementMs);
  const credit = condor.credit;
  const size = condor.underlying.multiplier * condor.quantity;
  const evaluation = evaluateCondor({ condor, market, settlementMs, clock, allowExpired: true });
  const [longPut, shortPut, shortCall, longCall] = evaluation.legs as [
    LegValuation,
    LegValuation,
    LegValuation,
    LegValuation,
  ];
  const legVolsNow: Record<LegRole, number> = {
    longPut: longPut.vol,
    shortPut: shortPut.vol,
    shortCall: shortCall.vol,
    longCall: longCall.vol,
  };
  const invariant = measureInvariant({
    condor,
    entry,
    market,
    settlementMs,
    clock,
    legVolsNow,
    modelMarkNow: evaluation.mark,
  });
  const threshold = rebalanceThreshold(regime.percentile, settings);
  const x = invariant.premiumReserve;
  const loss = x - credit;
  const dte = evaluation.dte;
  const shortPutDelta = shortPut.value.delta;
  const shortCallDelta = shortCall.value.delta;
  const hedge = proposeHedge({
    volLoss: (invariant.premiumReserve - invariant.premiumIfVolUnchanged) * size,
    threshold,
    activeLayers: position.activeHedgeLayers,
    heldPayoff: position.hedgePayoffHeld ?? 0,
    maxLayers: settings.maxHedgeLayers,
    condorMaxLoss: evaluation.maxLoss,
    condorExpiry: condor.expiry,
    valuationDate: market.valuationDate,
    vix: regime.vix,
    vvix: input.vvix ?? null,
    vixFuture: input.vixFuture ?? null,
    regime: regime.regime,
    rate: market.rate,
    ...(input.isHoliday ? { isHoliday: input.isHoliday } : {}),
  });
  const closeProposal: Proposal = { kind: 'close', debit: x, realizedPl: (credit - x) * size };

  let action: Action;
  let reason: string;
  let proposal: Proposal = { kind: 'none' };
  const { cushionBreach: by, premiumBreach: bx, cushion } = invariant;
  // A side that cannot lose has no break-even (docs/engine.md, payoff-based metrics): it is never the nearer.
  const toLow = evaluation.breakEvenLow === null ? Infinity : market.spot - evaluation.breakEvenLow;
  const toHigh = evaluation.breakEvenHigh === null ? Infinity : evaluation.breakEvenHigh - market.spot;
  const nearerBreakEven = toLow <= toHigh ? 'put' : 'call';
  const breakEven = (nearerBreakEven === 'put' ? evaluation.breakEvenLow : evaluation.breakEvenHigh) ?? market.spot;
  const deltaFires = Math.max(Math.abs(shortPutDelta), Math.abs(shortCallDelta)) >= settings.deltaTrigger;
  const rollFires = settings.policy === 'cp' ? by >= threshold : deltaFires;

  if (evaluation.discountYears <= 0) {
    action = 'CLOSE';
    reason = `Expired: settles at intrinsic value, ${pts(x)} pts against the ${pts(credit)} credit.`;
    proposal = closeProposal;
  } else if (cushion <= 0) {
    action = 'CLOSE';
    reason = `Spot ${pts(market.spot)} is past the ${nearerBreakEven} break-even ${pts(breakEven)}: the cushion is gone (y = ${pts(cushion)} pts).`;
    proposal = closeProposal;
  } else if (loss >= settings.stopLoss * credit) {
    action = 'CLOSE';
    reason = `Loss ${pts(loss)} pts is ${pts(loss / credit)}× the ${pts(credit)} credit (stop at ${pts(settings.stopLoss, 1)}×).`;
    proposal = closeProposal;
  } else if (settings.exitDte > 0 && dte <= settings.exitDte) {
    action = 'CLOSE';
    reason = `${dte} days to expiry, at or below the ${settings.exitDte}-day exit.`;
    proposal = closeProposal;
  } else if (settings.profitTarget !== null && x <= (1 - settings.profitTarget) * credit) {
    action = 'TAKE_PROFIT';
    reason = `Mark ${pts(x)} is ${pct(1 - x / credit, 0)} below the ${pts(credit)} credit (target ${pct(settings.profitTarget, 0)}).`;
    proposal = closeProposal;
  } else if (rollFires) {
    const why =
      settings.policy === 'cp'
        ? `Cushion breach b_y ${pct(by)} ≥ threshold ${pct(threshold)}: spot ${pts(market.spot)} is ${pts(cushion, 1)} pts from the ${nearerBreakEven} break-even, ${pct(cushion / invariant.cushionAtEntry, 0)} of the entry cushion left`
        : `Short ${Math.abs(shortPutDelta) >= Math.abs(shortCallDelta) ? `put delta ${pts(shortPutDelta)}` : `call delta ${pts(shortCallDelta)}`} reached the ${pts(settings.deltaTrigger)} trigger`;
    if (dte < settings.minRollDte) {
      action = 'CLOSE';
      reason = `${why}, but ${dte} days to expiry is under the ${settings.minRollDte}-day minimum for a roll: close instead.`;
      proposal = closeProposal;
    } else {
      action = 'ROLL';
      const roll = restrike(condor, entry, market, evaluation, x);
      reason = `${why}. Roll to ${strikeList(roll.strikes)} for a net ${roll.netCredit >= 0 ? 'credit' : 'debit'} of ${pts(Math.abs(roll.netCredit))}.`;
      proposal = { kind: 'roll', restrike: roll };
    }
  } else if (settings.policy === 'cp' && bx >= threshold && layersToBuy(hedge).length > 0) {
    action = 'HEDGE';
    const layers = layersToBuy(hedge)
      .map((q) => q.layer)
      .join(', ');
    reason = `Premium breach b_x ${pct(bx)} ≥ threshold ${pct(threshold)}: the condor costs ${pts(bx * credit)} pts more than spot and time explain, ${pct(hedge.volLossShare)} of its max loss; ALVH layer ${layers} of ${settings.maxHedgeLayers}.`;
    proposal = { kind: 'hedge', hedge };
  } else if (settings.policy === 'cp' && bx <= -threshold) {
    action = 'TIGHTEN';
    const tighter = restrike(condor, entry, market, evaluation, x);
    reason = `Premium breach b_x ${pct(bx)} ≤ −${pct(threshold)}: vol has fallen; re-strike to ${strikeList(tighter.strikes)} for a net ${tighter.netCredit >= 0 ? 'credit' : 'debit'} of ${pts(Math.abs(tighter.netCredit))}.`;
    proposal = { kind: 'tighten', restrike: tighter };
  } else {
    action = 'HOLD';
    reason =
      settings.policy === 'cp'
        ? bx >= threshold
          ? `b_y ${pct(by)} is inside the threshold ${pct(threshold)} and b_x ${pct(bx)} is not, but ${hedgeWaitReason(hedge)}; P/L ${usd((credit - x) * size)}.`
          : `b_y ${pct(by)} and b_x ${pct(bx)} are inside the threshold ${pct(threshold)}; P/L ${usd((credit - x) * size)}.`
        : `Short deltas ${pts(shortPutDelta)} / ${pts(shortCallDelta)} are inside the ${pts(settings.deltaTrigger)} trigger; P/L ${usd((credit - x) * size)}.`;
  }

  const triggers: TriggerDistance[] = [
    { name: 'cushion breach b_y', value: by, fireAt: threshold, unit: 'fraction' },
    { name: 'premium breach b_x', value: bx, fireAt: threshold, unit: 'fraction' },
    { name: 'short put |delta|', value: Math.abs(shortPutDelta), fireAt: settings.deltaTrigger, unit: 'delta' },
    { name: 'short call |delta|', value: Math.abs(shortCallDelta), fireAt: settings.deltaTrigger, unit: 'delta' },
    { name: 'loss (× credit)', value: loss / credit, fireAt: settings.stopLoss, unit: 'fraction' },
  ];
  if (settings.profitTarget !== null)
    triggers.push({
      name: 'mark for take-profit',
      value: x,
      fireAt: (1 - settings.profitTarget) * credit,
      unit: 'points',
    });

  const warnings = (input.upcomingEvents ?? []).map((event) => `${event.kind} on ${event.date}: ${event.title}`);
  if (invariant.calibration.warning) warnings.unshift(invariant.calibration.warning);
  if (input.dayAfterFomc && action !== 'HOLD') {
    warnings.unshift('This action fires the day after an FOMC decision: moves and vol may still be settling.');
  }
  return {
    action,
    reason,
    policy: settings.policy,
    threshold,
    regime,
    invariant,
    condor: evaluation,
    unrealizedPl: (credit - x) * size,
    dte,
    shortPutDelta,
    shortCallDelta,
    proposal,
    hedge,
    triggers,
    warnings,
  };
}
