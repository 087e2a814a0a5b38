import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, fromDayNumber, isWeekend, weekday } from '../../src/engine/dates.ts';
import {
  earlyClosesOf,
  holidayName,
  holidaysOf,
  isEarlyClose,
  isHoliday,
  isTradingDay,
  nextTradingDay,
  previousTradingDay,
  sessionClose,
  tradingDayOnOrAfter,
  tradingDayOnOrBefore,
  tradingDaysAfter,
  tradingDaysBetween,
} from '../../src/market/calendar.ts';
import { NYSE_EARLY_CLOSES, NYSE_HOLIDAYS, ONE_OFF_CLOSURES } from './fixtures/nyse-2025-2027.ts';

const datesOfYear = (year: number) => {
  const dates: string[] = [];
  for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) dates.push(d);
  return dates;
};

describe('NYSE calendar against the published 2025–2027 lists', () => {
  for (const year of [2025, 2026, 2027]) {
    const holidays = NYSE_HOLIDAYS[year]!;
    const earlyCloses = NYSE_EARLY_CLOSES[year]!;

    it(`lists ${year}'s full-day closures`, () => {
      expect(holidaysOf(year).map((d) => d.date)).toEqual(holidays);
    });

    it(`lists ${year}'s 13:00 early closes`, () => {
      expect(earlyClosesOf(year).map((d) => d.date)).toEqual(earlyCloses);
    });

    it(`classifies every day of ${year}`, () => {
      for (const date of datesOfYear(year)) {
        const closed = holidays.includes(date);
        expect(isHoliday(date), date).toBe(closed);
        expect(isTradingDay(date), date).toBe(!isWeekend(date) && !closed);
        expect(isEarlyClose(date), date).toBe(earlyCloses.includes(date));
        expect(sessionClose(date), date).toBe(
          isTradingDay(date) ? (earlyCloses.includes(date) ? '13:00' : '16:00') : null,
        );
      }
    });
  }

  it('counts the trading days of each year (weekdays minus published closures)', () => {
    // 2025 and 2026 start on Wed/Thu, 2027 on Fri: 261 weekdays each.
    expect(tradingDaysBetween('2024-12-31', '2025-12-31')).toBe(261 - 11);
    expect(tradingDaysBetween('2025-12-31', '2026-12-31')).toBe(261 - 10);
    expect(tradingDaysBetween('2026-12-31', '2027-12-31')).toBe(261 - 10);
  });

  it('keeps the 2027-12-31 session (New Year 2028 is a Saturday) and 2025-12-26', () => {
    expect(isTradingDay('2027-12-31')).toBe(true);
    expect(isTradingDay('2025-12-26')).toBe(true);
  });
});

describe('one-off closures', () => {
  it.each(ONE_OFF_CLOSURES)('%s is closed all day', (date) => {
    expect(isHoliday(date)).toBe(true);
    expect(isTradingDay(date)).toBe(false);
    expect(holidayName(date)).toMatch(/\w/);
  });

  it('reopened after September 11 on Monday 2001-09-17', () => {
    expect(nextTradingDay('2001-09-10')).toBe('2001-09-17');
  });
});

