// /backtest: replays the rules over SPX and VIX history (ENGINE.md §9) and reports, beside the
// claim under test, whether the invariant beats a static 50-delta rule.
import { z } from 'zod';
import { NO_HISTORY } from '../src/app/backtest-service.ts';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { option, optional } from '../src/app/options.ts';

export default defineCommand({
  name: 'backtest',
  description: 'Replay cp vs 50-delta vs hold over SPX/VIX history (1990 on) and compare',
  options: z
    .object({
      from: optional(option.date({ description: 'First day (default 1990-01-02)', example: '2000-01-03' })),
      to: optional(option.date({ description: 'Last day (default: the end of the history)', example: '2025-12-31' })),
      policy: optional(
        option.choice(['all', 'cp', 'delta', 'hold'] as const, {
          description: 'all (default), cp, delta or hold',
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
    return service.run(
      {
        from: input.from,
        to: input.to,
        policy: input.policy ?? 'all',
        dte: input.dte,
        delta: input.delta,
        wings: input.wings,
      },
      context,
    );
  },
});
