// The SPX option chain from CBOE's /options/_SPX.json: the underlying quote plus data.options[],
// one row per contract, keyed by the full OCC symbol (SPX monthlies and SPXW share expiries and
// strikes). Rows with nonsense quotes are dropped and counted, not fatal.
import { z } from 'zod';
import type { IsoDate } from '../../engine/dates.ts';
import type { Settlement } from '../expiry-calendar.ts';
import { parseCboeEnvelope, quoteFromEnvelope, type CboeQuote } from './cboe-quote.ts';
import { parseOccSymbol, settlementOfRoot, type OptionType } from './occ.ts';
import { failure, success, type ParseResult } from './result.ts';

export interface StrikeQuote {
  symbol: string;
  strike: number;
  /** Implied vol as a decimal (0.1688 = 16.88%). */
  iv: number;
  bid: number;
  ask: number;
  mid: number;
  delta: number | null;
  openInterest: number | null;
}

/**
 * One strike's call and put as quoted (bid/ask), for put-call parity. Kept whatever the row's IV:
 * parity reads prices, and a deep-ITM row whose IV is the feed's nonsense still has a market.
 */
export interface StrikeBook {
  strike: number;
  callBid: number;
  callAsk: number;
  putBid: number;
  putAsk: number;
}

export interface ChainExpiry {
  expiry: IsoDate;
  root: string;
  settlement: Settlement;
  /** Ascending by strike. */
  calls: StrikeQuote[];
  puts: StrikeQuote[];
  /** Strikes with both a call and a put quoted (bid/ask usable, not crossed), ascending. */
  book: StrikeBook[];
}

export interface OptionContract extends StrikeQuote {
  root: string;
  expiry: IsoDate;
  type: OptionType;
  settlement: Settlement;
}

export interface OptionChain {
  underlying: CboeQuote;
  /** Every kept contract by full OCC symbol. */
  contracts: Map<string, OptionContract>;
  /** One entry per (expiry, root), ascending by expiry, SPXW before SPX on a shared date. */
  expiries: ChainExpiry[];
  /** Dropped rows by reason ('iv out of range', 'bad bid/ask', ...). */
  dropped: Record<string, number>;
}

// Above 300% the feed's IV is the deep-ITM nonsense of the field notes (4.1223), not a market.
const MAX_IV = 3;

// The quote fields stay unknown here: checkRow decides what is junk and counts it by reason.
const numberOrNull = z.number().nullable().optional().catch(null);
const rowSchema = z.object({
  option: z.string(),
  bid: z.unknown(),
  ask: z.unknown(),
  iv: z.unknown(),
  delta: numberOrNull,
  open_interest: numberOrNull,
});
type OptionRow = z.infer<typeof rowSchema>;

const isQuotePrice = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

function checkQuote(row: OptionRow): string | null {
  if (!isQuotePrice(row.bid) || !isQuotePrice(row.ask)) return 'bad bid/ask';
  if (row.ask < row.bid) return 'crossed bid/ask';
  return null;
}

function checkRow(row: OptionRow): string | null {
  if (typeof row.iv !== 'number' || !Number.isFinite(row.iv)) return 'iv missing';
  if (row.iv <= 0 || row.iv > MAX_IV) return 'iv out of range';
  return checkQuote(row);
}

/** Half-built strike books by expiry|root|strike: a call or a put may arrive first. */
type PartialBook = { strike: number; call?: [number, number]; put?: [number, number] };

/** Parses a delayed-quotes options body (text or parsed JSON) into the underlying and its chain. */
export function parseCboeChain(body: string | unknown): ParseResult<OptionChain> {
  const envelope = parseCboeEnvelope(body, 'CBOE chain');
  if (!envelope.ok) return envelope;
  const underlying = quoteFromEnvelope(envelope.value, 'CBOE chain');
  if (!underlying.ok) return underlying;
  const rows = envelope.value.data.options;
  if (!Array.isArray(rows)) return failure('CBOE chain: data.options is missing (is this the /quotes/ file?)');

  const dropped: Record<string, number> = {};
  const drop = (reason: string) => (dropped[reason] = (dropped[reason] ?? 0) + 1);
  const contracts = new Map<string, OptionContract>();
  const books = new Map<string, PartialBook>();
  for (const raw of rows) {
    const parsedRow = rowSchema.safeParse(raw);
    if (!parsedRow.success) {
      drop('malformed row');
      continue;
    }
    const row = parsedRow.data;
    const symbol = parseOccSymbol(row.option);
    if (!symbol.ok) {
      drop('bad symbol');
      continue;
    }
    if (checkQuote(row) === null) {
      const { expiry, root, strike, type } = symbol.value;
      const key = `${expiry}|${root}|${strike}`;
      let book = books.get(key);
      if (!book) books.set(key, (book = { strike }));
      book[type] = [row.bid as number, row.ask as number];
    }
    const junk = checkRow(row);
    if (junk) {
      drop(junk);
      continue;
    }
    const { bid, ask, iv } = row as { bid: number; ask: number; iv: number };
    const { symbol: key, root, expiry, type, strike, settlement } = symbol.value;
    // Built field by field: object spread costs several µs per row on Node 20, too much × 30k.
    contracts.set(key, {
      symbol: key,
      root,
      expiry,
      type,
      strike,
      settlement,
      iv,
      bid,
      ask,
      mid: (bid + ask) / 2,
      delta: row.delta ?? null,
      openInterest: row.open_interest ?? null,
    });
  }
  return success({
    underlying: underlying.value,
    contracts,
    expiries: groupByExpiry(contracts, books),
    dropped,
  });
}

