// /condor suggest: the model condor of docs/specification.md §8 under today's market.
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { marketView, modelCondorFor } from '../src/app/market-view.ts';
import { strikeList, dollars, percent, points } from '../src/app/format.ts';
import { sizeByRisk, type Sizing } from '../src/engine/index.ts';
import { option, optional } from '../src/app/options.ts';
import { NOT_ADVICE } from '../src/app/reply.ts';
import { condorFields, legsTable } from './support/describe.ts';
import { whatIfSpot, whatIfVix } from './support/options.ts';

export default defineCommand({
  name: 'condor suggest',
  description: 'The model condor for today: short strikes at a target delta, default wings',
  options: z
    .object({
      dte: optional(
        option.integer({
          description: 'Target days to expiry (default 45; the nearest listed expiry)',
          example: 45,
          min: 1,
          max: 365,
        }),
      ),
      delta: optional(
        option.number({
          description: 'Target |delta| of each short strike (default 0.16)',
          example: 0.16,
          min: 0.01,
          max: 0.5,
        }),
      ),
      wings: optional(
        option.number({ description: 'Wing width in points (default 50 for SPX)', example: 50, min: 5, max: 1000 }),
      ),
      spot: whatIfSpot,
      vix: whatIfVix,
    })
    .strict(),
  visibility: 'caller',
  examples: ['/condor suggest', '/condor suggest dte=30 delta=0.10 wings=25'],
  async run(input, context) {
    const view = await marketView(context, { spot: input.spot, vix: input.vix });
    const { model, listed } = modelCondorFor(context.calendar, view, {
      dte: input.dte,
      delta: input.delta,
      wings: input.wings,
    });
    const { condor, evaluation } = model;
    const settings = await context.user.settings.get();
    const sizing =
      settings.accountSize !== null && settings.riskPerTrade !== null
        ? sizeByRisk({
            accountSize: settings.accountSize,
            riskFraction: settings.riskPerTrade,
            maxLossPerCondor: evaluation.maxLoss / condor.quantity,
          })
        : null;
    return {
      title: `Model condor: SPX ${strikeList(condor.strikes)} · ${listed.expiry} (${listed.dte} DTE)`,
      visibility: 'caller',
      lines: [
        `Short strikes nearest ${model.targetDelta.toFixed(2)} delta: put ` +
          `${(-Math.abs(model.shortPutDelta)).toFixed(3)}, call ${model.shortCallDelta.toFixed(3)}; wings ` +
          `${model.wingWidth} pts.`,
        `Model credit ${points(condor.credit)} pts (${dollars(evaluation.maxProfit)}), k₀ = ` +
          `${points(model.baselineK, 1)}.`,
        `${view.regime.summary}.`,
        sizingLine(sizing, settings.riskPerTrade ?? 0, settings.accountSize ?? 0, evaluation.maxLoss / condor.quantity),
      ],
      fields: condorFields(condor, evaluation),
      table: legsTable(evaluation),
      footer: [...view.footer, NOT_ADVICE],
      data: { model: { ...model, condor: { ...condor, underlying: 'SPX' } }, regime: view.regime, sizing },
    };
  },
});

/** How many condors fit the risk budget at the condor's max loss, or how to set the budget. */
function sizingLine(sizing: Sizing | null, risk: number, account: number, maxLoss: number): string {
  if (!sizing) return 'Position size: set your budget with /settings account=50000 risk=2%.';
  const budget = `${percent(risk, risk < 0.01 ? 2 : 1)} of ${dollars(account)} = ${dollars(sizing.budget)}`;
  if (sizing.contracts === 0)
    return (
      `Position size: none fit. Your risk budget is ${budget}; one condor can lose ${dollars(maxLoss)} ` +
      `(narrower wings lose less, e.g. wings=25).`
    );
  return (
    `Position size: ${sizing.contracts} condor${sizing.contracts === 1 ? '' : 's'} ` +
    `fit${sizing.contracts === 1 ? 's' : ''} your risk budget (${budget}) at ${dollars(maxLoss)} max loss each: ` +
    `${dollars(sizing.riskAtContracts)} at risk.`
  );
}
