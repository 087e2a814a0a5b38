// cp: the constant-product invariant as the methodology states it: re-centre on the cushion
// breach b_y ≥ T, an ALVH hedge layer on the premium breach b_x ≥ T, re-strike tighter on b_x ≤ −T.
import { cushionBreach, EXITS, hedgeOnPremium, rollRule, tightenOnPremium } from './rules.ts';
import type { ParamGrid, PolicyDefinition } from './types.ts';

/** The threshold bands the walk-forward tries for every cp policy (the default first). */
export const CP_BANDS: ParamGrid = [
  { thresholdMin: 0.1, thresholdMax: 0.15 },
  { thresholdMin: 0.15, thresholdMax: 0.2 },
  { thresholdMin: 0.25, thresholdMax: 0.35 },
];

export const cp: PolicyDefinition = {
  name: 'cp',
  label: 'cp (invariant)',
  summary: 'cp: the constant-product invariant, re-centre at b_y ≥ T, hedge at b_x ≥ T, tighten at b_x ≤ −T',
  rules: [...EXITS, rollRule(cushionBreach, 'recentre'), hedgeOnPremium, tightenOnPremium],
  grid: CP_BANDS,
};
