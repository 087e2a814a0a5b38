// A management policy (docs/evidence.md, docs/backtest.md): one ordered list of rules, each
// returning a decision or nothing; the first that decides wins. The rules read plain numbers
// (PositionState) so that the live evaluation (signals.ts) and the backtest's daily loop
// (backtest/run.ts) run the very same rule objects: the live side fills the state from a full
// evaluation, the backtest from its own cheaper arithmetic on the same formulas.

/** What the trader is told to do. */
export type Action = 'CLOSE' | 'TAKE_PROFIT' | 'ROLL' | 'HEDGE' | 'TIGHTEN' | 'HOLD';

/** How a roll is traded (docs/engine.md, rolls). */
export type Adjustment = 'recentre' | 'roll-out' | 'roll-tested' | 'tighten' | 'hedge';

/** Why a campaign ended (the backtest's tally; the live CLOSE carries it too). */
export type CampaignEnding =
  | 'expiry' // settled at intrinsic value on the expiry day
  | 'take-profit'
  | 'stop-loss'
  | 'break-even' // spot crossed a break-even
  | 'exit-dte'
  | 'roll-too-late' // a roll fired under minRollDte: closed instead
  | 'roll-no-credit' // the re-strike would not bring in a credit after costs: closed instead
  | 'roll-no-expiry'; // a roll out in time found no later expiry in the data: closed instead

/** The numbers the rules read, for one position at one instant. Per share unless stated. */
export interface PositionState {
  /** The settlement instant has passed: the value is intrinsic. */
  expired: boolean;
  /** Calendar days to expiry. */
  dte: number;
  spot: number;
  /** The credit of the structure now open (after a roll, the new one's). */
  credit: number;
  /** The calibrated mark x: what closing costs now, per the model. */
  mark: number;
  breakEvenLow: number;
  breakEvenHigh: number;
  /** Points from spot to the nearer break-even (≤ 0: past it). */
  cushion: number;
  entryCushion: number;
  /** The regime's rebalance threshold T (a fraction). */
  threshold: number;
  /** b_x: the mark's excess over what spot and time explain, as a share of the credit. */
  premiumBreach: number;
  /** |delta| of the short put and the short call. */
  shortPutDelta: number;
  shortCallDelta: number;
  /** The expected move to expiry when this structure was opened, points. */
  entryExpectedMove: number;
  /** Calendar days since this structure was opened (0 on the day of a roll). */
  daysSinceAdjustment: number;
  /** |delta| the short strikes were placed at. */
  entryDelta: number;
  /** Widest wing minus credit: what the structure can lose, per share. */
  maxLoss: number;
  /** What a re-strike costs in fills and fees (eight legs), per share. */
  restrikeCost: number;
  /** An ALVH layer is due and affordable. */
  hedgeDue: boolean;
}

/** The user-tunable numbers the rules read (a subset of PositionSettings). */
export interface RuleParams {
  profitTarget: number | null;
  stopLoss: number;
  exitDte: number;
  minRollDte: number;
  deltaTrigger: number;
  /** cp-moves: roll when spot has moved this many entry expected moves toward a break-even. */
  triggerMoves: number;
  /** cp-moves: the fewest calendar days between two re-strikes. */
  minAdjustDays: number;
}

export interface Decision {
  action: Exclude<Action, 'HOLD'>;
  /** The rule that decided (its name). */
  rule: string;
  /** CLOSE and TAKE_PROFIT: the campaign's ending. */
  ending?: CampaignEnding;
  /** ROLL, TIGHTEN and HEDGE: how. */
  adjustment?: Adjustment;
}

/** Which costly numbers a rule reads (the backtest computes them only when some rule does). */
export interface RuleNeeds {
  deltas?: boolean;
  premiumBreach?: boolean;
}

export interface Rule {
  name: string;
  needs?: RuleNeeds;
  decide(state: PositionState, params: RuleParams): Decision | null;
  /** The reason in the trader's words, for a decision this rule made (live only: the backtest never builds text). */
  explain(state: PositionState, params: RuleParams, decision: Decision): string;
}

/** How a policy's condors are opened, when it differs from the user's settings. */
export interface EntryRule {
  targetDte?: number;
  targetDelta?: number;
  /** Long strikes at this |delta| instead of a fixed wing width. */
  wingDelta?: number;
  expiryRule?: 'daily' | 'weekly' | 'monthly';
}

export type PolicyName = 'hold' | 'delta' | 'cp' | 'tasty' | 'cndr' | 'cp-moves' | 'cp-out' | 'cp-side' | 'cp-cost';

/** A grid of candidate parameters the walk-forward chooses from on each training window. */
export type ParamGrid = readonly Partial<RuleParams & { thresholdMin: number; thresholdMax: number }>[];

export interface PolicyDefinition {
  name: PolicyName;
  /** Short label for tables. */
  label: string;
  /** One line for /settings and /help. */
  summary: string;
  rules: readonly Rule[];
  /** Values the policy fixes whatever the user's settings say (tasty: 50% and 21 DTE). */
  fixed?: Partial<RuleParams>;
  entry?: EntryRule;
  /** Candidates for the walk-forward (the first is the default); [] = nothing to tune. */
  grid: ParamGrid;
}
