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
import { dollars, percent, points, strikeList } from './format.ts';
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
  type Decision,
  type PolicyName,
  type PositionState,
} from './policies/index.ts';

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

/** What the policy's rules read (docs/engine.md §policies), from today's evaluation of the position. */
function positionStateOf(
  input: EvaluatePositionInput,
  evaluation: CondorEvaluation,
  invariant: InvariantReading,
  threshold: number,
  hedge: HedgeProposal,
): PositionState {
  const { condor, entry } = input.position;
  const { market } = input;
  const [, shortPut, shortCall] = evaluation.legs as [LegValuation, LegValuation, LegValuation, LegValuation];
  const { strikes, credit } = condor;
  const widest = Math.max(strikes.shortPut - strikes.longPut, strikes.longCall - strikes.shortCall);
  return {
    expired: evaluation.discountYears <= 0,
    dte: evaluation.dte,
    spot: market.spot,
    credit,
    mark: invariant.premiumReserve,
    // A side that cannot lose has no break-even (docs/engine.md, payoff-based metrics): never the nearer.
    breakEvenLow: evaluation.breakEvenLow ?? -Infinity,
    breakEvenHigh: evaluation.breakEvenHigh ?? Infinity,
    cushion: invariant.cushion,
    entryCushion: invariant.cushionAtEntry,
    threshold,
    premiumBreach: invariant.premiumBreach,
    shortPutDelta: Math.abs(shortPut.value.delta),
    shortCallDelta: Math.abs(shortCall.value.delta),
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
}

/** The priced roll choices (re-centre, roll the tested side, roll out to the entry DTE) for a ROLL or TIGHTEN. */
function restrikeChoices(input: EvaluatePositionInput, evaluation: CondorEvaluation, closeDebit: number): RollOption[] {
  const { condor, entry, settlementMs } = input.position;
  const { market } = input;
  const entryDte = Math.max(1, Math.round((settlementMs - entry.openedMs) / MS_PER_DAY));
  const isHoliday = input.isHoliday ?? (() => false);
  const laterExpiry = businessDayOnOrBefore(addDays(market.valuationDate, entryDte), isHoliday);
  return rollOptions({
    condor,
    entry,
    market,
    time: evaluation,
    closeDebit,
    modelCloseMark: evaluation.mark,
    later:
      laterExpiry > condor.expiry
        ? { expiry: laterExpiry, time: laterTime(evaluation, condor.expiry, laterExpiry, isHoliday) }
        : null,
  });
}

const netWords = (r: RestrikeProposal) =>
  `a net ${r.netCredit >= 0 ? 'credit' : 'debit'} of ${points(Math.abs(r.netCredit))}`;

/** TIGHTEN takes the first choice; a roll takes the one its rule picked. The sentence says to what and for how much. */
function restrikeProposal(
  action: Action,
  adjustment: Decision['adjustment'],
  options: RollOption[],
): { proposal: Proposal; sentence: string } {
  if (action === 'TIGHTEN') {
    const tighter = options[0]!;
    return {
      proposal: { kind: 'tighten', restrike: tighter },
      sentence: ` To ${strikeList(tighter.strikes)} for ${netWords(tighter)}.`,
    };
  }
  const picked: RollKind = adjustment === 'roll-out' || adjustment === 'roll-tested' ? adjustment : 'recentre';
  const chosen = options.find((option) => option.kind === picked) ?? options[0]!;
  return {
    proposal: { kind: 'roll', restrike: chosen, picked: chosen.kind, options },
    sentence: ` ${strikeList(chosen.strikes)} (${chosen.expiry}) for ${netWords(chosen)}.`,
  };
}

/** How far each trigger is from firing, for the position card. */
function triggersOf(
  invariant: InvariantReading,
  threshold: number,
  shortDeltas: { put: number; call: number },
  credit: number,
  settings: PositionSettings,
): TriggerDistance[] {
  const x = invariant.premiumReserve;
  const triggers: TriggerDistance[] = [
    { name: 'cushion breach b_y', value: invariant.cushionBreach, fireAt: threshold, unit: 'fraction' },
    { name: 'premium breach b_x', value: invariant.premiumBreach, fireAt: threshold, unit: 'fraction' },
    { name: 'short put |delta|', value: Math.abs(shortDeltas.put), fireAt: settings.deltaTrigger, unit: 'delta' },
    { name: 'short call |delta|', value: Math.abs(shortDeltas.call), fireAt: settings.deltaTrigger, unit: 'delta' },
    { name: 'loss (× credit)', value: (x - credit) / credit, fireAt: settings.stopLoss, unit: 'fraction' },
  ];
  if (settings.profitTarget !== null)
    triggers.push({
      name: 'mark for take-profit',
      value: x,
      fireAt: (1 - settings.profitTarget) * credit,
      unit: 'points',
    });
  return triggers;
}

/** The calibration's warning, the day-after-FOMC caution on an action, then the macro events ahead. */
function warningsOf(input: EvaluatePositionInput, invariant: InvariantReading, action: Action): string[] {
  const warnings = (input.upcomingEvents ?? []).map((event) => `${event.kind} on ${event.date}: ${event.title}`);
  if (invariant.calibration.warning) warnings.unshift(invariant.calibration.warning);
  if (input.dayAfterFomc && action !== 'HOLD') {
    warnings.unshift('This action fires the day after an FOMC decision: moves and vol may still be settling.');
  }
  return warnings;
}

/** The ALVH picture: layers due on the vol loss so far, capped by what the recorded layers already pay. */
function hedgeFor(
  input: EvaluatePositionInput,
  evaluation: CondorEvaluation,
  invariant: InvariantReading,
  threshold: number,
  settings: PositionSettings,
): HedgeProposal {
  const { position, market, regime } = input;
  const { condor } = position;
  const size = condor.underlying.multiplier * condor.quantity;
  return proposeHedge({
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
  const shortPutDelta = shortPut.value.delta;
  const shortCallDelta = shortCall.value.delta;
  const hedge = hedgeFor(input, evaluation, invariant, threshold, settings);
  const { cushionBreach: by, premiumBreach: bx } = invariant;
  const state = positionStateOf(input, evaluation, invariant, threshold, hedge);
  const policy = POLICIES[settings.policy];
  const params = ruleParamsFor(policy, settings);
  const fired = decide(policy.rules, state, params);

  let action: Action = 'HOLD';
  let reason: string;
  let proposal: Proposal = { kind: 'none' };
  if (fired === null) {
    const hedgeWaits =
      bx >= threshold ? ` The premium breach is past the threshold, but ${hedgeWaitReason(hedge)}.` : '';
    reason =
      `No rule of the ${settings.policy} policy fires: b_y ${percent(by)}, b_x ${percent(bx)} (threshold ` +
      `${percent(threshold)}), short deltas ${points(shortPutDelta)} / ${points(shortCallDelta)}; P/L ` +
      `${dollars(closingPl(credit, x, size))}.${hedgeWaits}`;
  } else {
    const { decision, rule } = fired;
    action = decision.action;
    reason = rule.explain(state, params, decision);
    if (action === 'CLOSE' || action === 'TAKE_PROFIT') {
      proposal = { kind: 'close', debit: x, realizedPl: closingPl(credit, x, size) };
    } else if (action === 'HEDGE') {
      const layers = layersToBuy(hedge)
        .map((q) => q.layer)
        .join(', ');
      reason +=
        ` That is ${percent(hedge.volLossShare)} of its max loss; ALVH layer ${layers} of ` +
        `${settings.maxHedgeLayers}.`;
      proposal = { kind: 'hedge', hedge };
    } else {
      const restrike = restrikeProposal(action, decision.adjustment, restrikeChoices(input, evaluation, x));
      proposal = restrike.proposal;
      reason += restrike.sentence;
    }
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
    dte: evaluation.dte,
    shortPutDelta,
    shortCallDelta,
    proposal,
    hedge,
    triggers: triggersOf(invariant, threshold, { put: shortPutDelta, call: shortCallDelta }, credit, settings),
    warnings: warningsOf(input, invariant, action),
  };
}
