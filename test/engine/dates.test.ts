// Civil dates without Date objects (src/engine/dates.ts): day numbers, weekdays, the n-th and
// last weekday of a month, Easter, strict parsing and ACT/365 years.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dates } from '../../src/engine/index.ts';

describe('day numbers', () => {
  it.each([
    [1970, 1, 1, 0], //          the epoch
    [1969, 12, 31, -1],
    [2000, 1, 1, 10957], //      946,684,800 s / 86,400
    [2000, 3, 1, 11017], //      10957 + 31 (Jan) + 29 (Feb 2000 is leap: divisible by 400)
    [1900, 1, 1, -25567], //     −2,208,988,800 s / 86,400
    [2026, 6, 19, 20623], //     1,781,827,200 s / 86,400
  ])('%d-%d-%d is day %d', (year, month, day, number) => {
    expect(dates.dayNumber(year, month, day)).toBe(number);
    expect(dates.civilFromDayNumber(number)).toEqual({ year, month, day });
  });

  it('follow the Gregorian leap rules: 1900 is not leap, 2000 is, 2024 is, 2100 is not', () => {
    const februaryLength = (year: number) => dates.dayNumber(year, 3, 1) - dates.dayNumber(year, 2, 1);
    expect(februaryLength(1900)).toBe(28);
    expect(februaryLength(2000)).toBe(29);
    expect(februaryLength(2024)).toBe(29);
    expect(februaryLength(2026)).toBe(28);
    expect(februaryLength(2100)).toBe(28);
  });

  it('agree with the platform calendar (Date.UTC) for any date from 1600 to 2400 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1600, max: 2400 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (year, month, day) => {
          expect(dates.dayNumber(year, month, day)).toBe(Date.UTC(year, month - 1, day) / 86_400_000);
        },
      ),
      { numRuns: 2000, seed: 1 },
    );
  });

  it('round-trip through ISO strings, with addDays and daysBetween', () => {
    expect(dates.fromDayNumber(11017)).toBe('2000-03-01');
    expect(dates.toDayNumber('2000-03-01')).toBe(11017);
    expect(dates.addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(dates.addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(dates.addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(dates.addDays('2026-06-18', -30)).toBe('2026-05-19');
    expect(dates.daysBetween('2026-03-31', '2026-05-15')).toBe(45);
    expect(dates.daysBetween('2026-05-15', '2026-03-31')).toBe(-45);
  });
});

describe('parseIsoDate', () => {
  it.each([
    '2026-02-30',
    '2026-02-29',
    '1900-02-29',
    '2100-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-1-05',
    '26-01-05',
    '2026-01-05T00:00',
    '',
  ])('rejects %j', (text) => {
    expect(dates.parseIsoDate(text)).toBeNull();
    expect(dates.isIsoDate(text)).toBe(false);
    expect(() => dates.toDayNumber(text)).toThrow(RangeError);
  });

  it('accepts real dates, leap days included', () => {
    expect(dates.parseIsoDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
    expect(dates.parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(dates.parseIsoDate('2026-12-31')).toEqual({ year: 2026, month: 12, day: 31 });
  });
});

describe('weekdays', () => {
  it.each([
    ['1970-01-01', 4], // Thursday
    ['2000-01-01', 6], // Saturday
    ['1900-01-01', 1], // Monday
    ['2026-06-19', 5], // Friday (Juneteenth)
    ['2026-05-19', 2], // Tuesday
    ['2026-03-29', 0], // Sunday
  ])('%s is weekday %d (0 = Sunday)', (date, day) => {
    expect(dates.weekday(date)).toBe(day);
    expect(dates.isWeekend(date)).toBe(day === 0 || day === 6);
  });

  it('finds the n-th weekday of a month: third Fridays, MLK Day, Labor Day, Thanksgiving', () => {
    expect(dates.nthWeekday(2026, 6, 5, 3)).toBe('2026-06-19');
    expect(dates.thirdFriday(2026, 5)).toBe('2026-05-15');
    expect(dates.thirdFriday(2026, 1)).toBe('2026-01-16');
    expect(dates.nthWeekday(2026, 1, 1, 3)).toBe('2026-01-19'); // Martin Luther King Jr. Day
    expect(dates.nthWeekday(2026, 9, 1, 1)).toBe('2026-09-07'); // Labor Day
    expect(dates.nthWeekday(2026, 11, 4, 4)).toBe('2026-11-26'); // Thanksgiving
    expect(dates.nthWeekday(2026, 2, 0, 1)).toBe('2026-02-01'); // a month that starts on the weekday
  });

  it('finds the last weekday of a month: Memorial Day and year ends', () => {
    expect(dates.lastWeekday(2026, 5, 1)).toBe('2026-05-25');
    expect(dates.lastWeekday(2024, 5, 1)).toBe('2024-05-27');
    expect(dates.lastWeekday(2026, 12, 4)).toBe('2026-12-31'); // the last day itself
    expect(dates.lastWeekday(2026, 2, 6)).toBe('2026-02-28');
  });
});

describe('easterSunday', () => {
  // Gregorian Easter dates as tabulated by the U.S. Naval Observatory ("The Date of Easter") and
  // in every church calendar: including the earliest (March 22) and latest (April 25) possible.
  it.each([
    [1818, '1818-03-22'],
    [1943, '1943-04-25'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2011, '2011-04-24'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('Easter %d is %s, a Sunday', (year, date) => {
    expect(dates.easterSunday(year)).toBe(date);
    expect(dates.weekday(date)).toBe(0);
  });
});

describe('yearsBetween', () => {
  it('is ACT/365 in milliseconds and never negative', () => {
    const open = Date.parse('2026-03-31T20:00:00Z');
    const close = Date.parse('2026-05-15T20:00:00Z');
    expect(dates.yearsBetween(open, close)).toBe(45 / 365);
    expect(dates.yearsBetween(close, open)).toBe(0);
    // A leap year has 366 days: 1.0027… ACT/365 years.
    expect(dates.yearsBetween(Date.parse('2024-01-01T00:00:00Z'), Date.parse('2025-01-01T00:00:00Z'))).toBeCloseTo(
      366 / 365,
      15,
    );
  });
});
