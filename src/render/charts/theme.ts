// Sizes, colours and fonts shared by the charts.

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 560;

/** Preferred family; runtime.ts falls back to any installed family when it is missing. */
export const PREFERRED_FONT_FAMILY = 'DejaVu Sans';

export const colors = {
  background: '#ffffff',
  title: '#111827',
  text: '#374151',
  muted: '#6b7280',
  grid: '#e5e7eb',
  axis: '#9ca3af',
  zeroLine: '#4b5563',
  expiryLine: '#1d4ed8',
  profitFill: 'rgba(22, 163, 74, 0.16)',
  lossFill: 'rgba(220, 38, 38, 0.14)',
  todayLine: '#ea580c',
  laterLine: '#0f766e',
  band1: 'rgba(124, 58, 237, 0.09)',
  band2: 'rgba(124, 58, 237, 0.045)',
  bandLegend: 'rgba(124, 58, 237, 0.25)',
  bandText: '#6d28d9',
  strikeText: '#6b7280',
  period: 'rgba(59, 130, 246, 0.07)',
  // Every other shaded period is darker, so back-to-back windows (walk-forward tests) show their seams.
  periodAlternate: 'rgba(59, 130, 246, 0.15)',
  periodText: '#1e40af',
  breakEven: '#374151',
  spot: '#7c3aed',
  strike: '#c4c8cf',
  labelBackground: 'rgba(255, 255, 255, 0.88)',
  demo: '#dc2626',
  demoWatermark: 'rgba(220, 38, 38, 0.08)',
} as const;

/** Distinct, colour-blind-friendlier line colours for series (Tableau 10 order). */
export const seriesPalette = [
  '#4e79a7',
  '#e15759',
  '#59a14f',
  '#f28e2b',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#7f7f7f',
] as const;

export const seriesColor = (index: number): string => seriesPalette[index % seriesPalette.length] ?? '#4e79a7';

export interface FontSpec {
  family: string;
  size: number;
  weight?: 'normal' | 'bold';
}

/** A CSS font shorthand for canvas text. */
export const cssFont = ({ family, size, weight = 'normal' }: FontSpec): string => `${weight} ${size}px "${family}"`;
