// cp-moves: the cp roll with its trigger measured in expected moves (how far spot went toward a
// break-even, in the entry's expected moves) and a minimum interval between re-strikes, so a
// 0.6% day no longer re-strikes a 16-delta condor.
import { EXITS, hedgeOnPremium, movesBreach, rollRule, tightenOnPremium } from './rules.ts';
import type { PolicyDefinition } from './types.ts';

export const cpMoves: PolicyDefinition = {
  name: 'cp-moves',
  label: 'cp-moves (EM trigger)',
  summary: 'cp-moves: re-centre after a move of 0.5 expected moves toward a break-even, at most once in 5 days',
  rules: [...EXITS, rollRule(movesBreach, 'recentre'), hedgeOnPremium, tightenOnPremium],
  grid: [
    { triggerMoves: 0.5, minAdjustDays: 5 },
    { triggerMoves: 0.5, minAdjustDays: 10 },
    { triggerMoves: 1, minAdjustDays: 5 },
    { triggerMoves: 1, minAdjustDays: 10 },
  ],
};
