// Position sizing by a risk budget (docs/engine.md, "Position sizing"): how many condors fit when
// each can lose its max loss and the trader risks a share of the account per trade.

export interface SizingInput {
  /** Account size, dollars. */
  accountSize: number;
  /** Share of the account risked on one trade, e.g. 0.02. */
  riskFraction: number;
  /** Max loss of one condor (one contract per leg), dollars. */
  maxLossPerCondor: number;
}

export interface Sizing {
  /** accountSize × riskFraction, dollars. */
  budget: number;
  /** Whole condors whose max loss fits the budget: floor(budget / max loss), 0 when even one does not. */
  contracts: number;
  /** contracts × max loss, dollars (≤ budget). */
  riskAtContracts: number;
  /** riskAtContracts / accountSize. */
  riskShare: number;
}

/** null when an input cannot size anything (non-positive or not finite). */
export function sizeByRisk({ accountSize, riskFraction, maxLossPerCondor }: SizingInput): Sizing | null {
  if (!(accountSize > 0 && riskFraction > 0 && maxLossPerCondor > 0)) return null;
  if (![accountSize, riskFraction, maxLossPerCondor].every(Number.isFinite)) return null;
  const budget = accountSize * riskFraction;
  // A hair of tolerance so that a budget of exactly 2 × max loss (computed in floating point) fits 2.
  const contracts = Math.floor(budget / maxLossPerCondor + 1e-9);
  const riskAtContracts = contracts * maxLossPerCondor;
  return { budget, contracts, riskAtContracts, riskShare: riskAtContracts / accountSize };
}
