// The history, checked once and laid out in typed arrays for the daily loop: day numbers,
// closes, the trailing-252 VIX percentile of docs/specification.md §4, the holidays the history implies and
// the expiry chosen for each possible entry day. Shared by every policy and every run of a sweep.
import { fromDayNumber, isIsoDate, toDayNumber, weekday, type IsoDate } from '../dates.ts';
import { vixExpiryOnOrAfter, type HolidayRule } from '../expiries.ts';
import { HISTORY_WINDOW, MIN_HISTORY } from '../regime.ts';
import type { BacktestDay, ExpiryRule } from './types.ts';

/** A history the backtest cannot use: `message` names the day and the rule. */
export class BacktestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

export interface PreparedHistory {
  length: number;
  dates: readonly IsoDate[];
  dayNumbers: Int32Array;
  spx: Float64Array;
  vix: Float64Array;
  /** NaN where unknown. */
  vvix: Float64Array;
  /** Percent of the previous ≤ 252 VIX closes strictly below today's; NaN with fewer than 20. */
  vixPercentile: Float64Array;
  /** The last trading day of its week (the 'weekly' expiry rule). */
  weekEnd: Uint8Array;
  /** The monthly SPX expiry: the last trading day of the week of the third Friday (the 'monthly' rule). */
  monthly: Uint8Array;
  /**
   * An exchange holiday as the history shows it: a weekday between the first and the last day
   * with no close. Outside the history no day is a holiday.
   */
  isHoliday: HolidayRule;
  /** Day number of the first VIX expiry on or after each day (filled on first use; 0 = not yet). */
  vixExpiryDay: Int32Array;
}

const positive = (value: number | undefined) => typeof value === 'number' && Number.isFinite(value) && value > 0;

/** Checks the days (ascending dates, positive closes) and precomputes what every run needs. */
export function prepareHistory(days: readonly BacktestDay[]): PreparedHistory {
  const length = days.length;
  const dates: IsoDate[] = new Array<IsoDate>(length);
  const dayNumbers = new Int32Array(length);
  const spx = new Float64Array(length);
  const vix = new Float64Array(length);
  const vvix = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const day = days[i]!;
    if (!isIsoDate(day.date))
      throw new BacktestInputError(`day ${i}: the date must be YYYY-MM-DD; got ${String(day.date)}`);
    if (!positive(day.spx))
      throw new BacktestInputError(`${day.date}: the SPX close must be a positive number; got ${day.spx}`);
    if (!positive(day.vix))
      throw new BacktestInputError(`${day.date}: the VIX close must be a positive number; got ${day.vix}`);
    dates[i] = day.date;
    dayNumbers[i] = toDayNumber(day.date);
    if (i > 0 && dayNumbers[i]! <= dayNumbers[i - 1]!)
      throw new BacktestInputError(`${day.date}: dates must rise strictly; it follows ${days[i - 1]!.date}`);
    spx[i] = day.spx;
    vix[i] = day.vix;
    vvix[i] = positive(day.vvix) ? day.vvix! : Number.NaN;
  }

  // Same arithmetic as classifyRegime: 100 · (closes strictly below today) / closes in the window.
  const vixPercentile = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const start = Math.max(0, i - HISTORY_WINDOW);
    const count = i - start;
    if (count < MIN_HISTORY) {
      vixPercentile[i] = Number.NaN;
      continue;
    }
    const today = vix[i]!;
    let below = 0;
    for (let j = start; j < i; j++) if (vix[j]! < today) below++;
    vixPercentile[i] = (100 * below) / count;
  }

  // Weeks run Monday to Sunday: 1970-01-01 (day 0) was a Thursday.
  const weekOf = (dn: number) => Math.floor((dn + 3) / 7);
  const weekEnd = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    weekEnd[i] =
      i + 1 < length
        ? weekOf(dayNumbers[i + 1]!) !== weekOf(dayNumbers[i]!)
          ? 1
          : 0
        : weekday(dates[i]!) === 5
          ? 1
          : 0;
  }

  // The third Friday falls on the 15th to the 21st; a holiday Friday moves the expiry to Thursday.
  const monthly = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    if (!weekEnd[i]) continue;
    const friday = weekOf(dayNumbers[i]!) * 7 + 1; // Monday of the week is weekOf·7 − 3; Friday +4
    const dayOfMonth = Number(fromDayNumber(friday).slice(8, 10));
    monthly[i] = dayOfMonth >= 15 && dayOfMonth <= 21 ? 1 : 0;
  }

  const first = length ? dayNumbers[0]! : 0;
  const last = length ? dayNumbers[length - 1]! : -1;
  const trading = new Uint8Array(Math.max(0, last - first + 1));
  for (let i = 0; i < length; i++) trading[dayNumbers[i]! - first] = 1;
  const isHoliday: HolidayRule = (date) => {
    const dn = toDayNumber(date);
    if (dn < first || dn > last) return false;
    const dow = (((dn + 4) % 7) + 7) % 7;
    return dow !== 0 && dow !== 6 && trading[dn - first] === 0;
  };

  return {
    length,
    dates,
    dayNumbers,
    spx,
    vix,
    vvix,
    vixPercentile,
    weekEnd,
    monthly,
    isHoliday,
    vixExpiryDay: new Int32Array(length),
  };
}

