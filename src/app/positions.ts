// Stored positions through the engine: the one place that turns a StoredPosition and a market
// view into a PositionEvaluation, shared by /position list, /position show, /hedge and the
// personal daily summary.
import {
  evaluatePosition,
  spreadPayoff,
  UNDERLYINGS,
  VIX_MULTIPLIER,
  baselineViolation,
  createEntrySnapshot,
  type Action,
  type Condor,
  type UnderlyingSymbol,
  type ValuationClock,
  type PositionEvaluation,
} from '../engine/index.ts';
import type { CommandContext } from './command.ts';
import { points } from './format.ts';
import type { MarketView } from './market-view.ts';
import type { CalendarPort, HedgeLayerRecord, PositionRepository, StoredPosition, UserSettings } from './ports.ts';
import type { MarketState } from '../engine/index.ts';

export function condorOf(position: StoredPosition): Condor {
  return {
    underlying: UNDERLYINGS[position.underlying],
    strikes: position.strikes,
    expiry: position.expiry,
    quantity: position.quantity,
    credit: position.credit,
  };
}

/** The entry snapshot as stored: the engine's, plus SPX at entry for positions on other underlyings. */
export type StoredEntry = StoredPosition['entry'] & { spxAtEntry?: number };

/**
 * The market for an underlying from an SPX view. A spot given by the trader (spot=) is the
 * underlying's own. Otherwise XSP is SPX/10 exactly (and prices with the SPX chain's vols at ten
 * times its strikes); SPY follows SPX in the ratio they had at entry (SPY is not SPX/10: it pays
 * dividends and trades on its own), or SPX/10 when that ratio is unknown.
 */
export function marketFor(
  underlying: UnderlyingSymbol,
  view: MarketView,
  expiry: string,
  entry?: StoredEntry,
): MarketState {
  const spx = view.state.spot;
  const vol = view.volFor(expiry);
  if (underlying === 'XSP') {
    const chainVolAt = vol.chainVolAt;
    return {
      ...view.state,
      spot: view.spotGiven ? spx : spx / 10,
      vol: chainVolAt ? { ...vol, chainVolAt: (strike: number) => chainVolAt(strike * 10) } : vol,
    };
  }
  if (underlying === 'SPY') {
    const ratio = entry?.spxAtEntry ? entry.spot / entry.spxAtEntry : 0.1;
    const { chainVolAt: _ignored, ...proxy } = vol; // the SPX chain does not price SPY strikes
    return { ...view.state, spot: view.spotGiven ? spx : spx * ratio, vol: proxy };
  }
  return { ...view.state, vol };
}

export interface SettlementPrice {
  /** SPX points. */
  price: number;
  /** What the price is, in the trader's words ("the SPX close of 2026-11-23"). */
  label: string;
}

/**
 * The price an expired position settles at (docs/engine.md, "Settlement"), from the market data
 * at hand: a PM expiry settles at that day's SPX close, which is the quote itself when it was
 * taken at or after the close that day, the quote's previous close the next trading day, or later the
 * day's close in the daily SPX closes the bot keeps (history files and cache). An AM expiry settles at
 * that day's opening print (labelled as the open: the official SOQ is not published free), from the
 * quote taken that day or the opening prints the cache kept. Null when the price is not known here.
 */
export function settlementPriceFor(
  position: StoredPosition,
  view: MarketView,
  calendar: CalendarPort,
): SettlementPrice | null {
  if (view.spotGiven) return { price: view.state.spot, label: 'the spot you gave' };
  const quote = view.snapshot.spot;
  if (position.settlement === 'AM') {
    const label = `the SPX opening print of ${position.expiry} (the open, not the official SOQ)`;
    if (quote.open && calendar.newYorkDate(quote.asOfMs) === position.expiry) return { price: quote.open, label };
    const kept = view.snapshot.spxOpens?.find((day) => day.date === position.expiry);
    return kept ? { price: kept.close, label } : null;
  }
  const label = `the SPX close of ${position.expiry}`;
  const quoteDate = calendar.newYorkDate(quote.asOfMs);
  if (quoteDate === position.expiry && quote.asOfMs >= position.settlementMs) return { price: quote.value, label };
  if (quote.previousClose && calendar.previousTradingDay(quoteDate) === position.expiry)
    return { price: quote.previousClose, label };
  const kept = view.snapshot.spxCloses?.find((day) => day.date === position.expiry);
  return kept ? { price: kept.close, label } : null;
}

