import { createCanvas, loadImage } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import { describe, expect, it } from 'vitest';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  equityCurvePng,
  payoffChartPng,
  type EquitySeries,
  type PayoffChartInput,
} from '../../src/render/charts.ts';
import { loadChartRuntime, renderLineChart } from '../../src/render/charts/runtime.ts';

// --- builders ---------------------------------------------------------------------------------

const STRIKES = { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 };
const CREDIT = 12;

function condorPayoff(overrides: Partial<PayoffChartInput> = {}): PayoffChartInput {
  const points: PayoffChartInput['points'] = [];
  for (let spot = 5400; spot <= 6600; spot += 5) {
    const points_ =
      CREDIT -
      Math.max(0, STRIKES.shortPut - spot) +
      Math.max(0, STRIKES.longPut - spot) -
      Math.max(0, spot - STRIKES.shortCall) +
      Math.max(0, spot - STRIKES.longCall);
    const today = 300 - ((spot - 6000) / 300) ** 2 * 1000;
    points.push({ spot, profitAtExpiry: points_ * 100, profitToday: Math.max(-3800, today) });
  }
  return {
    title: 'SPX 5615/5665/6335/6385 2027-01-08 x1',
    points,
    breakEvens: [STRIKES.shortPut - CREDIT, STRIKES.shortCall + CREDIT],
    spot: 6012.34,
    strikes: Object.values(STRIKES),
    maxProfit: CREDIT * 100,
    maxLoss: (50 - CREDIT) * 100,
    footer: 'Model P/L today uses VIX 16.4 as vol · educational, not investment advice',
    ...overrides,
  };
}

function equitySeries(label: string, count: number, drift: number, seed: number): EquitySeries {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const points = [];
  let equity = 0;
  let ms = Date.UTC(1990, 0, 2);
  for (let i = 0; i < count; i += 1) {
    ms += 86_400_000 * (i % 5 === 4 ? 3 : 1);
    equity += drift + 300 * (random() - 0.5);
    points.push({ date: new Date(ms).toISOString().slice(0, 10), equity });
  }
  return { label, points };
}

// --- image helpers ----------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ihdrSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number, number];
  count(box: [number, number, number, number], test: (r: number, g: number, b: number) => boolean): number;
}

async function decode(png: Buffer): Promise<Pixels> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  const at = (x: number, y: number): [number, number, number, number] => {
    const i = (y * width + x) * 4;
    return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
  };
  return {
    width,
    height,
    at,
    count: ([x0, y0, x1, y1], test) => {
      let n = 0;
      for (let y = y0; y < y1; y += 1)
        for (let x = x0; x < x1; x += 1) if (test(...(at(x, y).slice(0, 3) as [number, number, number]))) n += 1;
      return n;
    },
  };
}

const PLOT: [number, number, number, number] = [150, 130, 950, 460];
const plotArea = (PLOT[2] - PLOT[0]) * (PLOT[3] - PLOT[1]);
const notWhite = (r: number, g: number, b: number) => r < 245 || g < 245 || b < 245;
const greenTint = (r: number, g: number, b: number) => g > r + 12 && g > b + 6;
const redTint = (r: number, g: number, b: number) => r > g + 15 && r > b + 15 && r > 200;
const demoRed = (r: number, g: number, b: number) => r > 190 && g < 90 && b < 90;
const near = (hex: string, tolerance = 40) => {
  const [R, G, B] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return (r: number, g: number, b: number) => Math.abs(r - R) + Math.abs(g - G) + Math.abs(b - B) < tolerance;
};

async function expectWhiteCorners(pixels: Pixels) {
  for (const [x, y] of [
    [0, 0],
    [CHART_WIDTH - 1, 0],
    [CHART_WIDTH - 1, CHART_HEIGHT - 1],
  ] as const) {
    expect(pixels.at(x, y)).toEqual([255, 255, 255, 255]); // painted, not transparent
  }
}

// --- tests ------------------------------------------------------------------------------------

