// The equity chart: cumulative P/L per policy over dates, on a linear axis of day numbers with
// round-date tick labels (no date adapter), downsampled to about two points per pixel column.

import { dayNumber, parseIsoDate } from '../../engine/dates.ts';
import { axis, framePlugins, legendMarginPlugin } from './common.ts';
import { backgroundPlugin, footerPlugin, zeroLinePlugin } from './decor.ts';
import { dateTicks, downsampleMinMax, formatDollars, type XY } from './format.ts';
import { staticChartOptions, type LineConfig } from './runtime.ts';
import { seriesColor } from './theme.ts';
import type { EquityChartInput } from './types.ts';

/** Buckets across the x range: about the plot width in pixels. */
const DOWNSAMPLE_BUCKETS = 900;

export interface CleanSeries {
  label: string;
  color: string;
  points: XY[];
}

/** Drops unparseable dates and non-finite equity, sorts by date, and drops series left empty. */
export function cleanEquitySeries(series: EquityChartInput['series']): CleanSeries[] {
  return (series ?? [])
    .map((one, index) => {
      const points: XY[] = [];
      for (const point of one?.points ?? []) {
        const date = typeof point?.date === 'string' ? parseIsoDate(point.date) : null;
        if (date && Number.isFinite(point.equity))
          points.push({ x: dayNumber(date.year, date.month, date.day), y: point.equity });
      }
      points.sort((a, b) => a.x - b.x);
      return { label: String(one?.label ?? `series ${index + 1}`), color: seriesColor(index), points };
    })
    .filter((one) => one.points.length > 0);
}

export function buildEquityConfig(input: EquityChartInput, series: CleanSeries[], family: string): LineConfig {
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const one of series) {
    xMin = Math.min(xMin, one.points[0]?.x ?? Infinity);
    xMax = Math.max(xMax, one.points[one.points.length - 1]?.x ?? -Infinity);
  }
  if (!(xMax > xMin)) [xMin, xMax] = [xMin - 3, xMax + 3];
  const ticks = dateTicks(xMin, xMax, 10);
  const frame = framePlugins({ family, title: input.title, footer: input.footer });
  const xAxis = axis(family, '');

  return {
    type: 'line',
    data: {
      datasets: series.map((one) => {
        const last = one.points[one.points.length - 1]?.y ?? 0;
        return {
          label: `${one.label}  ${formatDollars(last, { signed: true })}`,
          data: downsampleMinMax(one.points, DOWNSAMPLE_BUCKETS, xMin, xMax),
          borderColor: one.color,
          backgroundColor: one.color,
          borderWidth: 1.75,
          pointRadius: one.points.length === 1 ? 3 : 0,
          tension: 0,
          fill: false,
          spanGaps: true,
        };
      }),
    },
    options: {
      ...staticChartOptions,
      parsing: false,
      normalized: true,
      layout: frame.layout,
      plugins: frame.plugins,
      scales: {
        x: {
          ...xAxis,
          title: { ...xAxis.title, display: false },
          min: xMin,
          max: xMax,
          ticks: { ...xAxis.ticks, autoSkip: true, callback: (value: number | string) => ticks.label(Number(value)) },
          afterBuildTicks: (scale) => {
            scale.ticks = ticks.values.map((value) => ({ value }));
          },
        },
        y: { ...axis(family, 'Cumulative P/L ($)'), grace: '4%' },
      },
    },
    plugins: [backgroundPlugin(), legendMarginPlugin(), zeroLinePlugin(), footerPlugin(input.footer, family)],
  };
}
