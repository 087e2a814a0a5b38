// /backtest: replays the rules over SPX and VIX history (docs/specification.md §9) and reports, beside the
// claim under test, whether the invariant beats a static 50-delta rule.
import { z } from 'zod';
import { NO_HISTORY } from '../src/app/backtest-service.ts';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { option, optional } from '../src/app/options.ts';
import { POLICY_NAMES, type PolicyName } from '../src/engine/policies/index.ts';

export default defineCommand({
  name: 'backtest',
  description: 'Walk-forward evidence of every policy over SPX/VIX history (1990 on), or one range',
  options: z
    .object({
      from: optional(option.date({ description: 'First day (default 1990-01-02)', example: '2000-01-03' })),
      to: optional(option.date({ description: 'Last day (default: the end of the history)', example: '2025-12-31' })),
      policy: optional(
        option.choice(['walk-forward', 'all', ...POLICY_NAMES] as [string, ...string[]], {
          description: 'walk-forward (default: every policy, out of sample), all (cp, delta, hold) or one policy',
          example: 'all',
        }),
      ),
      dte: optional(
        option.integer({
          description: 'Target days to expiry of each campaign (default 45)',
          example: 45,
          min: 7,
          max: 120,
        }),
      ),
      delta: optional(
        option.number({ description: 'Short strike |delta| (default 0.16)', example: 0.16, min: 0.05, max: 0.4 }),
      ),
      wings: optional(
        option.number({
          description: 'Wing width in points (default 50; % of spot in early years)',
          example: 50,
          min: 5,
          max: 500,
        }),
      ),
    })
    .strict(),
  visibility: 'caller',
  defer: true,
  expensive: true,
  examples: ['/backtest', '/backtest from=2008-01-02 to=2012-12-31 policy=all'],
  async run(input, context) {
    const service = context.services.backtests;
    if (!service) throw new UserError('unavailable', NO_HISTORY);
    if (input.from && input.to && input.from >= input.to)
      throw new UserError(
        'invalid-option',
        `Option from ${input.from} must be before to ${input.to}; e.g. from=2000-01-03 to=2010-12-31.`,
      );
    // No range and no entry option: the walk-forward evidence, the table that chose the default.
    const ranged = [input.from, input.to, input.dte, input.delta, input.wings].some((value) => value !== undefined);
    const walkForward = input.policy === 'walk-forward' || (input.policy === undefined && !ranged);
    const policy = input.policy === undefined || input.policy === 'walk-forward' ? 'all' : input.policy;
    return service.run(
      {
        from: input.from,
        to: input.to,
        policy: policy as PolicyName | 'all',
        walkForward,
        dte: input.dte,
        delta: input.delta,
        wings: input.wings,
      },
      context,
    );
  },
});
