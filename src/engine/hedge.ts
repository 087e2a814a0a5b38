// ALVH, the adaptive layered VIX hedge (docs/engine.md, "ALVH" and "Hedges sized to the
// position"). Layer i fires when the vol loss — what the condor has lost beyond what spot and
// time explain — reaches i·T of its max loss. Each layer is a VIX call spread on the first VIX
// expiry on or after the condor's, long at the VIX future rounded up to a whole point, short 5
// points above (10 in the extreme regime), priced with Black-76. sizeHedgeLayer sizes every layer
// (here and in the backtest): within its budget, and never past what the position can lose.
import { daysBetween, type IsoDate } from './dates.ts';
import { vixExpiryOnOrAfter, type HolidayRule } from './expiries.ts';
import { percent, points, dollars } from './format.ts';
import { black76 } from './options.ts';
import type { RegimeName } from './regime.ts';

/**
 * What each layer may spend, as a share of the condor's max loss: 10% for the first, 2.5% for
 * each further one, so the total is capped at 15% with three layers (20% with five).
 */
export const DEFAULT_LAYER_BUDGETS = [0.1, 0.025, 0.025] as const;
export const VIX_MULTIPLIER = 100;
/** Long-run VIX level θ and mean-reversion speed κ (per year) for the futures estimate. */
export const VIX_FUTURE_MODEL = { longRunLevel: 19.5, reversionPerYear: 5.0 } as const;
export const DEFAULT_VOL_OF_VOL = 0.9;
/** Weekends only: callers should pass the exchange's holidays (src/market/calendar.ts). */
const NO_HOLIDAYS: HolidayRule = () => false;

export interface HedgeInput {
  /**
   * The vol loss in dollars: (x − x̃) × multiplier × quantity, what the condor costs to close
   * beyond what spot and time explain (negative when vol has fallen).
   */
  volLoss: number;
  threshold: number;
  /** Layers already recorded on the position (1-based). */
  activeLayers: readonly number[];
  /** Dollars the recorded layers pay at or above their upper strikes (0 when none). */
  heldPayoff?: number;
  maxLayers?: number;
  /** What layer i may spend, as a share of the condor's max loss (default 10%, 2.5%, 2.5%). */
  layerBudgets?: readonly number[];
  /** The condor's max loss in dollars (its margin). */
  condorMaxLoss: number;
  condorExpiry: IsoDate;
  valuationDate: IsoDate;
  vix: number;
  /** VVIX, when known: σᵥ = VVIX/100. */
  vvix?: number | null;
  /** A quoted VIX future for the hedge's expiry, when known. */
  vixFuture?: { expiry: IsoDate; price: number } | null;
  regime: RegimeName;
  rate: number;
  isHoliday?: HolidayRule;
}

export type LayerStatus = 'active' | 'proposed' | 'waiting';

export interface HedgeLayerQuote {
  layer: number;
  status: LayerStatus;
  /** Vol loss, as a share of max loss, at which the layer fires (i·T). */
  trigger: number;
  budgetShare: number;
  /** Dollars. */
  budget: number;
  longStrike: number;
  shortStrike: number;
  /** Per VIX point (one spread = debit × 100 dollars). */
  debit: number;
  contracts: number;
  /** Dollars. */
  cost: number;
  /** Dollars the layer pays with VIX at or above its upper (short) strike at expiry. */
  payoffAtUpperStrike: number;
  /** payoffAtUpperStrike / condor max loss. */
  coverage: number;
  /** What held the size down: the layer's budget, or the max loss left to cover. */
  limitedBy: 'budget' | 'max loss';
  /** Why zero contracts, when zero. */
  note: string | null;
}

export interface HedgeProposal {
  vixExpiry: IsoDate;
  yearsToExpiry: number;
  future: number;
  futureIsEstimate: boolean;
  volOfVol: number;
  volOfVolSource: 'vvix' | 'default';
  spreadWidth: number;
  layers: HedgeLayerQuote[];
  /** The vol loss the proposal was made for, in dollars and as a share of max loss. */
  volLoss: number;
  volLossShare: number;
  /** Dollars all layers together may spend (the sum of the layer budgets). */
  costCap: number;
  /** The layers that fire now and are not active yet: what the engine proposes. */
  proposed: HedgeLayerQuote[];
}

