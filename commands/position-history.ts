// /position history: closed positions, win rate and total realized P/L.
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { strikeList, dollars, percent, points, signedDollars } from '../src/app/format.ts';

export default defineCommand({
  name: 'position history',
  description: 'Your closed positions, win rate and total realized P/L',
  options: z.object({}).strict(),
  visibility: 'caller',
  examples: ['/position history'],
  async run(_input, context) {
    const closed = (await context.user.positions.list('closed')).sort((a, b) => (b.closedMs ?? 0) - (a.closedMs ?? 0));
    if (!closed.length) return { title: 'Your history', visibility: 'caller', lines: ['No closed positions yet.'] };
    const pls = closed.map((p) => p.realizedPl ?? 0);
    const wins = pls.filter((pl) => pl > 0).length;
    const total = pls.reduce((a, b) => a + b, 0);
    const newYork = (ms: number | null) => (ms === null ? '—' : context.calendar.newYorkDate(ms));
    return {
      title: `Your history: ${closed.length} closed`,
      visibility: 'caller',
      lines: [
        `Win rate ${percent(wins / closed.length)} (${wins} of ${closed.length}); total ${signedDollars(total)}; ` +
          `mean ${dollars(total / closed.length)}; worst ${signedDollars(Math.min(...pls))}.`,
      ],
      table: {
        columns: [
          { label: 'id' },
          { label: 'strikes' },
          { label: 'closed' },
          { label: 'credit', align: 'right' },
          { label: 'debit', align: 'right' },
          { label: 'P/L', align: 'right' },
        ],
        rows: closed.map((p) => [
          p.id,
          strikeList(p.strikes),
          newYork(p.closedMs),
          points(p.credit),
          points(p.closeDebit ?? 0),
          signedDollars(p.realizedPl ?? 0),
        ]),
      },
      data: { closed: closed.length, wins, winRate: wins / closed.length, totalPl: total, positions: closed },
    };
  },
});
