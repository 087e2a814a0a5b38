// The two valuation clocks (docs/engine.md, "Two clocks"): variance on NYSE sessions / 252,
// discounting on calendar time / 365 to the settlement instant. Expectations are counted by hand
// from the calendar (minutes of session left, trading days between) on fixed instants.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { calendarClock, timeToSettlement, valuationClock, TRADING_DAYS_PER_YEAR } from '../../src/engine/index.ts';
import { NYSE_SESSIONS, isTradingDay, weekdayName } from './clock-support.ts';

const ny = (text: string) => DateTime.fromISO(text, { zone: 'America/New_York' }).toMillis();
const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

describe('variance time: sessions to settlement / 252', () => {
  it('0DTE PM at 10:00 New York: 6 of 6.5 hours of the session are left', () => {
    // 2026-12-03 is a regular Thursday session, 09:30–16:00 (390 minutes); 360 minutes are left.
    expect(weekdayName('2026-12-03')).toBe('Thursday');
    const t = timeToSettlement(ny('2026-12-03T10:00'), '2026-12-03', 'PM', NYSE_SESSIONS);
    expect(t.sessions).toBeCloseTo(360 / 390, 14);
    expect(t.varianceYears).toBeCloseTo(360 / 390 / 252, 15);
    expect(t.discountYears).toBeCloseTo((6 * HOUR) / YEAR, 15);
  });

  it('before the open the whole session counts; after the close none of it', () => {
    const before = timeToSettlement(ny('2026-12-03T08:00'), '2026-12-04', 'PM', NYSE_SESSIONS);
    expect(before.sessions).toBeCloseTo(2, 14); // Thursday whole + Friday whole
    const after = timeToSettlement(ny('2026-12-03T17:00'), '2026-12-04', 'PM', NYSE_SESSIONS);
    expect(after.sessions).toBeCloseTo(1, 14); // Friday only
  });

  it('Friday 15:00 to a Monday PM expiry is 1 hour of Friday plus Monday: 1.15 sessions, not three days', () => {
    expect(weekdayName('2026-12-04')).toBe('Friday');
    const t = timeToSettlement(ny('2026-12-04T15:00'), '2026-12-07', 'PM', NYSE_SESSIONS);
    expect(t.sessions).toBeCloseTo(60 / 390 + 1, 14);
    // Calendar time to Monday 16:00 is 3 days and 1 hour.
    expect(t.discountYears).toBeCloseTo((73 * HOUR) / YEAR, 15);
  });

  it('an early close is a 210-minute session: at 10:00 on the day after Thanksgiving 180 of 210 are left', () => {
    expect(isTradingDay('2026-11-26')).toBe(false); // Thanksgiving
    const t = timeToSettlement(ny('2026-11-27T10:00'), '2026-11-27', 'PM', NYSE_SESSIONS);
    expect(t.sessions).toBeCloseTo(180 / 210, 14);
    // PM settles at the early close, 13:00.
    expect(t.settlementMs).toBe(ny('2026-11-27T13:00'));
  });

  it('holidays and weekends between add nothing; a whole early-close day adds one session', () => {
    // Wed 2026-12-23 after the close → Mon 2026-12-28 PM: Thu 24th (early close) 1, Fri 25th Christmas 0, Mon 1.
    const t = timeToSettlement(ny('2026-12-23T16:30'), '2026-12-28', 'PM', NYSE_SESSIONS);
    expect(isTradingDay('2026-12-25')).toBe(false);
    expect(t.sessions).toBeCloseTo(2, 14);
  });

  it('on a non-trading day today counts 0', () => {
    const t = timeToSettlement(ny('2026-12-05T12:00'), '2026-12-07', 'PM', NYSE_SESSIONS); // Saturday
    expect(t.sessions).toBeCloseTo(1, 14);
  });

  it('AM settlement: the expiry day adds nothing, and on the expiry day nothing is left', () => {
    // 2026-12-18 is the third Friday (the AM monthly). From Thursday 10:00: 360/390 of Thursday, then 0.
    const dayBefore = timeToSettlement(ny('2026-12-17T10:00'), '2026-12-18', 'AM', NYSE_SESSIONS);
    expect(dayBefore.sessions).toBeCloseTo(360 / 390, 14);
    expect(dayBefore.settlementMs).toBe(ny('2026-12-18T09:30'));
    const morning = timeToSettlement(ny('2026-12-18T08:00'), '2026-12-18', 'AM', NYSE_SESSIONS);
    expect(morning.sessions).toBe(0);
    expect(morning.discountYears).toBeCloseTo((1.5 * HOUR) / YEAR, 15);
    const settled = timeToSettlement(ny('2026-12-18T10:00'), '2026-12-18', 'AM', NYSE_SESSIONS);
    expect([settled.sessions, settled.discountYears]).toEqual([0, 0]);
  });

  it('45 calendar days hold about 31 sessions: 31/252 of variance against 45/365 of discounting', () => {
    // 2026-12-03 16:30 → 2027-01-15 PM: count the trading days strictly between by hand from the calendar.
    let between = 0;
    for (let d = DateTime.fromISO('2026-12-04'); d < DateTime.fromISO('2027-01-15'); d = d.plus({ days: 1 }))
      if (isTradingDay(d.toISODate()!)) between++;
    const t = timeToSettlement(ny('2026-12-03T16:30'), '2027-01-15', 'PM', NYSE_SESSIONS);
    expect(t.sessions).toBe(between + 1);
    expect(t.varianceYears).toBe((between + 1) / TRADING_DAYS_PER_YEAR);
  });
});

describe('theta clock: the same time on the next trading day', () => {
  it('from Friday 11:00 the next reading is Monday 11:00 (the weekend is in Friday theta)', () => {
    const clock = valuationClock(ny('2026-12-04T11:00'), '2026-12-11', 'PM', NYSE_SESSIONS);
    const monday = timeToSettlement(ny('2026-12-07T11:00'), '2026-12-11', 'PM', NYSE_SESSIONS);
    expect(clock.nextTradingDay).toEqual({ varianceYears: monday.varianceYears, discountYears: monday.discountYears });
    expect(clock.sessions - monday.sessions).toBeCloseTo(1, 14);
  });
});

describe('calendarClock: the single ACT/365 clock for callers without a calendar', () => {
  it('uses calendar years for both and a day of 24 hours', () => {
    const clock = calendarClock(0, 10 * 24 * HOUR);
    expect([clock.varianceYears, clock.discountYears]).toEqual([10 / 365, 10 / 365]);
    expect(clock.nextTradingDay.discountYears).toBeCloseTo(9 / 365, 15);
  });
});
