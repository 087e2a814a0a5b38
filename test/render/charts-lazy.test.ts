// Importing the charts module registers nothing and loads no canvas; the first render does.
// Vitest runs each test file in its own process (pool: forks), so this file starts clean.
import { Chart } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { payoffChartPng } from '../../src/render/charts.ts';

const registered = () => {
  try {
    return Boolean(Chart.registry.getController('line'));
  } catch {
    return false;
  }
};

describe('charts module', () => {
  it('registers chart.js components on first use only', async () => {
    expect(registered()).toBe(false);
    expect(Object.keys(Chart.instances)).toHaveLength(0);
    const png = await payoffChartPng({
      title: 't',
      points: [
        { spot: 1, profitAtExpiry: 1 },
        { spot: 2, profitAtExpiry: -1 },
      ],
      breakEvens: [1.5],
      spot: 1.2,
    });
    expect(png.length).toBeGreaterThan(1000);
    expect(registered()).toBe(true);
  });
});