/** The index range of [from, to] (inclusive), or null when no day falls inside. */
export function rangeOf(
  history: PreparedHistory,
  from?: IsoDate,
  to?: IsoDate,
): { fromIndex: number; toIndex: number } | null {
  let fromIndex = 0;
  let toIndex = history.length - 1;
  if (from !== undefined) {
    if (!isIsoDate(from)) throw new BacktestInputError(`from must be YYYY-MM-DD; got ${from}`);
    while (fromIndex <= toIndex && history.dates[fromIndex]! < from) fromIndex++;
  }
  if (to !== undefined) {
    if (!isIsoDate(to)) throw new BacktestInputError(`to must be YYYY-MM-DD; got ${to}`);
    while (toIndex >= fromIndex && history.dates[toIndex]! > to) toIndex--;
  }
  return fromIndex <= toIndex ? { fromIndex, toIndex } : null;
}

/**
 * The expiry of a condor opened on day `entry`: among the later days the rule lists (every
 * trading day, or week-ends), the one whose calendar DTE is nearest the target; ties go to the
 * later day. The history must reach the target date (at or before `lastIndex`), else -1: whether
 * a nearer expiry follows cannot be known, and no campaign may outlive the run.
 */
export function expiryIndexFor(
  history: PreparedHistory,
  entry: number,
  targetDte: number,
  rule: ExpiryRule,
  lastIndex: number,
): number {
  const { dayNumbers } = history;
  const listed = rule === 'weekly' ? history.weekEnd : rule === 'monthly' ? history.monthly : null;
  const target = dayNumbers[entry]! + targetDte;
  if (lastIndex <= entry || dayNumbers[lastIndex]! < target) return -1;
  // First day at or after the target date (binary search), then the first listed one from there.
  let low = entry + 1;
  let high = lastIndex;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (dayNumbers[middle]! >= target) high = middle;
    else low = middle + 1;
  }
  let after = low;
  while (after <= lastIndex && listed !== null && !listed[after]) after++;
  if (after > lastIndex) return -1;
  let before = low - 1;
  while (before > entry && listed !== null && !listed[before]) before--;
  if (before <= entry) return after;
  return target - dayNumbers[before]! < dayNumbers[after]! - target ? before : after;
}

/** Day number of the first VIX expiry on or after day `index` (the hedge expiry of a condor expiring then). */
export function vixExpiryDayFor(history: PreparedHistory, index: number): number {
  let day = history.vixExpiryDay[index]!;
  if (day === 0) {
    day = toDayNumber(vixExpiryOnOrAfter(history.dates[index]!, history.isHoliday));
    history.vixExpiryDay[index] = day;
  }
  return day;
}
