// cndr: Cboe's S&P 500 Iron Condor Index (CNDR) as published: each month, on the third-Friday
// cycle, sell the ~20-delta put and call and buy the ~5-delta wings, hold to expiry. The public
// benchmark for this trade; no profit target, no stop.
import { settleAtExpiry } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const cndr: PolicyDefinition = {
  name: 'cndr',
  label: 'cndr (Cboe CNDR-like)',
  summary: 'cndr: monthly third-Friday condor, 20-delta shorts, 5-delta wings, held to expiry (Cboe CNDR-like)',
  rules: [settleAtExpiry],
  entry: { targetDte: 30, targetDelta: 0.2, wingDelta: 0.05, expiryRule: 'monthly' },
  grid: [],
};
