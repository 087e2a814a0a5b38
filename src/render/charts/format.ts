// Number and date labels, date ticks and downsampling: pure helpers, tested directly.

import { roundStep } from '../../engine/condor.ts';
import { civilFromDayNumber, dayNumber, fromDayNumber } from '../../engine/dates.ts';
import { dollars } from '../../engine/format.ts';

const MINUS = '\u2212';

const grouped = (fractionDigits: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: fractionDigits, minimumFractionDigits: 0 });
const whole = grouped(0);
const upToTwo = grouped(2);

/** 1234.5 → "1,235", -2000 → "−2,000" (a true minus sign reads better on an axis). */
export function formatGrouped(value: number, fractionDigits: 0 | 2 = 0): string {
  const text = (fractionDigits === 0 ? whole : upToTwo).format(Math.abs(value));
  return value < 0 && text !== '0' ? `${MINUS}${text}` : text;
}

/** -2655 → "−$2,655", 1200 → "$1,200"; signed: "+$1,200". The digits are the app's dollars(). */
export function formatDollars(value: number, { signed = false } = {}): string {
  const text = dollars(Math.abs(value));
  if (text === '$0') return text;
  if (value < 0) return `${MINUS}${text}`;
  return signed ? `+${text}` : text;
}

/** A spot level: "5,642" or "5,642.35". */
export const formatLevel = (value: number): string => formatGrouped(value, 2);

/** Ticks of a date axis: day numbers where labels go, and how to write them. */
export interface DateTicks {
  values: number[];
  label: (day: number) => string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Round-date ticks between two day numbers: years (step 1, 2, 5, 10...), else months, else days,
 * the finest that gives at most maxTicks labels.
 */
export function dateTicks(firstDay: number, lastDay: number, maxTicks = 10): DateTicks {
  const first = civilFromDayNumber(firstDay);
  const last = civilFromDayNumber(lastDay);
  const fits = (count: number) => count >= 2 && count <= maxTicks;

  for (const step of [1, 2, 3, 6]) {
    const values: number[] = [];
    // Months counted from year 0 so that steps fall on Jan/Apr/Jul/Oct and the like.
    let month = Math.ceil((first.year * 12 + first.month - 1) / step) * step;
    for (; ; month += step) {
      const day = dayNumber(Math.floor(month / 12), (month % 12) + 1, 1);
      if (day > lastDay) break;
      if (day >= firstDay) values.push(day);
    }
    if (fits(values.length)) {
      return {
        values,
        label: (day) => {
          const { year, month: m } = civilFromDayNumber(day);
          return `${MONTHS[m - 1] ?? ''} ${year}`;
        },
      };
    }
    if (values.length < 2) break; // coarser steps only give fewer: use days
  }

  const spanYears = last.year - first.year + 1;
  if (spanYears >= 2) {
    for (const step of [1, 2, 5, 10, 20, 50, 100]) {
      const values: number[] = [];
      for (let year = Math.ceil(first.year / step) * step; year <= last.year; year += step) {
        const day = dayNumber(year, 1, 1);
        if (day >= firstDay && day <= lastDay) values.push(day);
      }
      if (values.length <= maxTicks) {
        if (values.length >= 2) return { values, label: (day) => String(civilFromDayNumber(day).year) };
        break;
      }
    }
  }

  // Short spans: evenly spaced days.
  const span = Math.max(1, lastDay - firstDay);
  const step = [1, 2, 7, 14, 28].find((s) => span / s <= maxTicks - 1) ?? Math.ceil(span / (maxTicks - 1));
  const values: number[] = [];
  for (let day = firstDay; day <= lastDay; day += step) values.push(day);
  return { values, label: fromDayNumber };
}

export interface XY {
  x: number;
  y: number;
}

/**
 * Min-max downsampling: at most two points (the lowest and the highest, in x order) per bucket of
 * equal x width, plus the first and last points. Lines keep their visual envelope at pixel scale.
 * Points must be sorted by x.
 */
export function downsampleMinMax(points: XY[], buckets: number, xMin: number, xMax: number): XY[] {
  if (points.length <= buckets * 2 || buckets < 1 || !(xMax > xMin)) return points;
  const width = (xMax - xMin) / buckets;
  const out: XY[] = [];
  let bucket = -1;
  let low: XY | undefined;
  let high: XY | undefined;
  let lowIndex = 0;
  let highIndex = 0;
  const flush = () => {
    if (!low || !high) return;
    if (low === high) out.push(low);
    else if (lowIndex < highIndex) out.push(low, high);
    else out.push(high, low);
  };
  points.forEach((point, index) => {
    const b = Math.min(buckets - 1, Math.floor((point.x - xMin) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
      low = high = point;
      lowIndex = highIndex = index;
      return;
    }
    if (low && point.y < low.y) [low, lowIndex] = [point, index];
    if (high && point.y > high.y) [high, highIndex] = [point, index];
  });
  flush();
  const first = points[0];
  const last = points[points.length - 1];
  if (first && out[0] !== first) out.unshift(first);
  if (last && out[out.length - 1] !== last) out.push(last);
  return out;
}

/** Cuts text to at most maxChars, with an ellipsis. */
export const truncate = (text: string, maxChars: number): string =>
  text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;

/** An axis range whose ends are multiples of a round step (1, 2, 2.5, 5 × 10^n) about span/ticks wide. */
export function roundRange(low: number, high: number, ticks: number): { min: number; max: number; step: number } {
  const step = roundStep((high - low) / ticks || Math.abs(high) || 1);
  return { min: Math.floor(low / step + 1e-9) * step, max: Math.ceil(high / step - 1e-9) * step, step };
}
