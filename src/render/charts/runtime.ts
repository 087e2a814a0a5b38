// Loads chart.js and @napi-rs/canvas on first use (importing this module does nothing), picks a
// font, and turns a chart configuration into a PNG, destroying the chart instance every time.

import { existsSync } from 'node:fs';
import type { ChartConfiguration, ChartItem } from 'chart.js';
import type { GlobalFonts as GlobalFontsType } from '@napi-rs/canvas';
import { drawNoData, type Ctx2D, type NoDataImage } from './decor.ts';
import type { XY } from './format.ts';
import { CHART_HEIGHT, CHART_WIDTH, PREFERRED_FONT_FAMILY } from './theme.ts';

type ChartModule = typeof import('chart.js');
type CanvasModule = typeof import('@napi-rs/canvas');

export interface ChartRuntime {
  Chart: ChartModule['Chart'];
  createCanvas: CanvasModule['createCanvas'];
  /** The family every label uses: DejaVu Sans when found, else any installed family. */
  fontFamily: string;
}

/** Where distributions put DejaVu Sans (Debian/Ubuntu, Arch, Fedora, Alpine). */
const DEJAVU_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
];

/**
 * @napi-rs/canvas loads system fonts at import unless DISABLE_SYSTEM_FONTS_LOAD is set; register
 * DejaVu Sans from its usual files when it is not there. With no font at all, text is simply not
 * drawn (Skia does not throw), so the chart still renders.
 */
export function resolveFontFamily(fonts: typeof GlobalFontsType, files: readonly string[] = DEJAVU_FILES): string {
  if (fonts.has(PREFERRED_FONT_FAMILY)) return PREFERRED_FONT_FAMILY;
  for (const file of files) {
    try {
      if (existsSync(file)) fonts.registerFromPath(file, PREFERRED_FONT_FAMILY);
    } catch {
      // An unreadable font file is as good as none.
    }
  }
  if (fonts.has(PREFERRED_FONT_FAMILY)) return PREFERRED_FONT_FAMILY;
  return fonts.families[0]?.family ?? 'sans-serif';
}

let runtime: Promise<ChartRuntime> | undefined;

export function loadChartRuntime(): Promise<ChartRuntime> {
  runtime ??= (async () => {
    const [chartjs, canvas] = await Promise.all([import('chart.js'), import('@napi-rs/canvas')]);
    const { Chart, LineController, LineElement, PointElement, LinearScale, Filler, Legend, Title, SubTitle } = chartjs;
    Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Legend, Title, SubTitle);
    return { Chart, createCanvas: canvas.createCanvas, fontFamily: resolveFontFamily(canvas.GlobalFonts) };
  })().catch((error: unknown) => {
    runtime = undefined; // let a later call try again
    throw error;
  });
  return runtime;
}

export type LineConfig = ChartConfiguration<'line', XY[]>;

/** Renders a line chart to PNG; the chart is destroyed even when rendering throws. */
export async function renderLineChart(rt: ChartRuntime, config: LineConfig): Promise<Buffer> {
  const canvas = rt.createCanvas(CHART_WIDTH, CHART_HEIGHT);
  const item = canvas as unknown as ChartItem;
  try {
    // chart.js draws synchronously when animation is off; encode before destroy(), which clears.
    new rt.Chart(item, config);
    return await canvas.encode('png');
  } finally {
    // Looked up rather than kept: a constructor that throws has already registered the instance.
    rt.Chart.getChart(item as Parameters<ChartRuntime['Chart']['getChart']>[0])?.destroy();
  }
}

export async function renderNoData(rt: ChartRuntime, image: Omit<NoDataImage, 'family'>): Promise<Buffer> {
  const canvas = rt.createCanvas(CHART_WIDTH, CHART_HEIGHT);
  drawNoData(canvas.getContext('2d') as unknown as Ctx2D, { ...image, family: rt.fontFamily });
  return canvas.encode('png');
}

/** Options every chart shares: a fixed-size, still, non-interactive canvas. */
export const staticChartOptions: Pick<
  LineConfig['options'] & object,
  'responsive' | 'maintainAspectRatio' | 'animation' | 'devicePixelRatio' | 'events'
> = {
  responsive: false,
  maintainAspectRatio: false,
  animation: false,
  devicePixelRatio: 1,
  events: [],
};
