// /condor eval: the metrics of docs/specification.md §3, k₀ and a payoff chart for four strikes and an expiry.
import { z } from 'zod';
import { cushionOf, evaluateCondor, strikeScaleViolation, type Condor } from '../src/engine/index.ts';
import { defineCommand } from '../src/app/command.ts';
import { marketView, resolveExpiry } from '../src/app/market-view.ts';
import { marketFor } from '../src/app/positions.ts';
import { strikeList, dollars, points } from '../src/app/format.ts';
import { option, optional } from '../src/app/options.ts';
import { NOT_ADVICE } from '../src/app/reply.ts';
import { UserError } from '../src/app/errors.ts';
import {
  expiryOption,
  quantityOption,
  settlementOption,
  strikeOptions,
  chosenUnderlying,
  underlyingOption,
  whatIfSpot,
  whatIfVix,
} from './support/options.ts';
import { condorFields, legsTable } from './support/describe.ts';
import { payoffAttachment } from './support/payoff.ts';

export default defineCommand({
  name: 'condor eval',
  description: 'Evaluate an iron condor: max profit/loss, break-evens, PoP, k0 and a payoff chart',
  options: z
    .object({
      ...strikeOptions,
      expiry: expiryOption,
      credit: optional(
        option.number({
          description: 'Net credit per share in points (default: the model value)',
          example: 14.2,
          min: 0,
          exclusiveMin: true,
        }),
      ),
      qty: quantityOption,
      spot: whatIfSpot,
      vix: whatIfVix,
      underlying: underlyingOption,
      settlement: settlementOption,
    })
    .strict(),
  visibility: 'caller',
  defer: true,
  expensive: 'chain',
  examples: [
    '/condor eval 5615 5665 6335 6385 45',
    '/condor eval 5615 5665 6335 6385 2027-01-08 credit=14.2 qty=2 vix=18',
    '/condor eval 5615 5665 6335 6385 2026-12-18 settlement=am',
  ],
  async run(input, context) {
    const underlying = chosenUnderlying(input.underlying, input.spot);
    const view = await marketView(context, { spot: input.spot, vix: input.vix }, { chain: true });
    const today = view.state.valuationDate;
    const { expiry, settlement, settlementMs } = resolveExpiry(context, input.expiry, today, {
      settlement: input.settlement,
      valuationMs: view.state.valuationMs,
    });
    const state = marketFor(underlying.symbol, view, expiry);
    const clock = context.calendar.clockAt(state.valuationMs, expiry, settlement);
    const spot = state.spot;
    const strikes = {
      longPut: input.long_put,
      shortPut: input.short_put,
      shortCall: input.short_call,
      longCall: input.long_call,
    };
    const tooFar = strikeScaleViolation(strikes, spot);
    if (tooFar) throw tooFar;
    const quantity = input.qty ?? 1;
    let credit = input.credit;
    const creditIsModel = credit === undefined;
    if (credit === undefined) {
      // No fill given: the model's fair value of the four legs is the credit.
      const probe: Condor = { underlying, strikes, expiry, quantity, credit: Number.MIN_VALUE };
      const fair = evaluateCondor({ condor: probe, market: state, settlementMs, clock });
      credit = fair.mark;
      if (!(credit > 0))
        throw new UserError(
          'no-credit',
          'These strikes have no model value to collect: move the shorts closer to spot.',
        );
    }
    const condor: Condor = { underlying, strikes, expiry, quantity, credit };
    const evaluation = evaluateCondor({ condor, market: state, settlementMs, clock });
    const baselineK = credit * cushionOf(strikes, credit, spot);
    const chart = await payoffAttachment(context, {
      condor,
      evaluation,
      state,
      settlementMs,
      settlement,
      demo: view.snapshot.demo,
    });
    return {
      title:
        `${underlying.symbol} ${strikeList(strikes)} · ${expiry}${settlement === 'AM' ? ' AM' : ''} ` +
        `(${evaluation.dte} DTE)`,
      visibility: 'caller',
      lines: [
        `Credit ${points(credit)} pts (${dollars(credit * underlying.multiplier * quantity)})` +
          `${creditIsModel ? ', the model value: no fill given' : ''}; spot ${points(spot)}; ` +
          `k₀ = ${points(baselineK, 1)} (credit × cushion).`,
      ],
      fields: condorFields(condor, evaluation),
      table: legsTable(evaluation),
      attachments: [chart],
      footer: [...view.footer, NOT_ADVICE],
      data: {
        condor: { ...condor, underlying: underlying.symbol, settlement, settlementMs },
        creditIsModel,
        baselineK,
        evaluation,
        market: { spot, vix: view.vix, valuationMs: state.valuationMs },
      },
    };
  },
});
