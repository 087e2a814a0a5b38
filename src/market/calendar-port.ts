// The calendar port (src/app/ports.ts) over the NYSE calendar, the expiry calendar and the macro
// events (the shipped list plus the operator's additions from configuration).
import type { CalendarPort } from '../app/ports.ts';
import { dayAfterFomc, eventsWithin, loadEvents, type MarketEvent } from './events.ts';
import {
  isHoliday, isTradingDay, newYorkDate, newYorkInstant, nextTradingDay, previousTradingDay, settlementInstant,
} from './calendar.ts';
import { listedExpiryNearest } from './expiry-calendar.ts';

export function createCalendar(extraEvents: readonly unknown[] = []): CalendarPort {
  const loaded = loadEvents(extraEvents);
  if (!loaded.ok) throw new Error(`macro events: ${loaded.error}`);
  const events: readonly MarketEvent[] = loaded.value;
  return {
    newYorkDate,
    isTradingDay,
    isHoliday,
    nextTradingDay,
    previousTradingDay,
    settlementInstant,
    newYorkInstant,
    listedExpiryNearest: (fromDate, targetDte) => {
      const nearest = listedExpiryNearest(fromDate, targetDte);
      return { expiry: nearest.expiry, dte: nearest.dte, settlement: nearest.settlement, root: nearest.root };
    },
    eventsWithin: (date, tradingDays) => eventsWithin(date, tradingDays, events).map((e) => ({ date: e.date, kind: e.kind, title: e.title })),
    dayAfterFomc: (date) => dayAfterFomc(date, events),
  };
}
