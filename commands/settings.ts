// /settings: the caller's own engine defaults (profit target, stop loss, thresholds, policy ...).
// Changing them affects only this user's evaluations.
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { dollars, percent } from '../src/app/format.ts';
import { option, optional } from '../src/app/options.ts';
import type { UserSettings } from '../src/app/ports.ts';
import { DEFAULT_SETTINGS } from '../src/engine/index.ts';
import {
  DEFAULT_POLICY,
  DEFAULT_POLICY_LINE,
  POLICIES,
  POLICY_NAMES,
  type PolicyName,
} from '../src/engine/policies/index.ts';

const BAND = /^\s*(\d+(?:\.\d+)?)\s*[-–,/]\s*(\d+(?:\.\d+)?)\s*%?\s*$/;

/** "15-20" (percent) or "0.15-0.20" → [0.15, 0.20]. */
export function parseThresholds(text: string): [number, number] {
  const match = BAND.exec(text);
  if (!match)
    throw new UserError(
      'invalid-option',
      'Option thresholds must be a band like 15-20 (percent); e.g. thresholds=15-20.',
    );
  let [low, high] = [Number(match[1]), Number(match[2])];
  if (low >= 1 || high >= 1) [low, high] = [low / 100, high / 100];
  if (!(low > 0 && high < 1 && low <= high))
    throw new UserError(
      'invalid-option',
      'Option thresholds must rise and stay between 0 and 100%; e.g. thresholds=15-20.',
    );
  return [low, high];
}

/** "50000", "50,000", "$50k" → dollars; "off" → null. */
export function parseAccount(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return null;
  const match = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(k|m)?$/.exec(t);
  const value = match
    ? Number(`${match[1]!.replaceAll(',', '')}${match[2] ?? ''}`) *
      (match[3] === 'k' ? 1e3 : match[3] === 'm' ? 1e6 : 1)
    : NaN;
  if (!(value > 0 && value <= 1e10))
    throw new UserError(
      'invalid-option',
      'Option account must be an account size in dollars, or off; e.g. account=50000.',
    );
  return value;
}

/** "2%", "2" (a number of 1 or more is percent) or "0.02" → 0.02; "off" → null. */
export function parseRisk(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return null;
  const match = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(t);
  const number = match ? Number(match[1]) : NaN;
  const value = match && (match[2] || number >= 1) ? number / 100 : number;
  if (!(value > 0 && value <= 1))
    throw new UserError(
      'invalid-option',
      'Option risk must be a share of the account above 0 and up to 100%, or off; e.g. risk=2%.',
    );
  return value;
}

