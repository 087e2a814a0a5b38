// The equity chart: cumulative P/L (dollars) or return on risk per policy over dates, on a linear
// axis of day numbers with round-date tick labels (no date adapter), downsampled to about two points
// per pixel column; under it a drawdown panel (the fall from each curve's running peak), and shaded
// periods such as the walk-forward's out-of-sample windows.

import { dayNumber, parseIsoDate } from '../../engine/dates.ts';
import { axis, framePlugins, legendMarginPlugin } from './common.ts';
import { backgroundPlugin, ctxOf, footerPlugin, zeroLinePlugin } from './decor.ts';
import type { Plugin } from 'chart.js';
import { dateTicks, downsampleMinMax, formatDollars, formatGrouped, roundRange, type XY } from './format.ts';
import { staticChartOptions, type LineConfig } from './runtime.ts';
import { colors, cssFont, seriesColor } from './theme.ts';
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

/** Each point's fall from the running peak of its series (≤ 0), in the series' unit. */
export function drawdownOf(points: readonly XY[]): XY[] {
  let peak = -Infinity;
  return points.map(({ x, y }) => {
    peak = Math.max(peak, y);
    return { x, y: y - peak };
  });
}

/** Date ranges as day numbers, inside the plotted span, in order. */
export function cleanPeriods(periods: EquityChartInput['periods']): { from: number; to: number; label: string }[] {
  const out: { from: number; to: number; label: string }[] = [];
  for (const period of periods ?? []) {
    const from = typeof period?.from === 'string' ? parseIsoDate(period.from) : null;
    const to = typeof period?.to === 'string' ? parseIsoDate(period.to) : null;
    if (!from || !to) continue;
    const a = dayNumber(from.year, from.month, from.day);
    const b = dayNumber(to.year, to.month, to.day);
    if (b >= a) out.push({ from: a, to: b, label: String(period.label ?? 'out of sample') });
  }
  return out.sort((p, q) => p.from - q.from);
}

/** "+1.25×" of the risk, or dollars. */
const valueLabel = (unit: 'dollars' | 'risk', value: number, signed = false): string =>
  unit === 'risk'
    ? `${value > 0 && signed ? '+' : ''}${formatGrouped(value, 2)}\u00d7`
    : formatDollars(value, { signed });

/** Shaded periods behind the curves of both panels, each labelled once at the top. */
function periodsPlugin(periods: { from: number; to: number; label: string }[], family: string): Plugin<'line'> {
  return {
    id: 'condorPeriods',
    beforeDatasetsDraw: (chart) => {
      const x = chart.scales.x;
      if (!x || periods.length === 0) return;
      const ctx = ctxOf(chart);
      const { left, right, top, bottom } = chart.chartArea;
      ctx.save();
      ctx.font = cssFont({ family, size: 11 });
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      let lastLabelEnd = -Infinity;
      for (const [index, period] of periods.entries()) {
        const a = Math.max(left, x.getPixelForValue(period.from));
        const b = Math.min(right, x.getPixelForValue(period.to));
        if (!(b > a)) continue;
        ctx.fillStyle = index % 2 ? colors.periodAlternate : colors.period;
        ctx.fillRect(a, top, b - a, bottom - top);
        const width = ctx.measureText(period.label).width;
        if (a + 3 > lastLabelEnd + 6 && a + 3 + width < right) {
          ctx.fillStyle = colors.periodText;
          ctx.fillText(period.label, a + 3, top + 3);
          lastLabelEnd = a + 3 + width;
        }
      }
      ctx.restore();
    },
  };
}

