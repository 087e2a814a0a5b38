// The pure parts of the charts: labels, date ticks, downsampling, label rows, input cleaning.
import { describe, expect, it } from 'vitest';
import { fromDayNumber, toDayNumber } from '../../src/engine/dates.ts';
import { cleanEquitySeries } from '../../src/render/charts/equity.ts';
import {
  dateTicks,
  downsampleMinMax,
  formatDollars,
  formatGrouped,
  formatLevel,
  type XY,
} from '../../src/render/charts/format.ts';
import { cleanPayoffPoints, layoutLabels } from '../../src/render/charts/payoff.ts';

describe('number labels', () => {
  it('groups thousands and uses a true minus sign', () => {
    expect(formatGrouped(1234567)).toBe('1,234,567');
    expect(formatGrouped(-2000)).toBe('\u22122,000');
    expect(formatGrouped(-0.2)).toBe('0');
    expect(formatGrouped(5642.345, 2)).toBe('5,642.35');
    expect(formatLevel(6000)).toBe('6,000');
    expect(formatDollars(1200, { signed: true })).toBe('+$1,200');
    expect(formatDollars(-3800)).toBe('\u2212$3,800');
    expect(formatDollars(0, { signed: true })).toBe('$0');
  });
});

describe('dateTicks', () => {
  const span = (from: string, to: string, max = 10) => {
    const ticks = dateTicks(toDayNumber(from), toDayNumber(to), max);
    return { dates: ticks.values.map(fromDayNumber), labels: ticks.values.map(ticks.label) };
  };

  it('labels decades of data with round years', () => {
    const { dates, labels } = span('1990-01-02', '2025-06-30');
    expect(labels).toEqual(['1995', '2000', '2005', '2010', '2015', '2020', '2025']);
    expect(dates[0]).toBe('1995-01-01');
  });

  it('uses months for about a year, and dates for a few weeks', () => {
    expect(span('2023-11-15', '2025-01-08').labels).toEqual([
      'Jan 2024',
      'Mar 2024',
      'May 2024',
      'Jul 2024',
      'Sep 2024',
      'Nov 2024',
      'Jan 2025',
    ]);
    expect(span('2024-03-02', '2024-04-30').labels).toEqual([
      '2024-03-02',
      '2024-03-09',
      '2024-03-16',
      '2024-03-23',
      '2024-03-30',
      '2024-04-06',
      '2024-04-13',
      '2024-04-20',
      '2024-04-27',
    ]);
  });

  it('never gives more than the ticks asked for, within the range', () => {
    for (const [from, to] of [
      ['1950-01-01', '2025-12-31'],
      ['2020-01-01', '2022-12-31'],
      ['2024-01-01', '2024-01-03'],
      ['2024-05-01', '2024-05-01'],
    ] as const) {
      const ticks = dateTicks(toDayNumber(from), toDayNumber(to), 10);
      expect(ticks.values.length).toBeLessThanOrEqual(10);
      expect(ticks.values.length).toBeGreaterThan(0);
      for (const day of ticks.values) expect(day >= toDayNumber(from) && day <= toDayNumber(to)).toBe(true);
    }
  });
});

describe('downsampleMinMax', () => {
  const wave: XY[] = Array.from({ length: 10_000 }, (_, x) => ({
    x,
    y: Math.sin(x / 37) * 100 + (x === 4321 ? 900 : 0) + (x === 8765 ? -900 : 0),
  }));

  it('keeps the envelope: first, last, spikes, sorted, at most two points per bucket', () => {
    const out = downsampleMinMax(wave, 500, 0, 9999);
    expect(out.length).toBeLessThanOrEqual(1002);
    expect(out.length).toBeGreaterThan(500);
    expect(out[0]).toBe(wave[0]);
    expect(out[out.length - 1]).toBe(wave[9999]);
    expect(out).toContain(wave[4321]);
    expect(out).toContain(wave[8765]);
    expect(Math.max(...out.map((p) => p.y))).toBe(Math.max(...wave.map((p) => p.y)));
    for (let i = 1; i < out.length; i += 1) expect((out[i]?.x ?? 0) > (out[i - 1]?.x ?? 0)).toBe(true);
  });

  it('leaves short series alone', () => {
    const short = wave.slice(0, 100);
    expect(downsampleMinMax(short, 500, 0, 99)).toBe(short);
  });
});

describe('layoutLabels', () => {
  it('stacks labels that would overlap and keeps them inside the plot', () => {
    const places = layoutLabels(
      [
        { center: 400, width: 120 },
        { center: 405, width: 120 },
        { center: 800, width: 120 },
        { center: 5, width: 100 },
      ],
      0,
      820,
    );
    expect(places.map((p) => p.row)).toEqual([0, 1, 0, 0]);
    expect(places[2]?.x).toBe(700); // pushed left from 740
    expect(places[3]?.x).toBe(0); // pushed right from -45
  });
});

describe('input cleaning', () => {
  it('drops non-finite payoff points and sorts them by spot', () => {
    const { expiry, today } = cleanPayoffPoints([
      { spot: 3, profitAtExpiry: 30, profitToday: 3 },
      { spot: 1, profitAtExpiry: 10, profitToday: NaN },
      { spot: NaN, profitAtExpiry: 0 },
      { spot: 2, profitAtExpiry: -Infinity, profitToday: 2 },
    ]);
    expect(expiry).toEqual([
      { x: 1, y: 10 },
      { x: 3, y: 30 },
    ]);
    expect(today).toEqual([{ x: 3, y: 3 }]);
  });

  it('drops bad dates, non-finite equity and empty series, keeping colours by position', () => {
    const series = cleanEquitySeries([
      { label: 'empty', points: [{ date: '2024-13-01', equity: 1 }] },
      {
        label: 'cp',
        points: [
          { date: '2024-01-03', equity: 2 },
          { date: '2024-01-02', equity: 1 },
          { date: '2024-01-04', equity: NaN },
        ],
      },
    ]);
    expect(series).toHaveLength(1);
    expect(series[0]?.label).toBe('cp');
    expect(series[0]?.color).toBe('#e15759');
    expect(series[0]?.points.map((p) => fromDayNumber(p.x))).toEqual(['2024-01-02', '2024-01-03']);
  });
});
