// The calendar port (src/app/ports.ts) over the NYSE calendar, the expiry calendar and the macro
// events (the shipped list plus the operator's additions from configuration).
import type { CalendarPort } from '../app/ports.ts';
import type { MacroEvent } from '../engine/index.ts';
import { dayAfterFomc, eventsDayBefore, eventsWithin, loadEvents, type MarketEvent } from './events.ts';
import {
  clockAt,
  isHoliday,
  isTradingDay,
  newYorkDate,
  newYorkInstant,
  nextTradingDay,
  previousTradingDay,
  settlementInstant,
} from './calendar.ts';
import { listedExpiryNearest } from './expiry-calendar.ts';

function remember<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size > 1_000) cache.clear();
    cache.set(key, (value = compute()));
  }
  return value;
}

export function createCalendar(extraEvents: readonly unknown[] = []): CalendarPort {
  const loaded = loadEvents(extraEvents);
  if (!loaded.ok) throw new Error(`macro events: ${loaded.error}`);
  const events: readonly MarketEvent[] = loaded.value;
  const upcoming = new Map<string, MacroEvent[]>();
  const afterFomc = new Map<string, boolean>();
  return {
    newYorkDate,
    isTradingDay,
    isHoliday,
    nextTradingDay,
    previousTradingDay,
    settlementInstant,
    clockAt,
    newYorkInstant,
    listedExpiryNearest: (fromDate, targetDte) => {
      const nearest = listedExpiryNearest(fromDate, targetDte);
      return { expiry: nearest.expiry, dte: nearest.dte, settlement: nearest.settlement, root: nearest.root };
    },
    // Asked once per position evaluated, with the same date: remembered per date.
    eventsWithin: (date, tradingDays) =>
      remember(upcoming, `${date}/${tradingDays}`, () =>
        eventsWithin(date, tradingDays, events).map((e) => ({ date: e.date, kind: e.kind, title: e.title })),
      ),
    dayAfterFomc: (date) => remember(afterFomc, date, () => dayAfterFomc(date, events)),
    eventsDayBefore: (date) =>
      eventsDayBefore(date, events).map((e) => ({ date: e.date, kind: e.kind, title: e.title })),
  };
}