/**
 * h = vol loss / max loss (both in dollars, or both in points per share): the hedge trigger's
 * scale. Unlike b_x = (x − x̃)/C it does not explode for a cheap condor, and it is in the same
 * unit as the budgets and the coverage.
 */
export function volLossShare(volLoss: number, maxLoss: number): number {
  return maxLoss > 0 ? volLoss / maxLoss : 0;
}

/** Dollars a VIX call spread position pays at or above its upper strike. */
export function spreadPayoff(contracts: number, longStrike: number, shortStrike: number): number {
  return contracts * (shortStrike - longStrike) * VIX_MULTIPLIER;
}

export interface LayerSizeInput {
  /** Debit of one spread per VIX point. */
  debit: number;
  longStrike: number;
  shortStrike: number;
  /** Dollars this layer may spend. */
  budget: number;
  /** Dollars the position's other layers (held, or proposed below this one) pay at their upper strikes. */
  coveredAlready: number;
  /** Dollars. */
  condorMaxLoss: number;
}

export interface LayerSize {
  contracts: number;
  cost: number;
  payoffAtUpperStrike: number;
  coverage: number;
  limitedBy: 'budget' | 'max loss';
}

/**
 * How many spreads a layer buys: as many as its budget pays for, and never so many that all the
 * layers together pay more than the condor can lose (payoff at the upper strikes ≤ max loss).
 * The one sizing rule, used by proposeHedge and by the backtest.
 */
export function sizeHedgeLayer(input: LayerSizeInput): LayerSize {
  const spreadCost = input.debit * VIX_MULTIPLIER;
  const perSpread = spreadPayoff(1, input.longStrike, input.shortStrike);
  const byBudget = spreadCost > 0 ? Math.floor(input.budget / spreadCost + 1e-9) : 0;
  const room = Math.max(0, input.condorMaxLoss - input.coveredAlready);
  const byMaxLoss = perSpread > 0 ? Math.floor(room / perSpread + 1e-9) : 0;
  const contracts = Math.min(byBudget, byMaxLoss);
  const payoffAtUpperStrike = contracts * perSpread;
  return {
    contracts,
    cost: contracts * spreadCost,
    payoffAtUpperStrike,
    coverage: input.condorMaxLoss > 0 ? payoffAtUpperStrike / input.condorMaxLoss : 0,
    limitedBy: byMaxLoss < byBudget ? 'max loss' : 'budget',
  };
}

/** F = θ + (VIX − θ) e^{−κτ}: the labelled estimate when no futures quote is known. */
export function estimateVixFuture(vix: number, years: number): number {
  const { longRunLevel, reversionPerYear } = VIX_FUTURE_MODEL;
  return longRunLevel + (vix - longRunLevel) * Math.exp(-reversionPerYear * years);
}

