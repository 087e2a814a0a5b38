// /hedge: the ALVH proposal for one position (docs/engine.md, ALVH). adopt=N records layer N on the
// position (a layer is never recorded twice); share=true posts the proposal to the channel and
// asks the platform to open a discussion (Discord thread + poll, Telegram poll). Typed, adopt=N
// records at once; from a button or an Adopt vote it first shows what it would record and asks for
// a Confirm press, whose code binds the layer as shown (src/app/confirm.ts).
import { z } from 'zod';
import {
  DEFAULT_VOL_OF_VOL,
  hedgeSummary,
  layersToBuy,
  VIX_FUTURE_MODEL,
  type HedgeLayerQuote,
  type HedgeProposal,
} from '../src/engine/index.ts';
import { defineCommand } from '../src/app/command.ts';
import { checkConfirmCode, CONFIRM_MINUTES, confirmCode } from '../src/app/confirm.ts';
import { UserError } from '../src/app/errors.ts';
import { marketView } from '../src/app/market-view.ts';
import { strikeList, dollars, hedgeLayerFigures, percent, points } from '../src/app/format.ts';
import { option, optional } from '../src/app/options.ts';
import { evaluateForCaller, recordedLayer } from '../src/app/positions.ts';
import type { StoredPosition } from '../src/app/ports.ts';
import { HEDGE_POLL_ANSWERS, NOT_ADVICE, type Reply, type ReplyButton } from '../src/app/reply.ts';
import { confirmOption, positionIdOption, reviewOption } from './support/options.ts';

/**
 * What a Confirm code binds for an adopted layer: the layer as the review showed it (the debit to
 * the cent shown). Confirm re-quotes the layer and records it only when it still reads the same.
 */
function shownLayer(vixExpiry: string, quote: HedgeLayerQuote): string {
  return [quote.layer, vixExpiry, quote.longStrike, quote.shortStrike, quote.debit.toFixed(2), quote.contracts].join(
    ':',
  );
}

const STATUS = { active: 'active', proposed: 'FIRES NOW', waiting: 'waiting' } as const;

/** What /hedge's reply carries: the layer it recorded (adopt=N), the layer a review would record, else the proposal. */
export type HedgeData =
  | { position: StoredPosition; layer: HedgeLayerQuote }
  | { positionId: string; vixExpiry: string; layer: HedgeLayerQuote; recorded: false }
  | { hedge: HedgeProposal; positionId: string };

