// The NYSE trading calendar, on New York civil dates ('YYYY-MM-DD'), plus New York clock helpers.
//
// Every date rule below is integer arithmetic on day numbers (src/engine/dates.ts): no Date object,
// no process time zone, so the answers are the same under TZ=UTC, Asia/Tokyo or anything else.
// Instants (epoch ms) go through luxon with the zone always named, never the system zone.
//
// We keep our own rules rather than nyse-holidays: that package reads the process time zone and
// knows neither early closes nor one-off closures (docs/decisions.md).
//
// Coverage: the regular holiday rules are the modern ones (Monday holidays since 1971, MLK Day from
// 1998, Juneteenth from 2022), one-off closures are listed from 1985, and 13:00 early closes from
// 1993 (1990–1992 had a few 14:00 closes that are not modelled). Earlier years get the modern rules,
// which is wrong in places (Washington's Birthday on Feb 22, Election Day closures...).
import { DateTime, IANAZone } from 'luxon';
import {
  addDays,
  easterSunday,
  formatIsoDate,
  fromDayNumber,
  isWeekend,
  lastWeekday,
  nthWeekday,
  parseIsoDate,
  toDayNumber,
  weekday,
  yearMonth,
  type IsoDate,
} from '../engine/dates.ts';
import { valuationClock, type TradingSessions, type ValuationClock } from '../engine/clock.ts';

export const NEW_YORK = 'America/New_York';
export const MARKET_OPEN = '09:30';
export type SessionClose = '16:00' | '13:00';
export interface CalendarDay {
  date: IsoDate;
  name: string;
}

// Unscheduled full-day closures (NYSE's historical closings list, as also kept by
// pandas_market_calendars and exchange_calendars).
const ONE_OFF_CLOSURES: ReadonlyArray<readonly [IsoDate, string]> = [
  ['1985-09-27', 'Hurricane Gloria'],
  ['1994-04-27', 'funeral of former President Nixon'],
  ['2001-09-11', 'September 11 attacks'],
  ['2001-09-12', 'September 11 attacks'],
  ['2001-09-13', 'September 11 attacks'],
  ['2001-09-14', 'September 11 attacks'],
  ['2004-06-11', 'national day of mourning for former President Reagan'],
  ['2007-01-02', 'national day of mourning for former President Ford'],
  ['2012-10-29', 'Hurricane Sandy'],
  ['2012-10-30', 'Hurricane Sandy'],
  ['2018-12-05', 'national day of mourning for former President George H. W. Bush'],
  ['2025-01-09', 'national day of mourning for former President Carter'],
];

// Early closes that no yearly rule produces (Fridays after a Thursday Christmas).
const ONE_OFF_EARLY_CLOSES: ReadonlyArray<readonly [IsoDate, string]> = [
  ['1997-12-26', 'day after Christmas'],
  ['2003-12-26', 'day after Christmas'],
];

/** Saturday holidays move to Friday, Sunday holidays to Monday. */
function nearestWeekday(date: IsoDate): IsoDate {
  const day = weekday(date);
  return day === 6 ? addDays(date, -1) : day === 0 ? addDays(date, 1) : date;
}

function regularHolidays(year: number): CalendarDay[] {
  const days: CalendarDay[] = [];
  const add = (date: IsoDate | null, name: string) => {
    if (date) days.push({ date, name });
  };
  // New Year's Day on a Saturday is not observed on Dec 31: NYSE keeps the year-end session.
  const newYear = formatIsoDate(year, 1, 1);
  const newYearDay = weekday(newYear);
  add(newYearDay === 6 ? null : newYearDay === 0 ? addDays(newYear, 1) : newYear, "New Year's Day");
  if (year >= 1998) add(nthWeekday(year, 1, 1, 3), 'Martin Luther King Jr. Day');
  add(nthWeekday(year, 2, 1, 3), "Washington's Birthday (Presidents' Day)");
  add(addDays(easterSunday(year), -2), 'Good Friday');
  add(lastWeekday(year, 5, 1), 'Memorial Day');
  if (year >= 2022) add(nearestWeekday(formatIsoDate(year, 6, 19)), 'Juneteenth National Independence Day');
  add(nearestWeekday(formatIsoDate(year, 7, 4)), 'Independence Day');
  add(nthWeekday(year, 9, 1, 1), 'Labor Day');
  add(nthWeekday(year, 11, 4, 4), 'Thanksgiving Day');
  add(nearestWeekday(formatIsoDate(year, 12, 25)), 'Christmas Day');
  return days;
}

