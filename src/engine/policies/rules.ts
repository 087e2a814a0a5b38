// The rules every policy is built from (docs/backtest.md, "Policies"). Each reads plain numbers
// (PositionState) and returns a decision or null; its reason text is built only when asked.
import { percent, points } from '../format.ts';
import type { Adjustment, PositionState, Rule, RuleParams } from './types.ts';

const nearerSide = (s: PositionState) => (s.spot - s.breakEvenLow <= s.breakEvenHigh - s.spot ? 'put' : 'call');
const nearerBreakEven = (s: PositionState) => (nearerSide(s) === 'put' ? s.breakEvenLow : s.breakEvenHigh);
const lossPoints = (s: PositionState) => s.mark - s.credit;

/** Rule 1: at or after the settlement instant the condor is worth its intrinsic value. */
export const settleAtExpiry: Rule = {
  name: 'expiry',
  decide: (s) => (s.expired ? { action: 'CLOSE', rule: 'expiry', ending: 'expiry' } : null),
  explain: (s) => `Expired: settles at intrinsic value, ${points(s.mark)} pts against the ${points(s.credit)} credit.`,
};

/** Spot past a break-even: the cushion is gone. */
export const closePastBreakEven: Rule = {
  name: 'break-even',
  decide: (s) => (s.cushion <= 0 ? { action: 'CLOSE', rule: 'break-even', ending: 'break-even' } : null),
  explain: (s) =>
    `Spot ${points(s.spot)} is past the ${nearerSide(s)} break-even ${points(nearerBreakEven(s))}: the cushion is ` +
    `gone (y = ${points(s.cushion)} pts).`,
};

export const stopLoss: Rule = {
  name: 'stop-loss',
  decide: (s, p) =>
    lossPoints(s) >= p.stopLoss * s.credit ? { action: 'CLOSE', rule: 'stop-loss', ending: 'stop-loss' } : null,
  explain: (s, p) =>
    `Loss ${points(lossPoints(s))} pts is ${points(lossPoints(s) / s.credit)}× the ${points(s.credit)} credit ` +
    `(stop at ${points(p.stopLoss, 1)}×).`,
};

export const exitAtDte: Rule = {
  name: 'exit-dte',
  decide: (s, p) =>
    p.exitDte > 0 && s.dte <= p.exitDte ? { action: 'CLOSE', rule: 'exit-dte', ending: 'exit-dte' } : null,
  explain: (s, p) => `${s.dte} days to expiry, at or below the ${p.exitDte}-day exit.`,
};

export const takeProfit: Rule = {
  name: 'take-profit',
  decide: (s, p) =>
    p.profitTarget !== null && s.mark <= (1 - p.profitTarget) * s.credit
      ? { action: 'TAKE_PROFIT', rule: 'take-profit', ending: 'take-profit' }
      : null,
  explain: (s, p) =>
    `Mark ${points(s.mark)} is ${percent(1 - s.mark / s.credit, 0)} below the ${points(s.credit)} credit (target ` +
    `${percent(p.profitTarget ?? 0, 0)}).`,
};

/** A roll trigger: when it fires the position is adjusted, or closed when too near expiry. */
interface Trigger {
  name: string;
  needs?: Rule['needs'];
  fires(s: PositionState, p: RuleParams): boolean;
  why(s: PositionState, p: RuleParams): string;
}

const rollWords: Record<Adjustment, string> = {
  recentre: 're-centre in the same expiry',
  'roll-out': 'roll the whole condor out to the next expiry near the entry DTE',
  'roll-tested': 'roll the tested side only, back to the entry delta',
  tighten: 're-strike tighter',
  hedge: 'hedge',
};

/** A roll rule from a trigger and the way it trades; under minRollDte it closes instead. */
export function rollRule(trigger: Trigger, adjustment: Adjustment, gate?: Trigger): Rule {
  const name = `${trigger.name}→${adjustment}${gate ? `+${gate.name}` : ''}`;
  return {
    name,
    needs: { ...trigger.needs, ...gate?.needs },
    decide(s, p) {
      if (!trigger.fires(s, p) || (gate && !gate.fires(s, p))) return null;
      if (s.dte < p.minRollDte) return { action: 'CLOSE', rule: name, ending: 'roll-too-late' };
      return { action: 'ROLL', rule: name, adjustment };
    },
    explain(s, p, decision) {
      const why = `${trigger.why(s, p)}${gate ? `; ${gate.why(s, p)}` : ''}`;
      return decision.action === 'CLOSE'
        ? `${why}, but ${s.dte} days to expiry is under the ${p.minRollDte}-day minimum for a roll: close instead.`
        : `${why}: ${rollWords[adjustment]}.`;
    },
  };
}

