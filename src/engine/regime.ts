// Market regime (docs/specification.md §4): VIX percentile and rank over the trailing 252 closes, the
// regime, the spike flag, the term structure and the rebalance threshold T.
import { percent, points } from './format.ts';

export type RegimeName = 'calm' | 'normal' | 'elevated' | 'extreme';

export interface ThresholdBand {
  /** T at percentile 0 (default 0.15). */
  thresholdMin: number;
  /** T at percentile 100 (default 0.20). */
  thresholdMax: number;
}

export const DEFAULT_THRESHOLD_BAND: ThresholdBand = { thresholdMin: 0.15, thresholdMax: 0.2 };

export const HISTORY_WINDOW = 252;
export const MIN_HISTORY = 20;

export interface RegimeInput {
  /** Today's VIX close (or last), points. */
  vix: number;
  /**
   * Previous daily closes, oldest first, not including today. The last 252 are used; with fewer
   * than 20 the percentile is unknown.
   */
  history: readonly number[];
  /** VIX3M, when known. */
  vix3m?: number | null;
  band?: ThresholdBand;
}

export interface RegimeReading {
  vix: number;
  /** Percent of the trailing closes strictly below today's (0–100), or null when unknown. */
  percentile: number | null;
  /** (VIX − min) / (max − min) · 100 over the same window, or null when unknown. */
  rank: number | null;
  regime: RegimeName;
  /** Closes used for the percentile. */
  historyCount: number;
  /** VIX ≥ 15% above the previous close; null without a previous close. */
  spike: boolean | null;
  /** VIX / previous close − 1. */
  change: number | null;
  termStructure: 'contango' | 'backwardation' | null;
  vixToVix3m: number | null;
  threshold: number;
  /** One line for traders, e.g. "VIX 16.40 at the 38th percentile: normal; T = 16.9%". */
  summary: string;
}

/** T = T_min + (T_max − T_min) · percentile/100; the midpoint when the percentile is unknown. */
export function rebalanceThreshold(percentile: number | null, band: ThresholdBand = DEFAULT_THRESHOLD_BAND): number {
  const share = percentile === null ? 0.5 : Math.min(100, Math.max(0, percentile)) / 100;
  return band.thresholdMin + (band.thresholdMax - band.thresholdMin) * share;
}

export function regimeFor(vix: number, percentile: number | null): RegimeName {
  if (vix >= 30 || (percentile !== null && percentile >= 95)) return 'extreme';
  if (percentile === null) return 'normal';
  if (percentile < 25) return 'calm';
  if (percentile < 75) return 'normal';
  return 'elevated';
}

const ordinal = (n: number) => {
  const whole = Math.round(n);
  const tens = whole % 100;
  if (tens >= 11 && tens <= 13) return `${whole}th`;
  return `${whole}${['th', 'st', 'nd', 'rd'][whole % 10] ?? 'th'}`;
};

/** Classifies today's VIX against its trailing history. */
export function classifyRegime({
  vix,
  history,
  vix3m = null,
  band = DEFAULT_THRESHOLD_BAND,
}: RegimeInput): RegimeReading {
  const window = history.slice(-HISTORY_WINDOW).filter((value) => Number.isFinite(value) && value > 0);
  const known = window.length >= MIN_HISTORY;
  let percentile: number | null = null;
  let rank: number | null = null;
  if (known) {
    percentile = (100 * window.filter((close) => close < vix).length) / window.length;
    const low = Math.min(...window);
    const high = Math.max(...window);
    rank = high > low ? Math.min(100, Math.max(0, (100 * (vix - low)) / (high - low))) : 50;
  }
  const previous = history.length ? history[history.length - 1]! : null;
  const change = previous && previous > 0 ? vix / previous - 1 : null;
  // +15% exactly is a spike: 20 → 23 computes as 0.1499999999999999, so compare with a hair of room.
  const spike = change === null ? null : change >= 0.15 - 1e-12;
  const vixToVix3m = vix3m && vix3m > 0 ? vix / vix3m : null;
  const termStructure = vixToVix3m === null ? null : vixToVix3m < 1 ? 'contango' : 'backwardation';
  const regime = regimeFor(vix, percentile);
  const threshold = rebalanceThreshold(percentile, band);
  const where =
    percentile === null
      ? `percentile unknown (only ${window.length} closes of history, 20 needed): midpoint threshold`
      : `at the ${ordinal(percentile)} percentile of ${window.length} closes`;
  const summary = `VIX ${points(vix)} ${where}: ${regime}${spike ? ', SPIKE' : ''}; T = ${percent(threshold)}`;
  return {
    vix,
    percentile,
    rank,
    regime,
    historyCount: window.length,
    spike,
    change,
    termStructure,
    vixToVix3m,
    threshold,
    summary,
  };
}
