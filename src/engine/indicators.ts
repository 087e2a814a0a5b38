// Market context read beside the invariant (docs/engine.md, "Market context"): Wilder's RSI(14) and
// MACD(12, 26, 9) over SPX daily closes, oldest first. Pure functions of the closes.

/** Wilder's relative strength index over `period` closes, 0..100. */
export interface RsiReading {
  value: number;
  averageGain: number;
  averageLoss: number;
}

/**
 * Wilder's RSI: the first average gain and loss are plain means of the first `period` changes,
 * then each is smoothed as (previous × (period − 1) + change) / period. RSI = 100 − 100 / (1 + gain/loss);
 * 100 with no losses, 50 with neither gains nor losses. null with fewer than period + 1 closes.
 */
export function wilderRsi(closes: readonly number[], period = 14): RsiReading | null {
  if (!(period >= 1) || closes.length < period + 1) return null;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = closes[i]! - closes[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  for (let i = period + 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
  }
  const value = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
  return { value, averageGain: gain, averageLoss: loss };
}

/**
 * Exponential moving average with α = 2 / (period + 1), seeded with the simple mean of the first
 * `period` values (the usual convention): one value per input from index period − 1 on.
 */
export function ema(values: readonly number[], period: number): number[] {
  if (!(period >= 1) || values.length < period) return [];
  const alpha = 2 / (period + 1);
  let average = 0;
  for (let i = 0; i < period; i++) average += values[i]! / period;
  const out = [average];
  for (let i = period; i < values.length; i++) {
    average += alpha * (values[i]! - average);
    out.push(average);
  }
  return out;
}

export interface MacdReading {
  /** EMA(fast) − EMA(slow) of the closes, points. */
  macd: number;
  /** EMA(signal) of the MACD line. */
  signal: number;
  /** macd − signal. */
  histogram: number;
}

/** MACD(fast, slow, signal) at the last close; null with fewer than slow + signal − 1 closes. */
export function macd(closes: readonly number[], fast = 12, slow = 26, signalPeriod = 9): MacdReading | null {
  if (!(fast < slow) || closes.length < slow + signalPeriod - 1) return null;
  const slowEma = ema(closes, slow);
  const fastEma = ema(closes, fast).slice(slow - fast); // aligned: both start at close slow − 1
  const line = slowEma.map((value, i) => fastEma[i]! - value);
  const signal = ema(line, signalPeriod).at(-1)!;
  const last = line.at(-1)!;
  return { macd: last, signal, histogram: last - signal };
}

export interface MarketIndicators {
  /** The last close used (the indicators' date). */
  asOf: string;
  rsi: RsiReading | null;
  macd: MacdReading | null;
}

/** RSI(14) and MACD(12, 26, 9) of dated daily closes (oldest first); null with no closes. */
export function marketIndicators(closes: readonly { date: string; close: number }[]): MarketIndicators | null {
  const usable = closes.filter((c) => Number.isFinite(c.close) && c.close > 0);
  const last = usable.at(-1);
  if (!last) return null;
  const values = usable.map((c) => c.close);
  return { asOf: last.date, rsi: wilderRsi(values), macd: macd(values) };
}
