// /position list: every position of the caller with today's action, those needing action first.
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { marketView } from '../src/app/market-view.ts';
import { strikeList, percent, signedDollars } from '../src/app/format.ts';
import { option, optional } from '../src/app/options.ts';
import { ACTION_URGENCY, evaluateStored } from '../src/app/positions.ts';
import type { StoredPosition } from '../src/app/ports.ts';
import { NOT_ADVICE, type Reply } from '../src/app/reply.ts';
import type { Action } from '../src/engine/index.ts';

/**
 * One row of /position list's data: a position shown without a valuation (closed, or no market)
 * whole, else its figures.
 */
export type PositionListRow =
  | { position: StoredPosition }
  | {
      id: string;
      action: Action;
      reason: string;
      unrealizedPl: number;
      deviation: number;
      dte: number;
    };

export default defineCommand({
  name: 'position list',
  description: "Your positions with P/L, CP deviation and today's action",
  options: z
    .object({
      status: optional(
        option.choice(['open', 'closed', 'all'] as const, {
          description: 'Which positions: open (default), closed or all',
          example: 'open',
        }),
      ),
    })
    .strict(),
  visibility: 'caller',
  examples: ['/position list', '/position list status=closed'],
  async run(input, context): Promise<Reply<{ positions: PositionListRow[] }>> {
    const status = input.status ?? 'open';
    const positions = await context.user.positions.list(status);
    if (!positions.length) {
      return {
        title: 'Your positions',
        visibility: 'caller',
        lines: [
          status === 'open'
            ? 'No open positions. Record one with /position add 5615 5665 6335 6385 2027-01-08 credit=14.2'
            : `No ${status} positions.`,
        ],
      };
    }
    const open = positions.filter((p) => p.status === 'open');
    const view = open.length ? await marketView(context) : null;
    const settings = await context.user.settings.get(); // once, not once per position
    const rows = positions.map((position): { urgency: number; row: string[]; data: PositionListRow } => {
      if (position.status === 'closed' || !view) {
        return {
          urgency: 9,
          row: [
            position.id,
            strikeList(position.strikes),
            position.expiry,
            '—',
            signedDollars(position.realizedPl ?? 0),
            '—',
            'CLOSED',
          ],
          data: { position },
        };
      }
      const evaluation = evaluateStored(position, view, settings, context.calendar);
      return {
        urgency: ACTION_URGENCY[evaluation.action],
        row: [
          position.id,
          strikeList(position.strikes),
          position.expiry,
          String(evaluation.dte),
          signedDollars(evaluation.unrealizedPl),
          percent(evaluation.invariant.deviation),
          evaluation.action,
        ],
        data: {
          id: position.id,
          action: evaluation.action,
          reason: evaluation.reason,
          unrealizedPl: evaluation.unrealizedPl,
          deviation: evaluation.invariant.deviation,
          dte: evaluation.dte,
        },
      };
    });
    rows.sort((a, b) => a.urgency - b.urgency);
    const needing = rows.filter((r) => r.urgency < ACTION_URGENCY.HOLD).length;
    return {
      title: `Your ${status === 'all' ? '' : `${status} `}positions (${positions.length})`,
      visibility: 'caller',
      lines: view
        ? [
            needing
              ? `${needing} need${needing === 1 ? 's' : ''} action; details with /position show <id>.`
              : 'All on HOLD; details with /position show <id>.',
          ]
        : [],
      table: {
        columns: [
          { label: 'id' },
          { label: 'strikes' },
          { label: 'expiry' },
          { label: 'DTE', align: 'right' },
          { label: 'P/L', align: 'right' },
          // Not δ: traders read δ as option delta.
          { label: 'CP dev', align: 'right' },
          { label: 'action' },
        ],
        rows: rows.map((r) => r.row),
      },
      footer: view ? [...view.footer, NOT_ADVICE] : [NOT_ADVICE],
      data: { positions: rows.map((r) => r.data) },
    };
  },
});