function regularEarlyCloses(year: number): CalendarDay[] {
  const days: CalendarDay[] = [];
  const julyThird = formatIsoDate(year, 7, 3);
  const julyThirdDay = weekday(julyThird);
  // Day before Independence Day: Mon/Tue/Thu since 1995; a Wednesday only since 2013 (before, the
  // Friday after a Thursday July 4 closed early instead). A Friday July 3 is the observed holiday.
  if (year >= 1995 && [1, 2, 4].includes(julyThirdDay))
    days.push({ date: julyThird, name: 'day before Independence Day' });
  if (year >= 2013 && julyThirdDay === 3) days.push({ date: julyThird, name: 'day before Independence Day' });
  const julyFifth = formatIsoDate(year, 7, 5);
  if (year >= 1996 && year <= 2012 && weekday(julyFifth) === 5)
    days.push({ date: julyFifth, name: 'day after Independence Day' });
  if (year >= 1993) {
    days.push({ date: addDays(nthWeekday(year, 11, 4, 4), 1), name: 'day after Thanksgiving' });
    // A Friday Dec 24 is the observed Christmas holiday; weekends have no session anyway.
    const christmasEve = formatIsoDate(year, 12, 24);
    if ([1, 2, 3, 4].includes(weekday(christmasEve))) days.push({ date: christmasEve, name: 'Christmas Eve' });
  }
  return days;
}

interface YearCalendar {
  closures: Map<IsoDate, string>;
  earlyCloses: Map<IsoDate, string>;
}

const years = new Map<number, YearCalendar>();

function yearCalendar(year: number): YearCalendar {
  let calendar = years.get(year);
  if (!calendar) {
    const inYear = ([date]: readonly [IsoDate, string]) => date.startsWith(`${String(year).padStart(4, '0')}-`);
    const closures = new Map<IsoDate, string>(regularHolidays(year).map((d) => [d.date, d.name]));
    for (const [date, name] of ONE_OFF_CLOSURES.filter(inYear)) closures.set(date, name);
    const earlyCloses = new Map<IsoDate, string>();
    for (const { date, name } of regularEarlyCloses(year)) if (!closures.has(date)) earlyCloses.set(date, name);
    for (const [date, name] of ONE_OFF_EARLY_CLOSES.filter(inYear)) earlyCloses.set(date, name);
    calendar = { closures, earlyCloses };
    years.set(year, calendar);
  }
  return calendar;
}

const sorted = (entries: Map<IsoDate, string>): CalendarDay[] =>
  [...entries].map(([date, name]) => ({ date, name })).sort((a, b) => (a.date < b.date ? -1 : 1));

/** Full-day weekday closures of a year (regular holidays and one-off closures), ascending. */
export function holidaysOf(year: number): CalendarDay[] {
  return sorted(yearCalendar(year).closures);
}

/** 13:00 early closes of a year, ascending. */
export function earlyClosesOf(year: number): CalendarDay[] {
  return sorted(yearCalendar(year).earlyCloses);
}

/** Why NYSE is closed all day on a weekday (null on trading days and weekends). */
export function holidayName(date: IsoDate): string | null {
  if (isWeekend(date)) return null;
  return yearCalendar(yearMonth(date).year).closures.get(date) ?? null;
}

/** Full-day closure on a weekday. Weekends are not holidays: they are simply not trading days. */
export function isHoliday(date: IsoDate): boolean {
  return holidayName(date) !== null;
}

export function isTradingDay(date: IsoDate): boolean {
  return !isWeekend(date) && !isHoliday(date);
}

/** A trading day that closes at 13:00 New York time. */
export function isEarlyClose(date: IsoDate): boolean {
  return isTradingDay(date) && yearCalendar(yearMonth(date).year).earlyCloses.has(date);
}

/** Closing time of the cash session, or null when there is no session that day. */
export function sessionClose(date: IsoDate): SessionClose | null {
  if (!isTradingDay(date)) return null;
  return isEarlyClose(date) ? '13:00' : '16:00';
}

/** The first trading day strictly after a date. */
export function nextTradingDay(date: IsoDate): IsoDate {
  let day = addDays(date, 1);
  while (!isTradingDay(day)) day = addDays(day, 1);
  return day;
}

/** The last trading day strictly before a date. */
export function previousTradingDay(date: IsoDate): IsoDate {
  let day = addDays(date, -1);
  while (!isTradingDay(day)) day = addDays(day, -1);
  return day;
}

export function tradingDayOnOrAfter(date: IsoDate): IsoDate {
  return isTradingDay(date) ? date : nextTradingDay(date);
}

export function tradingDayOnOrBefore(date: IsoDate): IsoDate {
  return isTradingDay(date) ? date : previousTradingDay(date);
}

