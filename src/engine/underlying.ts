// Underlyings are data, not constants (docs/specification.md §1): multiplier, strike grid and default wing.
/** The underlyings the bot prices (UNDERLYINGS below holds their data). */
export type UnderlyingSymbol = 'SPX' | 'XSP' | 'SPY';

export interface Underlying {
  symbol: UnderlyingSymbol;
  /** Dollars per point per contract. */
  multiplier: number;
  /** Strike spacing in points. */
  strikeStep: number;
  /** Default wing width in points at prices near referenceSpot. */
  defaultWingWidth: number;
  /** A typical price for which defaultWingWidth was chosen; far from it, wings scale with spot. */
  referenceSpot: number;
  /** Settlement of the options the product uses: PM (SPXW dailies) or AM. */
  settlement: 'PM' | 'AM';
}

export const UNDERLYINGS = {
  SPX: { symbol: 'SPX', multiplier: 100, strikeStep: 5, defaultWingWidth: 50, referenceSpot: 5000, settlement: 'PM' },
  XSP: { symbol: 'XSP', multiplier: 100, strikeStep: 1, defaultWingWidth: 5, referenceSpot: 500, settlement: 'PM' },
  SPY: { symbol: 'SPY', multiplier: 100, strikeStep: 1, defaultWingWidth: 5, referenceSpot: 500, settlement: 'PM' },
} as const satisfies Record<UnderlyingSymbol, Underlying>;

/** Whether text names an underlying (any case), for data read from outside (a database row, a typed option). */
export function isUnderlyingSymbol(symbol: string): symbol is UnderlyingSymbol {
  return Object.hasOwn(UNDERLYINGS, symbol);
}

/** The underlying a text names (any case), undefined when it names none. */
export function underlyingFor(symbol: string): Underlying | undefined {
  const upper = symbol.toUpperCase();
  return isUnderlyingSymbol(upper) ? UNDERLYINGS[upper] : undefined;
}

const GRID_TOLERANCE = 1e-9;

/** Rounds a price to the strike grid. */
export function roundToGrid(price: number, step: number, mode: 'nearest' | 'up' | 'down' = 'nearest'): number {
  const units = price / step;
  const rounded =
    mode === 'up'
      ? Math.ceil(units - GRID_TOLERANCE)
      : mode === 'down'
        ? Math.floor(units + GRID_TOLERANCE)
        : Math.round(units);
  return Number((rounded * step).toFixed(10));
}

export function isOnGrid(strike: number, step: number): boolean {
  const units = strike / step;
  return Math.abs(units - Math.round(units)) <= GRID_TOLERANCE * Math.max(1, Math.abs(units));
}

/**
 * The default wing width for a spot: the underlying's default near its reference price
 * (50 points for SPX between 2,500 and 12,500), otherwise the same fraction of spot rounded to
 * the grid (at least one step) — 50 points makes no sense for SPX at 350 in 1990.
 */
export function defaultWingWidth(underlying: Underlying, spot: number): number {
  const ratio = spot / underlying.referenceSpot;
  if (ratio >= 0.5 && ratio <= 2.5) return underlying.defaultWingWidth;
  const scaled = (underlying.defaultWingWidth * spot) / underlying.referenceSpot;
  return Math.max(underlying.strikeStep, roundToGrid(scaled, underlying.strikeStep));
}
