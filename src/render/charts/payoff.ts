// The payoff chart: P/L at expiry (green above zero, red below), P/L today (dashed) and on a later
// date (dotted, the T+N view), the ±1σ/±2σ expected move at expiry shaded around spot, strikes
// labelled at the bottom, break-evens and today's spot as vertical lines labelled at the top.

import type { Chart, Plugin } from 'chart.js';
import { axis, framePlugins, legendMarginPlugin } from './common.ts';
import { backgroundPlugin, ctxOf, demoPlugin, footerPlugin, zeroLinePlugin } from './decor.ts';
import { roundStep } from '../../engine/condor.ts';
import { formatDollars, formatLevel, roundRange, type XY } from './format.ts';
import { staticChartOptions, type LineConfig } from './runtime.ts';
import { colors, cssFont } from './theme.ts';
import type { PayoffChartInput } from './types.ts';

export interface Marker {
  value: number;
  text: string;
  color: string;
  bold: boolean;
  dash: number[];
}

const LABEL_HEIGHT = 20;
const LABEL_GAP = 4;
const LABEL_FONT_SIZE = 12;
const MAX_LABEL_ROWS = 3;

/**
 * Rows for labels centred on x positions, so that no two boxes in a row overlap; boxes are kept
 * inside [left, right]. Returns each label's row and left edge, in input order.
 */
export function layoutLabels(
  labels: { center: number; width: number }[],
  left: number,
  right: number,
  gap = 8,
): { row: number; x: number }[] {
  const order = labels.map((_, index) => index).sort((a, b) => (labels[a]?.center ?? 0) - (labels[b]?.center ?? 0));
  const rowEnds: number[] = [];
  const placed: { row: number; x: number }[] = labels.map(() => ({ row: 0, x: 0 }));
  for (const index of order) {
    const { center, width } = labels[index] ?? { center: 0, width: 0 };
    const x = Math.max(left, Math.min(right - width, center - width / 2));
    let row = rowEnds.findIndex((end) => end + gap <= x);
    if (row < 0) row = Math.min(rowEnds.length, MAX_LABEL_ROWS - 1);
    rowEnds[row] = x + width;
    placed[index] = { row, x };
  }
  return placed;
}

/** Vertical lines: faint strikes behind the data; break-evens and spot over it, with labels. */
function markersPlugin(strikes: number[], markers: Marker[], family: string): Plugin<'line'> {
  const inRange = (chart: Chart<'line'>, value: number) => {
    const x = chart.scales.x;
    return x !== undefined && value >= x.min && value <= x.max;
  };
  const vertical = (chart: Chart<'line'>, value: number, top: number, color: string, width: number, dash: number[]) => {
    const ctx = ctxOf(chart);
    const pixel = Math.round(chart.scales.x?.getPixelForValue(value) ?? 0) + 0.5;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(pixel, top);
    ctx.lineTo(pixel, chart.chartArea.bottom);
    ctx.stroke();
    ctx.restore();
  };
  return {
    id: 'condorMarkers',
    beforeDatasetsDraw: (chart) => {
      for (const strike of strikes)
        if (inRange(chart, strike)) vertical(chart, strike, chart.chartArea.top, colors.strike, 1, [2, 3]);
    },
    afterDatasetsDraw: (chart) => {
      const shown = markers.filter((marker) => inRange(chart, marker.value));
      const ctx = ctxOf(chart);
      const { left, right, top } = chart.chartArea;
      const widths = shown.map((marker) => {
        ctx.font = cssFont({ family, size: LABEL_FONT_SIZE, weight: marker.bold ? 'bold' : 'normal' });
        return ctx.measureText(marker.text).width + 12;
      });
      const places = layoutLabels(
        shown.map((marker, i) => ({
          center: chart.scales.x?.getPixelForValue(marker.value) ?? 0,
          width: widths[i] ?? 0,
        })),
        left + 2,
        right - 2,
      );
      shown.forEach((marker, i) => {
        const rowTop = top + LABEL_GAP + (places[i]?.row ?? 0) * (LABEL_HEIGHT + LABEL_GAP);
        vertical(chart, marker.value, rowTop + LABEL_HEIGHT, marker.color, marker.bold ? 1.5 : 1.25, marker.dash);
      });
      shown.forEach((marker, i) => {
        const place = places[i] ?? { row: 0, x: left };
        const rowTop = top + LABEL_GAP + place.row * (LABEL_HEIGHT + LABEL_GAP);
        const width = widths[i] ?? 0;
        ctx.save();
        ctx.fillStyle = colors.labelBackground;
        ctx.strokeStyle = marker.color;
        ctx.lineWidth = 1;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.rect(place.x + 0.5, rowTop + 0.5, width - 1, LABEL_HEIGHT - 1);
        ctx.fill();
        ctx.stroke();
        ctx.font = cssFont({ family, size: LABEL_FONT_SIZE, weight: marker.bold ? 'bold' : 'normal' });
        ctx.fillStyle = marker.color;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(marker.text, place.x + width / 2, rowTop + LABEL_HEIGHT / 2 + 0.5);
        ctx.restore();
      });
    },
  };
}

