// cp-out: the cp trigger, but the roll goes out in time: close, and open the model condor at the
// next expiry near the entry DTE, instead of re-centring in the same expiry.
import { CP_BANDS } from './cp.ts';
import { cushionBreach, EXITS, hedgeOnPremium, rollRule, tightenOnPremium } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const cpOut: PolicyDefinition = {
  name: 'cp-out',
  label: 'cp-out (roll out)',
  summary: 'cp-out: the cp trigger, rolling the whole condor out to the next expiry near the entry DTE',
  rules: [...EXITS, rollRule(cushionBreach, 'roll-out'), hedgeOnPremium, tightenOnPremium],
  grid: CP_BANDS,
};
