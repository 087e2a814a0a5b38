// One action per position: the user's policy (src/engine/policies, one ordered list of rules,
// the same objects the backtest runs) reads the numbers of a full evaluation, the first rule that
// decides wins, and this file turns the decision into a reason and a priced proposal.
import { calendarClock, TRADING_DAYS_PER_YEAR, type TimeToSettlement, type ValuationClock } from './clock.ts';
import {
  closingPl,
  evaluateCondor,
  type Condor,
  type CondorEvaluation,
  type LegValuation,
  type MarketState,
} from './condor.ts';
import { pct, pts, usd } from './format.ts';
import { hedgeWaitReason, layersToBuy, proposeHedge, type HedgeProposal } from './hedge.ts';
import type { HolidayRule } from './expiries.ts';
import { measureInvariant, type EntrySnapshot, type InvariantReading } from './invariant.ts';
import { rebalanceThreshold, type RegimeReading } from './regime.ts';
import { rollOptions, type RestrikeProposal, type RollKind, type RollOption } from './restrike.ts';
import type { LegRole } from './condor.ts';
import { addDays, daysBetween, isWeekend, MS_PER_DAY, type IsoDate } from './dates.ts';
import { businessDayOnOrBefore } from './expiries.ts';
import { normCdf } from './math/normal.ts';
import {
  decide,
  DEFAULT_COMMISSION_PER_CONTRACT,
  DEFAULT_POLICY,
  DEFAULT_SLIPPAGE_PER_LEG,
  POLICIES,
  restrikeCostPerShare,
  ruleParamsFor,
  type Action,
  type PolicyName,
  type PositionState,
} from './policies/index.ts';

const strikeList = (s: { longPut: number; shortPut: number; shortCall: number; longCall: number }) =>
  `${pts(s.longPut, 0)}/${pts(s.shortPut, 0)}/${pts(s.shortCall, 0)}/${pts(s.longCall, 0)}`;

export type { Action } from './policies/index.ts';
export type Policy = PolicyName;

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
  /** cp-moves: re-centre after spot moved this many entry expected moves toward a break-even (0.5). */
  triggerMoves: number;
  /** cp-moves: the fewest calendar days between two re-strikes (5). */
  minAdjustDays: number;
  maxHedgeLayers: number;
}

