// Failures during a fan-out: a 429 storm is waited out (retry_after, through the injected sleep)
// and everything still goes once; 5xx and network errors retry with bounded, jittered backoff and
// then fail; permanent refusals (Telegram 403 blocked, 400 chat not found; Discord 10003 Unknown
// Channel, 50001 Missing Access) deactivate the subscription with the reason recorded.
import { describe, expect, it } from 'vitest';
import { runDue } from '../../src/scheduler/planner.ts';
import type { SendOutcome } from '../../src/scheduler/senders.ts';
import {
  memorySender,
  MONDAY,
  ny,
  plannerFor,
  subscribeChannel,
  subscribeMany,
  subscribePersonal,
} from '../support/scheduler-app.ts';
import { schedulerApp } from '../support/scheduler-harness.ts';
import { startFakeServer } from '../support/scheduler-fake-server.ts';
import { discordHttpSender, telegramHttpSender } from '../support/scheduler-http-sender.ts';

const AT = ny(MONDAY, '09:45');
const rateLimited = (ms: number): SendOutcome => ({ ok: false, kind: 'rate-limited', retryAfterMs: ms });

describe('429 storms', () => {
  it('waits retry_after each time, delivers every chat once and counts the 429s', async () => {
    const t = schedulerApp(AT);
    await subscribeMany(t, 'telegram', 30);
    let refusals = 0;
    const stormUntil = AT + 5_000;
    // For the first 5 s (virtual), every send is refused with retry_after 1 s.
    const sender = memorySender({
      now: t.clock.now,
      script: () => (t.clock.now() < stormUntil ? (refusals++, rateLimited(1_000)) : null),
    });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time, concurrency: 4 });
    const report = await runDue(options, AT);
    expect(report).toMatchObject({ due: 30, sent: 30, failed: 0 });
    expect(refusals).toBeGreaterThan(0);
    expect(report.rateLimited).toBe(refusals);
    expect(t.time.sleeps.length).toBe(refusals);
    expect(t.time.sleeps.every((ms) => ms === 1_000)).toBe(true);
    expect(sender.sent).toHaveLength(30);
    expect([...sender.byChat().values()].every((n) => n === 1)).toBe(true);
    expect(sender.sent.every((s) => s.atMs >= stormUntil)).toBe(true);
    expect(await ledger.counts(MONDAY)).toMatchObject({ sent: 30 });
  });

  it('a 429 pushes the bucket back: the next sends wait for it in the pacer too', async () => {
    const t = schedulerApp(AT);
    await subscribeMany(t, 'telegram', 3);
    let first = true;
    const sender = memorySender({
      now: t.clock.now,
      perSecond: 30,
      script: () => (first ? ((first = false), rateLimited(2_000)) : null),
    });
    const { options } = plannerFor(t, [sender], { time: t.time, concurrency: 1 });
    expect(await runDue(options, AT)).toMatchObject({ sent: 3, rateLimited: 1 });
    // After the 2 s wait the global bucket resumes at 30/s: 2 s, then about 33 ms apart.
    const times = sender.sent.map((s) => s.atMs - AT);
    expect(times[0]).toBeGreaterThanOrEqual(2_000);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000 / 30 - 1);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1000 / 30 - 1);
  });

  it('gives up after 20 rate limits on one message and records it as failed', async () => {
    const t = schedulerApp(AT);
    await subscribePersonal(t.deps, 'telegram', '7001');
    const sender = memorySender({ script: () => rateLimited(500) });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, AT)).toMatchObject({ sent: 0, failed: 1, rateLimited: 21, deactivated: 0 });
    expect(await ledger.get(1, MONDAY, 'morning')).toMatchObject({ state: 'failed', error: 'rate limited' });
    expect(await t.deps.store.subscriptions.active()).toHaveLength(1);
  });

  it('against the HTTP fake enforcing 1 message/s per chat: Telegram 429 retry_after is honoured', async () => {
    const t = schedulerApp(AT);
    await subscribeChannel(t.deps, 'telegram', '-100500');
    let calls = 0;
    // The chat's first call is refused as if a message had just gone there.
    const server = await startFakeServer({
      script: ({ n }) => (
        ++calls,
        n === 1
          ? {
              status: 429,
              body: {
                ok: false,
                error_code: 429,
                description: 'Too Many Requests: retry after 3',
                parameters: { retry_after: 3 },
              },
            }
          : null
      ),
    });
    try {
      const sender = telegramHttpSender({ baseUrl: server.url, perSecond: 30 });
      const { options } = plannerFor(t, [sender], { time: t.time });
      expect(await runDue(options, AT)).toMatchObject({ sent: 1, rateLimited: 1 });
      expect(t.time.sleeps).toEqual([3_000]);
      expect(server.stats().perChat).toEqual({ '-100500': 1 });
      expect(calls).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('5xx and network errors', () => {
  it('retries with exponential, jittered backoff and delivers once it recovers', async () => {
    const t = schedulerApp(AT);
    await subscribePersonal(t.deps, 'telegram', '7001');
    const sender = memorySender({
      script: ({ attempt }) => (attempt <= 2 ? { ok: false, kind: 'transient', reason: '502 Bad Gateway' } : null),
    });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time, random: () => 0.5 });
    expect(await runDue(options, AT)).toMatchObject({ sent: 1, failed: 0 });
    // backoff b = 500·2^(n−1), waited b/2 + random·b/2.
    expect(t.time.sleeps).toEqual([375, 750]);
    // Each attempt claims the row anew after its slot (released in between): attempts counts requests.
    expect(await ledger.get(1, MONDAY, 'morning')).toMatchObject({ state: 'sent', attempts: 3 });
    expect(sender.sent).toHaveLength(1);
  });

  it('gives up after maxAttempts and records the row failed (the subscription stays active)', async () => {
    const t = schedulerApp(AT);
    await subscribePersonal(t.deps, 'telegram', '7001');
    const sender = memorySender({
      script: () => ({ ok: false, kind: 'transient', reason: '503 Service Unavailable' }),
    });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time, random: () => 0, maxAttempts: 4 });
    expect(await runDue(options, AT)).toMatchObject({ sent: 0, failed: 1, deactivated: 0 });
    expect(sender.attempts.get('7001')).toBe(4);
    expect(t.time.sleeps).toEqual([250, 500, 1000]);
    expect(await ledger.get(1, MONDAY, 'morning')).toMatchObject({ state: 'failed', error: '503 Service Unavailable' });
    expect(await t.deps.store.subscriptions.active()).toHaveLength(1);
    // Failed is final for the day: the next minute does not try again.
    expect(await runDue(options, AT + 60_000)).toMatchObject({ due: 0 });
    expect(sender.attempts.get('7001')).toBe(4);
  });

  it('caps the backoff at 30 s and the jitter stays within [b/2, b]', async () => {
    const t = schedulerApp(AT);
    await subscribePersonal(t.deps, 'telegram', '7001');
    const sender = memorySender({ script: () => ({ ok: false, kind: 'transient', reason: 'ECONNRESET' }) });
    const { options } = plannerFor(t, [sender], { time: t.time, random: () => 0.999, maxAttempts: 10 });
    await runDue(options, AT);
    expect(t.time.sleeps).toHaveLength(9);
    expect(Math.max(...t.time.sleeps)).toBeLessThanOrEqual(30_000);
    expect(t.time.sleeps.at(-1)).toBeGreaterThan(29_000);
  });

  it('a sender that throws is treated as a network error, not a crash of the run', async () => {
    const t = schedulerApp(AT);
    await subscribePersonal(t.deps, 'telegram', '7001');
    await subscribePersonal(t.deps, 'telegram', '7002');
    const sender = memorySender();
    const send = sender.send.bind(sender);
    let thrown = 0;
    sender.send = async (target, reply, nonce) => {
      if (target.chatId === '7001' && thrown++ < 1) throw new Error('socket hang up');
      return send(target, reply, nonce);
    };
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, AT)).toMatchObject({ sent: 2, failed: 0 });
    expect(await ledger.counts(MONDAY)).toMatchObject({ sent: 2, sending: 0 });
  });
});

