// ALVH, the adaptive layered VIX hedge (ENGINE.md §7). Layer i fires when the premium breach
// b_x reaches i·T. Each layer is a VIX call spread on the first VIX expiry on or after the
// condor's, long at the VIX future rounded up to a whole point, short 5 points above (10 in the
// extreme regime), priced with Black-76 and sized to a budget that grows with the layer.
import { daysBetween, type IsoDate } from './dates.ts';
import { vixExpiryOnOrAfter, type HolidayRule } from './expiries.ts';
import { pct, pts, usd } from './format.ts';
import { black76 } from './options.ts';
import type { RegimeName } from './regime.ts';

export const DEFAULT_LAYER_BUDGETS = [0.1, 0.125, 0.15] as const;
export const VIX_MULTIPLIER = 100;
/** Long-run VIX level θ and mean-reversion speed κ (per year) for the futures estimate. */
export const VIX_FUTURE_MODEL = { longRunLevel: 19.5, reversionPerYear: 5.0 } as const;
export const DEFAULT_VOL_OF_VOL = 0.9;
/** Weekends only: callers should pass the exchange's holidays (src/market/calendar.ts). */
const NO_HOLIDAYS: HolidayRule = () => false;

export interface HedgeInput {
  premiumBreach: number;
  threshold: number;
  /** Layers already recorded on the position (1-based). */
  activeLayers: readonly number[];
  maxLayers?: number;
  /** Layer i's budget as a share of the condor's max loss (default 10%, 12.5%, 15%). */
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
  /** b_x level at which the layer fires (i·T). */
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
  /** Dollars at or above the short strike at expiry. */
  payoffAtShortStrike: number;
  /** payoffAtShortStrike / condor max loss. */
  coverage: number;
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
  /** b_x the proposal was made for. */
  premiumBreach: number;
  /** The layers that fire now and are not active yet: what the engine proposes. */
  proposed: HedgeLayerQuote[];
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

  const layers: HedgeLayerQuote[] = [];
  for (let layer = 1; layer <= maxLayers; layer++) {
    const budgetShare = budgets[layer - 1] ?? budgets[budgets.length - 1] ?? 0.1;
    const budget = budgetShare * input.condorMaxLoss;
    const spreadCost = debit * VIX_MULTIPLIER;
    const contracts = spreadCost > 0 ? Math.floor(budget / spreadCost + 1e-9) : 0;
    const payoffAtShortStrike = contracts * spreadWidth * VIX_MULTIPLIER;
    const trigger = layer * input.threshold;
    const status: LayerStatus = active.has(layer) ? 'active' : input.premiumBreach >= trigger ? 'proposed' : 'waiting';
    layers.push({
      layer,
      status,
      trigger,
      budgetShare,
      budget,
      longStrike,
      shortStrike,
      debit,
      contracts,
      cost: contracts * spreadCost,
      payoffAtShortStrike,
      coverage: input.condorMaxLoss > 0 ? payoffAtShortStrike / input.condorMaxLoss : 0,
      note:
        contracts === 0
          ? spreadCost > 0
            ? `the ${pct(budgetShare)} budget (${usd(budget)}) buys less than one spread at ${usd(spreadCost)}`
            : 'the spread has no value to buy at this future and vol'
          : null,
    });
  }
  const proposed = layers.filter((quote) => quote.status === 'proposed');
  return {
    vixExpiry,
    yearsToExpiry,
    future,
    futureIsEstimate: quoted === null,
    volOfVol,
    volOfVolSource: input.vvix && input.vvix > 0 ? 'vvix' : 'default',
    spreadWidth,
    premiumBreach: input.premiumBreach,
    layers,
    proposed,
  };
}

/**
 * The proposal in one line ("Add layer 1: VIX 2027-01-20 21/26 call spread at 1.85 (estimated VIX
 * future 20.40 for 2027-01-20)"). A function rather than a field: every position evaluation
 * builds a proposal, few show this line.
 */
export function hedgeSummary(hedge: HedgeProposal): string {
  const { proposed, layers, vixExpiry } = hedge;
  const first = layers[0];
  const futureLabel = `${hedge.futureIsEstimate ? 'estimated ' : ''}VIX future ${pts(hedge.future)} for ${vixExpiry}`;
  return proposed.length && first
    ? `Add layer${proposed.length > 1 ? 's' : ''} ${proposed.map((q) => q.layer).join(', ')}: VIX ${vixExpiry} ${first.longStrike}/${first.shortStrike} call spread at ${pts(first.debit)} (${futureLabel})`
    : `No layer to add: b_x ${pct(hedge.premiumBreach)} vs layer triggers ${layers.map((q) => pct(q.trigger)).join(' / ')}`;
}