describe('observance rules in other years', () => {
  it.each([
    ['2021-12-31', true, 'New Year 2022 on a Saturday: no Friday observance'],
    ['2022-01-03', true, 'and no Monday one either'],
    ['2017-01-02', false, 'New Year on a Sunday: Monday off'],
    ['2021-12-24', false, 'Christmas on a Saturday: Friday off'],
    ['2022-12-26', false, 'Christmas on a Sunday: Monday off'],
    ['2015-07-03', false, 'Independence Day on a Saturday'],
    ['2021-07-05', false, 'Independence Day on a Sunday'],
    ['2021-06-18', true, 'no Juneteenth before 2022'],
    ['2022-06-20', false, 'Juneteenth 2022 on a Sunday: Monday off'],
    ['1997-01-20', true, 'no MLK Day before 1998'],
    ['1998-01-19', false, 'MLK Day from 1998'],
    ['2024-03-29', false, 'Good Friday'],
  ])('%s trading=%s (%s)', (date, trading) => {
    expect(isTradingDay(date)).toBe(trading);
  });

  it.each([
    ['2012-07-03', '13:00', 'Tuesday before a Wednesday July 4'],
    ['2013-07-03', '13:00', 'Wednesday before July 4, from 2013'],
    ['2002-07-05', '13:00', 'Friday after a Thursday July 4, before 2013'],
    ['2013-07-05', '16:00', 'not after 2012'],
    ['2020-07-02', '16:00', 'no early close before an observed Friday holiday'],
    ['2018-12-24', '13:00', 'Christmas Eve on a Monday'],
    ['2003-12-26', '13:00', 'one-off day after Christmas'],
    ['2024-11-29', '13:00', 'day after Thanksgiving'],
  ])('%s closes at %s (%s)', (date, close) => {
    expect(sessionClose(date)).toBe(close);
  });

  it('has no session on weekends, and weekends are not holidays', () => {
    expect(isHoliday('2026-01-03')).toBe(false);
    expect(isTradingDay('2026-01-03')).toBe(false);
    expect(sessionClose('2026-01-03')).toBeNull();
    expect(holidayName('2026-01-04')).toBeNull();
  });
});

describe('moving between trading days', () => {
  it('skips weekends and holidays, strictly after / before', () => {
    expect(nextTradingDay('2026-04-02')).toBe('2026-04-06');
    expect(previousTradingDay('2026-04-06')).toBe('2026-04-02');
    expect(nextTradingDay('2026-04-06')).toBe('2026-04-07');
    expect(tradingDayOnOrAfter('2026-04-03')).toBe('2026-04-06');
    expect(tradingDayOnOrAfter('2026-04-02')).toBe('2026-04-02');
    expect(tradingDayOnOrBefore('2026-04-05')).toBe('2026-04-02');
  });

  it('counts trading days in (from, to]', () => {
    expect(tradingDaysBetween('2026-04-02', '2026-04-02')).toBe(0);
    expect(tradingDaysBetween('2026-04-02', '2026-04-06')).toBe(1);
    expect(tradingDaysBetween('2026-04-06', '2026-04-02')).toBe(-1);
    expect(tradingDaysBetween('2026-04-03', '2026-04-10')).toBe(5);
  });

  it('lists the next n trading days', () => {
    expect(tradingDaysAfter('2026-12-23', 3)).toEqual(['2026-12-24', '2026-12-28', '2026-12-29']);
    expect(tradingDaysAfter('2026-12-23', 0)).toEqual([]);
  });

  const anyDate = fc.integer({ min: dayNumber(1990, 1, 1), max: dayNumber(2040, 12, 31) }).map(fromDayNumber);

  it('nextTradingDay is the first trading day after the date', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const next = nextTradingDay(date);
        expect(next > date && isTradingDay(next)).toBe(true);
        expect(tradingDaysBetween(date, next)).toBe(1);
        expect(previousTradingDay(next)).toBe(tradingDayOnOrBefore(date));
      }),
    );
  });

  it('counts add up and tradingDaysAfter agrees with tradingDaysBetween', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 30 }), (date, gap, n) => {
        const later = addDays(date, gap);
        const latest = addDays(later, gap);
        expect(tradingDaysBetween(date, later) + tradingDaysBetween(later, latest)).toBe(
          tradingDaysBetween(date, latest),
        );
        const days = tradingDaysAfter(date, n);
        expect(days).toHaveLength(n);
        expect(tradingDaysBetween(date, days.at(-1)!)).toBe(n);
      }),
    );
  });

  it('puts every holiday of every year on a weekday, with 7 to 13 closures a year', () => {
    for (let year = 1990; year <= 2040; year++) {
      const holidays = holidaysOf(year);
      expect(holidays.length, String(year)).toBeGreaterThanOrEqual(7);
      expect(holidays.length, String(year)).toBeLessThanOrEqual(13);
      for (const { date } of holidays) expect([1, 2, 3, 4, 5]).toContain(weekday(date));
    }
  });
});
