import { Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  isQuoteStale,
  marketSession,
  newYorkDate,
  newYorkInstant,
  settlementInstant,
} from '../../src/market/calendar.ts';

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('newYorkInstant across the 2026 DST changes', () => {
  it('the twice-happening 01:30 of 2026-11-01 is its first occurrence whatever the season it runs in', () => {
    // luxon alone guesses an ambiguous wall time's offset from the current time (Settings.now);
    // wallClockInstant reads only the zone's offsets at fixed instants (docs/decisions.md).
    const real = Settings.now;
    try {
      for (const nowIso of ['2026-12-03T15:00:00', '2027-03-14T07:30:00', '2027-07-01T12:00:00']) {
        Settings.now = () => utc(nowIso);
        expect(newYorkInstant('2026-11-01', '01:30'), `run at ${nowIso}Z`).toBe(utc('2026-11-01T05:30:00'));
        expect(newYorkInstant('2026-11-01', '00:59'), `run at ${nowIso}Z`).toBe(utc('2026-11-01T04:59:00'));
        expect(newYorkInstant('2026-11-01', '02:00'), `run at ${nowIso}Z`).toBe(utc('2026-11-01T07:00:00'));
        expect(newYorkInstant('2026-03-08', '02:30'), `run at ${nowIso}Z`).toBe(utc('2026-03-08T07:00:00'));
      }
    } finally {
      Settings.now = real;
    }
  });

  it('spring forward on 2026-03-08: EST before, EDT from that day', () => {
    expect(newYorkInstant('2026-03-06', '09:30')).toBe(utc('2026-03-06T14:30:00'));
    expect(newYorkInstant('2026-03-08', '09:30')).toBe(utc('2026-03-08T13:30:00'));
    expect(newYorkInstant('2026-03-08', '01:59')).toBe(utc('2026-03-08T06:59:00'));
    // 02:30 does not exist that night: it is the first minute after the gap, 03:00 EDT (the
    // scheduler's rule, one function for both since issue 16; luxon alone gave 03:30).
    expect(newYorkInstant('2026-03-08', '02:30')).toBe(utc('2026-03-08T07:00:00'));
  });

  it('fall back on 2026-11-01: EDT before, EST from that day', () => {
    expect(newYorkInstant('2026-10-30', '16:00')).toBe(utc('2026-10-30T20:00:00'));
    expect(newYorkInstant('2026-11-01', '09:30')).toBe(utc('2026-11-01T14:30:00'));
    expect(newYorkInstant('2026-11-02', '16:00')).toBe(utc('2026-11-02T21:00:00'));
    // 01:30 happens twice: the first occurrence, 01:30 EDT (luxon alone took the EST one).
    expect(newYorkInstant('2026-11-01', '01:30')).toBe(utc('2026-11-01T05:30:00'));
  });

  it('settlement instants either side of 2027-03-14 and 2026-11-01 move with the offset, not the UTC hour', () => {
    // PM settlement is the 16:00 close: 21:00Z on EST, 20:00Z on EDT. AM settlement is the 09:30 open.
    expect(settlementInstant('2027-03-12', 'PM')).toBe(Date.parse('2027-03-12T16:00:00-05:00'));
    expect(settlementInstant('2027-03-15', 'PM')).toBe(Date.parse('2027-03-15T16:00:00-04:00'));
    expect(settlementInstant('2027-03-19', 'AM')).toBe(Date.parse('2027-03-19T09:30:00-04:00'));
    expect(settlementInstant('2026-10-30', 'PM')).toBe(Date.parse('2026-10-30T16:00:00-04:00'));
    expect(settlementInstant('2026-11-02', 'PM')).toBe(Date.parse('2026-11-02T16:00:00-05:00'));
    expect(settlementInstant('2026-11-20', 'AM')).toBe(Date.parse('2026-11-20T09:30:00-05:00'));
    // The DST Sundays themselves have no session, so no settlement.
    expect(() => settlementInstant('2027-03-14', 'PM')).toThrow(RangeError);
    expect(() => settlementInstant('2026-11-01', 'PM')).toThrow(RangeError);
    // The same wall times as the scheduler's on those days (one function: docs/decisions.md).
    expect(newYorkInstant('2027-03-14', '02:30')).toBe(Date.parse('2027-03-14T03:00:00-04:00'));
    expect(newYorkInstant('2026-11-01', '01:30')).toBe(Date.parse('2026-11-01T01:30:00-04:00'));
  });

  it('rejects malformed times and dates', () => {
    expect(() => newYorkInstant('2026-03-08', '9:30')).toThrow(RangeError);
    expect(() => newYorkInstant('2026-03-08', '24:00')).toThrow(RangeError);
    expect(() => newYorkInstant('2026-02-30', '09:30')).toThrow(RangeError);
  });
});

