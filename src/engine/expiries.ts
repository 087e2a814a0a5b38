// Expiry rules that the engine needs and that depend only on a holiday list (passed in, so the
// engine stays pure; src/market/calendar.ts supplies NYSE's).
import { addDays, isWeekend, nextMonth, thirdFriday, toDayNumber, yearMonth, type IsoDate } from './dates.ts';

/** True when the exchange is closed all day on that date (weekends excluded by the caller's rule). */
export type HolidayRule = (date: IsoDate) => boolean;

const isBusinessDay = (date: IsoDate, isHoliday: HolidayRule) => !isWeekend(date) && !isHoliday(date);

/** The business day on or before a date. */
export function businessDayOnOrBefore(date: IsoDate, isHoliday: HolidayRule): IsoDate {
  let day = date;
  while (!isBusinessDay(day, isHoliday)) day = addDays(day, -1);
  return day;
}

/**
 * The standard monthly SPX expiry (AM-settled): the third Friday, or the business day before it
 * when that Friday is a holiday (Good Friday).
 */
export function spxMonthlyExpiry(year: number, month: number, isHoliday: HolidayRule): IsoDate {
  return businessDayOnOrBefore(thirdFriday(year, month), isHoliday);
}

/**
 * The VIX option expiry that settles in the given month (docs/specification.md §7, Cboe's rule): the
 * Wednesday 30 days before the third Friday of the following month; when that Friday is a
 * holiday, 30 days before the business day preceding it; and when the resulting day is itself a
 * holiday, the business day before.
 */
export function vixExpiryForMonth(year: number, month: number, isHoliday: HolidayRule): IsoDate {
  const following = nextMonth(year, month);
  let friday = thirdFriday(following.year, following.month);
  if (isHoliday(friday)) friday = businessDayOnOrBefore(addDays(friday, -1), isHoliday);
  return businessDayOnOrBefore(addDays(friday, -30), isHoliday);
}

// Remembered per holiday rule: every evaluation of a position asks for the same expiry again.
const remembered = new WeakMap<HolidayRule, Map<IsoDate, IsoDate>>();

/** The first VIX expiry on or after a date (the hedge for a condor expiring that day). */
export function vixExpiryOnOrAfter(date: IsoDate, isHoliday: HolidayRule): IsoDate {
  let known = remembered.get(isHoliday);
  if (!known) remembered.set(isHoliday, (known = new Map()));
  const hit = known.get(date);
  if (hit) return hit;
  const expiry = firstVixExpiryOnOrAfter(date, isHoliday);
  if (known.size > 10_000) known.clear();
  known.set(date, expiry);
  return expiry;
}

function firstVixExpiryOnOrAfter(date: IsoDate, isHoliday: HolidayRule): IsoDate {
  const { year, month } = yearMonth(date);
  let candidate = { year, month };
  for (let guard = 0; guard < 3; guard++) {
    const expiry = vixExpiryForMonth(candidate.year, candidate.month, isHoliday);
    if (toDayNumber(expiry) >= toDayNumber(date)) return expiry;
    candidate = nextMonth(candidate.year, candidate.month);
  }
  return vixExpiryForMonth(candidate.year, candidate.month, isHoliday);
}