/** cp: the share of the entry cushion lost, b_y, reaches the threshold T. */
export const cushionBreach: Trigger = {
  name: 'cushion',
  fires: (s) => (s.entryCushion > 0 ? 1 - s.cushion / s.entryCushion : 0) >= s.threshold,
  why: (s) =>
    `Cushion breach b_y ${percent(s.entryCushion > 0 ? 1 - s.cushion / s.entryCushion : 0)} ≥ threshold ` +
    `${percent(s.threshold)}: spot ${points(s.spot)} is ${points(s.cushion, 1)} pts from the ${nearerSide(s)} ` +
    `break-even, ${percent(s.cushion / s.entryCushion, 0)} of the entry cushion left`,
};

/** The static rule: a short leg's |delta| reaches the trigger. */
export const deltaReached: Trigger = {
  name: 'delta',
  needs: { deltas: true },
  fires: (s, p) => Math.max(s.shortPutDelta, s.shortCallDelta) >= p.deltaTrigger,
  why: (s, p) => {
    const leg =
      s.shortPutDelta >= s.shortCallDelta
        ? `put |delta| ${points(s.shortPutDelta)}`
        : `call |delta| ${points(s.shortCallDelta)}`;
    return `Short ${leg} reached the ${points(p.deltaTrigger)} trigger`;
  },
};

const movedMoves = (s: PositionState) =>
  s.entryExpectedMove > 0 ? (s.entryCushion - s.cushion) / s.entryExpectedMove : 0;

/**
 * cp-moves: spot has moved `triggerMoves` entry expected moves toward a break-even, and the last re-strike is old
 * enough.
 */
export const movesBreach: Trigger = {
  name: 'moves',
  fires: (s, p) => movedMoves(s) >= p.triggerMoves && s.daysSinceAdjustment >= p.minAdjustDays,
  why: (s, p) =>
    `Spot moved ${points(movedMoves(s))} expected moves toward the ${nearerSide(s)} break-even (trigger ` +
    `${points(p.triggerMoves)}), ${s.daysSinceAdjustment} days since the last re-strike (minimum ${p.minAdjustDays})`,
};

/**
 * cp-cost: the model's expected gain of re-striking beats its round-trip cost. The gain is the
 * probability the roll takes off the tested short (its |delta| now less the entry |delta|, delta
 * as the model's chance of finishing past the strike) times what the structure can lose.
 */
export const gainBeatsCost: Trigger = {
  name: 'gain>cost',
  needs: { deltas: true },
  fires: (s) => expectedGain(s) > s.restrikeCost,
  why: (s) => `model gain ${points(expectedGain(s))} pts > round-trip cost ${points(s.restrikeCost)} pts`,
};

export function expectedGain(s: PositionState): number {
  return Math.max(0, Math.max(s.shortPutDelta, s.shortCallDelta) - s.entryDelta) * s.maxLoss;
}

/** cp: the premium breach b_x at +T buys the next ALVH layer. */
export const hedgeOnPremium: Rule = {
  name: 'hedge',
  needs: { premiumBreach: true },
  decide: (s) =>
    s.premiumBreach >= s.threshold && s.hedgeDue ? { action: 'HEDGE', rule: 'hedge', adjustment: 'hedge' } : null,
  explain: (s) =>
    `Premium breach b_x ${percent(s.premiumBreach)} ≥ threshold ${percent(s.threshold)}: the condor costs ` +
    `${points(s.premiumBreach * s.credit)} pts more than spot and time explain.`,
};

/** cp: the premium breach at −T (vol has fallen) re-strikes tighter. */
export const tightenOnPremium: Rule = {
  name: 'tighten',
  needs: { premiumBreach: true },
  decide: (s) =>
    s.premiumBreach <= -s.threshold ? { action: 'TIGHTEN', rule: 'tighten', adjustment: 'tighten' } : null,
  explain: (s) =>
    `Premium breach b_x ${percent(s.premiumBreach)} ≤ −${percent(s.threshold)}: vol has fallen; re-strike tighter.`,
};

/** The rules every managed policy starts with, in order. */
export const EXITS: readonly Rule[] = [settleAtExpiry, closePastBreakEven, stopLoss, exitAtDte, takeProfit];

/** Fill and fee assumptions when a live position has no backtest parameters (the backtest's defaults). */
export const DEFAULT_SLIPPAGE_PER_LEG = 0.05;
export const DEFAULT_COMMISSION_PER_CONTRACT = 1;

/** Eight legs (close four, open four) of slippage and commission, per share. */
export const restrikeCostPerShare = (slippagePerLeg: number, commissionPerContract: number, multiplier: number) =>
  8 * (slippagePerLeg + commissionPerContract / multiplier);