describe('permanent errors deactivate the subscription', () => {
  const cases: { name: string; platform: 'telegram' | 'discord'; code: string; reason: string }[] = [
    {
      name: 'Telegram 403: the user blocked the bot',
      platform: 'telegram',
      code: '403',
      reason: 'Forbidden: bot was blocked by the user',
    },
    {
      name: 'Telegram 403: the bot was kicked from the group',
      platform: 'telegram',
      code: '403',
      reason: 'Forbidden: bot was kicked from the supergroup chat',
    },
    { name: 'Telegram 400: chat not found', platform: 'telegram', code: '400', reason: 'Bad Request: chat not found' },
    { name: 'Discord 10003: Unknown Channel (deleted)', platform: 'discord', code: '10003', reason: 'Unknown Channel' },
    { name: 'Discord 50001: Missing Access', platform: 'discord', code: '50001', reason: 'Missing Access' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const t = schedulerApp(AT);
      const gone = await subscribeChannel(
        t.deps,
        c.platform,
        c.platform === 'discord' ? '999999999999999999' : '-100999',
      );
      const fine = await subscribeChannel(
        t.deps,
        c.platform,
        c.platform === 'discord' ? '333333333333333333' : '-100333',
      );
      const sender = memorySender({
        platform: c.platform,
        script: ({ target }) =>
          target.chatId === gone.chatId ? { ok: false, kind: 'permanent', code: c.code, reason: c.reason } : null,
      });
      const { options, ledger } = plannerFor(t, [sender], { time: t.time });
      expect(await runDue(options, AT)).toMatchObject({ due: 2, sent: 1, failed: 1, deactivated: 1 });
      expect(sender.attempts.get(gone.chatId)).toBe(1); // not retried
      expect(t.time.sleeps).toEqual([]);
      expect(await ledger.get(gone.id, MONDAY, 'morning')).toMatchObject({
        state: 'failed',
        error: `${c.code}: ${c.reason}`,
      });
      const [after] = await t.deps.store.subscriptions.forChat(c.platform, gone.chatId);
      expect(after).toMatchObject({ active: false, deactivatedReason: `${c.code}: ${c.reason}` });
      expect((await t.deps.store.subscriptions.active()).map((s) => s.id)).toEqual([fine.id]);
      // The next trading day it is not tried at all.
      t.clock.set(ny('2026-11-24', '09:45'));
      expect(await runDue(options, t.clock.now())).toMatchObject({ due: 1, sent: 1 });
      expect(sender.attempts.get(gone.chatId)).toBe(1);
    });
  }

  it('through HTTP: a blocked Telegram chat and a deleted Discord channel among healthy ones', async () => {
    const t = schedulerApp(AT);
    await subscribePersonal(t.deps, 'telegram', '7001');
    await subscribePersonal(t.deps, 'telegram', '7002');
    await subscribeChannel(t.deps, 'discord', '333333333333333333');
    await subscribeChannel(t.deps, 'discord', '999999999999999999');
    const server = await startFakeServer({
      script: ({ chatId }) => {
        if (chatId === '7002')
          return {
            status: 403,
            body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
          };
        if (chatId === '999999999999999999') return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
        return null;
      },
    });
    try {
      const { options } = plannerFor(
        t,
        [
          telegramHttpSender({ baseUrl: server.url, perSecond: 30 }),
          discordHttpSender({ baseUrl: server.url, perSecond: 50 }),
        ],
        { time: t.time },
      );
      expect(await runDue(options, AT)).toMatchObject({ due: 4, sent: 2, deactivated: 2 });
      expect(server.stats().perChat).toEqual({ '7001': 1, '333333333333333333': 1 });
      const reasons = Object.fromEntries(
        (await t.deps.store.subscriptions.forChat('telegram', '7002'))
          .concat(await t.deps.store.subscriptions.forChat('discord', '999999999999999999'))
          .map((s) => [s.chatId, s.deactivatedReason]),
      );
      expect(reasons).toEqual({
        '7002': '403: Forbidden: bot was blocked by the user',
        '999999999999999999': '10003: Unknown Channel',
      });
    } finally {
      await server.close();
    }
  });
});
