// HTTP for market data: a browser-like User-Agent, a timeout per attempt, bounded retries with
// exponential backoff and jitter (5xx, 408, 429, network errors, timeouts; never a 404), one
// in-flight request shared by concurrent callers of the same URL, and bodies classified before
// anyone parses them: an HTML page served with status 200 (a bot challenge or an error page), an
// empty body or malformed JSON is a labelled HttpError, never a crash and never a silent zero.
// Bodies are read as a stream and capped (maxBodyBytes: a declared Content-Length over the cap is
// refused before reading, a body that grows past it is cut off), so a hostile or broken server
// cannot make the process hold hundreds of MB (docs/market-data.md, "Limits"). A caller's
// AbortSignal ends its wait; the request itself, retries and backoff included, is aborted once no
// caller waits for it (src/market/shared-request.ts), so it never outlives what asked for it.
import { parseJsonBody } from './parsers/cboe-quote.ts';
import { describeError } from './parsers/result.ts';
import { createSharedRequests } from './shared-request.ts';

export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * timeout / network / status: the source could not be reached; html / empty / json / data: it answered with something
 * unusable.
 */
export type HttpErrorKind = 'timeout' | 'network' | 'status' | 'html' | 'empty' | 'json' | 'data' | 'size';

/** Quotes are a few hundred bytes: 2 MiB is room for any change of format, and nothing more. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly kind: HttpErrorKind,
    /** Short, for notes: 'timeout', 'HTTP 404', 'HTML challenge page', 'malformed JSON', 'current_price NaN'. */
    readonly reason: string,
    readonly url: string,
    readonly status: number | null = null,
    /** One line of detail for the log (never the body). */
    readonly detail: string | null = null,
  ) {
    super(`${reason} (${url})${detail ? `: ${detail}` : ''}`);
  }

  /** Whether the source was unreachable (as opposed to answering with unusable data). */
  get unreachable(): boolean {
    return this.kind === 'timeout' || this.kind === 'network' || this.kind === 'status';
  }
}

/** Any thrown value as an HttpError (unknown errors become 'data' errors with their message). */
export function asHttpError(thrown: unknown, url: string): HttpError {
  if (thrown instanceof HttpError) return thrown;
  return new HttpError('data', describeError(thrown), url);
}

export interface HttpOptions {
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
  /** Defaults to setTimeout (cut short when the request is aborted); tests pass one that does not wait. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1): the jitter (defaults to Math.random). */
  random?: () => number;
  /** Per attempt, including reading the body (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2: three attempts at most). */
  retries?: number;
  /** First backoff (default 500 ms), doubled each retry, capped at maxBackoffMs (default 8 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  userAgent?: string;
  /** Largest body read (default DEFAULT_MAX_BODY_BYTES); per request it can be raised (the chain, history files). */
  maxBodyBytes?: number;
  /** Told about each retry (debug level is enough). */
  onRetry?: (info: { url: string; attempt: number; delayMs: number; error: HttpError }) => void;
}

export interface RequestOptions {
  timeoutMs?: number;
  retries?: number;
  maxBodyBytes?: number;
  /** The caller stops waiting when it fires (the interactive budget); the last caller to leave aborts the request. */
  signal?: AbortSignal;
}

export interface TextResponse {
  url: string;
  status: number;
  contentType: string;
  text: string;
}

export interface HttpClient {
  /** The body as text, any content; HTML, empty bodies and non-2xx statuses are HttpErrors. */
  getText(url: string, options?: RequestOptions): Promise<TextResponse>;
  /**
   * The body as JSON; bare NaN/Infinity tokens become the strings "NaN"/"Infinity" so a validator can name the field.
   */
  getJson(url: string, options?: RequestOptions): Promise<unknown>;
  /** URLs with a request in flight (for tests and diagnostics). */
  inFlight(): string[];
}

