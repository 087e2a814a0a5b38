/**
 * Charts as PNG buffers, for Discord attachments and Telegram photos (`Input.fromBuffer`).
 *
 * - `payoffChartPng`: an iron condor's P/L at expiry (green above zero, red below), the model P/L
 *   today (dashed), break-evens, today's spot and strikes as vertical lines, max profit and loss.
 * - `equityCurvePng`: cumulative P/L of several policies over dates, one coloured line each.
 *
 * Both are 1000×560, white, drawn by chart.js on @napi-rs/canvas (loaded on first call: importing
 * this module has no side effect). Non-finite values and bad dates are dropped; with nothing left
 * the image says "No data". Each render creates and destroys its own chart instance and canvas.
 * Text uses DejaVu Sans when installed (else any font found; with none, charts render without text).
 */

import { buildEquityConfig, cleanEquitySeries } from './charts/equity.ts';
import { buildPayoffConfig, cleanPayoffPoints } from './charts/payoff.ts';
import { loadChartRuntime, renderLineChart, renderNoData } from './charts/runtime.ts';
import type { EquityChartInput, PayoffChartInput } from './charts/types.ts';

export type { EquityChartInput, EquityPoint, EquitySeries, PayoffChartInput, PayoffPoint } from './charts/types.ts';
export { CHART_HEIGHT, CHART_WIDTH } from './charts/theme.ts';

export async function payoffChartPng(input: PayoffChartInput): Promise<Buffer> {
  const rt = await loadChartRuntime();
  const series = cleanPayoffPoints(input.points);
  if (series.expiry.length === 0)
    return renderNoData(rt, { title: input.title, footer: input.footer, demo: input.demo });
  return renderLineChart(rt, buildPayoffConfig(input, series, rt.fontFamily));
}

export async function equityCurvePng(input: EquityChartInput): Promise<Buffer> {
  const rt = await loadChartRuntime();
  const series = cleanEquitySeries(input.series);
  if (series.length === 0) return renderNoData(rt, { title: input.title, footer: input.footer });
  return renderLineChart(rt, buildEquityConfig(input, series, rt.fontFamily));
}
