// Inputs of the two charts; re-exported by src/render/charts.ts.

export interface PayoffPoint {
  spot: number;
  /** P/L of the whole position at expiry, in dollars. */
  profitAtExpiry: number;
  /** Model P/L of the position today, in dollars. */
  profitToday?: number;
}

export interface PayoffChartInput {
  /** e.g. "SPX 5615/5665/6335/6385 2027-01-08 x1" */
  title: string;
  /** Ascending spot; non-finite values are dropped. */
  points: PayoffPoint[];
  /** Spot levels where P/L at expiry crosses zero: dashed vertical lines with labels. */
  breakEvens: number[];
  /** Today's spot: a vertical line with a label. */
  spot: number;
  /** Faint vertical lines, unlabelled (the title carries the strikes). */
  strikes?: number[];
  maxProfit?: number;
  maxLoss?: number;
  /** Small text at the bottom, e.g. the vol used by the model and a disclaimer. */
  footer?: string;
  /** Marks the image "DEMO DATA" (a badge and a watermark). */
  demo?: boolean;
}

export interface EquityPoint {
  /** 'YYYY-MM-DD'; other strings are dropped. */
  date: string;
  /** Cumulative P/L in dollars. */
  equity: number;
}

export interface EquitySeries {
  label: string;
  points: EquityPoint[];
}

export interface EquityChartInput {
  title: string;
  /** One line per policy (e.g. cp, delta, hold). */
  series: EquitySeries[];
  footer?: string;
}