const RETRY_STATUSES = new Set([408, 425, 429]);
const isRetryable = (error: HttpError) =>
  error.kind === 'timeout' ||
  error.kind === 'network' ||
  (error.kind === 'status' && error.status !== null && (error.status >= 500 || RETRY_STATUSES.has(error.status)));

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    // An aborted request's backoff ends at once: no timer left to hold a one-shot process.
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** A wait ended by an abort (this caller's, or the last caller's): a timeout, in the budget's words. */
function abandoned(url: string, signal: AbortSignal): HttpError {
  const why = signal.reason instanceof Error && signal.reason.message ? signal.reason.message : 'abandoned';
  return new HttpError('timeout', why, url, null, 'aborted: the caller stopped waiting');
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

function describeFetchFailure(thrown: unknown, url: string, timeoutMs: number): HttpError {
  const name = (thrown as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new HttpError('timeout', 'timeout', url, null, `no complete answer within ${timeoutMs} ms`);
  // fetch() wraps socket errors: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  const cause = (thrown as { cause?: { code?: string; message?: string; name?: string } } | null)?.cause;
  if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError')
    return new HttpError('timeout', 'timeout', url, null, `no complete answer within ${timeoutMs} ms`);
  const code = cause?.code ?? (thrown as { code?: string } | null)?.code;
  const detail = code ?? describeError(cause ?? thrown);
  return new HttpError('network', code ? `network error ${code}` : 'network error', url, null, detail);
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** The body as text, read chunk by chunk and refused past maxBytes. */
async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  const tooLarge = (detail: string) =>
    new HttpError('size', `response larger than ${megabytes(maxBytes)}`, url, response.status, detail);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`Content-Length ${declared} bytes, limit ${maxBytes}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`more than ${maxBytes} bytes received, reading stopped`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** HTML instead of data: a bot challenge, a login wall or an error page served with 200. */
export function looksLikeHtml(text: string, contentType: string): boolean {
  return (
    /\btext\/html\b/i.test(contentType) ||
    text
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('<')
  );
}

export function createHttpClient(options: HttpOptions = {}): HttpClient {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const userAgent = options.userAgent ?? BROWSER_USER_AGENT;
  const inFlight = createSharedRequests<TextResponse>();

  async function attempt(url: string, timeoutMs: number, maxBytes: number, signal: AbortSignal): Promise<TextResponse> {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        headers: {
          'User-Agent': userAgent,
          Accept: 'application/json, text/csv, text/plain, */*',
          'Accept-Language': 'en-US,en;q=0.9',
        },
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]),
        redirect: 'follow',
      });
      text = await readCapped(response, maxBytes, url);
    } catch (thrown) {
      if (signal.aborted) throw abandoned(url, signal);
      if (thrown instanceof HttpError) throw thrown;
      throw describeFetchFailure(thrown, url, timeoutMs);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok) {
      const statusText = response.statusText ? ` ${response.statusText}` : '';
      throw new HttpError('status', `HTTP ${response.status}${statusText}`, url, response.status);
    }
    if (looksLikeHtml(text, contentType)) {
      throw new HttpError(
        'html',
        'HTML challenge page',
        url,
        response.status,
        `HTML with status ${response.status} (${text.length} bytes) instead of data`,
      );
    }
    if (text.trim() === '') throw new HttpError('empty', 'empty response', url, response.status);
    return { url, status: response.status, contentType, text };
  }

  async function withRetries(url: string, request: RequestOptions, signal: AbortSignal): Promise<TextResponse> {
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? 10_000;
    const retries = request.retries ?? options.retries ?? 2;
    const maxBytes = request.maxBodyBytes ?? options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    for (let attemptNo = 0; ; attemptNo++) {
      try {
        return await attempt(url, timeoutMs, maxBytes, signal);
      } catch (thrown) {
        const error = asHttpError(thrown, url);
        if (attemptNo >= retries || !isRetryable(error) || signal.aborted) throw error;
        const delayMs = backoffDelay(attemptNo, options.backoffMs ?? 500, options.maxBackoffMs ?? 8_000, random);
        options.onRetry?.({ url, attempt: attemptNo + 1, delayMs, error });
        await sleep(delayMs, signal);
        if (signal.aborted) throw abandoned(url, signal);
      }
    }
  }

  /** One request per URL for every concurrent caller; aborted when the last one stops waiting. */
  function getText(url: string, request: RequestOptions = {}): Promise<TextResponse> {
    const own = request.signal;
    return inFlight
      .join(url, (signal) => withRetries(url, request, signal), own)
      .catch((thrown: unknown) => {
        // This caller stopped waiting: a timeout like any other, in the budget's words.
        throw own?.aborted && thrown === own.reason ? abandoned(url, own) : thrown;
      });
  }

  return {
    getText,
    async getJson(url, request) {
      const { text } = await getText(url, request);
      const parsed = parseJsonBody(text, 'body');
      if (!parsed.ok) throw new HttpError('json', 'malformed JSON', url, 200, parsed.error);
      return parsed.value;
    },
    inFlight: () => inFlight.keys(),
  };
}
