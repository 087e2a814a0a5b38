// The prepared history: checks, the VIX percentile of docs/specification.md §4, holidays implied by the
// history, and the expiry rule (nearest trading day to the target DTE, ties to the later one).
import { describe, expect, it } from 'vitest';
import { classifyRegime, dates } from '../../../src/engine/index.ts';
import {
  BacktestInputError,
  expiryIndexFor,
  prepareHistory,
  rangeOf,
  runBacktests,
  resolveParams,
} from '../../../src/engine/backtest/index.ts';
import { lcg, path } from './paths.ts';

describe('prepareHistory', () => {
  it('computes the percentile exactly as classifyRegime does', () => {
    const random = lcg(3);
    const days = path(
      '2020-01-06',
      () => 3000,
      () => Math.round((12 + random() * 30) * 100) / 100,
      400,
    );
    const history = prepareHistory(days);
    for (const i of [0, 5, 19, 20, 21, 100, 251, 252, 253, 399]) {
      const want = classifyRegime({ vix: days[i]!.vix, history: days.slice(0, i).map((d) => d.vix) }).percentile;
      if (want === null) expect(Number.isNaN(history.vixPercentile[i]!)).toBe(true);
      else expect(history.vixPercentile[i]).toBe(want);
    }
  });

  it('reads holidays from the gaps: a missing weekday is a holiday, weekends and days outside are not', () => {
    const days = path(
      '2025-06-30',
      () => 6000,
      () => 16,
      6,
    ).filter((day) => day.date !== '2025-07-04');
    const history = prepareHistory(days);
    expect(history.isHoliday('2025-07-04')).toBe(true);
    expect(history.isHoliday('2025-07-05')).toBe(false);
    expect(history.isHoliday('2025-07-03')).toBe(false);
    expect(history.isHoliday('2030-01-01')).toBe(false);
  });

  it('refuses unusable days with a message naming the day', () => {
    expect(() => prepareHistory([{ date: '2025-01-02', spx: 5000, vix: 0 }])).toThrow(
      /2025-01-02: the VIX close must be a positive number/,
    );
    expect(() =>
      prepareHistory([
        { date: '2025-01-03', spx: 5000, vix: 15 },
        { date: '2025-01-02', spx: 5000, vix: 15 },
      ]),
    ).toThrow(BacktestInputError);
    expect(() => prepareHistory([{ date: '2025-13-01', spx: 5000, vix: 15 }])).toThrow(/YYYY-MM-DD/);
    expect(() => resolveParams({ targetDte: 0 })).toThrow(/targetDte/);
    expect(() =>
      runBacktests({
        days: path(
          '2025-01-06',
          () => 5000,
          () => 15,
          10,
        ),
        params: { from: '2026-01-01' },
      }),
    ).toThrow(/no trading day/);
  });
});

describe('the expiry rule', () => {
  // Weekdays from Monday 2025-01-06; Friday 2025-02-21 and Monday 2025-02-17 missing.
  const days = path(
    '2025-01-06',
    () => 5000,
    () => 15,
    60,
  ).filter((day) => day.date !== '2025-02-21' && day.date !== '2025-02-17');
  const history = prepareHistory(days);
  const index = (date: string) => history.dates.indexOf(date);
  const last = history.length - 1;
  const expiryOf = (entry: string, dte: number, cycle: 'daily' | 'weekly') =>
    history.dates[expiryIndexFor(history, index(entry), dte, cycle, last)];

  it('takes the trading day nearest entry + DTE', () => {
    expect(expiryOf('2025-01-06', 45, 'daily')).toBe('2025-02-20'); // +45 = Thu 02-20
    // Fri 02-21 missing: Thu (1 day) beats Mon 02-24 (3).
    expect(expiryOf('2025-01-06', 46, 'daily')).toBe('2025-02-20');
    // Sat 02-22: Mon (2 days) vs Thu (2 days): the later.
    expect(expiryOf('2025-01-08', 45, 'daily')).toBe('2025-02-24');
  });

  it('weekly: the last trading day of the week nearest the target', () => {
    expect(expiryOf('2025-01-06', 45, 'weekly')).toBe('2025-02-20'); // Thursday: Friday 02-21 is missing
    expect(expiryOf('2025-01-06', 40, 'weekly')).toBe('2025-02-14');
  });

  it('opens nothing when the history does not reach the target date', () => {
    expect(expiryIndexFor(history, last - 5, 45, 'daily', last)).toBe(-1);
    expect(dates.daysBetween(history.dates[0]!, history.dates[last]!)).toBeLessThan(45 + 45);
  });

  it('finds the range of from/to', () => {
    expect(rangeOf(history, '2025-01-04', '2025-01-08')).toEqual({ fromIndex: 0, toIndex: 2 });
    expect(rangeOf(history, '2026-01-01')).toBeNull();
  });
});
