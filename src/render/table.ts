// A Reply table as aligned monospace lines (console, Discord code block, Telegram <pre>).
import type { ReplyTable } from '../app/reply.ts';

/** Display width, counting each code point once (good enough for the ASCII and Greek we print). */
const width = (text: string) => [...text].length;

export function tableLines(table: ReplyTable, maxWidth = Infinity): string[] {
  const widths = table.columns.map((column, index) =>
    Math.max(width(column.label), ...table.rows.map((row) => width(row[index] ?? ''))),
  );
  const pad = (text: string, index: number) => {
    const gap = ' '.repeat(Math.max(0, widths[index]! - width(text)));
    return table.columns[index]!.align === 'right' ? gap + text : text + gap;
  };
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => pad(cell ?? '', index))
      .join('  ')
      .replace(/\s+$/, '');
  const lines = [
    line(table.columns.map((c) => c.label)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.rows.map(line),
  ];
  return Number.isFinite(maxWidth)
    ? lines.map((l) => (width(l) > maxWidth ? [...l].slice(0, maxWidth - 1).join('') + '…' : l))
    : lines;
}
