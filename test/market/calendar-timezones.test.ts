// The calendar must not depend on the machine's time zone. Node re-reads process.env.TZ whenever it
// is assigned (Date and Intl follow at once, and so does luxon's "system" zone), so one test file can
// switch zones in-process; vitest's `pool: 'forks'` gives this file its own process, so the switch
// cannot leak into other files (and afterAll restores it anyway). Each zone is first proven active
// (offset and Intl name), so a Node that ignored the switch would fail here rather than pass vacuously.
// The modules are imported afresh per zone (vi.resetModules), so no per-year cache filled under one
// zone can hide a dependence on another. Spawning `TZ=... npx vitest` per zone would test the same
// thing at several seconds per zone.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, isWeekend } from '../../src/engine/dates.ts';
import { NYSE_EARLY_CLOSES, NYSE_HOLIDAYS } from './fixtures/nyse-2025-2027.ts';

type Calendar = typeof import('../../src/market/calendar.ts');
type Expiries = typeof import('../../src/market/expiry-calendar.ts');

const originalTz = process.env.TZ;
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

// Winter offsets in minutes as Date reports them (positive west of UTC). Kiritimati is UTC+14, so
// its calendar date differs from New York's for most of the day.
const ZONES: Array<[zone: string, januaryOffset: number]> = [
  ['UTC', 0],
  ['Asia/Tokyo', -540],
  ['Pacific/Kiritimati', -840],
  ['America/Los_Angeles', 480],
];

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe.each(ZONES)('under TZ=%s', (zone, januaryOffset) => {
  let calendar: Calendar;
  let expiries: Expiries;
  beforeAll(async () => {
    process.env.TZ = zone;
    vi.resetModules();
    calendar = await import('../../src/market/calendar.ts');
    expiries = await import('../../src/market/expiry-calendar.ts');
  });

  it('the zone is really in effect', () => {
    expect(new Date(utc('2026-01-15T12:00:00')).getTimezoneOffset()).toBe(januaryOffset);
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(zone);
  });

  it('gives the published holidays and early closes', () => {
    const { earlyClosesOf, holidaysOf, isTradingDay, tradingDaysBetween } = calendar;
    for (const year of [2025, 2026, 2027]) {
      expect(holidaysOf(year).map((d) => d.date)).toEqual(NYSE_HOLIDAYS[year]);
      expect(earlyClosesOf(year).map((d) => d.date)).toEqual(NYSE_EARLY_CLOSES[year]);
    }
    let weekdays = 0;
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) if (!isWeekend(d)) weekdays++;
    expect(tradingDaysBetween('2025-12-31', '2026-12-31')).toBe(weekdays - NYSE_HOLIDAYS[2026]!.length);
    expect(isTradingDay('2026-04-03')).toBe(false);
  });

  it('converts New York times the same way', () => {
    const { marketSession, newYorkDate, newYorkInstant, settlementInstant } = calendar;
    expect(newYorkInstant('2026-03-08', '09:30')).toBe(utc('2026-03-08T13:30:00'));
    expect(newYorkInstant('2026-11-01', '09:30')).toBe(utc('2026-11-01T14:30:00'));
    expect(newYorkDate(utc('2026-01-02T04:59:59'))).toBe('2026-01-01');
    expect(settlementInstant('2026-11-27', 'PM')).toBe(utc('2026-11-27T18:00:00'));
    expect(marketSession(utc('2026-03-09T14:00:00')).state).toBe('open');
    expect(marketSession(utc('2026-03-09T21:00:00')).tradingDay).toBe('2026-03-09');
  });

  it('gives the same expiries', () => {
    const { listedExpiryNearest, spxMonthlyExpiriesOf, vixExpiriesOf } = expiries;
    expect(spxMonthlyExpiriesOf(2026)[5]).toBe('2026-06-18');
    expect(vixExpiriesOf(2026)[4]).toBe('2026-05-19');
    expect(listedExpiryNearest('2026-03-09', 45)).toEqual({
      expiry: '2026-04-23',
      dte: 45,
      root: 'SPXW',
      settlement: 'PM',
    });
  });
});
