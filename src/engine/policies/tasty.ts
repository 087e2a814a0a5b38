// tasty: tastytrade's published management: take profit at 50% of the credit, close at 21 DTE,
// never roll (the same stop as every policy, so that costs and risk compare).
import { exitAtDte, settleAtExpiry, stopLoss, takeProfit } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const tasty: PolicyDefinition = {
  name: 'tasty',
  label: 'tasty (50%, 21 DTE)',
  summary: 'tasty: take profit at 50%, close at 21 DTE (tastytrade management)',
  rules: [settleAtExpiry, stopLoss, exitAtDte, takeProfit],
  fixed: { profitTarget: 0.5, exitDte: 21 },
  grid: [],
};
