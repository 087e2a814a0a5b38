// cp-cost: the cp trigger, acted on only when the model's expected gain of the re-strike exceeds
// its round-trip cost (rules.ts gainBeatsCost).
import { CP_BANDS } from './cp.ts';
import { cushionBreach, EXITS, gainBeatsCost, hedgeOnPremium, rollRule, tightenOnPremium } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const cpCost: PolicyDefinition = {
  name: 'cp-cost',
  label: 'cp-cost (cost-aware)',
  summary: 'cp-cost: the cp trigger, re-centring only when the model gain beats the round-trip cost',
  rules: [...EXITS, rollRule(cushionBreach, 'recentre', gainBeatsCost), hedgeOnPremium, tightenOnPremium],
  grid: CP_BANDS,
};
