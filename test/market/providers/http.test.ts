import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BROWSER_USER_AGENT,
  HttpError,
  backoffDelay,
  createHttpClient,
  looksLikeHtml,
} from '../../../src/market/http.ts';
import { HTML_CHALLENGE } from '../../support/cboe-fixtures.ts';
import { startCboeServer, type CboeServer } from '../../support/cboe-server.ts';

let server: CboeServer;
let sleeps: number[];
const client = (options: Parameters<typeof createHttpClient>[0] = {}) =>
  createHttpClient({ sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, timeoutMs: 2_000, ...options });

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected a failure');
}

beforeEach(async () => {
  server = await startCboeServer({ '/ok.json': '{"a": 1}', '/ok.csv': 'DATE,VIX\n01/02/2026,15.0\n' });
  sleeps = [];
});
afterEach(() => server.close());

describe('createHttpClient', () => {
  it('sends a browser-like User-Agent and returns the body', async () => {
    expect(await client().getJson(`${server.url}/ok.json`)).toEqual({ a: 1 });
    expect(server.userAgent('/ok.json')).toBe(BROWSER_USER_AGENT);
    expect((await client().getText(`${server.url}/ok.csv`)).text).toContain('DATE,VIX');
  });

  it('does not retry a 404', async () => {
    const error = await failure(client().getJson(`${server.url}/missing.json`));
    expect(error).toMatchObject({ kind: 'status', status: 404, reason: 'HTTP 404 Not Found', unreachable: true });
    expect(server.count('/missing.json')).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a 500 with exponential backoff and jitter, then succeeds', async () => {
    server.script('/ok.json', { status: 500, body: 'oops' }, { status: 503, body: 'busy' });
    expect(await client({ backoffMs: 400 }).getJson(`${server.url}/ok.json`)).toEqual({ a: 1 });
    expect(server.count('/ok.json')).toBe(3);
    // equal jitter with random 0.5: 3/4 of 400·2^n
    expect(sleeps).toEqual([300, 600]);
  });

  it('gives up after the bounded retries with the last reason', async () => {
    server.script('/ok.json', { status: 502 }, { status: 502 }, { status: 502 });
    const error = await failure(client({ retries: 2 }).getJson(`${server.url}/ok.json`));
    expect(error.reason).toBe('HTTP 502 Bad Gateway');
    expect(server.count('/ok.json')).toBe(3);
  });

  it('times out on a server that never answers, and retries the timeout', async () => {
    server.script('/ok.json', { hang: true }, { hang: true });
    const error = await failure(client({ timeoutMs: 150, retries: 1 }).getJson(`${server.url}/ok.json`));
    expect(error).toMatchObject({ kind: 'timeout', reason: 'timeout', unreachable: true });
    expect(server.count('/ok.json')).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = await startCboeServer();
    const url = `${closed.url}/ok.json`;
    await closed.close();
    const error = await failure(client({ retries: 0 }).getJson(url));
    expect(error).toMatchObject({ kind: 'network', unreachable: true });
    expect(error.reason).toMatch(/network error/);
  });

  it('refuses an HTML challenge page served with 200, by body or by content type', async () => {
    server.serve('/challenge.json', { body: HTML_CHALLENGE, contentType: 'application/json' });
    server.serve('/typed.json', { body: '{"a": 1}', contentType: 'text/html; charset=utf-8' });
    const byBody = await failure(client().getJson(`${server.url}/challenge.json`));
    expect(byBody).toMatchObject({ kind: 'html', reason: 'HTML challenge page', status: 200, unreachable: false });
    expect(byBody.message).not.toContain('SECRET-BODY-MARKER');
    expect((await failure(client().getText(`${server.url}/typed.json`))).kind).toBe('html');
    expect(server.count('/challenge.json')).toBe(1); // not retried
  });

  it('labels malformed JSON and empty bodies', async () => {
    server.serve('/broken.json', '{"timestamp": "2026-11-18 16:00:00", "data": {');
    server.serve('/empty.json', '   ');
    expect(await failure(client().getJson(`${server.url}/broken.json`))).toMatchObject({
      kind: 'json',
      reason: 'malformed JSON',
    });
    expect(await failure(client().getJson(`${server.url}/empty.json`))).toMatchObject({
      kind: 'empty',
      reason: 'empty response',
    });
  });

  it('keeps bare NaN tokens readable so the caller can name the field', async () => {
    server.serve('/nan.json', '{"current_price": NaN, "close": 1.5}');
    expect(await client().getJson(`${server.url}/nan.json`)).toEqual({ current_price: 'NaN', close: 1.5 });
  });

  it('shares one in-flight request between concurrent callers of the same URL', async () => {
    const http = client();
    const bodies = await Promise.all(Array.from({ length: 10 }, () => http.getJson(`${server.url}/ok.json`)));
    expect(bodies).toHaveLength(10);
    expect(server.count('/ok.json')).toBe(1);
    expect(http.inFlight()).toEqual([]);
    await http.getJson(`${server.url}/ok.json`);
    expect(server.count('/ok.json')).toBe(2); // finished requests are not cached here
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const http = createHttpClient({
      fetch: async (url) => (calls.push(url), new Response('{"x": 2}', { status: 200 })),
    });
    expect(await http.getJson('http://example.invalid/x.json')).toEqual({ x: 2 });
    expect(calls).toEqual(['http://example.invalid/x.json']);
  });
});

describe('helpers', () => {
  it('backoffDelay doubles, jitters within [half, full] and caps', () => {
    expect(backoffDelay(0, 500, 8_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 8_000, () => 0.999999)).toBe(500);
    expect(backoffDelay(3, 500, 8_000, () => 0)).toBe(2_000);
    expect(backoffDelay(10, 500, 8_000, () => 0.999999)).toBe(8_000);
  });

  it('looksLikeHtml', () => {
    expect(looksLikeHtml('\uFEFF  <html>', '')).toBe(true);
    expect(looksLikeHtml('{}', 'text/html')).toBe(true);
    expect(looksLikeHtml('{}', 'application/json')).toBe(false);
  });
});
