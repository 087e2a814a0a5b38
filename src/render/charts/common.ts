// Axis, title and legend options shared by both charts.

import type { ChartOptions, Plugin } from 'chart.js';
import { FOOTER_HEIGHT } from './decor.ts';
import { formatGrouped, truncate } from './format.ts';
import { colors } from './theme.ts';

type LineOptions = ChartOptions<'line'>;

const font = (family: string, size: number, weight: 'normal' | 'bold' = 'normal') => ({ family, size, weight });

/** A linear axis with a title and grouped-number ticks; callers spread their own min, max, ticks. */
export function axis(family: string, title: string) {
  return {
    type: 'linear' as const,
    grid: { color: colors.grid, drawTicks: false, tickLength: 0 },
    border: { color: colors.axis },
    title: { display: true, text: title, color: colors.text, font: font(family, 13), padding: { top: 6, bottom: 2 } },
    ticks: {
      color: colors.text,
      font: font(family, 12),
      padding: 8,
      maxRotation: 0,
      autoSkipPadding: 16,
      callback: (value: number | string) => formatGrouped(Number(value), 2),
    },
  };
}

export interface Frame {
  family: string;
  title: string;
  subtitle?: string | undefined;
  footer?: string | undefined;
  demo?: boolean | undefined;
}

const dashOf = (dataset: object): number[] => {
  const dash = (dataset as { borderDash?: unknown }).borderDash;
  return Array.isArray(dash) ? dash.filter((n): n is number => typeof n === 'number') : [];
};

/** Padding, title, subtitle and legend; the DEMO badge takes room from the title on the right. */
export function framePlugins({
  family,
  title,
  subtitle,
  footer,
  demo,
}: Frame): Pick<LineOptions, 'layout' | 'plugins'> {
  return {
    layout: { padding: { top: 10, right: 24, bottom: footer ? FOOTER_HEIGHT : 12, left: 14 } },
    plugins: {
      title: {
        display: true,
        text: truncate(title, demo ? 84 : 96),
        align: 'start',
        color: colors.title,
        font: font(family, 17, 'bold'),
        padding: { top: 2, bottom: subtitle ? 2 : 8 },
      },
      subtitle: {
        display: Boolean(subtitle),
        text: subtitle ?? '',
        align: 'start',
        color: colors.text,
        font: font(family, 13),
        padding: { top: 2, bottom: 6 },
      },
      legend: {
        display: true,
        position: 'top',
        align: 'start',
        labels: {
          color: colors.text,
          font: font(family, 12),
          usePointStyle: true,
          pointStyle: 'line',
          pointStyleWidth: 28,
          boxHeight: 10,
          padding: 14,
          // chart.js takes a point's style for pointStyle legends, which loses borderDash.
          generateLabels: (chart) =>
            chart.data.datasets.map((dataset, datasetIndex) => ({
              text: dataset.label ?? '',
              datasetIndex,
              fontColor: colors.text,
              strokeStyle: String(dataset.borderColor),
              fillStyle: String(dataset.borderColor),
              lineWidth: typeof dataset.borderWidth === 'number' ? dataset.borderWidth : 2,
              lineDash: dashOf(dataset),
              pointStyle: 'line' as const,
              hidden: false,
            })),
        },
      },
      tooltip: { enabled: false },
    },
  };
}

/** Room between the legend and the plot, so the top y tick label does not touch the legend. */
export function legendMarginPlugin(margin = 10): Plugin<'line'> {
  return {
    id: 'condorLegendMargin',
    beforeInit: (chart) => {
      const legend = (chart as unknown as { legend?: { fit(): void; height: number } }).legend;
      if (!legend) return;
      const fit = legend.fit.bind(legend);
      legend.fit = () => {
        fit();
        legend.height += margin;
      };
    },
  };
}