/** The ALVH proposal: every layer with its status, and the ones to add now. */
export function proposeHedge(input: HedgeInput): HedgeProposal {
  const maxLayers = input.maxLayers ?? 3;
  const budgets = input.layerBudgets ?? DEFAULT_LAYER_BUDGETS;
  const isHoliday = input.isHoliday ?? NO_HOLIDAYS;
  const vixExpiry = vixExpiryOnOrAfter(input.condorExpiry, isHoliday);
  const yearsToExpiry = Math.max(0, daysBetween(input.valuationDate, vixExpiry)) / 365;
  const quoted =
    input.vixFuture && input.vixFuture.expiry === vixExpiry && input.vixFuture.price > 0 ? input.vixFuture.price : null;
  const future = quoted ?? estimateVixFuture(input.vix, yearsToExpiry);
  const volOfVol = input.vvix && input.vvix > 0 ? input.vvix / 100 : DEFAULT_VOL_OF_VOL;
  const spreadWidth = input.regime === 'extreme' ? 10 : 5;
  const longStrike = Math.ceil(future - 1e-9);
  const shortStrike = longStrike + spreadWidth;
  const longCall = black76({
    type: 'call',
    forward: future,
    strike: longStrike,
    years: yearsToExpiry,
    vol: volOfVol,
    rate: input.rate,
  }).price;
  const shortCall = black76({
    type: 'call',
    forward: future,
    strike: shortStrike,
    years: yearsToExpiry,
    vol: volOfVol,
    rate: input.rate,
  }).price;
  const debit = Math.max(0, longCall - shortCall);
  const active = new Set(input.activeLayers);
  const share = volLossShare(input.volLoss, input.condorMaxLoss);
  const budgetShareOf = (layer: number) => budgets[layer - 1] ?? budgets[budgets.length - 1] ?? 0;

  // Held layers count first; a proposed layer counts for the layers above it.
  let covered = input.heldPayoff ?? 0;
  const layers: HedgeLayerQuote[] = [];
  for (let layer = 1; layer <= maxLayers; layer++) {
    const budgetShare = budgetShareOf(layer);
    const budget = budgetShare * input.condorMaxLoss;
    const size = sizeHedgeLayer({
      debit,
      longStrike,
      shortStrike,
      budget,
      coveredAlready: covered,
      condorMaxLoss: input.condorMaxLoss,
    });
    const trigger = layer * input.threshold;
    const status: LayerStatus = active.has(layer) ? 'active' : share >= trigger ? 'proposed' : 'waiting';
    if (status === 'proposed') covered += size.payoffAtUpperStrike;
    layers.push({
      layer,
      status,
      trigger,
      budgetShare,
      budget,
      longStrike,
      shortStrike,
      debit,
      ...size,
      note: size.contracts === 0 ? zeroNote(size, budgetShare, budget, debit) : null,
    });
  }
  const proposed = layers.filter((quote) => quote.status === 'proposed');
  let costCap = 0;
  for (let layer = 1; layer <= maxLayers; layer++) costCap += budgetShareOf(layer) * input.condorMaxLoss;
  return {
    vixExpiry,
    yearsToExpiry,
    future,
    futureIsEstimate: quoted === null,
    volOfVol,
    volOfVolSource: input.vvix && input.vvix > 0 ? 'vvix' : 'default',
    spreadWidth,
    volLoss: input.volLoss,
    volLossShare: share,
    costCap,
    layers,
    proposed,
  };
}

function zeroNote(size: LayerSize, budgetShare: number, budget: number, debit: number): string {
  const spreadCost = debit * VIX_MULTIPLIER;
  if (!(spreadCost > 0)) return 'the spread has no value to buy at this future and vol';
  if (size.limitedBy === 'max loss') return 'the layers below it already pay as much as the condor can lose';
  return `the ${percent(budgetShare)} budget (${dollars(budget)}) buys less than one spread at ${dollars(spreadCost)}`;
}

/** Why no layer is bought although b_x ≥ T: none due yet, none affordable, or all held already. */
export function hedgeWaitReason(hedge: HedgeProposal): string {
  const due = hedge.proposed[0];
  if (due) return `ALVH layer ${due.layer} is due but buys nothing: ${due.note ?? 'zero contracts'}`;
  const next = hedge.layers.find((quote) => quote.status === 'waiting');
  return next
    ? `the vol loss is ${percent(hedge.volLossShare)} of max loss, under ALVH layer ${next.layer}'s trigger ` +
        `${percent(next.trigger)}`
    : 'every ALVH layer is already held';
}

/** The layers to buy now: fired, not held, and with at least one spread to buy. */
export const layersToBuy = (hedge: HedgeProposal) => hedge.proposed.filter((quote) => quote.contracts > 0);

/**
 * The proposal in one line ("Add layer 1: VIX 2027-01-20 21/26 call spread at 1.85 (estimated VIX
 * future 20.40 for 2027-01-20)"). A function rather than a field: every position evaluation
 * builds a proposal, few show this line.
 */
export function hedgeSummary(hedge: HedgeProposal): string {
  const { layers, vixExpiry } = hedge;
  const proposed = layersToBuy(hedge);
  const first = layers[0];
  const futureLabel =
    `${hedge.futureIsEstimate ? 'estimated ' : ''}VIX future ${points(hedge.future)} for ` + `${vixExpiry}`;
  return proposed.length && first
    ? `Add layer${proposed.length > 1 ? 's' : ''} ${proposed.map((q) => q.layer).join(', ')}: VIX ${vixExpiry} ` +
        `${first.longStrike}/${first.shortStrike} call spread at ${points(first.debit)} (${futureLabel})`
    : `No layer to add: vol loss ${percent(hedge.volLossShare)} of max loss vs layer triggers ` +
        `${layers.map((q) => percent(q.trigger)).join(' / ')}`;
}
