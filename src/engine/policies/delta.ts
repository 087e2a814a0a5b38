// delta: the static 50-delta rule the methodology's claim compares with: re-centre when a short
// leg's |delta| reaches the trigger.
import { deltaReached, EXITS, rollRule } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const delta: PolicyDefinition = {
  name: 'delta',
  label: 'delta (static 50Δ)',
  summary: 'delta: re-centre when a short leg reaches |delta| 0.50 (the static rule)',
  rules: [...EXITS, rollRule(deltaReached, 'recentre')],
  grid: [{ deltaTrigger: 0.5 }, { deltaTrigger: 0.4 }, { deltaTrigger: 0.3 }],
};
