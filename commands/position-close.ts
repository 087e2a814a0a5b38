// /position close: records the debit you paid to close, and the realized P/L.
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { condorLabel, dollars, points, signedDollars } from '../src/app/format.ts';
import { option } from '../src/app/options.ts';
import { underlyingFor, UNDERLYINGS } from '../src/engine/index.ts';
import { positionIdOption } from './support/options.ts';

export default defineCommand({
  name: 'position close',
  description: 'Record closing a position: the debit you paid per share',
  options: z
    .object({
      id: positionIdOption,
      debit: option.number({
        description: 'Debit paid to close, per share in points (0 if it expired worthless)',
        example: 6.1,
        min: 0,
        max: 100_000,
      }),
    })
    .strict(),
  visibility: 'caller',
  examples: ['/position close k3m9tq 6.10', '/position close k3m9tq debit=0'],
  run(input, context) {
    const position = context.user.positions.get(input.id);
    if (!position)
      throw new UserError('position-not-found', `No position ${input.id} in your positions; see /position list.`);
    if (position.status === 'closed')
      throw new UserError(
        'already-closed',
        `Position ${input.id} is already closed (at ${points(position.closeDebit ?? 0)}).`,
      );
    const widest = Math.max(
      position.strikes.shortPut - position.strikes.longPut,
      position.strikes.longCall - position.strikes.shortCall,
    );
    if (input.debit > widest)
      throw new UserError(
        'debit-above-width',
        `Option debit ${points(input.debit)} is above the widest wing ${widest}: a condor never costs more than its width to close (e.g. debit=6.1).`,
      );
    const multiplier = (underlyingFor(position.underlying) ?? UNDERLYINGS.SPX).multiplier;
    const realizedPl = (position.credit - input.debit) * multiplier * position.quantity;
    const closed = context.user.positions.close(position.id, {
      debit: input.debit,
      closedMs: context.clock.now(),
      realizedPl,
    });
    return {
      title: `Position ${closed.id} closed`,
      visibility: 'caller',
      // A loss is a result, not a failure: no error marker or colour (those are for errors).
      tone: realizedPl >= 0 ? 'good' : 'neutral',
      lines: [
        `${closed.underlying} ${condorLabel(closed.strikes)} · ${closed.expiry} x${closed.quantity}: credit ${points(closed.credit)}, debit ${points(input.debit)}.`,
        `Realized P/L ${signedDollars(realizedPl)} (${dollars(closed.credit * multiplier * closed.quantity)} collected). Your record: /position history`,
      ],
      data: { position: closed, realizedPl },
    };
  },
});