export default defineCommand({
  name: 'settings',
  description: 'Your engine settings: profit target, stop loss, thresholds, management policy',
  options: z
    .object({
      profit_target: optional(
        option.string({
          description: 'Take profit at this share of the credit: 50%, 0.5, or off',
          example: '50%',
          maxLength: 8,
        }),
      ),
      stop_loss: optional(
        option.number({
          description: 'Close when the loss reaches this multiple of the credit (default 2)',
          example: 2,
          min: 0.1,
          max: 10,
        }),
      ),
      thresholds: optional(
        option.string({
          description: 'Rebalance threshold band T_min-T_max in percent (default 15-20)',
          example: '15-20',
          maxLength: 16,
        }),
      ),
      policy: optional(
        option.choice(POLICY_NAMES as [PolicyName, ...PolicyName[]], {
          description:
            `Management policy (default ${DEFAULT_POLICY}, chosen by the walk-forward evidence); /help ` +
            `settings lists them`,
          example: 'delta',
        }),
      ),
      trigger_moves: optional(
        option.number({
          description: 'cp-moves: re-centre after this many expected moves toward a break-even (default 0.5)',
          example: 0.5,
          min: 0.1,
          max: 5,
        }),
      ),
      min_adjust_days: optional(
        option.integer({
          description: 'cp-moves: fewest days between two re-strikes (default 5)',
          example: 5,
          min: 0,
          max: 365,
        }),
      ),
      delta_trigger: optional(
        option.number({
          description: 'Short |delta| that triggers a roll under the delta policy',
          example: 0.5,
          min: 0.05,
          max: 0.95,
        }),
      ),
      exit_dte: optional(
        option.integer({ description: 'Close at this many days to expiry (0 = off)', example: 0, min: 0, max: 365 }),
      ),
      min_roll_dte: optional(
        option.integer({
          description: 'Below this DTE a roll becomes a close (default 7)',
          example: 7,
          min: 0,
          max: 365,
        }),
      ),
      account: optional(
        option.string({
          description: 'Account size in dollars for position sizing (or off)',
          example: '50000',
          maxLength: 16,
        }),
      ),
      risk: optional(
        option.string({
          description: 'Share of the account risked per trade: 2%, 0.02, or off',
          example: '2%',
          maxLength: 8,
        }),
      ),
      reset: optional(option.boolean({ description: 'Back to the defaults', example: true })),
    })
    .strict(),
  visibility: 'caller',
  examples: [
    '/settings',
    '/settings profit_target=50% stop_loss=2 thresholds=15-20 policy=cp',
    '/settings account=50000 risk=2%',
  ],
  async run(input, context) {
    const settings = context.user.settings;
    const patch: Partial<{ [K in keyof UserSettings]: UserSettings[K] | null }> = {};
    if (input.reset) {
      // Writing the default value clears a key (null would mean "off" for the profit target).
      for (const key of [
        'profitTarget',
        'stopLoss',
        'thresholdMin',
        'thresholdMax',
        'policy',
        'deltaTrigger',
        'triggerMoves',
        'minAdjustDays',
        'exitDte',
        'minRollDte',
      ] as const) {
        (patch as Record<string, unknown>)[key] = DEFAULT_SETTINGS[key];
      }
      patch.accountSize = null;
      patch.riskPerTrade = null;
      // null, not the default's name: a reset goes back to "no choice", which follows the evidence.
      patch.policy = null;
    }
    if (input.profit_target !== undefined) {
      const text = input.profit_target.trim().toLowerCase();
      if (text === 'off' || text === 'none') patch.profitTarget = null;
      else {
        const match = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(text);
        const value = match ? Number(match[1]) / (match[2] || Number(match[1]) > 1 ? 100 : 1) : NaN;
        if (!(value > 0 && value <= 1))
          throw new UserError(
            'invalid-option',
            'Option profit_target must be a share of the credit above 0 and up to 100%, or off; e.g. ' +
              'profit_target=50%.',
          );
        patch.profitTarget = value;
      }
    }
    if (input.stop_loss !== undefined) patch.stopLoss = input.stop_loss;
    if (input.thresholds !== undefined) [patch.thresholdMin, patch.thresholdMax] = parseThresholds(input.thresholds);
    if (input.policy !== undefined) patch.policy = input.policy;
    if (input.delta_trigger !== undefined) patch.deltaTrigger = input.delta_trigger;
    if (input.trigger_moves !== undefined) patch.triggerMoves = input.trigger_moves;
    if (input.min_adjust_days !== undefined) patch.minAdjustDays = input.min_adjust_days;
    if (input.exit_dte !== undefined) patch.exitDte = input.exit_dte;
    if (input.min_roll_dte !== undefined) patch.minRollDte = input.min_roll_dte;
    if (input.account !== undefined) patch.accountSize = parseAccount(input.account);
    if (input.risk !== undefined) patch.riskPerTrade = parseRisk(input.risk);
    const changed = Object.keys(patch).length > 0;
    const current = await (changed ? settings.update(patch) : settings.get());
    const chosen = await settings.policyChosen();
    return {
      title: changed ? 'Settings saved' : 'Your settings',
      visibility: 'caller',
      tone: changed ? 'good' : 'neutral',
      fields: [
        {
          label: 'Policy',
          value: `${POLICIES[current.policy].summary}${chosen ? ' (your choice)' : ' (the default)'}`,
          inline: false,
        },
        {
          label: 'Profit target',
          value: current.profitTarget === null ? 'off' : percent(current.profitTarget, 0),
          inline: true,
        },
        { label: 'Stop loss', value: `${current.stopLoss}× credit`, inline: true },
        {
          label: 'Threshold band',
          value: `${percent(current.thresholdMin)} – ${percent(current.thresholdMax)}`,
          inline: true,
        },
        { label: 'Exit DTE', value: current.exitDte ? `${current.exitDte} days` : 'off', inline: true },
        { label: 'Minimum roll DTE', value: `${current.minRollDte} days`, inline: true },
        ...sizingFields(current),
      ],
      lines: [
        changed
          ? 'These apply to your own evaluations only.'
          : 'Change any with /settings key=value, e.g. /settings profit_target=60%.',
        ...(chosen ? [] : [DEFAULT_POLICY_LINE]),
      ],
      data: { settings: current },
    };
  },
});

/** Account and risk per trade, and the budget they give (what /condor suggest sizes against). */
function sizingFields(settings: UserSettings) {
  const { accountSize, riskPerTrade } = settings;
  const budget =
    accountSize !== null && riskPerTrade !== null ? ` (${dollars(accountSize * riskPerTrade)} a trade)` : '';
  return [
    { label: 'Account', value: accountSize === null ? 'not set' : dollars(accountSize), inline: true },
    {
      label: 'Risk per trade',
      value: riskPerTrade === null ? 'not set' : `${percent(riskPerTrade, riskPerTrade < 0.01 ? 2 : 1)}${budget}`,
      inline: true,
    },
  ];
}
