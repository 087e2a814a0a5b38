// Keeping a platform connected (src/app/supervise.ts), the health report
// (src/platforms/health.ts) and the scrubber's encoded forms (src/logging.ts), each on its own: injected
// attempts, a fixed clock, backoff in milliseconds so the loop runs at once.
import { describe, expect, it } from 'vitest';
import { createHealth, SCHEDULER_STALE_MS } from '../../src/platforms/health.ts';
import { scrubber } from '../../src/logging.ts';
import { backoffMs, supervise, type ConnectionState } from '../../src/app/supervise.ts';
import { fixedClock } from '../support/app.ts';
import { capturingLogger } from '../support/logger.ts';

describe('backoff', () => {
  it('doubles from the first wait and stops at the cap', () => {
    const waits = Array.from({ length: 9 }, (_, i) => backoffMs(i + 1, { initialMs: 1_000, maxMs: 60_000 }));
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });
});

function run(start: (attempt: number, signal: AbortSignal) => Promise<void>, extra: { timeoutMs?: number } = {}) {
  const logger = capturingLogger();
  const states: [ConnectionState, string | undefined][] = [];
  const shutdown = new AbortController();
  let attempts = 0;
  const done = supervise({
    platform: 'telegram',
    logger,
    start: (signal) => start(++attempts, signal),
    permanent: (error) => (error as { code?: number }).code === 401,
    onState: (state, detail) => states.push([state, detail]),
    attemptTimeoutMs: extra.timeoutMs ?? 5_000,
    backoff: { initialMs: 1, maxMs: 4 },
    signal: shutdown.signal,
  });
  return { done, logger, states, shutdown, attempts: () => attempts };
}

describe('supervise', () => {
  it('retries failures with one log line each until the platform connects', async () => {
    const s = run(async (attempt) => {
      if (attempt < 5) throw new Error(`connect ECONNREFUSED (attempt ${attempt})`);
    });
    expect(await s.done).toBe('connected');
    const failed = s.logger.entries.filter((e) => e.message === 'telegram start failed; retrying');
    expect(failed.map((e) => [e.object.attempt, e.object.retryInMs])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 4],
    ]);
    expect(s.states.at(0)).toEqual(['connecting', undefined]);
    expect(s.states.at(-1)).toEqual(['connected', undefined]);
    expect(s.states.filter(([state]) => state === 'retrying')).toHaveLength(4);
  });

  it('gives up at once on an error retrying cannot fix, and says so', async () => {
    const s = run(async () => {
      throw Object.assign(new Error('401: Unauthorized'), { code: 401 });
    });
    expect(await s.done).toBe('stopped');
    expect(s.attempts()).toBe(1);
    expect(s.states.at(-1)).toEqual(['stopped', '401: Unauthorized']);
    expect(s.logger.entries.at(-1)!.level).toBe('error');
  });

  it('abandons an attempt that never answers after its deadline, and tries again', async () => {
    const s = run(
      (attempt, signal) =>
        attempt === 1
          ? new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
          : Promise.resolve(),
      { timeoutMs: 20 },
    );
    expect(await s.done).toBe('connected');
    const failed = s.logger.entries.find((e) => e.message === 'telegram start failed; retrying')!;
    expect((failed.object.err as Error).message).toBe('no answer within 0.02 s');
  });

  it('shutdown during a hung attempt ends the supervision at once', async () => {
    const seen: { signal?: AbortSignal } = {};
    const s = run((_, signal) => {
      seen.signal = signal;
      return new Promise<void>(() => {}); // never settles, even when aborted
    });
    while (!seen.signal) await Promise.resolve();
    s.shutdown.abort();
    expect(await s.done).toBe('cancelled');
    expect(seen.signal.aborted).toBe(true);
  });
});

describe('health report', () => {
  it('healthy only while every platform is connected and the scheduler ticks', () => {
    const clock = fixedClock();
    const health = createHealth(clock);
    health.setPlatform('discord', 'connected');
    health.setPlatform('telegram', 'connecting');
    expect(health.report().healthy).toBe(false);
    health.setPlatform('telegram', 'connected');
    health.schedulerTicked();
    expect(health.report()).toMatchObject({ healthy: true, scheduler: { secondsSinceTick: 0 } });
    clock.advance(SCHEDULER_STALE_MS);
    expect(health.report()).toMatchObject({ healthy: false, scheduler: { secondsSinceTick: 180 } });
    health.schedulerTicked();
    health.setPlatform('telegram', 'stopped', '409: Conflict');
    expect(health.report()).toMatchObject({
      healthy: false,
      platforms: { telegram: { state: 'stopped', detail: '409: Conflict' } },
    });
  });
});

describe('scrubber', () => {
  const token = '777000111:AAH-scrubber_test_Secret-part_xyz';
  const scrub = scrubber([token]);
  const secretPart = token.split(':')[1]!;
  it.each([
    ['the token', `url https://api.telegram.org/bot${token}/getMe`],
    ['the part after the colon', `token part ${secretPart} alone`],
    ['URL-encoded', `next=${encodeURIComponent(`https://api.telegram.org/bot${token}/getMe`)}`],
    ['URL-encoded, lower case', `next=${encodeURIComponent(token).replace('%3A', '%3a')}`],
    ...['', 'a', 'ab'].map((prefix) => [
      `base64 after ${prefix.length} bytes`,
      `auth ${Buffer.from(`${prefix}bot:${token}`).toString('base64')}`,
    ]),
    ['base64url of the secret part', `id ${Buffer.from(`x${secretPart}`).toString('base64url')}`],
  ])('%s', (_, text) => {
    const out = scrub(text);
    expect(out).toContain('[redacted]');
    // Nothing that decodes or reads back to the secret part is left.
    for (const candidate of [
      out,
      decodeURIComponent(out),
      ...out.split(/\s/).map((w) => Buffer.from(w, 'base64').toString('latin1')),
    ])
      expect(candidate).not.toContain(secretPart.slice(0, 12));
  });
});
