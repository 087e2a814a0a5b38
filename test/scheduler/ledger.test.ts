// The delivery ledger: one row per (subscription, trading day, kind), claimed in a transaction so a
// second run, a second store on the same file, or a second process never sends it again.
import { describe, expect, it } from 'vitest';
import { nonceFor } from '../../src/app/delivery.ts';
import { runDue } from '../../src/scheduler/planner.ts';
import { startFakeServer } from '../support/scheduler-fake-server.ts';
import {
  memorySender,
  MONDAY,
  ny,
  openSchedulerApp,
  plannerFor,
  subscribeChannel,
  subscribeMany,
  virtualTime,
} from '../support/scheduler-app.ts';
import { onCleanup, schedulerApp, startChild, tempDbPath } from '../support/scheduler-harness.ts';

const AT = ny(MONDAY, '09:45');

// The ledger's own behaviour (claims, ownership, stale claims, the default owner's name) is the store
// contract's, run on SQLite and PostgreSQL: test/store/contract/contract.ts, "the delivery ledger".
describe('the ledger itself', () => {
  it('derives a nonce of at most 25 characters from the key, the same on every retry', () => {
    expect(nonceFor(1, '2026-11-23', 'morning')).toBe('cx1261123m');
    expect(nonceFor(123_456_789, '2026-11-23', 'review')).toBe(nonceFor(123_456_789, '2026-11-23', 'review'));
    expect(nonceFor(Number.MAX_SAFE_INTEGER, '2026-11-23', 'review').length).toBeLessThanOrEqual(25);
    expect(nonceFor(1, '2026-11-23', 'morning')).not.toBe(nonceFor(1, '2026-11-23', 'review'));
    expect(nonceFor(1, '2026-11-23', 'morning')).not.toBe(nonceFor(1, '2026-11-24', 'morning'));
  });
});

describe('a double run', () => {
  it('runDue twice in a row: each chat gets one message', async () => {
    const t = schedulerApp(AT);
    await subscribeMany(t, 'telegram', 40);
    await subscribeChannel(t.deps, 'discord', '333333333333333333');
    const telegram = memorySender();
    const discord = memorySender({ platform: 'discord' });
    const { options, ledger } = plannerFor(t, [telegram, discord], { time: t.time });
    expect(await runDue(options, AT)).toMatchObject({ due: 41, sent: 41 });
    expect(await runDue(options, AT + 60_000)).toMatchObject({ due: 0, sent: 0 });
    expect([...telegram.byChat().values()].every((n) => n === 1)).toBe(true);
    expect(telegram.sent).toHaveLength(40);
    expect(discord.sent).toHaveLength(1);
    expect(await ledger.counts(MONDAY)).toMatchObject({ sent: 41, pending: 0, sending: 0 });
  });

  it('runDue twice at once (the cron tick and a manual --send): each chat gets one message', async () => {
    const t = schedulerApp(AT);
    await subscribeMany(t, 'telegram', 60);
    const sender = memorySender();
    const { options } = plannerFor(t, [sender], { time: t.time });
    const [first, second] = await Promise.all([runDue(options, AT), runDue(options, AT)]);
    expect(first.sent + second.sent).toBe(60);
    expect(sender.sent).toHaveLength(60);
    expect(new Set(sender.sent.map((s) => s.chatId)).size).toBe(60);
  });
});

describe('two processes sharing the database file', () => {
  it('two stores on one file running at once: every chat exactly once, between them', async () => {
    const dbPath = tempDbPath();
    const time = virtualTime(AT);
    const a = openSchedulerApp({ dbPath, clock: time.clock });
    const b = openSchedulerApp({ dbPath, clock: time.clock });
    onCleanup(() => a.close());
    onCleanup(() => b.close());
    await subscribeMany(a, 'telegram', 120);
    const senderA = memorySender();
    const senderB = memorySender();
    const planA = plannerFor(a, [senderA], { time, owner: 'process-a', concurrency: 4 });
    const planB = plannerFor(b, [senderB], { time, owner: 'process-b', concurrency: 4 });
    const [ra, rb] = await Promise.all([runDue(planA.options, AT), runDue(planB.options, AT)]);
    expect(ra.sent + rb.sent).toBe(120);
    expect(ra.sent).toBeGreaterThan(0);
    expect(rb.sent).toBeGreaterThan(0);
    const all = [...senderA.sent, ...senderB.sent].map((s) => s.chatId);
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    const owners = new Set((await planA.ledger.forDay(MONDAY)).map((d) => d.claimedBy));
    expect(owners).toEqual(new Set(['process-a', 'process-b']));
  });

  it('two child processes against one fake chat server: every chat exactly once', async () => {
    const dbPath = tempDbPath();
    const setup = openSchedulerApp({ dbPath, clock: { now: () => AT } });
    await subscribeMany(setup, 'telegram', 200);
    await setup.close();
    const server = await startFakeServer({ latencyMs: 1 });
    onCleanup(() => server.close());
    const options = {
      dbPath,
      baseUrl: server.url,
      platform: 'telegram' as const,
      clockStartMs: AT,
      perSecond: 50,
      concurrency: 8,
    };
    const [one, two] = [startChild(options), startChild(options)];
    const [r1, r2] = await Promise.all([one.done, two.done]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const stats = server.stats();
    expect(Object.keys(stats.perChat)).toHaveLength(200);
    expect(Object.values(stats.perChat).every((n) => n === 1)).toBe(true);
    expect(Number(r1.report!.sent) + Number(r2.report!.sent)).toBe(200);
    // Both took part (each paces at 50/s: 4 s alone, so their runs overlap).
    expect(Number(r1.report!.sent)).toBeGreaterThan(0);
    expect(Number(r2.report!.sent)).toBeGreaterThan(0);
    const check = openSchedulerApp({ dbPath, clock: { now: () => AT } });
    onCleanup(() => check.close());
    expect(await check.app.store.ledger().counts(MONDAY)).toMatchObject({ sent: 200, pending: 0, sending: 0 });
  }, 60_000);
});
