// RSI(14) and MACD(12, 26, 9) against hand-worked numbers and an independent formula.
import { describe, expect, it } from 'vitest';
import { ema, macd, marketIndicators, wilderRsi } from '../../src/engine/indicators.ts';

// Wilder's worked example as StockCharts tabulates it (closes of a stock, oldest first).
const WILDER = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03,
  46.41, 46.22, 45.64,
];

describe('wilderRsi', () => {
  it('matches the hand-worked first value: gains 3.34, losses 1.40 over 14 changes', () => {
    // RS = (3.34 / 14) / (1.40 / 14) = 2.3857; RSI = 100 − 100 / 3.3857 = 70.464.
    const first = wilderRsi(WILDER.slice(0, 15))!;
    expect(first.averageGain).toBeCloseTo(3.34 / 14, 12);
    expect(first.averageLoss).toBeCloseTo(1.4 / 14, 12);
    expect(first.value).toBeCloseTo(100 - 100 / (1 + 3.34 / 1.4), 10);
    expect(first.value).toBeCloseTo(70.464, 3);
  });

  it("smooths Wilder's way: each next value from the previous averages", () => {
    // Computed separately (a Python loop over the same closes): 66.25, 66.48, 69.35, 66.29, 57.92.
    const expected = [66.249, 66.481, 69.347, 66.295, 57.915];
    expected.forEach((value, i) => expect(wilderRsi(WILDER.slice(0, 16 + i))!.value).toBeCloseTo(value, 2));
    // By hand for the 16th close (46.00, a loss of 0.28): gain 0.23857·13/14, loss (0.1·13 + 0.28)/14.
    const gain = ((3.34 / 14) * 13) / 14;
    const loss = ((1.4 / 14) * 13 + 0.28) / 14;
    expect(wilderRsi(WILDER.slice(0, 16))!.value).toBeCloseTo(100 - 100 / (1 + gain / loss), 9);
  });

  it('is 100 on rises only, 0 on falls only, 50 on a flat line, and needs 15 closes', () => {
    const up = Array.from({ length: 30 }, (_, i) => 100 + i);
    expect(wilderRsi(up)!.value).toBe(100);
    expect(wilderRsi([...up].reverse())!.value).toBe(0);
    expect(wilderRsi(Array(20).fill(5))!.value).toBe(50);
    expect(wilderRsi(up.slice(0, 14))).toBeNull();
  });
});

describe('ema and macd', () => {
  it('EMA equals the explicit weighted sum α·Σ(1−α)^i·x + (1−α)^k·seed', () => {
    const values = Array.from({ length: 60 }, (_, i) => 5000 + 40 * Math.sin(i / 3) + i * 2);
    const period = 12;
    const alpha = 2 / (period + 1);
    const seed = values.slice(0, period).reduce((a, b) => a + b, 0) / period;
    const out = ema(values, period);
    expect(out).toHaveLength(values.length - period + 1);
    for (const t of [period - 1, period + 5, values.length - 1]) {
      const k = t - (period - 1);
      let sum = (1 - alpha) ** k * seed;
      for (let i = 0; i < k; i++) sum += alpha * (1 - alpha) ** i * values[t - i]!;
      expect(out[t - (period - 1)]).toBeCloseTo(sum, 9);
    }
  });

  it('on a ramp of slope 1: MACD line = lag difference (26 − 12) / 2 = 7, signal 7, histogram 0', () => {
    // An EMA seeded by the simple mean lags a ramp by (n − 1) / 2 from the start.
    const ramp = Array.from({ length: 80 }, (_, i) => 4000 + i);
    const reading = macd(ramp)!;
    expect(reading.macd).toBeCloseTo(7, 9);
    expect(reading.signal).toBeCloseTo(7, 9);
    expect(reading.histogram).toBeCloseTo(0, 9);
  });

  it('turns negative after a fall and needs 34 closes', () => {
    const fall = [
      ...Array.from({ length: 40 }, (_, i) => 6000 + i),
      ...Array.from({ length: 10 }, (_, i) => 6040 - 15 * i),
    ];
    expect(macd(fall)!.macd).toBeLessThan(0);
    expect(macd(fall)!.histogram).toBeLessThan(0);
    expect(macd(fall.slice(0, 33))).toBeNull();
    expect(macd(fall.slice(0, 34))).not.toBeNull();
  });
});

describe('marketIndicators', () => {
  it('dates the reading by the last close and skips unusable closes', () => {
    const closes = WILDER.map((close, i) => ({ date: `2026-01-${String(i + 1).padStart(2, '0')}`, close }));
    const reading = marketIndicators([...closes, { date: '2026-01-31', close: Number.NaN }])!;
    expect(reading.asOf).toBe('2026-01-20');
    expect(reading.rsi!.value).toBeCloseTo(57.915, 2);
    expect(reading.macd).toBeNull(); // 20 closes: too few for MACD
    expect(marketIndicators([])).toBeNull();
  });
});