describe('newYorkDate', () => {
  it('turns at New York midnight, not UTC midnight', () => {
    expect(newYorkDate(utc('2026-01-02T04:59:59'))).toBe('2026-01-01');
    expect(newYorkDate(utc('2026-01-02T05:00:00'))).toBe('2026-01-02');
    expect(newYorkDate(utc('2026-07-01T03:59:59'))).toBe('2026-06-30');
    expect(newYorkDate(utc('2026-07-01T04:00:00'))).toBe('2026-07-01');
  });
});

describe('settlementInstant', () => {
  it('AM at the 09:30 open, PM at the 16:00 close', () => {
    expect(settlementInstant('2026-03-20', 'AM')).toBe(utc('2026-03-20T13:30:00'));
    expect(settlementInstant('2026-03-20', 'PM')).toBe(utc('2026-03-20T20:00:00'));
    expect(settlementInstant('2026-01-16', 'PM')).toBe(utc('2026-01-16T21:00:00'));
  });

  it('PM at 13:00 on an early-close day', () => {
    expect(settlementInstant('2026-11-27', 'PM')).toBe(utc('2026-11-27T18:00:00'));
    expect(settlementInstant('2025-07-03', 'PM')).toBe(utc('2025-07-03T17:00:00'));
  });

  it('refuses a day without a session', () => {
    expect(() => settlementInstant('2026-04-03', 'PM')).toThrow(/no NYSE session/);
    expect(() => settlementInstant('2026-03-21', 'AM')).toThrow(RangeError);
  });
});

describe('marketSession', () => {
  it('is open in the cash session', () => {
    const session = marketSession(utc('2026-03-09T14:00:00')); // Monday 10:00 EDT
    expect(session).toEqual({
      state: 'open',
      date: '2026-03-09',
      tradingDay: '2026-03-09',
      opensAt: utc('2026-03-09T13:30:00'),
      closesAt: utc('2026-03-09T20:00:00'),
      lastCloseAt: utc('2026-03-06T21:00:00'), // Friday 16:00 EST
      nextOpenAt: utc('2026-03-10T13:30:00'),
    });
  });

  it('is pre before the open and post after the close', () => {
    const pre = marketSession(utc('2026-03-09T12:00:00'));
    expect(pre.state).toBe('pre');
    expect(pre.nextOpenAt).toBe(pre.opensAt);
    const post = marketSession(utc('2026-03-09T21:00:00'));
    expect(post.state).toBe('post');
    expect(post.lastCloseAt).toBe(post.closesAt);
    expect(post.nextOpenAt).toBe(utc('2026-03-10T13:30:00'));
  });

  it('is closed on weekends and holidays', () => {
    const saturday = marketSession(utc('2026-03-07T17:00:00'));
    expect(saturday).toMatchObject({ state: 'closed', tradingDay: null, opensAt: null, closesAt: null });
    expect(saturday.lastCloseAt).toBe(utc('2026-03-06T21:00:00'));
    expect(saturday.nextOpenAt).toBe(utc('2026-03-09T13:30:00'));
    const goodFriday = marketSession(utc('2026-04-03T15:00:00'));
    expect(goodFriday.state).toBe('closed');
    expect(goodFriday.nextOpenAt).toBe(utc('2026-04-06T13:30:00'));
  });

  it('closes at 13:00 on an early-close day', () => {
    const session = marketSession(utc('2026-11-27T18:30:00')); // 13:30 EST
    expect(session.state).toBe('post');
    expect(session.closesAt).toBe(utc('2026-11-27T18:00:00'));
  });
});

describe('isQuoteStale', () => {
  const mondayTenForty = utc('2026-03-09T14:40:00');
  it('in market hours: older than 30 minutes is stale', () => {
    expect(isQuoteStale(utc('2026-03-09T14:05:00'), mondayTenForty)).toBe(true);
    expect(isQuoteStale(utc('2026-03-09T14:15:00'), mondayTenForty)).toBe(false);
    expect(isQuoteStale(utc('2026-03-09T14:05:00'), mondayTenForty, 60)).toBe(false);
  });

  it('outside hours: stale only when older than the last session’s final 30 minutes', () => {
    const saturdayNoon = utc('2026-03-07T17:00:00');
    expect(isQuoteStale(utc('2026-03-06T20:59:00'), saturdayNoon)).toBe(false); // Friday 15:59
    expect(isQuoteStale(utc('2026-03-06T21:14:59'), saturdayNoon)).toBe(false); // Friday 16:14:59
    expect(isQuoteStale(utc('2026-03-06T20:00:00'), saturdayNoon)).toBe(true); // Friday 15:00
    expect(isQuoteStale(utc('2026-03-05T21:00:00'), saturdayNoon)).toBe(true); // Thursday's close
    expect(isQuoteStale(utc('2026-03-06T21:14:59'), utc('2026-03-09T12:00:00'))).toBe(false); // Monday 08:00 EDT
  });
});
