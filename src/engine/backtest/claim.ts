// The claim under test (docs/specification.md §9) and what a run says about it, in plain words, whichever
// way it goes.
import { percent, points, dollars } from '../format.ts';
import type { BacktestResult } from './types.ts';

export const CLAIM_UNDER_TEST =
  'constant-product rebalancing improves win rate by about 8–12 points over a static 50-delta rule';
export const CLAIM_POINTS = { low: 8, high: 12 } as const;
export const PAST_RESULTS = 'Past results do not predict future ones.';

export type ClaimVerdict = 'supported' | 'larger' | 'smaller' | 'not-supported' | 'no-data';

export interface ClaimReading {
  claim: string;
  cpWinRate: number;
  deltaWinRate: number;
  /** (cp − delta) win rate, in percentage points. */
  differencePoints: number;
  /** Standard error of that difference (two independent proportions), points. */
  standardErrorPoints: number;
  verdict: ClaimVerdict;
  /** One or two sentences, numbers included. */
  sentence: string;
}

const signed = (difference: number) => `${difference >= 0 ? '+' : '−'}${points(Math.abs(difference), 1)}`;

/** Reads the claim from a run that has both the cp and the delta policy; null without them. */
export function readClaim(result: BacktestResult): ClaimReading | null {
  const cp = result.policies.find((policy) => policy.policy === 'cp');
  const delta = result.policies.find((policy) => policy.policy === 'delta');
  if (!cp || !delta) return null;
  const difference = 100 * (cp.winRate - delta.winRate);
  const variance = (share: number, count: number) => (count > 0 ? (share * (1 - share)) / count : 0);
  const standardError = 100 * Math.sqrt(variance(cp.winRate, cp.campaigns) + variance(delta.winRate, delta.campaigns));
  const base = {
    claim: CLAIM_UNDER_TEST,
    cpWinRate: cp.winRate,
    deltaWinRate: delta.winRate,
    differencePoints: difference,
    standardErrorPoints: standardError,
  };
  if (cp.campaigns === 0 || delta.campaigns === 0) {
    return {
      ...base,
      verdict: 'no-data',
      sentence: 'Not enough history for a campaign under both rules: nothing to say about the claim.',
    };
  }
  const measured =
    `cp won ${percent(cp.winRate)} of ${cp.campaigns} campaigns, the 50-delta rule ` +
    `${percent(delta.winRate)} of ${delta.campaigns}: ${signed(difference)} points (± ` +
    `${points(2 * standardError, 1)} at two standard errors)`;
  const noise = Math.abs(difference) < 2 * standardError ? ' The difference is within sampling noise.' : '';
  const money =
    ` Total P/L: cp ${dollars(cp.totalPl)}, 50-delta ${dollars(delta.totalPl)}; a higher win rate is ` +
    `worth little if the losses grow with it.`;
  let verdict: ClaimVerdict;
  let reading: string;
  if (difference >= CLAIM_POINTS.low && difference <= CLAIM_POINTS.high) {
    verdict = 'supported';
    reading = `The data agrees with the claim: ${measured}.`;
  } else if (difference > CLAIM_POINTS.high) {
    verdict = 'larger';
    reading = `cp beat the 50-delta rule by more than the claimed 8–12 points: ${measured}.`;
  } else if (difference > 0) {
    verdict = 'smaller';
    reading = `cp won more often, but by less than the claimed 8–12 points: ${measured}.`;
  } else {
    verdict = 'not-supported';
    reading = `The data does not support the claim: ${measured}.`;
  }
  return { ...base, verdict, sentence: `${reading}${noise}${money}` };
}