export function evaluateStored(
  position: StoredPosition,
  view: MarketView,
  settings: UserSettings,
  calendar: CalendarPort,
): PositionEvaluation {
  if (view.state.valuationMs < position.settlementMs) return evaluateAt(position, view, settings, calendar);
  // Expired: value at the settlement price, never at whatever spot is current days later.
  const settled = settlementPriceFor(position, view, calendar);
  if (settled) {
    const atSettlement = { ...view, state: { ...view.state, spot: settled.price } };
    const evaluation = evaluateAt(position, atSettlement, settings, calendar);
    const note = `Settled at ${settled.label}: ${points(settled.price)}.`;
    return { ...evaluation, warnings: [note, ...evaluation.warnings] };
  }
  const evaluation = evaluateAt(position, view, settings, calendar);
  const print = position.settlement === 'AM' ? 'opening print' : 'close';
  return {
    ...evaluation,
    reason:
      `Expired ${position.expiry} (${position.settlement}): its settlement price, the SPX ${print} of that ` +
      `day, is not known here; record what it settled for with /position close ${position.id} <debit>.`,
    proposal: { kind: 'none' },
  };
}

function evaluateAt(
  position: StoredPosition,
  view: MarketView,
  settings: UserSettings,
  calendar: CalendarPort,
): PositionEvaluation {
  const today = view.state.valuationDate;
  return evaluatePosition({
    position: {
      condor: condorOf(position),
      entry: position.entry,
      settlementMs: position.settlementMs,
      clock: calendar.clockAt(view.state.valuationMs, position.expiry, position.settlement),
      activeHedgeLayers: position.hedgeLayers.map((layer) => layer.layer),
      hedgePayoffHeld: position.hedgeLayers.reduce(
        (sum, layer) => sum + spreadPayoff(layer.contracts, layer.longStrike, layer.shortStrike),
        0,
      ),
    },
    market: marketFor(position.underlying, view, position.expiry, position.entry as StoredEntry),
    regime: view.regime,
    settings,
    vvix: view.snapshot.vvix?.value ?? null,
    isHoliday: calendar.isHoliday, // a stable function: the engine remembers expiries per rule
    upcomingEvents: calendar.eventsWithin(today, 3),
    dayAfterFomc: calendar.dayAfterFomc(today),
  });
}

/** Evaluates a position with the caller's settings (pass them when evaluating many positions). */
export async function evaluateForCaller(
  context: CommandContext,
  position: StoredPosition,
  view: MarketView,
  settings?: UserSettings,
): Promise<PositionEvaluation> {
  return evaluateStored(position, view, settings ?? (await context.user.settings.get()), context.calendar);
}

/** Actions that want the trader's attention first. */
export const ACTION_URGENCY: Record<Action, number> = {
  CLOSE: 0,
  ROLL: 1,
  HEDGE: 2,
  TAKE_PROFIT: 3,
  TIGHTEN: 4,
  HOLD: 5,
};

/** A recorded hedge layer's figures: what it cost, what it pays at its upper strike, and its share of max loss. */
export function recordedLayer(layer: HedgeLayerRecord, condorMaxLoss: number) {
  const payoffAtUpperStrike = spreadPayoff(layer.contracts, layer.longStrike, layer.shortStrike);
  return {
    ...layer,
    cost: layer.contracts * layer.debit * VIX_MULTIPLIER,
    payoffAtUpperStrike,
    coverage: condorMaxLoss > 0 ? payoffAtUpperStrike / condorMaxLoss : 0,
  };
}

/** What opening a position records: a condor filled at a market, and where that market came from. */
export interface Opening {
  condor: Condor;
  settlement: 'PM' | 'AM';
  settlementMs: number;
  /** The market at the fill; its valuation instant is when the position was opened. */
  market: MarketState;
  clock: ValuationClock;
  vix: number;
  note: string | null;
  /** cboe, demo, user ... */
  source: string;
  /** SPX at entry, for a position on another underlying that follows SPX afterwards (see marketFor). */
  spxAtEntry?: number;
}

/**
 * Opens a position: the entry snapshot at the fill's market (docs/engine.md), the rule every
 * recorded entry keeps (baseline k₀ not negative), then the stored record. The one home for
 * /position add and a channel's model condor. Returns what the repository's add returns.
 */
export function openPosition(positions: PositionRepository, opening: Opening): ReturnType<PositionRepository['add']> {
  const { condor, market, settlementMs } = opening;
  const snapshot = createEntrySnapshot({ condor, market, settlementMs, clock: opening.clock, vix: opening.vix });
  const negativeBaseline = baselineViolation(snapshot);
  if (negativeBaseline) throw negativeBaseline;
  const entry = opening.spxAtEntry === undefined ? snapshot : { ...snapshot, spxAtEntry: opening.spxAtEntry };
  return positions.add({
    underlying: condor.underlying.symbol,
    strikes: condor.strikes,
    expiry: condor.expiry,
    settlement: opening.settlement,
    settlementMs,
    quantity: condor.quantity,
    credit: condor.credit,
    note: opening.note,
    openedMs: market.valuationMs,
    entry,
    entrySource: opening.source,
  });
}
