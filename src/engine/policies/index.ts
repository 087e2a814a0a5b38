// The policies (one file each) and the one function both the live evaluation and the backtest
// call: the first rule of the policy's list that decides.
import { cndr } from './cndr.ts';
import { cp } from './cp.ts';
import { cpCost } from './cp-cost.ts';
import { cpMoves } from './cp-moves.ts';
import { cpOut } from './cp-out.ts';
import { cpSide } from './cp-side.ts';
import { delta } from './delta.ts';
import { hold } from './hold.ts';
import { tasty } from './tasty.ts';
import type { Decision, PolicyDefinition, PolicyName, PositionState, Rule, RuleNeeds, RuleParams } from './types.ts';

export const POLICIES: Readonly<Record<PolicyName, PolicyDefinition>> = {
  hold,
  delta,
  cp,
  tasty,
  cndr,
  'cp-moves': cpMoves,
  'cp-out': cpOut,
  'cp-side': cpSide,
  'cp-cost': cpCost,
};

export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

export const isPolicyName = (name: string): name is PolicyName => Object.hasOwn(POLICIES, name);

/** The user's numbers with what the policy fixes laid over them. */
export function ruleParamsFor(policy: PolicyDefinition, params: RuleParams): RuleParams {
  return policy.fixed ? { ...params, ...policy.fixed } : params;
}

/** The first decision of the rules in order, with the rule that made it; null = hold. */
export function decide(
  rules: readonly Rule[],
  state: PositionState,
  params: RuleParams,
): { decision: Decision; rule: Rule } | null {
  for (const rule of rules) {
    const decision = rule.decide(state, params);
    if (decision) return { decision, rule };
  }
  return null;
}

/** What the rules of a policy read beyond the cheap numbers. */
export function needsOf(policy: PolicyDefinition): Required<RuleNeeds> {
  return {
    deltas: policy.rules.some((rule) => rule.needs?.deltas),
    premiumBreach: policy.rules.some((rule) => rule.needs?.premiumBreach),
  };
}

export type * from './types.ts';
export { DEFAULT_POLICY, DEFAULT_POLICY_EVIDENCE, DEFAULT_POLICY_LINE } from './default.ts';
export {
  expectedGain,
  restrikeCostPerShare,
  DEFAULT_COMMISSION_PER_CONTRACT,
  DEFAULT_SLIPPAGE_PER_LEG,
} from './rules.ts';
