import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHistoryCsv, type DailyBar } from '../../src/market/parsers/history.ts';
import { joinOnTradingDays } from '../../src/market/parsers/join-history.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const closes = (pairs: Array<[string, number]>): DailyBar[] => pairs.map(([date, close]) => ({ date, close }));

describe('joinOnTradingDays', () => {
  // Thanksgiving week 2024: no SPX close on the 28th, a VIX row there anyway, no VIX row on the 26th.
  const spx = closes([
    ['2024-11-25', 5987.37],
    ['2024-11-26', 6021.63],
    ['2024-11-27', 5998.74],
    ['2024-11-29', 6032.38],
    ['2024-12-02', 6047.15],
  ]);
  const vix: DailyBar[] = [
    { date: '2024-11-22', close: 15.24 },
    { date: '2024-11-25', close: 15.24 },
    { date: '2024-11-27', close: 14.1 },
    { date: '2024-11-28', close: 99 },
    { date: '2024-11-29', close: 13.51 },
    { date: '2024-12-02', open: 18.5, high: 14.4, low: 13.2, close: 13.34 },
  ];

  it('keeps SPX dates, drops VIX holiday rows, carries the last used VIX close forward', () => {
    const joined = joinOnTradingDays(spx, vix);
    expect(joined.rows).toEqual([
      { date: '2024-11-25', spx: 5987.37, vix: 15.24 },
      { date: '2024-11-26', spx: 6021.63, vix: 15.24 },
      { date: '2024-11-27', spx: 5998.74, vix: 14.1 },
      { date: '2024-11-29', spx: 6032.38, vix: 13.51 },
      { date: '2024-12-02', spx: 6047.15, vix: 13.34 },
    ]);
    expect(joined.report).toEqual({
      vixDroppedOnNonSpxDays: ['2024-11-28'],
      vixOutsideSpxRange: 1,
      vixCarriedForward: ['2024-11-26'],
      spxBeforeFirstVix: 0,
      vixOpenOutsideRange: 1,
    });
  });

  it('never carries a close from a dropped holiday row', () => {
    const joined = joinOnTradingDays(
      spx.slice(2, 4),
      vix.filter((bar) => bar.date !== '2024-11-29'),
    );
    expect(joined.rows.at(-1)).toEqual({ date: '2024-11-29', spx: 6032.38, vix: 14.1 });
  });

  it('drops and counts SPX days before any VIX close', () => {
    const joined = joinOnTradingDays(spx, vix.slice(2));
    expect(joined.rows[0]!.date).toBe('2024-11-27');
    expect(joined.report.spxBeforeFirstVix).toBe(2);
  });

  it('joins parsed files: the July 4 2025 VIX row goes, SPX dates stay', () => {
    const vixParsed = parseHistoryCsv(fixture('vix_daily_iso.csv'));
    if (!vixParsed.ok) throw new Error(vixParsed.error);
    const spxJuly = closes([
      ['2025-07-02', 6227.42],
      ['2025-07-03', 6279.35],
      ['2025-07-07', 6229.98],
    ]);
    const joined = joinOnTradingDays(spxJuly, vixParsed.value.bars);
    expect(joined.rows.map((r) => r.vix)).toEqual([16.64, 16.38, 17.79]);
    expect(joined.report.vixDroppedOnNonSpxDays).toEqual(['2025-07-04']);
  });

  it('handles empty inputs', () => {
    expect(joinOnTradingDays([], vix).rows).toEqual([]);
    expect(joinOnTradingDays([], vix).report.vixOutsideSpxRange).toBe(vix.length);
    expect(joinOnTradingDays(spx, []).report.spxBeforeFirstVix).toBe(spx.length);
  });
});
