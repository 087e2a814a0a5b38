// cp-side: the cp trigger, rolling only the tested side (its short back to the entry delta, the
// same wing), leaving the untested side to keep decaying.
import { CP_BANDS } from './cp.ts';
import { cushionBreach, EXITS, hedgeOnPremium, rollRule, tightenOnPremium } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const cpSide: PolicyDefinition = {
  name: 'cp-side',
  label: 'cp-side (tested side)',
  summary: 'cp-side: the cp trigger, rolling the tested side only, back to the entry delta',
  rules: [...EXITS, rollRule(cushionBreach, 'roll-tested'), hedgeOnPremium, tightenOnPremium],
  grid: CP_BANDS,
};