/**
 * Trading days in (from, to]: `from` excluded, `to` included, like counting sessions left to an
 * expiry. Same date → 0; Friday → next Monday → 1. When `to` is before `from` the count is negative.
 */
export function tradingDaysBetween(from: IsoDate, to: IsoDate): number {
  const start = toDayNumber(from);
  const end = toDayNumber(to);
  if (end < start) return -tradingDaysBetween(to, from);
  let count = 0;
  for (let day = start + 1; day <= end; day++) if (isTradingDay(fromDayNumber(day))) count++;
  return count;
}

/** The next n trading days strictly after a date, ascending. */
export function tradingDaysAfter(date: IsoDate, n: number): IsoDate[] {
  const days: IsoDate[] = [];
  let day = date;
  while (days.length < n) {
    day = nextTradingDay(day);
    days.push(day);
  }
  return days;
}

// ---- New York clock ------------------------------------------------------------------------

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The calendar date of an instant in an IANA zone. */
export function dateInZone(epochMs: number, zone: string): IsoDate {
  const date = DateTime.fromMillis(epochMs, { zone }).toISODate();
  if (!date) throw new RangeError(`not an instant in a known zone: ${epochMs} in ${zone}`);
  return date;
}

/** The New York calendar date of an instant. */
export function newYorkDate(epochMs: number): IsoDate {
  return dateInZone(epochMs, NEW_YORK);
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The one conversion of a wall-clock time ('HH:MM') on a date in an IANA zone to an instant, for
 * the market calendar and the summary scheduler alike (docs/decisions.md, "One wall clock"). The
 * DST rule, as cron applies it:
 * - a time skipped by spring-forward (02:30 in New York on 2027-03-14) is the first minute after
 *   the gap (03:00 EDT), not an hour later;
 * - a time that occurs twice in the fall (01:30 on 2026-11-01) is its first occurrence (01:30 EDT).
 * Market hours never meet either case; a summary at a user-chosen time can.
 */
export function wallClockInstant(date: IsoDate, time: string, zone: string): number {
  const clock = CLOCK_TIME.exec(time);
  if (!clock) throw new RangeError(`not a time (HH:MM): ${time}`);
  const civil = parseIsoDate(date);
  if (!civil) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  const iana = IANAZone.create(zone);
  if (!iana.isValid) throw new RangeError(`not an IANA time zone: ${zone}`);
  // The wall-clock time read as if it were UTC; the real instant is that minus the zone's offset.
  const wall = Date.UTC(civil.year, civil.month - 1, civil.day, Number(clock[1]), Number(clock[2]));
  const offsetBefore = iana.offset(wall - DAY_MS);
  const offsetAfter = iana.offset(wall + DAY_MS);
  // No change of offset within a day either side (every day but two a year): one reading.
  if (offsetBefore === offsetAfter) return wall - offsetBefore * MINUTE_MS;
  const offsets = [offsetBefore, offsetAfter];
  const occurrences = offsets
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => iana.offset(instant) * MINUTE_MS === wall - instant);
  if (occurrences.length) return Math.min(...occurrences);
  // In a gap: the wall time read with the offset before it lands after the transition, the one
  // read with the offset after it lands before; the transition (a whole minute) lies in between.
  const before = Math.min(...offsets);
  const after = Math.max(...offsets);
  let lo = wall - after * MINUTE_MS; // still on the old offset
  let hi = wall - before * MINUTE_MS; // already on the new offset
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (iana.offset(mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The instant of a New York wall-clock time ('HH:MM') on a date, by wallClockInstant's DST rule. */
export function newYorkInstant(date: IsoDate, time: string): number {
  return wallClockInstant(date, time, NEW_YORK);
}

/**
 * When an option on this expiry settles. AM (SPX monthlies): the 09:30 open, where the special
 * opening quotation starts. PM (SPXW): the session's close, which is 13:00 on an early-close day,
 * because expiring PM-settled options stop trading and settle on the early closing value.
 * Throws RangeError when NYSE has no session that day (no listed expiry can fall there).
 */
export function settlementInstant(expiry: IsoDate, settlement: 'AM' | 'PM'): number {
  const close = sessionClose(expiry);
  if (!close) throw new RangeError(`no NYSE session on ${expiry}: not an expiry date`);
  return newYorkInstant(expiry, settlement === 'AM' ? MARKET_OPEN : close);
}

export type SessionState = 'pre' | 'open' | 'post' | 'closed';

export interface MarketSession {
  /**
   * pre: trading day before 09:30; open: in the cash session; post: trading day after the close; closed: no session
   * today.
   */
  state: SessionState;
  /** New York date of the instant. */
  date: IsoDate;
  /** The date when it is a trading day, else null. */
  tradingDay: IsoDate | null;
  opensAt: number | null;
  closesAt: number | null;
  /** The most recent close at or before the instant. */
  lastCloseAt: number;
  /** The next open strictly after the instant. */
  nextOpenAt: number;
}

const closeOf = (date: IsoDate) => newYorkInstant(date, sessionClose(date) ?? '16:00');

export function marketSession(epochMs: number): MarketSession {
  const date = newYorkDate(epochMs);
  const nextOpenAfter = (day: IsoDate) => newYorkInstant(nextTradingDay(day), MARKET_OPEN);
  if (!isTradingDay(date)) {
    const lastCloseAt = closeOf(previousTradingDay(date));
    return {
      state: 'closed',
      date,
      tradingDay: null,
      opensAt: null,
      closesAt: null,
      lastCloseAt,
      nextOpenAt: nextOpenAfter(date),
    };
  }
  const opensAt = newYorkInstant(date, MARKET_OPEN);
  const closesAt = closeOf(date);
  const base = { date, tradingDay: date, opensAt, closesAt };
  if (epochMs < opensAt)
    return { ...base, state: 'pre', lastCloseAt: closeOf(previousTradingDay(date)), nextOpenAt: opensAt };
  if (epochMs < closesAt)
    return { ...base, state: 'open', lastCloseAt: closeOf(previousTradingDay(date)), nextOpenAt: nextOpenAfter(date) };
  return { ...base, state: 'post', lastCloseAt: closesAt, nextOpenAt: nextOpenAfter(date) };
}

/**
 * Whether market data stamped `asOfMs` is stale at `nowMs`. In market hours: older than
 * maxAgeMinutes (default 30). Outside hours nothing new prints, so data is fresh when it comes
 * from the last session's final maxAgeMinutes (a 15:59 print is that session's close) or later.
 */
export function isQuoteStale(asOfMs: number, nowMs: number, maxAgeMinutes = 30): boolean {
  const maxAgeMs = maxAgeMinutes * 60_000;
  const session = marketSession(nowMs);
  if (session.state === 'open') return nowMs - asOfMs > maxAgeMs;
  return asOfMs < session.lastCloseAt - maxAgeMs;
}

/**
 * A function of one argument whose answers are kept: the calendar never changes while the process runs, so a
 * kept answer never goes stale. Past `limit` keys the whole store is dropped and refilled as asked (a bound on
 * memory, not a freshness rule).
 */
function remembered<K, V>(compute: (key: K) => V, limit: number): (key: K) => V {
  const kept = new Map<K, V>();
  return (key) => {
    if (kept.has(key)) return kept.get(key)!;
    const value = compute(key);
    if (kept.size >= limit) kept.clear();
    kept.set(key, value);
    return value;
  };
}

// The valuation clock asks, for every position, for each date's session up to its expiry (two luxon
// wall-clock conversions each), for the New York date of the valuation instant and of the same time
// on the next trading day: uncached, that was nearly all of /position list (docs/decisions.md,
// "Sessions worked out once"). All positions of a list share the instant, and the dates to their
// expiries overlap, so each answer is kept: per date (about 250 a year) and per instant (two per list).
const sessionOfDate = remembered((date: IsoDate): Readonly<{ openMs: number; closeMs: number }> | null => {
  const close = sessionClose(date);
  return close
    ? Object.freeze({ openMs: newYorkInstant(date, MARKET_OPEN), closeMs: newYorkInstant(date, close) })
    : null;
}, 10_000);

const newYorkDateOfInstant = remembered(newYorkDate, 1_000);

// Same New York wall-clock time (DST-correct), on the next trading day.
const sameTimeNextTradingDay = remembered((epochMs: number): number => {
  const here = DateTime.fromMillis(epochMs, { zone: NEW_YORK });
  const { year, month, day } = yearMonthDay(nextTradingDay(here.toISODate()!));
  return here.set({ year, month, day }).toMillis();
}, 1_000);

/** The NYSE sessions as the engine's clock reads them (src/engine/clock.ts). */
export const NYSE_SESSIONS: TradingSessions = {
  dateOf: newYorkDateOfInstant,
  sessionOf: sessionOfDate,
  sameTimeNextTradingDay,
};

/** Both clocks of an expiry at an instant, on the NYSE calendar. */
export function clockAt(epochMs: number, expiry: IsoDate, settlement: 'AM' | 'PM'): ValuationClock {
  return valuationClock(epochMs, expiry, settlement, NYSE_SESSIONS);
}

function yearMonthDay(date: IsoDate): { year: number; month: number; day: number } {
  const { year, month } = yearMonth(date);
  return { year, month, day: Number(date.slice(8, 10)) };
}
