// Fonts on a bare server: with system fonts off, DejaVu Sans is registered from its file; with no
// font at all the chart still renders.
import { describe, expect, it } from 'vitest';
import { loadChartRuntime, renderLineChart, resolveFontFamily } from '../../src/render/charts/runtime.ts';
import { buildPayoffConfig, cleanPayoffPoints } from '../../src/render/charts/payoff.ts';

// Before @napi-rs/canvas is first imported in this process (it is imported lazily below).
process.env.DISABLE_SYSTEM_FONTS_LOAD = '1';

type Fonts = Parameters<typeof resolveFontFamily>[0];
const fakeFonts = (families: string[]): Fonts =>
  ({
    has: (name: string) => families.includes(name),
    registerFromPath: () => null,
    families: families.map((family) => ({ family, styles: [] })),
  }) as unknown as Fonts;

describe('chart fonts', () => {
  it('registers DejaVu Sans from its file when system fonts were not loaded', async () => {
    const { GlobalFonts } = await import('@napi-rs/canvas');
    expect(GlobalFonts.has('DejaVu Sans')).toBe(false);
    expect((await loadChartRuntime()).fontFamily).toBe('DejaVu Sans');
    expect(GlobalFonts.has('DejaVu Sans')).toBe(true);
  });

  it('falls back to any installed family, then to sans-serif', () => {
    expect(resolveFontFamily(fakeFonts(['DejaVu Sans', 'Liberation Sans']), [])).toBe('DejaVu Sans');
    expect(resolveFontFamily(fakeFonts(['Liberation Sans']), [])).toBe('Liberation Sans');
    expect(resolveFontFamily(fakeFonts([]), [])).toBe('sans-serif');
    expect(resolveFontFamily(fakeFonts([]), ['/nonexistent/DejaVuSans.ttf'])).toBe('sans-serif');
  });

  it('renders when the font family does not exist', async () => {
    const rt = { ...(await loadChartRuntime()), fontFamily: 'No Such Font' };
    const input = {
      title: 'no font',
      points: [
        { spot: 1, profitAtExpiry: -1 },
        { spot: 3, profitAtExpiry: 2 },
      ],
      breakEvens: [1.7],
      spot: 2,
      demo: true,
      footer: 'f',
    };
    const png = await renderLineChart(rt, buildPayoffConfig(input, cleanPayoffPoints(input.points), rt.fontFamily));
    expect(png.readUInt32BE(16)).toBe(1000);
  });
});