function groupByExpiry(contracts: Map<string, OptionContract>, books: Map<string, PartialBook>): ChainExpiry[] {
  const groups = new Map<string, ChainExpiry>();
  const groupOf = (expiry: IsoDate, root: string) => {
    const key = `${expiry}|${root}`;
    let group = groups.get(key);
    if (!group) {
      group = { expiry, root, settlement: settlementOfRoot(root), calls: [], puts: [], book: [] };
      groups.set(key, group);
    }
    return group;
  };
  for (const contract of contracts.values()) {
    const group = groupOf(contract.expiry, contract.root);
    const { symbol, strike, iv, bid, ask, mid, delta, openInterest } = contract;
    (contract.type === 'call' ? group.calls : group.puts).push({
      symbol,
      strike,
      iv,
      bid,
      ask,
      mid,
      delta,
      openInterest,
    });
  }
  for (const [key, { strike, call, put }] of books) {
    if (!call || !put) continue;
    const [expiry, root] = key.split('|') as [IsoDate, string];
    groupOf(expiry, root).book.push({ strike, callBid: call[0], callAsk: call[1], putBid: put[0], putAsk: put[1] });
  }
  const byStrike = (a: { strike: number }, b: { strike: number }) => a.strike - b.strike;
  const pmFirst = (root: string) => (root === 'SPXW' ? 0 : 1);
  return [...groups.values()]
    .map((group) => ({
      ...group,
      calls: group.calls.sort(byStrike),
      puts: group.puts.sort(byStrike),
      book: group.book.sort(byStrike),
    }))
    .sort((a, b) =>
      a.expiry !== b.expiry
        ? a.expiry < b.expiry
          ? -1
          : 1
        : pmFirst(a.root) - pmFirst(b.root) || a.root.localeCompare(b.root),
    );
}

/** Linear interpolation of IV across listed strikes; null outside [lowest, highest] strike. */
function interpolateIv(quotes: readonly StrikeQuote[], strike: number): number | null {
  const first = quotes[0];
  const last = quotes.at(-1);
  if (!first || !last || strike < first.strike || strike > last.strike) return null;
  for (let i = 0; i < quotes.length; i++) {
    const upper = quotes[i]!;
    if (upper.strike === strike) return upper.iv;
    if (upper.strike > strike) {
      const lower = quotes[i - 1]!;
      const weight = (strike - lower.strike) / (upper.strike - lower.strike);
      return lower.iv + weight * (upper.iv - lower.iv);
    }
  }
  return null;
}

/**
 * The chain's implied vol at a strike, for one expiry. Reads the out-of-the-money side, whose
 * quotes are the liquid ones: puts below spot, calls above, the asked type at spot; when that side
 * does not span the strike, the other side. Interpolates linearly between listed strikes and never
 * extrapolates: outside the listed range the answer is null (the caller falls back to VIX, docs/specification.md §1).
 * With both SPXW and SPX listed on that date, SPXW (PM) is read unless `root` says otherwise.
 */
export function volAt(
  chain: OptionChain,
  expiry: IsoDate,
  strike: number,
  type: OptionType,
  root?: string,
): number | null {
  const series = chain.expiries.find((e) => e.expiry === expiry && (root === undefined || e.root === root));
  if (!series) return null;
  const spot = chain.underlying.spot;
  const outOfTheMoney: OptionType = strike < spot ? 'put' : strike > spot ? 'call' : type;
  const sides: OptionType[] = outOfTheMoney === 'put' ? ['put', 'call'] : ['call', 'put'];
  for (const side of sides) {
    const vol = interpolateIv(side === 'put' ? series.puts : series.calls, strike);
    if (vol !== null) return vol;
  }
  return null;
}