describe('payoffChartPng', () => {
  it('renders a 1000×560 PNG on a white background with the P/L drawn in the plot area', async () => {
    const png = await payoffChartPng(condorPayoff());
    expect(ihdrSize(png)).toEqual({ width: 1000, height: 560 });
    const pixels = await decode(png);
    expect([pixels.width, pixels.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    await expectWhiteCorners(pixels);
    expect(pixels.count(PLOT, notWhite) / plotArea).toBeGreaterThan(0.2);
    expect(pixels.count(PLOT, greenTint)).toBeGreaterThan(5_000); // profit zone tinted
    expect(pixels.count(PLOT, redTint)).toBeGreaterThan(5_000); // loss zones tinted
    expect(pixels.count(PLOT, near('#1d4ed8'))).toBeGreaterThan(500); // expiry line
    expect(pixels.count(PLOT, near('#ea580c'))).toBeGreaterThan(200); // model P/L today
    expect(pixels.count([0, 0, CHART_WIDTH, 120], notWhite)).toBeGreaterThan(500); // title, legend
  });

  it('marks demo data with a visible red badge', async () => {
    const plain = await payoffChartPng(condorPayoff());
    const demo = await payoffChartPng(condorPayoff({ demo: true }));
    expect(demo.equals(plain)).toBe(false);
    const badge: [number, number, number, number] = [880, 8, 990, 38];
    expect((await decode(plain)).count(badge, demoRed)).toBe(0);
    expect((await decode(demo)).count(badge, demoRed)).toBeGreaterThan(800);
  });

  it('leaves out the today line when no point has it', async () => {
    const input = condorPayoff();
    const png = await payoffChartPng({
      ...input,
      points: input.points.map(({ spot, profitAtExpiry }) => ({ spot, profitAtExpiry })),
    });
    expect((await decode(png)).count(PLOT, near('#ea580c'))).toBe(0);
  });

  it('says "no data" for no points, and drops NaN and Infinity without throwing', async () => {
    const empty = await decode(await payoffChartPng(condorPayoff({ points: [] })));
    await expectWhiteCorners(empty);
    expect(empty.count(PLOT, notWhite) / plotArea).toBeLessThan(0.02);
    expect(empty.count([420, 250, 580, 310], notWhite)).toBeGreaterThan(50); // the "No data" text

    const allBad = condorPayoff({
      points: [
        { spot: NaN, profitAtExpiry: 1 },
        { spot: 1, profitAtExpiry: Infinity },
      ],
    });
    expect(ihdrSize(await payoffChartPng(allBad))).toEqual({ width: 1000, height: 560 });

    const input = condorPayoff();
    const holes = input.points.map((p, i) =>
      i % 7 === 0 ? { ...p, profitAtExpiry: NaN } : i % 5 === 0 ? { ...p, profitToday: -Infinity } : p,
    );
    const png = await payoffChartPng({
      ...input,
      points: holes,
      breakEvens: [NaN, 5653],
      spot: NaN,
      strikes: [Infinity],
      maxProfit: NaN,
      maxLoss: undefined,
    });
    expect((await decode(png)).count(PLOT, near('#1d4ed8'))).toBeGreaterThan(500);
  });

  it('accepts unsorted points, a single point and a spot outside the curve', async () => {
    const input = condorPayoff();
    await expect(payoffChartPng({ ...input, points: [...input.points].reverse(), spot: 9000 })).resolves.toBeInstanceOf(
      Buffer,
    );
    await expect(payoffChartPng({ ...input, points: [{ spot: 6000, profitAtExpiry: 1200 }] })).resolves.toBeInstanceOf(
      Buffer,
    );
  });
});

describe('equityCurvePng', () => {
  it('renders three series of 9,000 points, each in its own colour', async () => {
    const series = [
      equitySeries('cp', 9000, 10, 1),
      equitySeries('delta', 9000, 6, 2),
      equitySeries('hold', 9000, 2, 3),
    ];
    const png = await equityCurvePng({
      title: 'Backtest 1990–2025',
      series,
      footer: 'Past results do not predict future ones.',
    });
    expect(ihdrSize(png)).toEqual({ width: 1000, height: 560 });
    const pixels = await decode(png);
    await expectWhiteCorners(pixels);
    for (const colour of ['#4e79a7', '#e15759', '#59a14f'])
      expect(pixels.count(PLOT, near(colour))).toBeGreaterThan(300);
  });

  it('says "no data" for no series or empty ones, and drops bad dates and non-finite equity', async () => {
    for (const series of [
      [],
      [{ label: 'cp', points: [] }],
      [
        {
          label: 'cp',
          points: [
            { date: '2024-02-30', equity: 1 },
            { date: '2024-03-01', equity: NaN },
          ],
        },
      ],
    ]) {
      const pixels = await decode(await equityCurvePng({ title: 'Nothing yet', series }));
      expect(pixels.count(PLOT, notWhite) / plotArea).toBeLessThan(0.02);
    }
    const good = equitySeries('cp', 500, 10, 4);
    const spoiled = {
      label: 'cp',
      points: good.points.map((p, i) =>
        i % 9 === 0 ? { ...p, equity: Infinity } : i % 11 === 0 ? { ...p, date: 'soon' } : p,
      ),
    };
    const pixels = await decode(await equityCurvePng({ title: 'Spoiled', series: [spoiled] }));
    expect(pixels.count(PLOT, near('#4e79a7'))).toBeGreaterThan(300);
  });

  it('draws a single dated point', async () => {
    const png = await equityCurvePng({
      title: 'Day one',
      series: [{ label: 'cp', points: [{ date: '2024-01-02', equity: 100 }] }],
    });
    expect(ihdrSize(png)).toEqual({ width: 1000, height: 560 });
  });
});

describe('chart lifetime', () => {
  it('destroys every chart.js instance, also when drawing throws', async () => {
    for (let i = 0; i < 40; i += 1) {
      await payoffChartPng(condorPayoff({ demo: i % 2 === 0 }));
      await equityCurvePng({ title: 't', series: [equitySeries('cp', 300, 1, i)] });
    }
    expect(Object.keys(Chart.instances)).toHaveLength(0);

    const rt = await loadChartRuntime();
    const data = {
      datasets: [
        {
          data: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
      ],
    };
    const options = { responsive: false, animation: false, devicePixelRatio: 1, parsing: false } as const;
    const boom = {
      id: 'boom',
      afterDraw: () => {
        throw new Error('boom');
      },
    };
    const linear = { x: { type: 'linear' }, y: { type: 'linear' } } as const;
    await expect(
      renderLineChart(rt, { type: 'line', data, options: { ...options, scales: linear }, plugins: [boom] }),
    ).rejects.toThrow('boom');
    expect(Object.keys(Chart.instances)).toHaveLength(0);
    // The default category scale is not registered: chart.js throws from its constructor.
    await expect(renderLineChart(rt, { type: 'line', data, options })).rejects.toThrow('not a registered scale');
    expect(Object.keys(Chart.instances)).toHaveLength(0);
  });
});
