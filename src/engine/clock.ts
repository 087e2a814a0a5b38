// The two clocks of a valuation (docs/engine.md, "Two clocks"). Variance accrues while the
// market trades, so volatility runs on trading time: sessions left / 252. Money accrues every
// day, so discounting and carry run on calendar time to the settlement instant: ACT/365.
// The engine reads no calendar itself: the NYSE sessions come in as a TradingSessions value
// (built from src/market/calendar.ts by the app), so the same inputs always give the same clock.
import { fromDayNumber, MS_PER_YEAR, toDayNumber, type IsoDate } from './dates.ts';

export type Settlement = 'AM' | 'PM';

/** Trading days in a year of variance time (the convention of volatility desks). */
export const TRADING_DAYS_PER_YEAR = 252;

/** What the clock needs to know about the exchange calendar. */
export interface TradingSessions {
  /** The New York civil date of an instant. */
  dateOf(epochMs: number): IsoDate;
  /** The cash session of a date (open and close instants), or null when there is none. */
  sessionOf(date: IsoDate): { openMs: number; closeMs: number } | null;
  /** The same New York wall-clock time on the next trading day (for theta). */
  sameTimeNextTradingDay(epochMs: number): number;
}

/** Time to settlement on the two clocks, in years. */
export interface TimeToSettlement {
  /** Sessions to settlement / 252: what volatility scales with (σ²·varianceYears). */
  varianceYears: number;
  /** (settlement − now) / 365 days: what the forward and the discount factor use. */
  discountYears: number;
}

/** A time to settlement on both clocks; a plain number is the single ACT/365 clock. */
export const asTime = (time: TimeToSettlement | number): TimeToSettlement =>
  typeof time === 'number' ? { varianceYears: time, discountYears: time } : time;

export interface ValuationClock extends TimeToSettlement {
  /** The sessions behind varianceYears (today's share + days between + the expiry day's share). */
  sessions: number;
  settlementMs: number;
  /** The same clock at the same time on the next trading day: theta is the change to then. */
  nextTradingDay: TimeToSettlement;
}

/** Epoch ms when an expiry settles: the open (AM, the special opening quotation) or the close (PM). */
export function settlementMsOf(expiry: IsoDate, settlement: Settlement, calendar: TradingSessions): number {
  const session = calendar.sessionOf(expiry);
  if (!session) throw new RangeError(`no NYSE session on ${expiry}: not an expiry date`);
  return settlement === 'AM' ? session.openMs : session.closeMs;
}

/** The share of a session still to run at an instant: 1 before the open, 0 after the close. */
function shareLeft(session: { openMs: number; closeMs: number }, nowMs: number, untilMs = session.closeMs): number {
  const length = session.closeMs - session.openMs;
  const from = Math.max(nowMs, session.openMs);
  return Math.max(0, untilMs - from) / length;
}

/** Sessions of variance from an instant to a settlement (docs/engine.md, "Two clocks"). */
export function sessionsToSettlement(
  nowMs: number,
  expiry: IsoDate,
  settlement: Settlement,
  calendar: TradingSessions,
): number {
  const settlementMs = settlementMsOf(expiry, settlement, calendar);
  if (nowMs >= settlementMs) return 0;
  const today = calendar.dateOf(nowMs);
  const todaySession = calendar.sessionOf(today);
  if (today === expiry) {
    // Only the part of today's session before settlement counts (nothing for AM: it settles at the open).
    return todaySession ? shareLeft(todaySession, nowMs, settlementMs) : 0;
  }
  let sessions = todaySession ? shareLeft(todaySession, nowMs) : 0;
  for (let day = toDayNumber(today) + 1; day < toDayNumber(expiry); day++) {
    if (calendar.sessionOf(fromDayNumber(day))) sessions += 1;
  }
  return sessions + (settlement === 'PM' ? 1 : 0);
}

/** Both clocks at one instant, without the next-day reading. */
export function timeToSettlement(
  nowMs: number,
  expiry: IsoDate,
  settlement: Settlement,
  calendar: TradingSessions,
): TimeToSettlement & { sessions: number; settlementMs: number } {
  const settlementMs = settlementMsOf(expiry, settlement, calendar);
  const sessions = sessionsToSettlement(nowMs, expiry, settlement, calendar);
  return {
    sessions,
    settlementMs,
    varianceYears: sessions / TRADING_DAYS_PER_YEAR,
    discountYears: Math.max(0, settlementMs - nowMs) / MS_PER_YEAR,
  };
}

/**
 * The valuation clock of an expiry at an instant: variance and discount years, and the same at
 * the same time on the next trading day. The backtest calls it at each close.
 */
export function valuationClock(
  nowMs: number,
  expiry: IsoDate,
  settlement: Settlement,
  calendar: TradingSessions,
): ValuationClock {
  const now = timeToSettlement(nowMs, expiry, settlement, calendar);
  const later = timeToSettlement(calendar.sameTimeNextTradingDay(nowMs), expiry, settlement, calendar);
  return {
    ...now,
    nextTradingDay: { varianceYears: later.varianceYears, discountYears: later.discountYears },
  };
}

/**
 * The single ACT/365 clock used before the trading-time clock (and by callers that have no
 * calendar): both times are calendar years to settlement, and the next day is 24 hours later.
 */
export function calendarClock(nowMs: number, settlementMs: number): ValuationClock {
  const years = Math.max(0, settlementMs - nowMs) / MS_PER_YEAR;
  const nextYears = Math.max(0, settlementMs - nowMs - MS_PER_YEAR / 365) / MS_PER_YEAR;
  return {
    varianceYears: years,
    discountYears: years,
    sessions: years * TRADING_DAYS_PER_YEAR,
    settlementMs,
    nextTradingDay: { varianceYears: nextYears, discountYears: nextYears },
  };
}