export function buildEquityConfig(input: EquityChartInput, series: CleanSeries[], family: string): LineConfig {
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const one of series) {
    xMin = Math.min(xMin, one.points[0]?.x ?? Infinity);
    xMax = Math.max(xMax, one.points[one.points.length - 1]?.x ?? -Infinity);
  }
  if (!(xMax > xMin)) [xMin, xMax] = [xMin - 3, xMax + 3];
  const unit = input.unit === 'risk' ? 'risk' : 'dollars';
  const withDrawdown = input.drawdown !== false;
  const ticks = dateTicks(xMin, xMax, 10);
  const frame = framePlugins({ family, title: input.title, footer: input.footer });
  const xAxis = axis(family, '');
  // Every step is labelled (the steps are few and round); skipping left gridlines without a value.
  const yTicks = {
    ...axis(family, '').ticks,
    autoSkip: false,
    callback: (value: number | string) => valueLabel(unit, Number(value)),
  };

  const lines = series.map((one) => {
    const last = one.points[one.points.length - 1]?.y ?? 0;
    return {
      label: `${one.label}  ${valueLabel(unit, last, true)}`,
      data: downsampleMinMax(one.points, DOWNSAMPLE_BUCKETS, xMin, xMax),
      borderColor: one.color,
      backgroundColor: one.color,
      borderWidth: 1.75,
      pointRadius: one.points.length === 1 ? 3 : 0,
      tension: 0,
      fill: false,
      spanGaps: true,
      yAxisID: 'y',
    };
  });
  const drawdowns = withDrawdown
    ? series.map((one) => ({
        label: '',
        data: downsampleMinMax(drawdownOf(one.points), DOWNSAMPLE_BUCKETS, xMin, xMax),
        borderColor: one.color,
        backgroundColor: one.color,
        borderWidth: 1,
        pointRadius: 0,
        tension: 0,
        fill: false,
        spanGaps: true,
        yAxisID: 'drawdown',
      }))
    : [];
  let low = 0;
  let high = 0;
  for (const one of series) for (const p of one.points) [low, high] = [Math.min(low, p.y), Math.max(high, p.y)];
  const span = high - low || 1;
  // A little room beyond the data, never past zero (a curve that starts at 0 has its axis start there).
  const yRange = roundRange(
    low < 0 ? low - span * 0.03 : low,
    high > 0 ? high + span * 0.03 : high,
    withDrawdown ? 6 : 7,
  );
  const worst = Math.min(0, ...drawdowns.flatMap((d) => d.data.map((p) => p.y)));
  // No drawdown at all: one step of the main axis below zero, so the panel still reads as a scale.
  const drawdownRange = worst < 0 ? roundRange(worst, 0, 3) : { min: -yRange.step, max: 0, step: yRange.step };

  return {
    type: 'line',
    data: { datasets: [...lines, ...drawdowns] },
    options: {
      ...staticChartOptions,
      parsing: false,
      normalized: true,
      layout: frame.layout,
      plugins: {
        ...frame.plugins,
        legend: {
          ...frame.plugins?.legend,
          labels: {
            ...frame.plugins?.legend?.labels,
            // The drawdown lines share the curves' colours: one legend entry per policy.
            filter: (item) => Boolean(item.text),
          },
        },
      },
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
        ...(withDrawdown
          ? {
              drawdown: {
                ...axis(family, 'Drawdown'),
                ticks: { ...yTicks, stepSize: drawdownRange.step, maxTicksLimit: 4 },
                min: drawdownRange.min,
                max: 0,
                stack: 'equity',
                stackWeight: 1,
                offset: true,
                position: 'left' as const,
              },
            }
          : {}),
        y: {
          ...axis(family, unit === 'risk' ? 'Cumulative return on risk (\u00d7 max loss)' : 'Cumulative P/L ($)'),
          ticks: { ...yTicks, stepSize: yRange.step },
          min: yRange.min,
          max: yRange.max,
          ...(withDrawdown ? { stack: 'equity', stackWeight: 3, offset: true } : {}),
        },
      },
    },
    plugins: [
      backgroundPlugin(),
      legendMarginPlugin(),
      periodsPlugin(cleanPeriods(input.periods), family),
      zeroLinePlugin(),
      footerPlugin(input.footer, family),
    ],
  };
}
