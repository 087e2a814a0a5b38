// /position show: the full evaluation of one of the caller's positions — the invariant's reserves
// and breaches, the action with its reason and proposal, greeks, and the payoff chart. With
// spot=, vix= or date= it answers "what if".
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { marketView } from '../src/app/market-view.ts';
import { strikeList, dollars, hedgeLayerFigures, percent, points, signedDollars } from '../src/app/format.ts';
import { option, optional } from '../src/app/options.ts';
import { condorOf, evaluateForCaller, marketFor, recordedLayer, type StoredEntry } from '../src/app/positions.ts';
import type { StoredPosition } from '../src/app/ports.ts';
import { NOT_ADVICE, type Reply, type ReplyButton } from '../src/app/reply.ts';
import { layersToBuy, type PositionEvaluation } from '../src/engine/index.ts';
import { condorFields, volSourceField } from './support/describe.ts';
import { payoffAttachment, positionMarkAt, valuationClockAt } from './support/payoff.ts';
import { positionIdOption, whatIfSpot, whatIfVix } from './support/options.ts';
import { proposalLines } from './support/proposal.ts';

/** What /position show's reply carries: the position, and its evaluation while it is open. */
export type PositionShowData =
  { position: StoredPosition } | { position: StoredPosition; evaluation: PositionEvaluation };

export default defineCommand({
  name: 'position show',
  description: 'One position in full: invariant, action, proposal, payoff chart (what-if options)',
  options: z
    .object({
      id: positionIdOption,
      spot: whatIfSpot,
      vix: whatIfVix,
      date: optional(
        option.date({
          description: 'What-if: value as of this date (its 16:00 New York close)',
          example: '2026-12-18',
        }),
      ),
    })
    .strict(),
  visibility: 'caller',
  defer: true,
  expensive: 'chain',
  examples: ['/position show k3m9tq', '/position show k3m9tq spot=5700 vix=22'],
  async run(input, context): Promise<Reply<PositionShowData>> {
    const position = await context.user.positions.require(input.id);
    if (position.status === 'closed') {
      return {
        title: `Position ${position.id} (closed)`,
        visibility: 'caller',
        lines: [
          `${position.underlying} ${strikeList(position.strikes)} · ${position.expiry} x${position.quantity}: ` +
            `opened for ${points(position.credit)}, closed at ${points(position.closeDebit ?? 0)}, realized ` +
            `${signedDollars(position.realizedPl ?? 0)}.`,
        ],
        data: { position },
      };
    }
    const today = context.calendar.newYorkDate(context.clock.now());
    if (input.date && input.date < context.calendar.newYorkDate(position.openedMs)) {
      throw new UserError(
        'date-before-entry',
        `Option date ${input.date} is before the position was opened; e.g. date=${today}.`,
      );
    }
    const view = await marketView(context, { spot: input.spot, vix: input.vix, date: input.date }, { chain: true });
    const evaluation = await evaluateForCaller(context, position, view);
    const inv = evaluation.invariant;
    const condor = condorOf(position);
    // A what-if view records nothing: its numbers are imagined, so it carries no close or adopt
    // button. A real proposal's Close and Adopt buttons ask to confirm what they record first.
    // The condor's own market (XSP, SPY follow SPX), valued as the text values it: the calibrated mark.
    const state = marketFor(position.underlying, view, position.expiry, position.entry as StoredEntry);
    const chart = await payoffAttachment(context, {
      condor,
      evaluation: evaluation.condor,
      state,
      settlementMs: position.settlementMs,
      settlement: position.settlement,
      demo: view.snapshot.demo,
      markAt: positionMarkAt(condor, position.entry, valuationClockAt(context, position.expiry, position.settlement)),
    });
    const buttons: ReplyButton[] = [];
    if (!view.overridden && evaluation.proposal.kind === 'close') {
      buttons.push({
        label: `Close at ${points(evaluation.proposal.debit)}…`,
        style: 'danger',
        command: 'position close',
        options: { id: position.id, debit: Number(evaluation.proposal.debit.toFixed(2)), review: true },
      });
    }
    if (!view.overridden && evaluation.proposal.kind === 'hedge') {
      for (const layer of layersToBuy(evaluation.proposal.hedge)) {
        buttons.push({
          label: `Adopt hedge layer ${layer.layer}`,
          style: 'primary',
          command: 'hedge',
          options: { id: position.id, adopt: layer.layer, review: true },
        });
      }
    }
    const whatIfNote = view.overridden
      ? [`What-if view: nothing can be recorded from it. For today's market: /position show ${position.id}`]
      : [];
    return {
      title:
        `${position.id}: ${evaluation.action} · ${position.underlying} ${strikeList(position.strikes)} ` +
        `${position.expiry}`,
      visibility: 'caller',
      tone:
        evaluation.action === 'HOLD'
          ? 'neutral'
          : evaluation.action === 'TAKE_PROFIT'
            ? 'good'
            : evaluation.action === 'TIGHTEN'
              ? 'neutral'
              : 'warn',
      lines: [
        evaluation.reason,
        ...proposalLines(evaluation),
        ...evaluation.warnings.map((warning) => `Warning: ${warning}`),
        ...(position.note ? [`Note: ${position.note}`] : []),
        ...whatIfNote,
      ],
      fields: [
        {
          label: 'P/L (calibrated mark)',
          value:
            `${signedDollars(evaluation.unrealizedPl)} · mark x ${points(inv.premiumReserve)} vs credit ` +
            `${points(position.credit)}`,
          inline: true,
        },
        {
          label: 'k = x · y',
          value: `${points(inv.k, 1)} (target k̂ ${points(inv.kTarget, 1)}, k₀ ${points(inv.baselineK, 1)})`,
          inline: true,
        },
        { label: 'CP deviation (k − k̂)/k₀', value: percent(inv.deviation), inline: true },
        {
          label: 'Cushion y',
          value:
            `${points(inv.cushion, 1)} of ${points(inv.cushionAtEntry, 1)} pts · breach b_y ` +
            `${percent(inv.cushionBreach)}`,
          inline: true,
        },
        {
          label: 'Premium x',
          value:
            `${points(inv.premiumReserve)} (vol unchanged ${points(inv.premiumIfVolUnchanged)}) · breach b_x ` +
            `${percent(inv.premiumBreach)}`,
          inline: true,
        },
        {
          label: 'Threshold T',
          value: `${percent(evaluation.threshold)} · ${view.regime.regime} regime, VIX ${points(view.vix)}`,
          inline: true,
        },
        {
          label: 'Hedge layers',
          value: position.hedgeLayers.length
            ? position.hedgeLayers
                .map((l) => `#${l.layer} ${hedgeLayerFigures(recordedLayer(l, evaluation.condor.maxLoss))}`)
                .join('; ')
            : 'none active',
          inline: true,
        },
        ...condorFields(condor, evaluation.condor).filter((field) => !['Width'].includes(field.label)),
        { label: 'Max loss', value: dollars(evaluation.condor.maxLoss), inline: true },
        volSourceField(evaluation.condor),
      ].filter((field, index, all) => all.findIndex((f) => f.label === field.label) === index),
      attachments: [chart],
      buttons,
      footer: [...view.footer, NOT_ADVICE],
      data: { position, evaluation },
    };
  },
});