const finite = (value: number | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

export interface PayoffSeries {
  expiry: XY[];
  today: XY[];
  later: XY[];
}

/** Finite points only, sorted by spot. */
export function cleanPayoffPoints(points: PayoffChartInput['points']): PayoffSeries {
  const rows = (points ?? [])
    .filter((p) => p && finite(p.spot) && finite(p.profitAtExpiry))
    .sort((a, b) => a.spot - b.spot);
  return {
    expiry: rows.map((p) => ({ x: p.spot, y: p.profitAtExpiry })),
    today: rows.filter((p) => finite(p.profitToday)).map((p) => ({ x: p.spot, y: p.profitToday as number })),
    later: rows.filter((p) => finite(p.profitLater)).map((p) => ({ x: p.spot, y: p.profitLater as number })),
  };
}

/** The x range: the data's, cut inward to round ends when that keeps nearly all of it. */
function xRange(first: number, last: number): [number, number] {
  if (!(last > first)) return [first - 1, last + 1];
  const step = roundStep((last - first) / 8);
  const min = Math.ceil(first / step - 1e-9) * step;
  const max = Math.floor(last / step + 1e-9) * step;
  return max - min >= 0.8 * (last - first) ? [min, max] : [first, last];
}

/** The shaded expected-move bands around spot at expiry: ±2σ faint, ±1σ stronger, edges labelled. */
function bandsPlugin(spot: number, sigma: number | undefined, family: string): Plugin<'line'> {
  return {
    id: 'condorBands',
    beforeDatasetsDraw: (chart) => {
      const x = chart.scales.x;
      if (!x || !finite(sigma) || !(sigma > 0)) return;
      const ctx = ctxOf(chart);
      const { left, right, top, bottom } = chart.chartArea;
      const px = (value: number) => Math.max(left, Math.min(right, x.getPixelForValue(value)));
      ctx.save();
      for (const [n, fill] of [
        [2, colors.band2],
        [1, colors.band1],
      ] as const) {
        ctx.fillStyle = fill;
        ctx.fillRect(px(spot - n * sigma), top, px(spot + n * sigma) - px(spot - n * sigma), bottom - top);
      }
      ctx.font = cssFont({ family, size: 11 });
      ctx.fillStyle = colors.bandText;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      for (const n of [-2, -1, 1, 2]) {
        const level = spot + n * sigma;
        if (level > x.min && level < x.max)
          ctx.fillText(`${n < 0 ? '\u2212' : '+'}${Math.abs(n)}\u03c3`, x.getPixelForValue(level), bottom - 3);
      }
      ctx.restore();
    },
  };
}

/** Each strike written up its faint line, from the bottom of the plot (above the σ labels). */
function strikeLabelsPlugin(strikes: number[], family: string): Plugin<'line'> {
  return {
    id: 'condorStrikeLabels',
    afterDatasetsDraw: (chart) => {
      const x = chart.scales.x;
      if (!x) return;
      const ctx = ctxOf(chart);
      ctx.save();
      ctx.font = cssFont({ family, size: 11 });
      ctx.fillStyle = colors.strikeText;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'bottom';
      for (const strike of strikes) {
        if (strike < x.min || strike > x.max) continue;
        ctx.save();
        ctx.translate(x.getPixelForValue(strike) - 3, chart.chartArea.bottom - 24);
        ctx.rotate(-Math.PI / 2);
        ctx.fillText(`strike ${formatLevel(strike)}`, 0, 0);
        ctx.restore();
      }
      ctx.restore();
    },
  };
}

// Approximate plot size, to reserve headroom for the label rows before chart.js lays out.
const PLOT_WIDTH_ESTIMATE = 890;
const PLOT_HEIGHT_ESTIMATE = 380;

/** "Max profit +$1,420 · Max loss −$3,580 · PoP 77%": what the chart's subtitle says. */
export function payoffSubtitle(input: PayoffChartInput): string {
  return [
    finite(input.maxProfit) ? `Max profit ${formatDollars(input.maxProfit, { signed: true })}` : '',
    finite(input.maxLoss) ? `Max loss ${formatDollars(-Math.abs(input.maxLoss))}` : '',
    finite(input.probabilityOfProfit) ? `PoP ${(input.probabilityOfProfit * 100).toFixed(0)}%` : '',
    finite(input.expectedMove) && input.expectedMove > 0
      ? `±1\u03c3 at expiry ${formatLevel(Math.round(input.spot - input.expectedMove))}` +
        `\u2013${formatLevel(Math.round(input.spot + input.expectedMove))}`
      : '',
  ]
    .filter(Boolean)
    .join('   \u00b7   ');
}

export function buildPayoffConfig(
  input: PayoffChartInput,
  { expiry, today, later }: PayoffSeries,
  family: string,
): LineConfig {
  const [xMin, xMax] = xRange(expiry[0]?.x ?? 0, expiry[expiry.length - 1]?.x ?? 0);
  const inside = (value: number) => finite(value) && value >= xMin && value <= xMax;

  const markers: Marker[] = [
    ...(input.breakEvens ?? []).filter(inside).map((value) => ({
      value,
      text: `Break-even ${formatLevel(value)}`,
      color: colors.breakEven,
      bold: false,
      dash: [5, 4],
    })),
    ...(inside(input.spot)
      ? [{ value: input.spot, text: `Spot ${formatLevel(input.spot)}`, color: colors.spot, bold: true, dash: [] }]
      : []),
  ];
  const strikes = (input.strikes ?? []).filter(inside);

  const ys = [...expiry, ...today, ...later].filter((p) => p.x >= xMin && p.x <= xMax).map((p) => p.y);
  const yLow = Math.min(0, ...ys);
  const yHigh = Math.max(0, ...ys);
  const range = yHigh - yLow || Math.max(1, Math.abs(yHigh));
  const estimatedRows = markers.length
    ? 1 +
      Math.max(
        ...layoutLabels(
          markers.map((m) => ({
            center: ((m.value - xMin) / (xMax - xMin)) * PLOT_WIDTH_ESTIMATE,
            width: m.text.length * 7.6 + 14,
          })),
          0,
          PLOT_WIDTH_ESTIMATE,
        ).map((p) => p.row),
      )
    : 0;
  const headroom = Math.min(0.45, (estimatedRows * (LABEL_HEIGHT + LABEL_GAP) + 10) / PLOT_HEIGHT_ESTIMATE);
  const y = roundRange(yLow - range * 0.08, yHigh + (range * headroom) / (1 - headroom), 7);

  const subtitle = payoffSubtitle(input);
  const frame = framePlugins({
    family,
    title: input.title,
    subtitle: subtitle || undefined,
    footer: input.footer,
    demo: input.demo,
  });
  const curve = (label: string, data: XY[], color: string, dash: number[]) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    borderDash: dash,
    pointRadius: data.length === 1 ? 3 : 0,
    tension: 0,
    fill: false,
  });
  const sigma = input.expectedMove;
  return {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'P/L at expiry',
          data: expiry,
          borderColor: colors.expiryLine,
          backgroundColor: colors.expiryLine,
          borderWidth: 2.5,
          pointRadius: expiry.length === 1 ? 3 : 0,
          tension: 0,
          fill: { target: { value: 0 }, above: colors.profitFill, below: colors.lossFill },
        },
        ...(today.length ? [curve('P/L today', today, colors.todayLine, [7, 5])] : []),
        ...(later.length && input.laterDate
          ? [curve(`P/L on ${input.laterDate}`, later, colors.laterLine, [2, 3])]
          : []),
        // No data: a legend entry for the shaded bands.
        ...(finite(sigma) && sigma > 0
          ? [{ ...curve('\u00b11\u03c3 / \u00b12\u03c3 at expiry', [], colors.bandLegend, []), borderWidth: 8 }]
          : []),
      ],
    },
    options: {
      ...staticChartOptions,
      parsing: false,
      normalized: true,
      layout: frame.layout,
      plugins: frame.plugins,
      scales: {
        x: { ...axis(family, 'SPX at expiry'), min: xMin, max: xMax },
        y: {
          ...axis(family, 'P/L ($)'),
          min: y.min,
          max: y.max,
          ticks: { ...axis(family, '').ticks, stepSize: y.step },
        },
      },
    },
    plugins: [
      backgroundPlugin(),
      legendMarginPlugin(),
      bandsPlugin(input.spot, sigma, family),
      demoPlugin(input.demo, family),
      zeroLinePlugin(),
      markersPlugin(strikes, markers, family),
      strikeLabelsPlugin(strikes, family),
      footerPlugin(input.footer, family),
    ],
  };
}
