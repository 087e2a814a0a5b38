// The backtest's equity chart: return on risk (× max loss) so decades compare, a drawdown panel
// under the curves, out-of-sample periods shaded; by its inputs (the chart.js configuration the
// builder makes) and a PNG size/shape check, and the description the reply carries.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { equityDescription } from '../../src/app/backtest-service.ts';
import type { EquityChartInput } from '../../src/app/ports.ts';
import { equityCurvePng } from '../../src/render/charts.ts';
import { buildEquityConfig, cleanEquitySeries, cleanPeriods, drawdownOf } from '../../src/render/charts/equity.ts';
import { roundRange } from '../../src/render/charts/format.ts';

/** A curve with one known fall: up to 3 (×) by 1995, down to 1.8 in 1996, then up to 4 by 2024. */
function knownCurve(label: string, scale = 1): EquityChartInput['series'][number] {
  const points = [];
  for (let year = 1990; year <= 2024; year++) {
    const value = year <= 1995 ? (year - 1990) * 0.6 : year === 1996 ? 1.8 : 1.8 + ((year - 1996) * 2.2) / 28;
    points.push({ date: `${year}-06-30`, equity: value * scale });
  }
  return { label, points };
}

const INPUT: EquityChartInput = {
  title: 'Out-of-sample return on risk, 1990 → 2024',
  unit: 'risk',
  series: [knownCurve('cp'), knownCurve('hold', 0.5)],
  periods: [
    { from: '2000-01-01', to: '2004-12-31' },
    { from: '2005-01-01', to: '2009-12-31', label: 'test 2' },
    { from: 'never', to: '2010-01-01' },
  ],
  footer: 'Past results',
};

describe('the equity chart inputs', () => {
  it('drawdown is the fall from the running peak: 1.8 − 3 = −1.2 (×) in 1996, 0 at new highs', () => {
    const [cp] = cleanEquitySeries(INPUT.series);
    const drawdown = drawdownOf(cp!.points);
    expect(Math.min(...drawdown.map((p) => p.y))).toBeCloseTo(-1.2, 12);
    expect(drawdown.at(-1)!.y).toBe(0);
    expect(drawdown.every((p) => p.y <= 0)).toBe(true);
  });

  it('stacks a drawdown axis under the return-on-risk axis, with round ends', () => {
    const config = buildEquityConfig(INPUT, cleanEquitySeries(INPUT.series), 'DejaVu Sans');
    const scales = config.options!.scales as Record<string, Record<string, unknown>>;
    expect(scales.y).toMatchObject({ stack: 'equity', stackWeight: 3 });
    expect(scales.drawdown).toMatchObject({ stack: 'equity', stackWeight: 1, max: 0 });
    expect((scales.y!.title as { text: string }).text).toBe('Cumulative return on risk (× max loss)');
    const { min, max, step } = roundRange(0, 4 + 4 * 0.03, 5);
    expect(scales.y).toMatchObject({ min, max });
    expect([min / step, max / step].every(Number.isInteger)).toBe(true);
    expect(scales.drawdown!.min as number).toBeLessThanOrEqual(-1.2);
    // Two curves and their two drawdowns; the legend shows each policy once with its last value.
    const labels = config.data.datasets.map((d) => d.label);
    expect(labels).toEqual(['cp  +4×', 'hold  +2×', '', '']);
    expect(config.data.datasets.map((d) => (d as { yAxisID?: string }).yAxisID)).toEqual([
      'y',
      'y',
      'drawdown',
      'drawdown',
    ]);
  });

  it('keeps the valid periods in order and drops the rest', () => {
    expect(cleanPeriods(INPUT.periods).map((p) => p.label)).toEqual(['out of sample', 'test 2']);
  });

  it('without the drawdown panel, one axis; in dollars, dollar labels', () => {
    const input = { ...INPUT, unit: 'dollars' as const, drawdown: false };
    const config = buildEquityConfig(input, cleanEquitySeries(input.series), 'DejaVu Sans');
    expect(Object.keys(config.options!.scales!)).toEqual(['x', 'y']);
    expect(config.data.datasets.map((d) => d.label)).toEqual(['cp  +$4', 'hold  +$2']);
  });
});

describe('the equity chart image', () => {
  it('is 1000×560, painted, with the out-of-sample shading in the plot', async () => {
    const png = await equityCurvePng(INPUT);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1000, 560]);
    const image = await loadImage(png);
    const ctx = createCanvas(image.width, image.height).getContext('2d');
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, image.width, image.height);
    // The shading's pale blue: blue above red and green, light.
    let shaded = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, b] = [data[i]!, data[i + 2]!];
      if (b > 240 && r < 245 && r > 225 && b - r > 8) shaded++;
    }
    expect(shaded).toBeGreaterThan(20_000); // two periods of ~130 px over a ~400 px tall plot
  });

  it('shades back-to-back periods in two tones, so the seam between test windows shows', async () => {
    const image = await loadImage(await equityCurvePng(INPUT));
    const ctx = createCanvas(image.width, image.height).getContext('2d');
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, image.width, image.height);
    // Blue at 7% over white has red ≈ 241, at 15% red ≈ 226 (255 − alpha × (255 − 59)).
    const tone = (red: number) => {
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 2]! > 250 && Math.abs(data[i]! - red) <= 2) count++;
      return count;
    };
    expect(tone(255 - 0.07 * 196)).toBeGreaterThan(20_000); // 2000–04: ~130 px × ~400 px
    expect(tone(255 - 0.15 * 196)).toBeGreaterThan(20_000); // 2005–09, right after it
  });

  it('is described by what it shows', () => {
    expect(equityDescription(INPUT)).toBe(
      'Cumulative return on risk (× max loss) of cp, hold from 1990-06-30 to 2024-06-30; drawdown panel; ' +
        '2 out-of-sample periods shaded',
    );
    expect(equityDescription({ title: 't', series: [knownCurve('cp')], drawdown: false })).toBe(
      'Cumulative P/L in dollars of cp from 1990-06-30 to 2024-06-30',
    );
  });
});
