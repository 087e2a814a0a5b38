// CBOE's delayed-quotes JSON (/quotes/_VIX.json and the header of /options/_SPX.json):
// {"timestamp": "YYYY-MM-DD HH:MM:SS" (UTC), "data": {...}, "symbol": "_SPX"}.
// Field notes: shared/formats/README.md §1.
import { z } from 'zod';
import { NEW_YORK, wallClockInstant } from '../calendar.ts';
import { describeError, failure, firstIssue, success, type ParseResult } from './result.ts';

export type SpotField = 'current_price' | 'close' | 'prev_day_close';

export interface CboeQuote {
  /** 'SPX', 'VIX'...: the feed's '^SPX' / '_SPX' without the prefix. */
  symbol: string;
  spot: number;
  /** Which field the spot came from (current_price, falling back to close, then prev_day_close). */
  spotField: SpotField;
  prevClose: number | null;
  /** price_change, in points. */
  change: number | null;
  /** price_change_percent, in percent. */
  changePercent: number | null;
  open: number | null;
  high: number | null;
  low: number | null;
  /** 30-day implied vol in percent (13.373 = 13.373%); null when the feed has none (0.0). */
  iv30: number | null;
  /** data.last_trade_time, New York local time, as epoch ms. */
  asOf: number;
  /** The envelope's timestamp (publication, UTC), as epoch ms. */
  publishedAt: number;
}

export interface CboeEnvelope {
  symbol: string | null;
  publishedAt: number;
  data: Record<string, unknown>;
}

const envelopeSchema = z.object({
  timestamp: z.string({ error: 'missing or not text' }),
  data: z.record(z.string(), z.unknown(), { error: 'missing or not an object' }),
  symbol: z.string().optional(),
});

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;

/**
 * 'YYYY-MM-DD HH:MM:SS' or with 'T', read as wall-clock time in the given zone; null if invalid (an
 * impossible date, hour, minute or second). The project's one wall-clock conversion decides the
 * DST cases (src/market/calendar.ts): a time in the repeated 01:00–02:00 hour of the fall-back
 * night is its first occurrence (daylight time), whatever the season the code runs in; a time in
 * the spring-forward gap is the first minute after it. Luxon alone guessed the repeated hour's
 * offset from the current date (docs/decisions.md, "One wall clock").
 */
export function parseWallClock(text: string, zone: string): number | null {
  const match = LOCAL_TIME.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  // The minute's instant, then its seconds: a change of offset falls on a whole minute.
  if (Number(second) > 59) return null;
  try {
    return wallClockInstant(`${year}-${month}-${day}`, `${hour}:${minute}`, zone) + Number(second) * 1000;
  } catch {
    return null; // an impossible date (02-30), hour (25) or minute (61)
  }
}

// Python's json.dumps writes bare NaN / Infinity, which JSON.parse refuses. Turn those tokens
// (outside strings) into the strings "NaN" / "Infinity" so one bad field is reported by name
// instead of losing the whole file.
function quoteNonFiniteTokens(text: string): string {
  // Strings are matched whole first so a "NaN" inside one is left alone.
  return text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) => (token.startsWith('"') ? token : `"${token}"`));
}

/** JSON text → value, with one-line errors for the failure modes seen from these endpoints. */
export function parseJsonBody(body: string, what: string): ParseResult<unknown> {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text === '') return failure(`${what}: empty response`);
  if (text.startsWith('<'))
    return failure(`${what}: got an HTML page instead of JSON (blocked, rate-limited or an error page)`);
  try {
    return success(JSON.parse(text));
  } catch (thrown) {
    if (/NaN|Infinity/.test(text)) {
      try {
        return success(JSON.parse(quoteNonFiniteTokens(text)));
      } catch {
        // fall through to the original message
      }
    }
    return failure(`${what}: malformed JSON (${describeError(thrown)})`);
  }
}

/** The envelope of a delayed-quotes body; `what` starts every error line. */
export function parseCboeEnvelope(body: string | unknown, what = 'CBOE quote'): ParseResult<CboeEnvelope> {
  let json: unknown = body;
  if (typeof body === 'string') {
    const parsed = parseJsonBody(body, what);
    if (!parsed.ok) return parsed;
    json = parsed.value;
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return failure(`${what}: ${firstIssue(envelope.error)}`);
  const publishedAt = parseWallClock(envelope.data.timestamp, 'UTC');
  if (publishedAt === null)
    return failure(`${what}: timestamp '${envelope.data.timestamp}' is not YYYY-MM-DD HH:MM:SS`);
  return success({ symbol: envelope.data.symbol ?? null, publishedAt, data: envelope.data.data });
}

const isPositiveNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;
const finiteOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const positiveOrNull = (value: unknown): number | null => (isPositiveNumber(value) ? value : null);

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

/** Parses the quote in a delayed-quotes body (text, or JSON already parsed). */
export function parseCboeQuote(body: string | unknown): ParseResult<CboeQuote> {
  const envelope = parseCboeEnvelope(body);
  return envelope.ok ? quoteFromEnvelope(envelope.value) : envelope;
}

/** The underlying's quote from a parsed envelope (shared by the quotes and options files). */
export function quoteFromEnvelope(envelope: CboeEnvelope, what = 'CBOE quote'): ParseResult<CboeQuote> {
  const { data, publishedAt } = envelope;
  const fields: SpotField[] = ['current_price', 'close', 'prev_day_close'];
  const spotField = fields.find((field) => isPositiveNumber(data[field]));
  if (!spotField) {
    const seen = fields.map((field) => `${field} ${describeValue(data[field])}`).join(', ');
    return failure(`${what}: no usable price (${seen})`);
  }
  const lastTrade = data.last_trade_time;
  if (typeof lastTrade !== 'string') return failure(`${what}: last_trade_time is ${describeValue(lastTrade)}`);
  const asOf = parseWallClock(lastTrade, NEW_YORK);
  if (asOf === null) return failure(`${what}: last_trade_time '${lastTrade}' is not YYYY-MM-DDTHH:MM:SS`);
  const rawSymbol = typeof data.symbol === 'string' ? data.symbol : (envelope.symbol ?? '');
  const iv30 = positiveOrNull(data.iv30);
  return success({
    symbol: rawSymbol.replace(/^[\^_]/, ''),
    spot: data[spotField] as number,
    spotField,
    prevClose: positiveOrNull(data.prev_day_close),
    change: finiteOrNull(data.price_change),
    changePercent: finiteOrNull(data.price_change_percent),
    open: positiveOrNull(data.open),
    high: positiveOrNull(data.high),
    low: positiveOrNull(data.low),
    iv30,
    asOf,
    publishedAt,
  });
}
