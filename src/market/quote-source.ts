// What the fallback market (src/market/fallback.ts) asks of a live source (CBOE, the files), and
// how a source's failure is told: a short reason, whether the source was unreachable, and the
// line a note or a warning shows ("CBOE unreachable (timeout)").
import type { ChainVolLookup } from '../app/ports.ts';
import { describeError } from './parsers/result.ts';

export type MarketSymbol = 'SPX' | 'VIX' | 'VIX3M' | 'VVIX';

export interface SourceQuote {
  value: number;
  asOfMs: number;
  previousClose: number | null;
  /** The day's opening print, when the source gives it. */
  open?: number | null;
}

/** Why a source failed: a short reason for notes; unreachable (timeout, network, HTTP status) or unusable data. */
export interface SourceFailure {
  reason: string;
  unreachable: boolean;
  /** The source does not carry this symbol at all (an optional value left out): a short note, no warning. */
  absent?: boolean;
  detail?: string | null;
  url?: string | null;
}

export interface QuoteSource {
  /** Quote.source of its quotes: 'cboe', 'file'. */
  name: string;
  /** For notes: 'CBOE', 'Market data files'. */
  label: string;
  /**
   * "CBOE unreachable (timeout)": how a failure reads in notes (default: label + unreachable / data unusable + reason).
   */
  describeFailure?(failure: SourceFailure): string;
  /**
   * Throws (anything; an HttpError or MarketFileError says why best) when the quote is not available.
   * `signal` fires when the snapshot stops waiting: a request started for it is then aborted.
   */
  quote(symbol: MarketSymbol, signal?: AbortSignal): Promise<SourceQuote>;
  /** The option chain's vols, when the source has a chain. */
  chain?(signal?: AbortSignal): Promise<ChainVolLookup>;
}

/** Any thrown value as a failure with a short reason. */
export function toFailure(thrown: unknown): SourceFailure {
  const value = thrown as Partial<SourceFailure> | null;
  if (value && typeof value.reason === 'string') {
    return {
      reason: value.reason,
      unreachable: Boolean(value.unreachable),
      absent: Boolean(value.absent),
      detail: value.detail ?? null,
      url: value.url ?? null,
    };
  }
  return { reason: describeError(thrown), unreachable: false };
}

/** How the source's failure reads in a note and a warning: its own words, else "CBOE unreachable (timeout)". */
export function describeFailure(source: QuoteSource, failure: SourceFailure): string {
  return (
    source.describeFailure?.(failure) ??
    `${source.label} ${failure.unreachable ? 'unreachable' : 'data unusable'} (${failure.reason})`
  );
}
