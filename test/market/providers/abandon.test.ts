// A request nobody waits for any more is aborted (issue 13, docs/hardening.md "A dead CBOE never
// holds the process"): the interactive budget's AbortSignal ends the snapshot's wait and the
// requests it started, retries and backoff included, so a hung server sees its connections closed
// and nothing is left to keep a one-shot process alive. A request shared with a caller still
// waiting goes on. On loopback servers; the budget's timer is fired by hand.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient, HttpError } from '../../../src/market/http.ts';
import { INTERACTIVE_WAIT_MS } from '../../../src/market/fallback.ts';
import { createSharedRequests } from '../../../src/market/shared-request.ts';
import { startSilentServer, type SilentServer } from '../../support/bot-process.ts';
import { chainPath, quotePath, startCboeServer } from '../../support/cboe-server.ts';
import { FIXTURE, harness, type Harness } from '../../support/cboe-market.ts';
import { onCleanup } from '../../support/cleanup.ts';

const BUDGET_WORDS = `no answer within ${INTERACTIVE_WAIT_MS / 1000} s`;
/** How long a loopback server may take to see a request arrive or close on a loaded machine. */
const SERVER_SEES = { timeout: 10_000, interval: 10 };
/** What the budget aborts with (src/market/fallback.ts). */
const budgetSpent = () => Object.assign(new Error(BUDGET_WORDS), { reason: BUDGET_WORDS, unreachable: true });

async function silentServer(): Promise<SilentServer> {
  const server = await startSilentServer();
  onCleanup(() => server.close());
  return server;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (thrown) {
    return thrown;
  }
  throw new Error('expected a rejection');
}

describe('createSharedRequests', () => {
  it('starts once per key, answers a leaving caller at once, aborts only when the last one leaves', async () => {
    const shared = createSharedRequests<string>();
    const aborted: unknown[] = [];
    let starts = 0;
    const start = (signal: AbortSignal) => {
      starts++;
      return new Promise<string>((_, reject) =>
        signal.addEventListener('abort', () => (aborted.push(signal.reason), reject(signal.reason))),
      );
    };
    const first = new AbortController();
    const second = new AbortController();
    const one = shared.join('k', start, first.signal);
    const two = shared.join('k', start, second.signal);
    expect(starts).toBe(1);
    first.abort(new Error('first gave up'));
    expect(await rejection(one)).toMatchObject({ message: 'first gave up' });
    expect(aborted).toEqual([]); // the second caller still waits
    expect(shared.keys()).toEqual(['k']);
    second.abort(new Error('second gave up'));
    expect(await rejection(two)).toMatchObject({ message: 'second gave up' });
    expect(aborted).toMatchObject([{ message: 'second gave up' }]);
    expect(shared.keys()).toEqual([]);
    // A caller after that starts afresh; one without a signal keeps the request to the end.
    const third = shared.join('k', async () => 'done');
    expect(await third).toBe('done');
    expect(await rejection(shared.join('k', start, AbortSignal.abort(new Error('already'))))).toMatchObject({
      message: 'already',
    });
  });
});

describe('the HTTP client, with a caller that stops waiting', () => {
  it('answers that caller with a timeout in its words and aborts the request once no caller waits', async () => {
    const silent = await silentServer();
    const http = createHttpClient({ timeoutMs: 60_000, retries: 2, sleep: async () => undefined });
    const url = `${silent.url}/api/global/delayed_quotes/quotes/_SPX.json`;
    const first = new AbortController();
    const second = new AbortController();
    const one = http.getJson(url, { signal: first.signal });
    const two = http.getJson(url, { signal: second.signal });
    await vi.waitFor(() => expect(silent.openRequests()).toBe(1), SERVER_SEES);
    first.abort(budgetSpent());
    const error = await rejection(one);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ kind: 'timeout', reason: BUDGET_WORDS, unreachable: true });
    expect(http.inFlight()).toEqual([url]); // shared with the second caller: it goes on
    second.abort(budgetSpent());
    expect(await rejection(two)).toMatchObject({ kind: 'timeout', reason: BUDGET_WORDS });
    await vi.waitFor(() => expect(silent.openRequests()).toBe(0), SERVER_SEES);
    expect(silent.requestLines()).toHaveLength(1); // no retry after the abort
    expect(http.inFlight()).toEqual([]);
  });

  it('an abort during the backoff ends it at once (the default sleep, a 60 s backoff)', async () => {
    const server = await startCboeServer();
    onCleanup(() => server.close());
    server.script('/busy.json', { status: 503, body: '{}' });
    let backingOff: () => void = () => undefined;
    const inBackoff = new Promise<void>((resolve) => (backingOff = resolve));
    const http = createHttpClient({
      timeoutMs: 10_000,
      retries: 2,
      backoffMs: 60_000,
      maxBackoffMs: 60_000,
      onRetry: () => backingOff(),
    });
    const caller = new AbortController();
    const pending = http.getJson(`${server.url}/busy.json`, { signal: caller.signal });
    await inBackoff; // the 503 came back: the client waits 30–60 s before the next attempt
    caller.abort(budgetSpent());
    // Within the test's time limit, not after the 30–60 s backoff.
    expect(await rejection(pending)).toMatchObject({ kind: 'timeout', reason: BUDGET_WORDS });
    expect(server.count('/busy.json')).toBe(1);
  });
});

describe('a snapshot against a CBOE that accepts and never answers', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('the budget aborts the quote and chain requests (no retry); the cool-down answers the next at once', async () => {
    h = await harness();
    await h.market().snapshot(); // fills the cache
    const silent = await silentServer();
    let fire: () => void = () => undefined;
    const fired = new Promise<void>((resolve) => (fire = resolve));
    const market = h.market({
      cboeBaseUrl: silent.url,
      timer: () => fired,
      // Left alone, each quote would take three 60 s attempts and the chain two.
      httpOptions: { timeoutMs: 60_000, retries: 2, sleep: async () => undefined },
      cboe: { failureCooldownMs: 30_000, quoteTtlMs: 0 },
    });
    const pending = market.snapshot({ chain: true });
    await vi.waitFor(() => expect(silent.openRequests()).toBe(5), SERVER_SEES);
    fire();
    const snapshot = await pending;
    expect(snapshot.spot).toMatchObject({ source: 'cache', value: FIXTURE.SPX });
    expect(snapshot.notes.join(' ')).toMatch(/CBOE unreachable \(no answer within 3 s\): cached quotes from/);
    await vi.waitFor(() => expect(silent.openRequests()).toBe(0), SERVER_SEES);
    expect(
      silent
        .requestLines()
        .map((line) => line.split(' ')[1])
        .sort(),
    ).toEqual([chainPath, ...['SPX', 'VIX', 'VIX3M', 'VVIX'].map(quotePath)].sort());

    // Within the cool-down: no new request and no wait (this budget never fires).
    const next = await market.snapshot({ chain: true });
    expect(next.spot).toMatchObject({ source: 'cache', value: FIXTURE.SPX });
    expect(next.notes.join(' ')).toMatch(/CBOE unreachable \(no answer within 3 s\): cached quotes from/);
    expect(silent.requestLines()).toHaveLength(5);
  });
});
