// Listed SPX-family and VIX expiries on the NYSE calendar. The rules themselves live in the engine
// (src/engine/expiries.ts); this file feeds them NYSE's holidays and knows which days list what.
//
// SPXW (PM-settled, settles on the close) lists every trading day since Thursday expiries started
// in May 2022, and that is what the product trades going forward. Before that SPXW ran on fewer
// weekdays; backtests reach back to 1990, so the history is modelled, by first expiry date:
//   Friday weeklies      from 2005-10-28 (launched October 2005; the exact first date is approximate)
//   Wednesday weeklies   from 2016-03-02 (Cboe notice: listed 2016-02-23, first expiries Mar 2 and 9)
//   Monday weeklies      from 2016-08-22 (Cboe notice: listed 2016-08-15, first expiries Aug 22 and 29)
//   Tuesday expiries     from 2022-04-26 (listing began 2022-04-18; first date approximate)
//   Thursday expiries    from 2022-05-19 (listing began 2022-05-11; first date approximate)
// Before 2022-05-19 a Friday or Wednesday weekly that falls on a holiday moves to the trading day
// before, a Monday one to the trading day after, and the third Friday belongs to the AM monthly alone
// until SPXPM became SPXW on 2017-05-01 (from then SPX and SPXW both expire on third Fridays).
// End-of-month and quarterly PM series are not modelled.
// SPX (AM-settled, settles on the special opening quotation) is the standard third-Friday monthly.
import { addDays, toDayNumber, weekday, yearMonth, type IsoDate } from '../engine/dates.ts';
import { spxMonthlyExpiry, vixExpiryForMonth, vixExpiryOnOrAfter } from '../engine/expiries.ts';
import { isHoliday, isTradingDay, nextTradingDay, previousTradingDay } from './calendar.ts';

export type ExpiryRoot = 'SPXW' | 'SPX';
export type Settlement = 'AM' | 'PM';

export interface ListedExpiry {
  expiry: IsoDate;
  root: ExpiryRoot;
  settlement: Settlement;
}

export interface NearestExpiry extends ListedExpiry {
  /** Calendar days from the starting date to the expiry. */
  dte: number;
}

const DAILY_SPXW_FROM = '2022-05-19';
const THIRD_FRIDAY_SPXW_FROM = '2017-05-01';

/** Weekdays (0 = Sunday) with SPXW expiries, by the first expiry of each. */
const WEEKLY_ERAS: ReadonlyArray<{ from: IsoDate; weekdays: readonly number[] }> = [
  { from: '2022-04-26', weekdays: [1, 2, 3, 5] },
  { from: '2016-08-22', weekdays: [1, 3, 5] },
  { from: '2016-03-02', weekdays: [3, 5] },
  { from: '2005-10-28', weekdays: [5] },
];

/** The standard AM-settled SPX monthly of a month: third Friday, or the day before when that is a holiday. */
export function spxMonthlyExpiryOf(year: number, month: number): IsoDate {
  return spxMonthlyExpiry(year, month, isHoliday);
}

export function spxMonthlyExpiriesOf(year: number): IsoDate[] {
  return Array.from({ length: 12 }, (_, i) => spxMonthlyExpiryOf(year, i + 1));
}

function isSpxMonthlyExpiry(date: IsoDate): boolean {
  const { year, month } = yearMonth(date);
  return spxMonthlyExpiryOf(year, month) === date;
}

/**
 * The VIX option expiry that settles in a month (Wednesday 30 days before next month's SPX expiry, holiday-adjusted).
 */
export function vixExpiryOf(year: number, month: number): IsoDate {
  return vixExpiryForMonth(year, month, isHoliday);
}

export function vixExpiriesOf(year: number): IsoDate[] {
  return Array.from({ length: 12 }, (_, i) => vixExpiryOf(year, i + 1));
}

/**
 * The first VIX expiry on or after a date: the hedge expiry for a condor expiring that day (docs/specification.md §7).
 */
export function firstVixExpiryOnOrAfter(date: IsoDate): IsoDate {
  return vixExpiryOnOrAfter(date, isHoliday);
}

function weeklyEraOf(date: IsoDate): readonly number[] {
  return WEEKLY_ERAS.find((era) => date >= era.from)?.weekdays ?? [];
}

/** Whether a PM-settled SPXW series expires on this date (see the history above). */
export function isSpxwExpiry(date: IsoDate): boolean {
  if (!isTradingDay(date)) return false;
  if (date >= DAILY_SPXW_FROM) return true;
  const weekdays = weeklyEraOf(date);
  if (weekdays.length === 0) return false;
  if (isSpxMonthlyExpiry(date)) return date >= THIRD_FRIDAY_SPXW_FROM;
  if (weekdays.includes(weekday(date))) return true;
  // A scheduled Wednesday or Friday that is a holiday expires on the trading day before it, a
  // scheduled Monday holiday on the trading day after it.
  const movedHere = (closed: IsoDate, moves: readonly number[]) =>
    isHoliday(closed) && moves.includes(weekday(closed)) && weekdays.includes(weekday(closed));
  const next = nextTradingDay(date);
  const previous = previousTradingDay(date);
  for (let day = addDays(date, 1); day < next; day = addDays(day, 1)) if (movedHere(day, [3, 5])) return true;
  for (let day = addDays(date, -1); day > previous; day = addDays(day, -1)) if (movedHere(day, [1])) return true;
  return false;
}

/** The series expiring on a date, SPXW first (both expire on third Fridays since 2017-05). */
export function listedExpiriesOn(date: IsoDate): ListedExpiry[] {
  const listed: ListedExpiry[] = [];
  if (isSpxwExpiry(date)) listed.push({ expiry: date, root: 'SPXW', settlement: 'PM' });
  if (isTradingDay(date) && isSpxMonthlyExpiry(date)) listed.push({ expiry: date, root: 'SPX', settlement: 'AM' });
  return listed;
}

/** Every listed expiry date in [from, to], one entry per date, SPXW preferred over SPX on shared dates. */
export function listedExpiriesBetween(from: IsoDate, to: IsoDate): ListedExpiry[] {
  const expiries: ListedExpiry[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const first = listedExpiriesOn(day)[0];
    if (first) expiries.push(first);
  }
  return expiries;
}

/**
 * The listed expiry whose DTE (calendar days from `fromDate`, which itself counts as DTE 0) is
 * nearest `targetDte`. SPXW (PM) is preferred where it lists; before SPXW existed the AM monthly is
 * what there was. Ties go to the later expiry: more time, never a shorter trade than asked for.
 */
export function listedExpiryNearest(fromDate: IsoDate, targetDte: number): NearestExpiry {
  if (!Number.isInteger(targetDte) || targetDte < 0)
    throw new RangeError(`targetDte must be a whole number ≥ 0, got ${targetDte}`);
  // Listed expiries are never more than ~5 weeks apart, so the nearest sits within target + 40 days.
  const candidates = listedExpiriesBetween(fromDate, addDays(fromDate, targetDte + 40));
  let best: NearestExpiry | null = null;
  for (const candidate of candidates) {
    const dte = toDayNumber(candidate.expiry) - toDayNumber(fromDate);
    if (!best || Math.abs(dte - targetDte) <= Math.abs(best.dte - targetDte)) best = { ...candidate, dte };
    if (dte >= targetDte) break; // later candidates only get farther
  }
  if (!best) throw new RangeError(`no listed SPX expiry within ${targetDte + 40} days of ${fromDate}`);
  return best;
}
