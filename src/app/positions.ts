// Stored positions through the engine: the one place that turns a StoredPosition and a market
// view into a PositionEvaluation, shared by /position list, /position show, /hedge and the
// personal daily summary.
import {
  evaluatePosition, underlyingFor, UNDERLYINGS, type Condor, type PositionEvaluation,
} from '../engine/index.ts';
import type { CommandContext } from './command.ts';
import type { MarketView } from './market-view.ts';
import type { CalendarPort, StoredPosition, UserSettings } from './ports.ts';

export function condorOf(position: StoredPosition): Condor {
  return {
    underlying: underlyingFor(position.underlying) ?? UNDERLYINGS.SPX,
    strikes: position.strikes,
    expiry: position.expiry,
    quantity: position.quantity,
    credit: position.credit,
  };
}

/** Scales an SPX view to the position's underlying (XSP is SPX/10). */
function spotFor(position: StoredPosition, view: MarketView): number {
  return position.underlying === 'XSP' ? view.state.spot / 10 : view.state.spot;
}

export function evaluateStored(position: StoredPosition, view: MarketView, settings: UserSettings, calendar: CalendarPort): PositionEvaluation {
  const today = view.state.valuationDate;
  return evaluatePosition({
    position: {
      condor: condorOf(position),
      entry: position.entry,
      settlementMs: position.settlementMs,
      activeHedgeLayers: position.hedgeLayers.map((layer) => layer.layer),
    },
    market: { ...view.state, spot: spotFor(position, view), vol: view.volFor(position.expiry) },
    regime: view.regime,
    settings,
    vvix: view.snapshot.vvix?.value ?? null,
    isHoliday: calendar.isHoliday, // a stable function: the engine remembers expiries per rule
    upcomingEvents: calendar.eventsWithin(today, 3),
    dayAfterFomc: calendar.dayAfterFomc(today),
  });
}

export function evaluateForCaller(context: CommandContext, position: StoredPosition, view: MarketView): PositionEvaluation {
  return evaluateStored(position, view, context.user.settings.get(), context.calendar);
}

/** Actions that want the trader's attention first. */
export const ACTION_URGENCY: Record<string, number> = { CLOSE: 0, ROLL: 1, HEDGE: 2, TAKE_PROFIT: 3, TIGHTEN: 4, HOLD: 5 };