export const DEFAULT_SETTINGS: PositionSettings = {
  profitTarget: 0.5,
  stopLoss: 2.0,
  exitDte: 0,
  minRollDte: 7,
  thresholdMin: 0.15,
  thresholdMax: 0.2,
  policy: DEFAULT_POLICY,
  deltaTrigger: 0.5,
  triggerMoves: 0.5,
  minAdjustDays: 5,
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
  | {
      kind: 'roll';
      /** The roll the policy picked (also in `options`), and the others, each priced the same way. */
      restrike: RollOption;
      picked: RollKind;
      options: RollOption[];
    }
  | { kind: 'tighten'; restrike: RestrikeProposal }
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

/**
 * The two clocks to a later PM expiry: today's clocks to the current one, plus one session per
 * trading day after it up to the later one, and the calendar days between.
 */
function laterTime(now: TimeToSettlement, expiry: IsoDate, later: IsoDate, isHoliday: HolidayRule): TimeToSettlement {
  let sessions = 0;
  for (let day = addDays(expiry, 1); day <= later; day = addDays(day, 1))
    if (!isWeekend(day) && !isHoliday(day)) sessions++;
  return {
    varianceYears: now.varianceYears + sessions / TRADING_DAYS_PER_YEAR,
    discountYears: now.discountYears + daysBetween(expiry, later) / 365,
  };
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
  const closeProposal: Proposal = { kind: 'close', debit: x, realizedPl: closingPl(credit, x, size) };
  const { cushionBreach: by, premiumBreach: bx, cushion } = invariant;
  const { strikes } = condor;
  const widest = Math.max(strikes.shortPut - strikes.longPut, strikes.longCall - strikes.shortCall);
  const state: PositionState = {
    expired: evaluation.discountYears <= 0,
    dte,
    spot: market.spot,
    credit,
    mark: x,
    // A side that cannot lose has no break-even (docs/engine.md, payoff-based metrics): never the nearer.
    breakEvenLow: evaluation.breakEvenLow ?? -Infinity,
    breakEvenHigh: evaluation.breakEvenHigh ?? Infinity,
    cushion,
    entryCushion: invariant.cushionAtEntry,
    threshold,
    premiumBreach: bx,
    shortPutDelta: Math.abs(shortPutDelta),
    shortCallDelta: Math.abs(shortCallDelta),
    entryExpectedMove: entry.expectedMove,
    daysSinceAdjustment: Math.max(0, Math.floor((market.valuationMs - entry.openedMs) / MS_PER_DAY)),
    // The entry stores the shorts' distance in expected moves; N(−moves) is their |delta| then, near enough.
    entryDelta: normCdf(-Math.min(entry.shortPutMoves, entry.shortCallMoves)),
    maxLoss: widest - credit,
    restrikeCost: restrikeCostPerShare(
      DEFAULT_SLIPPAGE_PER_LEG,
      DEFAULT_COMMISSION_PER_CONTRACT,
      condor.underlying.multiplier,
    ),
    hedgeDue: layersToBuy(hedge).length > 0,
  };
  const policy = POLICIES[settings.policy];
  const params = ruleParamsFor(policy, settings);
  const fired = decide(policy.rules, state, params);

  let action: Action = 'HOLD';
  let reason: string;
  let proposal: Proposal = { kind: 'none' };
  if (fired === null) {
    const hedgeWaits =
      bx >= threshold ? ` The premium breach is past the threshold, but ${hedgeWaitReason(hedge)}.` : '';
    reason = `No rule of the ${settings.policy} policy fires: b_y ${pct(by)}, b_x ${pct(bx)} (threshold ${pct(threshold)}), short deltas ${pts(shortPutDelta)} / ${pts(shortCallDelta)}; P/L ${usd(closingPl(credit, x, size))}.${hedgeWaits}`;
  } else {
    const { decision, rule } = fired;
    action = decision.action;
    reason = rule.explain(state, params, decision);
    if (action === 'CLOSE' || action === 'TAKE_PROFIT') proposal = closeProposal;
    else if (action === 'HEDGE') {
      const layers = layersToBuy(hedge)
        .map((q) => q.layer)
        .join(', ');
      reason += ` That is ${pct(hedge.volLossShare)} of its max loss; ALVH layer ${layers} of ${settings.maxHedgeLayers}.`;
      proposal = { kind: 'hedge', hedge };
    } else {
      const entryDte = Math.max(1, Math.round((settlementMs - entry.openedMs) / MS_PER_DAY));
      const isHoliday = input.isHoliday ?? (() => false);
      const laterExpiry = businessDayOnOrBefore(addDays(market.valuationDate, entryDte), isHoliday);
      const options = rollOptions({
        condor,
        entry,
        market,
        time: evaluation,
        closeDebit: x,
        modelCloseMark: evaluation.mark,
        later:
          laterExpiry > condor.expiry
            ? { expiry: laterExpiry, time: laterTime(evaluation, condor.expiry, laterExpiry, isHoliday) }
            : null,
      });
      const net = (r: RestrikeProposal) =>
        `a net ${r.netCredit >= 0 ? 'credit' : 'debit'} of ${pts(Math.abs(r.netCredit))}`;
      if (action === 'TIGHTEN') {
        const tighter = options[0]!;
        proposal = { kind: 'tighten', restrike: tighter };
        reason += ` To ${strikeList(tighter.strikes)} for ${net(tighter)}.`;
      } else {
        const picked: RollKind =
          decision.adjustment === 'roll-out' || decision.adjustment === 'roll-tested'
            ? decision.adjustment
            : 'recentre';
        const chosen = options.find((option) => option.kind === picked) ?? options[0]!;
        proposal = { kind: 'roll', restrike: chosen, picked: chosen.kind, options };
        reason += ` ${strikeList(chosen.strikes)} (${chosen.expiry}) for ${net(chosen)}.`;
      }
    }
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
    unrealizedPl: closingPl(credit, x, size),
    dte,
    shortPutDelta,
    shortCallDelta,
    proposal,
    hedge,
    triggers,
    warnings,
  };
}
