// /position export: every position of the caller as CSV (RFC 4180 quoting; cells that a
// spreadsheet would run as a formula are prefixed with ').
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import type { StoredPosition } from '../src/app/ports.ts';

const COLUMNS = [
  'id',
  'status',
  'underlying',
  'long_put',
  'short_put',
  'short_call',
  'long_call',
  'expiry',
  'quantity',
  'credit',
  'opened',
  'closed',
  'close_debit',
  'realized_pl',
  'entry_spot',
  'entry_vix',
  'baseline_k',
  'hedge_layers',
  'note',
] as const;

function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  // A number is data; text a spreadsheet would run as a formula gets a leading ' (even "-2+3+cmd|...").
  if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function positionsCsv(positions: StoredPosition[], newYorkDate: (ms: number) => string): string {
  const rows = positions.map((p) => [
    p.id,
    p.status,
    p.underlying,
    p.strikes.longPut,
    p.strikes.shortPut,
    p.strikes.shortCall,
    p.strikes.longCall,
    p.expiry,
    p.quantity,
    p.credit,
    newYorkDate(p.openedMs),
    p.closedMs === null ? '' : newYorkDate(p.closedMs),
    p.closeDebit ?? '',
    p.realizedPl ?? '',
    p.entry.spot,
    p.entry.vix,
    p.entry.baselineK,
    p.hedgeLayers.map((l) => l.layer).join(' '),
    p.note ?? '',
  ]);
  return [COLUMNS.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\r\n') + '\r\n';
}

export default defineCommand({
  name: 'position export',
  description: 'Download your positions as a CSV file',
  options: z.object({}).strict(),
  visibility: 'caller',
  examples: ['/position export'],
  async run(_input, context) {
    const positions = await context.user.positions.list('all');
    const csv = positionsCsv(positions, (ms) => context.calendar.newYorkDate(ms));
    return {
      title: `Export: ${positions.length} position${positions.length === 1 ? '' : 's'}`,
      visibility: 'caller',
      lines: [
        positions.length ? 'Your positions are attached as CSV.' : 'No positions yet; the file has the header only.',
      ],
      attachments: [
        {
          filename: 'condor-positions.csv',
          contentType: 'text/csv',
          data: Buffer.from(csv, 'utf8'),
          // The caption under the file: what it holds and how to open it.
          description:
            `Positions, open and closed, as of ${context.calendar.newYorkDate(context.clock.now())}; ` +
            `opens in any spreadsheet`,
        },
      ],
      data: { count: positions.length },
    };
  },
});
