// hold: open, then only the profit target, the stop and settlement (no rolls, no hedges).
import { exitAtDte, settleAtExpiry, stopLoss, takeProfit } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const hold: PolicyDefinition = {
  name: 'hold',
  label: 'hold',
  summary: 'hold: profit target, stop and settlement only; never rolls',
  rules: [settleAtExpiry, stopLoss, exitAtDte, takeProfit],
  grid: [{ profitTarget: 0.5 }, { profitTarget: 0.25 }, { profitTarget: 0.75 }],
};
