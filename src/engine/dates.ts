// Calendar dates as 'YYYY-MM-DD' strings and day numbers (days since 1970-01-01), with no Date
// object and no time zone: the engine is pure, and a trading date is a civil date in New York.
// Conversions follow H. Hinnant's days_from_civil / civil_from_days algorithms.

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a civil date (1970-01-01 is 0). */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The civil date of a day number. */
export function civilFromDayNumber(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatIsoDate(year: number, month: number, day: number): IsoDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Parses 'YYYY-MM-DD' strictly (a real calendar date), or returns null. */
export function parseIsoDate(text: string): { year: number; month: number; day: number } | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const back = civilFromDayNumber(dayNumber(year, month, day));
  return back.month === month && back.day === day ? { year, month, day } : null;
}

export function isIsoDate(text: string): boolean {
  return dayNumbers.has(text) || parseIsoDate(text) !== null;
}

// The same few dates are converted over and over (expiries, today): remember them.
const dayNumbers = new Map<string, number>();

export function toDayNumber(date: IsoDate): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) return known;
  const parsed = parseIsoDate(date);
  if (!parsed) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  const days = dayNumber(parsed.year, parsed.month, parsed.day);
  if (dayNumbers.size > 50_000) dayNumbers.clear();
  dayNumbers.set(date, days);
  return days;
}

export function fromDayNumber(days: number): IsoDate {
  const { year, month, day } = civilFromDayNumber(days);
  return formatIsoDate(year, month, day);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function isWeekend(date: IsoDate): boolean {
  const day = weekday(date);
  return day === 0 || day === 6;
}

/** The n-th (1-based) given weekday of a month, e.g. the third Friday: nthWeekday(y, m, 5, 3). */
export function nthWeekday(year: number, month: number, weekdayWanted: number, n: number): IsoDate {
  const first = dayNumber(year, month, 1);
  const firstWeekday = (((first + 4) % 7) + 7) % 7;
  const offset = (weekdayWanted - firstWeekday + 7) % 7;
  return fromDayNumber(first + offset + (n - 1) * 7);
}

/** The last given weekday of a month (Memorial Day: lastWeekday(y, 5, 1)). */
export function lastWeekday(year: number, month: number, weekdayWanted: number): IsoDate {
  const next = month === 12 ? dayNumber(year + 1, 1, 1) : dayNumber(year, month + 1, 1);
  const last = next - 1;
  const lastWeekdayOfMonth = (((last + 4) % 7) + 7) % 7;
  return fromDayNumber(last - ((lastWeekdayOfMonth - weekdayWanted + 7) % 7));
}

export function thirdFriday(year: number, month: number): IsoDate {
  return nthWeekday(year, month, 5, 3);
}

/** Year and month of a date, and the month after. */
export function yearMonth(date: IsoDate): { year: number; month: number } {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return { year: parsed.year, month: parsed.month };
}

export function nextMonth(year: number, month: number): { year: number; month: number } {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

/** Gregorian Easter Sunday (anonymous Gregorian algorithm); Good Friday is two days before. */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatIsoDate(year, month, day);
}

export const MS_PER_DAY = 86_400_000;
export const MS_PER_YEAR = 365 * MS_PER_DAY;

/** ACT/365 years between two instants (epoch milliseconds), never negative. */
export function yearsBetween(fromMs: number, toMs: number): number {
  return Math.max(0, (toMs - fromMs) / MS_PER_YEAR);
}
