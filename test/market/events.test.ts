import { describe, expect, it } from 'vitest';
import { isEarlyClose, isHoliday } from '../../src/market/calendar.ts';
import {
  dayAfterFomc,
  eventsWithin,
  loadEvents,
  parseEventsCsv,
  shippedEvents,
  type MarketEvent,
} from '../../src/market/events.ts';

const titles = (events: MarketEvent[]) => events.map((e) => `${e.date} ${e.kind}`);

describe('the shipped events file', () => {
  it('loads all 102 rows, sorted, with the kinds of the compiled calendar', () => {
    const events = shippedEvents();
    expect(events).toHaveLength(102);
    const counts: Record<string, number> = {};
    for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    expect(counts).toEqual({ FOMC: 24, CPI: 21, PPI: 20, NYSE_HOLIDAY: 31, NYSE_EARLY_CLOSE: 6 });
    const dates = events.map((e) => e.date);
    expect(dates).toEqual([...dates].sort());
  });

  it('keeps titles with commas, times and the first source', () => {
    const fomc = shippedEvents().find((e) => e.date === '2025-01-29')!;
    expect(fomc).toMatchObject({
      kind: 'FOMC',
      timeEt: '14:00',
      title: 'FOMC policy decision (meeting Jan 28-29, 2025)',
    });
    expect(fomc.source).toMatch(/^https:\/\/mondovisione\.com\//);
    expect(shippedEvents().find((e) => e.kind === 'NYSE_HOLIDAY')!.timeEt).toBeNull();
  });

  it('agrees with the trading calendar on every NYSE row', () => {
    for (const e of shippedEvents()) {
      if (e.kind === 'NYSE_HOLIDAY') expect(isHoliday(e.date), e.date).toBe(true);
      if (e.kind === 'NYSE_EARLY_CLOSE') expect(isEarlyClose(e.date), e.date).toBe(true);
    }
  });
});

describe('eventsWithin (today included, then the next trading days)', () => {
  it('finds the FOMC decision and PPI two sessions ahead', () => {
    expect(titles(eventsWithin('2026-03-16'))).toEqual(['2026-03-18 PPI', '2026-03-18 FOMC']);
    expect(eventsWithin('2026-03-19')).toEqual([]);
  });

  it('counts today: a CPI at 08:30 this morning is still within', () => {
    expect(titles(eventsWithin('2026-01-13', 1))).toEqual(['2026-01-13 CPI']);
  });

  it('skips holidays and weekends when counting sessions', () => {
    // Thursday 2026-04-02, Good Friday, weekend: three sessions are Apr 2, 6, 7; CPI is on Apr 10.
    expect(eventsWithin('2026-04-02')).toEqual([]);
    expect(titles(eventsWithin('2026-04-08'))).toEqual(['2026-04-10 CPI']);
    // From a Saturday the window is the next three sessions.
    expect(titles(eventsWithin('2026-04-11', 3))).toEqual(['2026-04-14 PPI']);
  });

  it('leaves out NYSE closures and answers nothing for zero days', () => {
    expect(eventsWithin('2026-12-23', 5).map((e) => e.kind)).toEqual([]);
    expect(eventsWithin('2026-03-16', 0)).toEqual([]);
  });
});

describe('dayAfterFomc', () => {
  it('is true on the session after a decision only', () => {
    expect(dayAfterFomc('2026-03-19')).toBe(true);
    expect(dayAfterFomc('2026-03-18')).toBe(false);
    expect(dayAfterFomc('2026-03-20')).toBe(false);
    expect(dayAfterFomc('2025-12-11')).toBe(true);
  });
});

describe('extra events from configuration', () => {
  const augustCpi = { date: '2026-09-11', kind: 'CPI', title: 'CPI release for Aug 2026 (BLS)', timeEt: '08:30' };

  it('adds valid events, in date order, and uses them for the warnings', () => {
    const loaded = loadEvents([augustCpi, { date: '2026-09-10', kind: 'PPI', title: 'PPI release for Aug 2026' }]);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value).toHaveLength(104);
    expect(titles(eventsWithin('2026-09-09', 3, loaded.value))).toEqual(['2026-09-10 PPI', '2026-09-11 CPI']);
    expect(loaded.value.find((e) => e.date === '2026-09-10')).toMatchObject({ timeEt: null, source: null });
  });

  it('keeps an event that repeats a shipped one once', () => {
    const shippedCpi = { date: '2026-01-13', kind: 'CPI', title: 'CPI release for Dec 2025 (BLS)' };
    const loaded = loadEvents([shippedCpi]);
    expect(loaded.ok && loaded.value.length).toBe(102);
  });

  it.each([
    [{ ...augustCpi, date: '2026-13-01' }, /^extra event 1: date: must be a real date/],
    [{ ...augustCpi, kind: 'NFP' }, /^extra event 1: kind: must be one of FOMC, CPI/],
    [{ ...augustCpi, title: '  ' }, /^extra event 1: title: must not be empty/],
    [{ ...augustCpi, timeEt: '8:30' }, /^extra event 1: timeEt: must be HH:MM/],
    [{ ...augustCpi, importance: 'high' }, /^extra event 1: .*importance/],
    ['2026-09-11 CPI', /^extra event 1: /],
  ])('rejects a bad event with one line: %j', (input, message) => {
    const loaded = loadEvents([input]);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error).toMatch(message);
      expect(loaded.error).not.toContain('\n');
    }
  });
});

describe('parseEventsCsv', () => {
  it('names the line of a bad row', () => {
    const csv = 'date,time_et,kind,title,source\n2026-01-13,08:30,CPI,CPI,\n2026-02-30,08:30,CPI,CPI,\n';
    expect(parseEventsCsv(csv)).toEqual({ ok: false, error: expect.stringMatching(/^events CSV line 3: date: /) });
  });

  it('reports a broken CSV as one line', () => {
    const result = parseEventsCsv('date,time_et,kind,title\n2026-01-13,08:30,"CPI,CPI\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^events CSV: /);
  });
});
