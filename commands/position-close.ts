// /position close: records the debit you paid to close, and the realized P/L. Typed, it records at
// once. From a button (the engine's proposal in /position show) it first shows what it would
// record and asks for a Confirm press, whose code binds the shown debit (src/app/confirm.ts).
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { checkConfirmCode, CONFIRM_MINUTES, confirmCode } from '../src/app/confirm.ts';
import { UserError } from '../src/app/errors.ts';
import { strikeList, dollars, points, signedDollars } from '../src/app/format.ts';
import { option } from '../src/app/options.ts';
import { closingPl, UNDERLYINGS } from '../src/engine/index.ts';
import type { StoredPosition } from '../src/app/ports.ts';
import type { Reply } from '../src/app/reply.ts';
import { confirmOption, positionIdOption, reviewOption } from './support/options.ts';

/** What /position close's reply carries: the closed position, or (review) what Confirm would record. */
export type PositionCloseData =
  | { position: StoredPosition; realizedPl: number }
  | { position: StoredPosition; debit: number; realizedPl: number; recorded: false };

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
      review: reviewOption,
      confirm: confirmOption,
    })
    .strict(),
  visibility: 'caller',
  examples: ['/position close k3m9tq 6.10', '/position close k3m9tq debit=0'],
  async run(input, context): Promise<Reply<PositionCloseData>> {
    const position = await context.user.positions.require(input.id);
    if (position.status === 'closed')
      throw new UserError(
        'position-closed',
        `Position ${input.id} is already closed (at ${points(position.closeDebit ?? 0)}).`,
      );
    const widest = Math.max(
      position.strikes.shortPut - position.strikes.longPut,
      position.strikes.longCall - position.strikes.shortCall,
    );
    if (input.debit > widest)
      throw new UserError(
        'debit-above-width',
        `Option debit ${points(input.debit)} is above the widest wing ${widest}: a condor never costs more than ` +
          `its width to close (e.g. debit=6.1).`,
      );
    const dollarsPerPoint = UNDERLYINGS[position.underlying].multiplier * position.quantity;
    const realizedPl = closingPl(position.credit, input.debit, dollarsPerPoint);
    const now = context.clock.now();
    const subject = {
      userId: context.caller.userId,
      command: 'position close',
      positionId: position.id,
      value: String(input.debit),
    };

    if (input.confirm !== undefined) {
      const check = checkConfirmCode(input.confirm, subject, now);
      if (check === 'stale')
        throw new UserError(
          'confirm-stale',
          `This Confirm button is more than ${CONFIRM_MINUTES} minutes old: nothing recorded. Press Close again ` +
            `from /position show ${position.id}.`,
        );
      if (check === 'mismatch')
        throw new UserError(
          'confirm-mismatch',
          `This Confirm button was not made for closing ${position.id} at ${points(input.debit)} by you: nothing ` +
            `recorded. Type /position close ${position.id} <debit> to record your fill.`,
        );
    } else if (input.review) {
      return {
        title: `Close ${position.id} at ${points(input.debit)}?`,
        visibility: 'caller',
        tone: 'warn',
        lines: [
          `${position.underlying} ${strikeList(position.strikes)} · ${position.expiry} x${position.quantity}: ` +
            `credit ${points(position.credit)}, debit ${points(input.debit)}, realized P/L ` +
            `${signedDollars(realizedPl)}.`,
          `Nothing is recorded until you press Confirm (valid ${CONFIRM_MINUTES} minutes). The debit is the ` +
            `engine's estimate: if your fill differs, type /position close ${position.id} <your debit> instead.`,
        ],
        buttons: [
          {
            label: `Confirm close at ${points(input.debit)}`,
            style: 'danger',
            command: 'position close',
            options: { id: position.id, debit: input.debit, confirm: confirmCode(subject, now) },
          },
        ],
        data: { position, debit: input.debit, realizedPl, recorded: false },
      };
    }

    const closed = await context.user.positions.close(position.id, {
      debit: input.debit,
      closedMs: now,
      realizedPl,
    });
    return {
      title: `Position ${closed.id} closed`,
      visibility: 'caller',
      // A loss is a result, not a failure: no error marker or colour (those are for errors).
      tone: realizedPl >= 0 ? 'good' : 'neutral',
      lines: [
        `${closed.underlying} ${strikeList(closed.strikes)} · ${closed.expiry} x${closed.quantity}: credit ` +
          `${points(closed.credit)}, debit ${points(input.debit)}.`,
        `Realized P/L ${signedDollars(realizedPl)} (${dollars(closed.credit * dollarsPerPoint)} ` +
          `collected). Your record: /position history`,
      ],
      data: { position: closed, realizedPl },
    };
  },
});
