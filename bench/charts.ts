// Median render time of each chart over 20 warm renders (after one cold render, reported apart).
// Run: npx tsx bench/charts.ts. Prints figures; asserts nothing.
import { performance } from 'node:perf_hooks';
import { equityCurvePng, payoffChartPng, type EquitySeries, type PayoffChartInput } from '../src/render/charts.ts';

const RUNS = 20;

function payoffInput(): PayoffChartInput {
  const points: PayoffChartInput['points'] = [];
  for (let spot = 5400; spot <= 6600; spot += 2) {
    const atExpiry =
      12 - Math.max(0, 5665 - spot) + Math.max(0, 5615 - spot) - Math.max(0, spot - 6335) + Math.max(0, spot - 6385);
    points.push({ spot, profitAtExpiry: atExpiry * 100, profitToday: 300 - ((spot - 6000) / 300) ** 2 * 1000 });
  }
  return {
    title: 'SPX 5615/5665/6335/6385 2027-01-08 x1',
    points,
    breakEvens: [5653, 6347],
    spot: 6012.34,
    strikes: [5615, 5665, 6335, 6385],
    maxProfit: 1200,
    maxLoss: 3800,
    footer: 'Model P/L today uses VIX 16.4 as vol · educational, not investment advice',
    demo: true,
  };
}

function series(label: string, count: number, drift: number): EquitySeries {
  const points = [];
  let equity = 0;
  let ms = Date.UTC(1990, 0, 2);
  for (let i = 0; i < count; i += 1) {
    ms += 86_400_000 * (i % 5 === 4 ? 3 : 1);
    equity += drift + 300 * Math.sin(i * 12.9898);
    points.push({ date: new Date(ms).toISOString().slice(0, 10), equity });
  }
  return { label, points };
}

async function measure(name: string, render: () => Promise<Buffer>): Promise<void> {
  const coldStart = performance.now();
  const first = await render();
  const cold = performance.now() - coldStart;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    await render();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = ((times[(RUNS - 1) >> 1] ?? 0) + (times[RUNS >> 1] ?? 0)) / 2;
  console.log(
    `${name.padEnd(34)} median ${median.toFixed(1).padStart(6)} ms   ` +
      `min ${(times[0] ?? 0).toFixed(1).padStart(6)} ms   ` +
      `first ${cold.toFixed(0).padStart(4)} ms   ${(first.length / 1024).toFixed(0)} KiB`,
  );
}

const payoff = payoffInput();
const equity = {
  title: 'Backtest 1990–2025',
  series: [series('cp', 9000, 10), series('delta', 9000, 6), series('hold', 9000, 2)],
  footer: 'Past results do not predict future ones.',
};

await measure('payoff (601 points)', () => payoffChartPng(payoff));
await measure('equity (3 series × 9,000 points)', () => equityCurvePng(equity));
