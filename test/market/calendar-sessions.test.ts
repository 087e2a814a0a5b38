// The NYSE sessions the valuation clock reads are worked out once per date and instant and kept
// (docs/decisions.md, "Sessions worked out once"). A kept answer must be the answer: checked here
// against luxon read directly (a route that shares no code with calendar.ts), asked twice, across
// DST changes, early closes and holidays, and past the store's bound, where it is dropped and refilled.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { valuationClock, type TradingSessions } from '../../src/engine/clock.ts';
import { addDays } from '../../src/engine/dates.ts';
import { clockAt, NYSE_SESSIONS, nextTradingDay, sessionClose } from '../../src/market/calendar.ts';

const NEW_YORK = 'America/New_York';
const at = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone: NEW_YORK }).toMillis();

// The same sessions, computed afresh on every question.
const uncached: TradingSessions = {
  dateOf: (epochMs) => DateTime.fromMillis(epochMs, { zone: NEW_YORK }).toISODate()!,
  sessionOf: (date) => {
    const close = sessionClose(date);
    return close ? { openMs: at(date, '09:30'), closeMs: at(date, close) } : null;
  },
  sameTimeNextTradingDay: (epochMs) => {
    const here = DateTime.fromMillis(epochMs, { zone: NEW_YORK });
    return at(nextTradingDay(here.toISODate()!), here.toFormat('HH:mm:ss.SSS'));
  },
};

const datesFrom = (from: string, to: string) => {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
};

describe('NYSE sessions kept per date', () => {
  it('every date of 2026–2027 has the same session asked once and asked again', () => {
    const dates = datesFrom('2026-01-01', '2027-12-31');
    const first = dates.map((date) => NYSE_SESSIONS.sessionOf(date));
    const again = dates.map((date) => NYSE_SESSIONS.sessionOf(date));
    const expected = dates.map((date) => uncached.sessionOf(date));
    expect(first).toEqual(expected);
    expect(again).toEqual(expected);
    // The calendar's own cases are in there: a 13:00 close, a holiday, the two DST Sundays' neighbours.
    expect(NYSE_SESSIONS.sessionOf('2026-11-27')).toEqual({
      openMs: at('2026-11-27', '09:30'),
      closeMs: at('2026-11-27', '13:00'),
    });
    expect(NYSE_SESSIONS.sessionOf('2026-12-25')).toBeNull();
    expect(NYSE_SESSIONS.sessionOf('2027-03-15')!.openMs).toBe(Date.UTC(2027, 2, 15, 13, 30)); // EDT, UTC−4
    expect(NYSE_SESSIONS.sessionOf('2026-11-02')!.openMs).toBe(Date.UTC(2026, 10, 2, 14, 30)); // EST, UTC−5
  });

  it('a kept session cannot be changed by whoever reads it', () => {
    const session = NYSE_SESSIONS.sessionOf('2026-12-03')!;
    expect(() => {
      session.openMs = 0;
    }).toThrow(TypeError);
    expect(NYSE_SESSIONS.sessionOf('2026-12-03')!.openMs).toBe(at('2026-12-03', '09:30'));
  });

  it('past the bound (1990–2027, ~13,900 dates) the store is refilled with the same answers', () => {
    const dates = datesFrom('1990-01-01', '2027-12-31');
    expect(dates.length).toBeGreaterThan(10_000);
    for (const date of dates) expect(NYSE_SESSIONS.sessionOf(date)).toEqual(uncached.sessionOf(date));
    for (const date of dates.slice(0, 400)) expect(NYSE_SESSIONS.sessionOf(date)).toEqual(uncached.sessionOf(date));
  });
});

describe('clockAt with kept sessions and instants', () => {
  // A list values every position at one instant; a later command asks at another. Instants on both sides of the
  // 2026-11-01 fall-back, on a Friday (next trading day a Monday), before the open and after the close.
  const instants = [
    at('2026-10-30', '10:00'),
    at('2026-11-02', '10:00'),
    at('2026-11-20', '15:59'),
    at('2026-11-23', '08:00'),
    at('2026-11-25', '17:30'),
  ];
  const expiries = datesFrom('2026-10-30', '2027-01-29').filter((date) => sessionClose(date));
  const cases = instants.flatMap((nowMs) =>
    expiries.flatMap((expiry) =>
      (['PM', 'AM'] as const)
        .filter((settlement) => nowMs < uncached.sessionOf(expiry)![settlement === 'AM' ? 'openMs' : 'closeMs'])
        .map((settlement) => ({ nowMs, expiry, settlement })),
    ),
  );

  it('is the clock worked out afresh, for every expiry to three months, both settlements, asked in any order', () => {
    const expected = cases.map(({ nowMs, expiry, settlement }) => valuationClock(nowMs, expiry, settlement, uncached));
    expect(cases.length).toBeGreaterThan(500);
    for (const order of [cases, [...cases].reverse()]) {
      const clocks = order.map(({ nowMs, expiry, settlement }) => clockAt(nowMs, expiry, settlement));
      expect(clocks).toEqual(order === cases ? expected : [...expected].reverse());
    }
  });

  it('reads the next trading day from each instant, not from the one asked before', () => {
    const friday = at('2026-11-20', '15:59');
    const monday = at('2026-11-23', '15:59');
    expect(NYSE_SESSIONS.sameTimeNextTradingDay(friday)).toBe(monday);
    expect(NYSE_SESSIONS.sameTimeNextTradingDay(monday)).toBe(at('2026-11-24', '15:59'));
    expect(NYSE_SESSIONS.sameTimeNextTradingDay(friday)).toBe(monday);
    expect(NYSE_SESSIONS.dateOf(friday)).toBe('2026-11-20');
    expect(NYSE_SESSIONS.dateOf(monday)).toBe('2026-11-23');
    // 2026-11-30 23:30 New York is already December 1 in UTC.
    expect(NYSE_SESSIONS.dateOf(at('2026-11-30', '23:30'))).toBe('2026-11-30');
  });
});
