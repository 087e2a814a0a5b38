// Scheduled US macro events (FOMC decisions, CPI and PPI releases) and NYSE closures, from the
// shipped us-events.csv (a copy of the public dates compiled in shared/data, first source only),
// plus any events an operator adds in configuration, validated by the same schema.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../engine/dates.ts';
import { previousTradingDay, tradingDayOnOrAfter, tradingDaysAfter } from './calendar.ts';
import { describeError, failure, firstIssue, success, type ParseResult } from './parsers/result.ts';

export const EVENT_KINDS = ['FOMC', 'CPI', 'PPI', 'NYSE_HOLIDAY', 'NYSE_EARLY_CLOSE'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The kinds the engine warns about before an action (docs/specification.md §6). */
export const MARKET_MOVING_KINDS: readonly EventKind[] = ['FOMC', 'CPI', 'PPI'];

const DATE_RULE = 'must be a real date written YYYY-MM-DD, e.g. 2026-09-16';

export const marketEventSchema = z
  .object({
    date: z.string({ error: DATE_RULE }).refine(isIsoDate, { error: DATE_RULE }),
    kind: z.enum(EVENT_KINDS, { error: `must be one of ${EVENT_KINDS.join(', ')}` }),
    title: z
      .string({ error: 'must be text, e.g. "CPI release for Aug 2026"' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(200),
    timeEt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be HH:MM New York time, e.g. 14:00' })
      .nullable()
      .default(null),
    source: z.string().trim().min(1).nullable().default(null),
  })
  .strict();

export type MarketEventInput = z.input<typeof marketEventSchema>;
export type MarketEvent = z.output<typeof marketEventSchema>;

const EVENTS_FILE = new URL('./us-events.csv', import.meta.url);

function byDateThenTime(a: MarketEvent, b: MarketEvent): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return (a.timeEt ?? '').localeCompare(b.timeEt ?? '');
}

/** Parses events CSV text (columns date,time_et,kind,title[,source]); empty cells mean "none". */
export function parseEventsCsv(text: string): ParseResult<MarketEvent[]> {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (thrown) {
    return failure(`events CSV: ${describeError(thrown)}`);
  }
  const events: MarketEvent[] = [];
  for (const [index, row] of rows.entries()) {
    const parsed = marketEventSchema.safeParse({
      date: row.date,
      kind: row.kind,
      title: row.title,
      timeEt: row.time_et ? row.time_et : null,
      source: row.source ? row.source : null,
    });
    // Row numbers count the header as line 1, as a spreadsheet shows them.
    if (!parsed.success) return failure(`events CSV line ${index + 2}: ${firstIssue(parsed.error)}`);
    events.push(parsed.data);
  }
  return success(events.sort(byDateThenTime));
}

let shipped: MarketEvent[] | null = null;

/** The events shipped with the bot (read once). A broken shipped file is a bug, so it throws. */
export function shippedEvents(): MarketEvent[] {
  if (!shipped) {
    const parsed = parseEventsCsv(readFileSync(EVENTS_FILE, 'utf8'));
    if (!parsed.ok) throw new Error(`src/market/us-events.csv is broken: ${parsed.error}`);
    shipped = parsed.value;
  }
  return shipped;
}

/**
 * The shipped events plus an operator's extra ones ({date, kind, title, timeEt?, source?} each),
 * sorted by date and time; an extra event identical in date, kind and title to another is kept once.
 * A bad extra event gives one line naming its position and field.
 */
export function loadEvents(extraEvents: readonly unknown[] = []): ParseResult<MarketEvent[]> {
  const events = [...shippedEvents()];
  const seen = new Set(events.map((e) => `${e.date}|${e.kind}|${e.title}`));
  for (const [index, input] of extraEvents.entries()) {
    const parsed = marketEventSchema.safeParse(input);
    if (!parsed.success) return failure(`extra event ${index + 1}: ${firstIssue(parsed.error)}`);
    const key = `${parsed.data.date}|${parsed.data.kind}|${parsed.data.title}`;
    if (!seen.has(key)) events.push(parsed.data);
    seen.add(key);
  }
  return success(events.sort(byDateThenTime));
}

/**
 * FOMC, CPI and PPI events in the next `tradingDays` trading days, today included: the window runs
 * from `fromDate` (inclusive, so a release at 08:30 this morning still counts on the day it moves
 * the market) to the N-th trading day counting `fromDate` as the first when it is one. On a weekend
 * the window starts on that day and covers the next N sessions.
 */
export function eventsWithin(
  fromDate: IsoDate,
  tradingDays = 3,
  events: readonly MarketEvent[] = shippedEvents(),
): MarketEvent[] {
  if (tradingDays <= 0) return [];
  const first = tradingDayOnOrAfter(fromDate);
  const last = tradingDays === 1 ? first : tradingDaysAfter(first, tradingDays - 1).at(-1)!;
  return events.filter((e) => MARKET_MOVING_KINDS.includes(e.kind) && e.date >= fromDate && e.date <= last);
}

/** True when the trading day before `date` had an FOMC decision (the market digests it that day). */
export function dayAfterFomc(date: IsoDate, events: readonly MarketEvent[] = shippedEvents()): boolean {
  const previous = previousTradingDay(date);
  return events.some((e) => e.kind === 'FOMC' && e.date === previous);
}

/**
 * The FOMC, CPI and PPI events of the trading day before `date`: the day after a release is when
 * the methodology watches breaches most closely (docs/engine.md, "Events").
 */
export function eventsDayBefore(date: IsoDate, events: readonly MarketEvent[] = shippedEvents()): MarketEvent[] {
  const previous = previousTradingDay(date);
  return events.filter((e) => MARKET_MOVING_KINDS.includes(e.kind) && e.date === previous);
}
