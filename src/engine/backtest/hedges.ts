// ALVH layers inside a backtest campaign (docs/specification.md §7): bought at the Black-76 debit on the
// estimated VIX future plus slippage per leg, valued daily the same way, settled at intrinsic
// value on their VIX expiry (VIX close as the settlement value) or sold with the campaign.
import { black76 } from '../options.ts';
import {
  DEFAULT_LAYER_BUDGETS,
  DEFAULT_VOL_OF_VOL,
  estimateVixFuture,
  sizeHedgeLayer,
  spreadPayoff,
  VIX_MULTIPLIER,
} from '../hedge.ts';

export interface HedgeBook {
  maxLayers: number;
  /** Per layer (index = layer number, 1-based): bought in this campaign (never twice). */
  used: Uint8Array;
  /** Still held (not settled, not sold). */
  held: Uint8Array;
  contracts: Float64Array;
  longStrike: Float64Array;
  shortStrike: Float64Array;
  expiryDay: Int32Array;
}

export function createHedgeBook(maxLayers: number): HedgeBook {
  const size = maxLayers + 1;
  return {
    maxLayers,
    used: new Uint8Array(size),
    held: new Uint8Array(size),
    contracts: new Float64Array(size),
    longStrike: new Float64Array(size),
    shortStrike: new Float64Array(size),
    expiryDay: new Int32Array(size),
  };
}

export function clearHedgeBook(book: HedgeBook): void {
  book.used.fill(0);
  book.held.fill(0);
  book.contracts.fill(0);
}

/** True when some layer not bought yet has its trigger (layer · T) reached. */
export function layerDue(book: HedgeBook, premiumBreach: number, threshold: number): boolean {
  for (let layer = 1; layer <= book.maxLayers; layer++)
    if (!book.used[layer] && premiumBreach >= layer * threshold) return true;
  return false;
}

/** Model value of one call spread per VIX point: Black-76 on the estimated future. */
export function spreadValue(
  vix: number,
  years: number,
  longStrike: number,
  shortStrike: number,
  volOfVol: number,
  rate: number,
): number {
  if (!(years > 0)) return Math.min(Math.max(vix - longStrike, 0), shortStrike - longStrike);
  const future = estimateVixFuture(vix, years);
  const long = black76({ type: 'call', forward: future, strike: longStrike, years, vol: volOfVol, rate }).price;
  const short = black76({ type: 'call', forward: future, strike: shortStrike, years, vol: volOfVol, rate }).price;
  return Math.max(0, long - short);
}

/** Dollar value of one held layer today. */
export function layerValue(
  book: HedgeBook,
  layer: number,
  vix: number,
  dayNumber: number,
  volOfVol: number,
  rate: number,
): number {
  const years = Math.max(0, book.expiryDay[layer]! - dayNumber) / 365;
  return (
    spreadValue(vix, years, book.longStrike[layer]!, book.shortStrike[layer]!, volOfVol, rate) *
    VIX_MULTIPLIER *
    book.contracts[layer]!
  );
}

export interface LayerQuote {
  longStrike: number;
  shortStrike: number;
  /** Model debit of one spread per VIX point. */
  debit: number;
}

/**
 * proposeHedge's pricing and sizing without its strings and objects (the backtest asks every day
 * a layer is due; test/engine/backtest checks the two agree): the spread on the estimated future
 * for `years` to the VIX expiry, and how many spreads layer `layer`'s budget buys.
 */
export function quoteSpread(
  vix: number,
  years: number,
  vvix: number,
  extreme: boolean,
  rate: number,
  into: LayerQuote,
): void {
  const future = estimateVixFuture(vix, years);
  const volOfVol = vvix > 0 ? vvix / 100 : DEFAULT_VOL_OF_VOL;
  const longStrike = Math.ceil(future - 1e-9);
  const shortStrike = longStrike + (extreme ? 10 : 5);
  const price = (strike: number) =>
    black76({ type: 'call', forward: future, strike, years, vol: volOfVol, rate }).price;
  into.longStrike = longStrike;
  into.shortStrike = shortStrike;
  into.debit = Math.max(0, price(longStrike) - price(shortStrike));
}

/**
 * Spreads layer `layer` (1-based) buys, by proposeHedge's own sizing rule (sizeHedgeLayer): its
 * budget, and the max loss left after the layers this campaign already bought.
 */
export function layerContracts(book: HedgeBook, layer: number, quote: LayerQuote, condorMaxLoss: number): number {
  const budgets = DEFAULT_LAYER_BUDGETS;
  let coveredAlready = 0;
  for (let held = 1; held <= book.maxLayers; held++)
    if (book.used[held])
      coveredAlready += spreadPayoff(book.contracts[held]!, book.longStrike[held]!, book.shortStrike[held]!);
  return sizeHedgeLayer({
    debit: quote.debit,
    longStrike: quote.longStrike,
    shortStrike: quote.shortStrike,
    budget: (budgets[layer - 1] ?? budgets[budgets.length - 1] ?? 0) * condorMaxLoss,
    coveredAlready,
    condorMaxLoss,
  }).contracts;
}