export default defineCommand({
  name: 'hedge',
  description: 'ALVH VIX call-spread hedge layers for a position; share it or adopt a layer',
  options: z
    .object({
      id: positionIdOption,
      share: optional(
        option.boolean({ description: 'Post the proposal to this channel and open a discussion', example: true }),
      ),
      adopt: optional(
        option.integer({ description: 'Record that you bought this layer (1-5)', example: 1, min: 1, max: 5 }),
      ),
      review: reviewOption,
      confirm: confirmOption,
    })
    .strict(),
  visibility: 'caller',
  defer: true,
  expensive: 'chain',
  examples: ['/hedge k3m9tq', '/hedge k3m9tq share=true', '/hedge k3m9tq adopt=1'],
  async run(input, context): Promise<Reply<HedgeData>> {
    if (input.share && input.adopt !== undefined)
      throw new UserError(
        'share-or-adopt',
        'Options share and adopt do different things: use one, e.g. /hedge k3m9tq adopt=1.',
      );
    const position = await context.user.positions.require(input.id);
    if (position.status === 'closed')
      throw new UserError('position-closed', `Position ${input.id} is closed: hedges are for open positions.`);
    const view = await marketView(context, {}, { chain: true });
    const evaluation = await evaluateForCaller(context, position, view);
    const hedge = evaluation.hedge;

    if (input.adopt !== undefined) {
      const quote = hedge.layers.find((layer) => layer.layer === input.adopt);
      if (!quote)
        throw new UserError(
          'no-such-layer',
          `Option adopt must be a layer from 1 to ${hedge.layers.length} (e.g. adopt=1).`,
        );
      if (quote.status === 'active')
        throw new UserError('layer-active', `Layer ${quote.layer} is already active on ${position.id}.`);
      if (quote.contracts === 0)
        throw new UserError(
          'layer-empty',
          `Layer ${quote.layer} has zero contracts: ${quote.note ?? 'nothing to buy'}.`,
        );
      const now = context.clock.now();
      const subject = {
        userId: context.caller.userId,
        command: 'hedge adopt',
        positionId: position.id,
        value: shownLayer(hedge.vixExpiry, quote),
      };
      const spread =
        `VIX ${hedge.vixExpiry} ${quote.longStrike}/${quote.shortStrike} call spread ` +
        `x${quote.contracts} at ${points(quote.debit)}`;
      if (input.confirm !== undefined) {
        const check = checkConfirmCode(input.confirm, subject, now);
        if (check === 'stale')
          throw new UserError(
            'confirm-stale',
            `This Confirm button is more than ${CONFIRM_MINUTES} minutes old: nothing recorded. ` +
              `Press Adopt again, or type /hedge ${position.id} adopt=${quote.layer}.`,
          );
        if (check === 'mismatch')
          throw new UserError(
            'confirm-mismatch',
            `This Confirm button is not for layer ${quote.layer} on ${position.id} as quoted now (${spread}) by you: ` +
              "nothing recorded. Press Adopt again to review today's quote.",
          );
      } else if (input.review) {
        return {
          title: `Adopt hedge layer ${quote.layer} on ${position.id}?`,
          visibility: 'caller',
          tone: 'warn',
          lines: [
            `${position.underlying} ${strikeList(position.strikes)} ${position.expiry} x${position.quantity}, ` +
              `max loss ${dollars(evaluation.condor.maxLoss)}.`,
            `Records: ${spread}: ${hedgeLayerFigures(quote)}.`,
            `Nothing is recorded until you press Confirm (valid ${CONFIRM_MINUTES} minutes); ` +
              "it records today's quote above as what you paid.",
          ],
          buttons: [
            {
              label: `Confirm layer ${quote.layer}`,
              style: 'success',
              command: 'hedge',
              options: { id: position.id, adopt: quote.layer, confirm: confirmCode(subject, now) },
            },
          ],
          footer: [...view.footer, NOT_ADVICE],
          data: { positionId: position.id, vixExpiry: hedge.vixExpiry, layer: quote, recorded: false },
        };
      }
      const updated = await context.user.positions.addHedgeLayer(position.id, {
        layer: quote.layer,
        vixExpiry: hedge.vixExpiry,
        longStrike: quote.longStrike,
        shortStrike: quote.shortStrike,
        debit: quote.debit,
        contracts: quote.contracts,
        adoptedMs: now,
      });
      return {
        title: `Hedge layer ${quote.layer} recorded on ${position.id}`,
        visibility: 'caller',
        tone: 'good',
        lines: [
          `${spread}: ${hedgeLayerFigures(quote)}.`,
          quote.status === 'waiting'
            ? `Note: the vol loss, ${percent(hedge.volLossShare)} of max loss, had not reached this layer's ` +
              `trigger ${percent(quote.trigger)}.`
            : `It will not be proposed again.`,
        ],
        data: { position: updated, layer: quote },
      };
    }

    // Held layers show what was recorded; the others, today's quote.
    const recorded = new Map(position.hedgeLayers.map((layer) => [layer.layer, layer]));
    const shown = (q: HedgeLayerQuote) => {
      const held = recorded.get(q.layer);
      return held ? { ...q, ...recordedLayer(held, evaluation.condor.maxLoss) } : q;
    };
    const table = {
      columns: [
        { label: 'layer' },
        { label: 'fires at', align: 'right' as const },
        { label: 'status' },
        { label: 'spread' },
        { label: 'contracts', align: 'right' as const },
        { label: 'cost', align: 'right' as const },
        { label: 'pays at upper', align: 'right' as const },
        { label: 'covers', align: 'right' as const },
      ],
      rows: hedge.layers
        .map(shown)
        .map((q) => [
          String(q.layer),
          percent(q.trigger),
          STATUS[q.status],
          `${q.longStrike}/${q.shortStrike}`,
          String(q.contracts),
          dollars(q.cost),
          dollars(q.payoffAtUpperStrike),
          percent(q.coverage, 0),
        ]),
    };
    const { longRunLevel, reversionPerYear } = VIX_FUTURE_MODEL;
    const firstLayer = hedge.layers[0];
    const volOfVolFrom = hedge.volOfVolSource === 'vvix' ? 'VVIX' : `default ${percent(DEFAULT_VOL_OF_VOL, 0)}`;
    const lines = [
      `${hedgeSummary(hedge)}.`,
      `Vol loss ${dollars(hedge.volLoss)} = ${percent(hedge.volLossShare)} of the ` +
        `${dollars(evaluation.condor.maxLoss)} max loss (b_x ${percent(evaluation.invariant.premiumBreach)} of ` +
        `the credit); layer i fires at i × T, T ${percent(evaluation.threshold)} (${view.regime.regime}).`,
      `Caps: all layers together spend at most ${dollars(hedge.costCap)} ` +
        `(${percent(hedge.costCap / evaluation.condor.maxLoss)} of max loss) and pay at most the max loss.`,
      `Spread ${firstLayer?.longStrike}/${firstLayer?.shortStrike} at ${points(firstLayer?.debit ?? 0)}, ` +
        `vol of vol ${percent(hedge.volOfVol, 0)} (${volOfVolFrom}).`,
      ...(hedge.futureIsEstimate
        ? [
            `The VIX future ${points(hedge.future)} is an estimate (θ ${points(longRunLevel, 1)}, κ ` +
              `${points(reversionPerYear, 0)}/yr): no futures quote is known.`,
          ]
        : []),
      ...hedge.layers.filter((q) => q.note && q.status !== 'active').map((q) => `Layer ${q.layer}: ${q.note}.`),
    ];
    const buttons: ReplyButton[] = layersToBuy(hedge).map((q) => ({
      label: `Adopt layer ${q.layer}`,
      style: 'primary',
      command: 'hedge',
      options: { id: position.id, adopt: q.layer, review: true },
    }));
    const title = `ALVH for ${position.id} · ${position.underlying} ${strikeList(position.strikes)} ${position.expiry}`;

    if (input.share) {
      if (context.caller.chat.kind === 'private')
        throw new UserError(
          'share-in-channel',
          'Option share works in a channel or group: run /hedge there with share=true.',
        );
      const first = hedge.proposed[0] ?? hedge.layers[0]!;
      return {
        title: `${context.caller.displayName} shares: ${title}`,
        visibility: 'channel',
        lines,
        table,
        buttons,
        footer: [...view.footer, NOT_ADVICE],
        discussion: {
          threadName: `Hedge ${position.id} L${first.layer} VIX ${first.longStrike}/${first.shortStrike}`,
          question:
            `Adopt ALVH layer ${first.layer} ` +
            `(VIX ${first.longStrike}/${first.shortStrike} call spread, ${hedge.vixExpiry})?`,
          answers: [...HEDGE_POLL_ANSWERS],
          durationHours: 24,
          adopt: { command: 'hedge', options: { id: position.id, adopt: first.layer, review: true } },
        },
        data: { hedge, positionId: position.id },
      };
    }
    return {
      title,
      visibility: 'caller',
      lines,
      table,
      buttons,
      footer: [...view.footer, NOT_ADVICE],
      data: { hedge, positionId: position.id },
    };
  },
});
