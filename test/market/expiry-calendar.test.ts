import { describe, expect, it } from 'vitest';
import { addDays, weekday } from '../../src/engine/dates.ts';
import { isTradingDay } from '../../src/market/calendar.ts';
import {
  firstVixExpiryOnOrAfter,
  isSpxwExpiry,
  listedExpiriesBetween,
  listedExpiriesOn,
  listedExpiryNearest,
  spxMonthlyExpiriesOf,
  vixExpiriesOf,
} from '../../src/market/expiry-calendar.ts';

describe('SPX monthly expiries (AM, third Friday, earlier on a holiday)', () => {
  it('lists 2026: June moves to Thursday the 18th because Friday 19 is Juneteenth', () => {
    expect(spxMonthlyExpiriesOf(2026)).toEqual([
      '2026-01-16',
      '2026-02-20',
      '2026-03-20',
      '2026-04-17',
      '2026-05-15',
      '2026-06-18',
      '2026-07-17',
      '2026-08-21',
      '2026-09-18',
      '2026-10-16',
      '2026-11-20',
      '2026-12-18',
    ]);
  });

  it('moves April 2025 to Thursday the 17th (third Friday is Good Friday) and June 2027 to the 17th', () => {
    expect(spxMonthlyExpiriesOf(2025)[3]).toBe('2025-04-17');
    expect(spxMonthlyExpiriesOf(2027)[5]).toBe('2027-06-17');
  });
});

describe('VIX expiries (Wednesday 30 days before the next month’s SPX expiry)', () => {
  // Checked by hand: each is 30 days before the next month's third Friday; May 2026 is a Tuesday
  // because June's third Friday (19th) is Juneteenth, so the count starts from Thursday the 18th.
  it('lists 2026', () => {
    expect(vixExpiriesOf(2026)).toEqual([
      '2026-01-21',
      '2026-02-18',
      '2026-03-18',
      '2026-04-15',
      '2026-05-19',
      '2026-06-17',
      '2026-07-22',
      '2026-08-19',
      '2026-09-16',
      '2026-10-21',
      '2026-11-18',
      '2026-12-16',
    ]);
  });

  it('lists 2025: March is Tuesday the 18th because April 18 2025 is Good Friday', () => {
    expect(vixExpiriesOf(2025)).toEqual([
      '2025-01-22',
      '2025-02-19',
      '2025-03-18',
      '2025-04-16',
      '2025-05-21',
      '2025-06-18',
      '2025-07-16',
      '2025-08-20',
      '2025-09-17',
      '2025-10-22',
      '2025-11-19',
      '2025-12-17',
    ]);
  });

  it('finds the first VIX expiry on or after a condor expiry', () => {
    expect(firstVixExpiryOnOrAfter('2026-05-19')).toBe('2026-05-19');
    expect(firstVixExpiryOnOrAfter('2026-05-20')).toBe('2026-06-17');
    expect(firstVixExpiryOnOrAfter('2026-12-17')).toBe('2027-01-20');
  });
});

describe('SPXW expiries', () => {
  it('lists every trading day since May 2022, and nothing else', () => {
    for (let day = '2026-01-01'; day <= '2026-12-31'; day = addDays(day, 1)) {
      expect(isSpxwExpiry(day), day).toBe(isTradingDay(day));
    }
  });

  it('lists both SPXW (PM) and SPX (AM) on a third Friday, SPXW first', () => {
    expect(listedExpiriesOn('2026-03-20')).toEqual([
      { expiry: '2026-03-20', root: 'SPXW', settlement: 'PM' },
      { expiry: '2026-03-20', root: 'SPX', settlement: 'AM' },
    ]);
    expect(listedExpiriesOn('2026-04-03')).toEqual([]);
  });

  it('matches Cboe’s Aug–Sep 2016 Monday/Wednesday/Friday list', () => {
    // Cboe options-hub post of 2016-08-17: SPXW Mon/Wed/Fri, SPX alone on third Fridays, and the
    // Monday after Labor Day moved to Tuesday Sep 6.
    const listed = listedExpiriesBetween('2016-08-12', '2016-09-09').map((e) => `${e.expiry} ${e.root}`);
    expect(listed).toEqual([
      '2016-08-12 SPXW',
      '2016-08-17 SPXW',
      '2016-08-19 SPX',
      '2016-08-22 SPXW',
      '2016-08-24 SPXW',
      '2016-08-26 SPXW',
      '2016-08-29 SPXW',
      '2016-08-31 SPXW',
      '2016-09-02 SPXW',
      '2016-09-06 SPXW',
      '2016-09-07 SPXW',
      '2016-09-09 SPXW',
    ]);
  });

  it('has only Friday weeklies before 2016 and none before October 2005', () => {
    const in2010 = listedExpiriesBetween('2010-01-01', '2010-12-31');
    expect(
      in2010
        .filter((e) => e.root === 'SPXW')
        .every((e) => weekday(e.expiry) === 5 || !isTradingDay(addDays(e.expiry, 1))),
    ).toBe(true);
    expect(listedExpiriesBetween('2000-01-01', '2000-12-31').every((e) => e.root === 'SPX')).toBe(true);
    // Good Friday 2010-04-02: that week's weekly expired on Thursday.
    expect(isSpxwExpiry('2010-04-01')).toBe(true);
  });
});

describe('listedExpiryNearest', () => {
  it('takes the SPXW expiry nearest the target DTE', () => {
    expect(listedExpiryNearest('2026-03-09', 45)).toEqual({
      expiry: '2026-04-23',
      dte: 45,
      root: 'SPXW',
      settlement: 'PM',
    });
    // 45 days from Friday 2026-03-06 is Monday 04-20, a trading day.
    expect(listedExpiryNearest('2026-03-06', 45)).toMatchObject({ expiry: '2026-04-20', dte: 45 });
    // 45 days from 2026-02-17 is Good Friday 04-03: Thursday (dte 44) beats Monday (dte 48).
    expect(listedExpiryNearest('2026-02-17', 45)).toMatchObject({ expiry: '2026-04-02', dte: 44 });
  });

  it('breaks ties toward the later expiry', () => {
    // From Thursday 2026-04-02 with target 2: today (dte 0) and Monday 04-06 (dte 4) are both 2 away.
    expect(listedExpiryNearest('2026-04-02', 2)).toMatchObject({ expiry: '2026-04-06', dte: 4 });
    expect(listedExpiryNearest('2026-01-02', 1)).toMatchObject({ expiry: '2026-01-02', dte: 0 });
  });

  it('counts the starting day as DTE 0 (0DTE)', () => {
    expect(listedExpiryNearest('2026-04-02', 0)).toMatchObject({ expiry: '2026-04-02', dte: 0 });
    expect(listedExpiryNearest('2026-04-03', 0)).toMatchObject({ expiry: '2026-04-06', dte: 3 });
  });

  it('falls back to the AM monthly before SPXW existed', () => {
    expect(listedExpiryNearest('1995-03-01', 45)).toEqual({
      expiry: '1995-04-21',
      dte: 51,
      root: 'SPX',
      settlement: 'AM',
    });
  });

  it('rejects a negative or fractional target', () => {
    expect(() => listedExpiryNearest('2026-03-09', -1)).toThrow(RangeError);
    expect(() => listedExpiryNearest('2026-03-09', 4.5)).toThrow(RangeError);
  });
});
