// Drawing shared by the charts, done by hand on the 2D context: background, footer, DEMO marks,
// the zero line, and the "no data" image. chart.js exposes them as small inline plugins.

import type { Chart, Plugin } from 'chart.js';
import { CHART_HEIGHT, CHART_WIDTH, colors, cssFont } from './theme.ts';

/** The part of a 2D context used here; both chart.js's ctx and @napi-rs/canvas's satisfy it. */
export interface Ctx2D {
  save(): void;
  restore(): void;
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  font: string;
  textAlign: string;
  textBaseline: string;
  setLineDash(segments: number[]): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  fill(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  translate(x: number, y: number): void;
  rotate(angle: number): void;
  rect(x: number, y: number, w: number, h: number): void;
}

export const ctxOf = (chart: Chart): Ctx2D => chart.ctx as unknown as Ctx2D;

export const FOOTER_HEIGHT = 26;
const EDGE = 16;

export function paintBackground(ctx: Ctx2D, width = CHART_WIDTH, height = CHART_HEIGHT): void {
  ctx.save();
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, width, height);
  ctx.restore();
}

/** Small grey text along the bottom edge, cut to the width. */
export function drawFooter(ctx: Ctx2D, text: string, family: string): void {
  ctx.save();
  ctx.font = cssFont({ family, size: 11 });
  ctx.fillStyle = colors.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(fitText(ctx, text, CHART_WIDTH - 2 * EDGE), EDGE, CHART_HEIGHT - 10);
  ctx.restore();
}

/** The red "DEMO DATA" badge in the top-right corner. Returns its width. */
export function drawDemoBadge(ctx: Ctx2D, family: string): number {
  const text = 'DEMO DATA';
  ctx.save();
  ctx.font = cssFont({ family, size: 12, weight: 'bold' });
  const width = Math.max(84, ctx.measureText(text).width + 16);
  const x = CHART_WIDTH - EDGE - width;
  const y = 12;
  ctx.fillStyle = colors.demo;
  ctx.fillRect(x, y, width, 22);
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x + width / 2, y + 11);
  ctx.restore();
  return width;
}

/** A large faint diagonal "DEMO DATA" across an area, behind the data. */
export function drawDemoWatermark(
  ctx: Ctx2D,
  family: string,
  area: { left: number; top: number; right: number; bottom: number },
): void {
  ctx.save();
  ctx.translate((area.left + area.right) / 2, (area.top + area.bottom) / 2);
  ctx.rotate(-Math.PI / 12);
  ctx.font = cssFont({ family, size: 84, weight: 'bold' });
  ctx.fillStyle = colors.demoWatermark;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('DEMO DATA', 0, 0);
  ctx.restore();
}

/** Cuts text with an ellipsis until it fits maxWidth pixels. */
export function fitText(ctx: Ctx2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > maxWidth) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

export function backgroundPlugin(): Plugin<'line'> {
  return { id: 'condorBackground', beforeDraw: (chart) => paintBackground(ctxOf(chart), chart.width, chart.height) };
}

export function footerPlugin(text: string | undefined, family: string): Plugin<'line'> {
  return {
    id: 'condorFooter',
    afterDraw: (chart) => {
      if (text) drawFooter(ctxOf(chart), text, family);
    },
  };
}

export function demoPlugin(demo: boolean | undefined, family: string): Plugin<'line'> {
  return {
    id: 'condorDemo',
    beforeDatasetsDraw: (chart) => {
      if (demo) drawDemoWatermark(ctxOf(chart), family, chart.chartArea);
    },
    afterDraw: (chart) => {
      if (demo) drawDemoBadge(ctxOf(chart), family);
    },
  };
}

/** A dark horizontal line at y = 0 when zero is on the axis. */
export function zeroLinePlugin(): Plugin<'line'> {
  return {
    id: 'condorZeroLine',
    beforeDatasetsDraw: (chart) => {
      const y = chart.scales.y;
      if (!y || y.min > 0 || y.max < 0) return;
      const pixel = Math.round(y.getPixelForValue(0)) + 0.5;
      const ctx = ctxOf(chart);
      ctx.save();
      ctx.strokeStyle = colors.zeroLine;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(chart.chartArea.left, pixel);
      ctx.lineTo(chart.chartArea.right, pixel);
      ctx.stroke();
      ctx.restore();
    },
  };
}

export interface NoDataImage {
  title: string;
  footer?: string | undefined;
  demo?: boolean | undefined;
  family: string;
}

/** The whole image when there is nothing to plot: title, a centred "No data", footer. */
export function drawNoData(ctx: Ctx2D, { title, footer, demo, family }: NoDataImage): void {
  paintBackground(ctx);
  const badge = demo ? drawDemoBadge(ctx, family) + 12 : 0;
  ctx.save();
  ctx.font = cssFont({ family, size: 17, weight: 'bold' });
  ctx.fillStyle = colors.title;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(fitText(ctx, title, CHART_WIDTH - 2 * EDGE - badge), EDGE, 23);
  ctx.font = cssFont({ family, size: 22 });
  ctx.fillStyle = colors.muted;
  ctx.textAlign = 'center';
  ctx.fillText('No data', CHART_WIDTH / 2, CHART_HEIGHT / 2);
  ctx.restore();
  if (footer) drawFooter(ctx, footer, family);
}
