// Crash safety: a child process fanning out 300 summaries to a loopback fake chat server is killed
// with SIGKILL when the server has seen 100 messages, then started again with a later clock (so
// its `sending` claims are stale). No chat may get two messages. Telegram has no idempotency: a
// claim left in `sending` is counted as ambiguous and not resent, so every chat got exactly one
// message or is recorded as ambiguous, and none is lost. A row is claimed only once the pacer has
// granted its slot, so only the requests on the wire at the kill can be ambiguous, not every
// worker's: an immediate restart (the dead claimant's pid is gone) settles those at once and
// sends everything else.
// Discord's nonce with enforce_nonce makes the resend safe within its window: nothing ambiguous,
// nothing lost; past the window the same rows are ambiguous again rather than risk a duplicate.
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/app/ports.ts';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../support/scheduler-fake-server.ts';
import { MONDAY, ny, openSchedulerApp, subscribeMany } from '../support/scheduler-app.ts';
import { onCleanup, startChild, tempDbPath } from '../support/scheduler-harness.ts';

const AT = ny(MONDAY, '09:45');
const FAN_OUT = 300;
const KILL_AT = 100;
const CONCURRENCY = 16;

interface Outcome {
  rows: Delivery[];
  perChat: Record<string, number>;
  chats: string[];
  firstRun: Record<string, number>;
  secondReport: Record<string, unknown>;
  server: FakeServer;
}

interface CrashPlan {
  fanOut?: number;
  killAt?: number;
  /** The sender's pacing rate (messages per second). */
  perSecond?: number;
  /** Limits the fake server enforces (sliding one-second windows). */
  limits?: Pick<FakeServerOptions, 'globalPerSecond' | 'perChatPerSecond'>;
}

async function crashAndRestart(
  platform: 'telegram' | 'discord',
  restartAfterMs: number | 'immediately',
  plan: CrashPlan = {},
): Promise<Outcome> {
  const fanOut = plan.fanOut ?? FAN_OUT;
  const killAt = plan.killAt ?? KILL_AT;
  const dbPath = tempDbPath();
  const setup = openSchedulerApp({ dbPath, clock: { now: () => AT } });
  const subscriptions = await subscribeMany(setup, platform, fanOut, {
    kind: platform === 'discord' ? 'channel' : 'personal',
  });
  await setup.close();
  const chats = subscriptions.map((s) => s.chatId);

  let kill: (() => void) | null = null;
  const server = await startFakeServer({
    latencyMs: 2,
    ...plan.limits,
    onDelivered: (count) => {
      if (count === killAt) kill?.();
    },
  });
  onCleanup(() => server.close());
  const options = {
    dbPath,
    baseUrl: server.url,
    platform,
    clockStartMs: AT,
    perSecond: plan.perSecond ?? 200,
    concurrency: CONCURRENCY,
  };

  const startedMs = performance.now();
  const first = startChild(options);
  kill = () => first.child.kill('SIGKILL');
  const killed = await first.done;
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  expect(killed.report).toBeNull();

  const inspect = openSchedulerApp({ dbPath, clock: { now: () => AT } });
  const firstRun = await inspect.app.store.ledger().counts(MONDAY);
  await inspect.close();
  // Mid-fan-out: some sent, some claimed and in flight, the rest not even created or pending.
  expect(firstRun.sent).toBeGreaterThan(0);
  expect(firstRun.sent).toBeLessThan(fanOut);
  expect(firstRun.sending).toBeGreaterThan(0);
  expect(firstRun.sending).toBeLessThanOrEqual(CONCURRENCY);

  // Immediately: the restart's clock goes on from the first run's, well within the stale window.
  const afterMs = restartAfterMs === 'immediately' ? Math.round(performance.now() - startedMs) : restartAfterMs;
  const second = startChild({ ...options, clockStartMs: AT + afterMs });
  const restarted = await second.done;
  expect(restarted.code, restarted.stderr).toBe(0);

  const check = openSchedulerApp({ dbPath, clock: { now: () => AT } });
  onCleanup(() => check.close());
  const rows = await check.app.store.ledger().forDay(MONDAY);
  return {
    rows,
    perChat: server.stats().perChat,
    chats,
    firstRun: { ...firstRun },
    secondReport: restarted.report!,
    server,
  };
}

function tally({ rows, perChat, chats }: Outcome) {
  const ambiguousIds = new Set(
    rows.filter((r) => r.state === 'skipped' && r.error?.startsWith('ambiguous')).map((r) => r.subscriptionId),
  );
  // Subscription ids are 1..n in the order of `chats`.
  const ambiguousChats = new Set(chats.filter((_, i) => ambiguousIds.has(i + 1)));
  const duplicated = chats.filter((chat) => (perChat[chat] ?? 0) > 1);
  const received = chats.filter((chat) => perChat[chat] === 1);
  const lost = chats.filter((chat) => !perChat[chat] && !ambiguousChats.has(chat));
  return { ambiguousChats, duplicated, received, lost };
}

describe('SIGKILL in the middle of a fan-out, then a restart', () => {
  it('Telegram at 30 msg/s, restarted at once: one summary per chat but the ≤ 2 on the wire, ambiguous', async () => {
    const outcome = await crashAndRestart('telegram', 'immediately', {
      fanOut: 150,
      killAt: 50,
      perSecond: 30,
      limits: { globalPerSecond: 30, perChatPerSecond: 1 },
    });
    const { ambiguousChats, duplicated, received, lost } = tally(outcome);
    // Only the requests in flight at the kill were left `sending`; the rows whose workers were
    // still waiting for a slot were `pending` and the restart sent them.
    expect(outcome.firstRun.sending).toBeLessThanOrEqual(2);
    expect(outcome.firstRun.pending).toBeGreaterThan(0);
    expect(duplicated).toEqual([]);
    expect(lost).toEqual([]);
    expect(ambiguousChats.size).toBeGreaterThan(0); // at least the 50th, killed before its answer
    expect(ambiguousChats.size).toBeLessThanOrEqual(2);
    expect(outcome.secondReport.ambiguous).toBe(ambiguousChats.size);
    expect(outcome.secondReport.inFlightElsewhere).toBe(0);
    expect(received.length).toBeGreaterThanOrEqual(150 - ambiguousChats.size);
    expect(outcome.server.stats().rateLimited).toBe(0);
    for (const row of outcome.rows) expect(['sent', 'skipped']).toContain(row.state);
  }, 90_000);

  it('Telegram-like (no idempotency): no chat twice; each chat once or recorded as ambiguous; none lost', async () => {
    const outcome = await crashAndRestart('telegram', 5 * 60_000);
    const { ambiguousChats, duplicated, received, lost } = tally(outcome);
    expect(duplicated).toEqual([]);
    expect(lost).toEqual([]);
    expect(ambiguousChats.size).toBeGreaterThan(0); // the killed sends, at least the 100th
    expect(ambiguousChats.size).toBeLessThanOrEqual(CONCURRENCY);
    expect(ambiguousChats.size).toBe(outcome.firstRun.sending);
    expect(outcome.secondReport.ambiguous).toBe(ambiguousChats.size);
    for (const chat of outcome.chats) expect(received.includes(chat) || ambiguousChats.has(chat)).toBe(true);
    // Every row is settled: sent (and then received) or skipped as ambiguous.
    expect(outcome.rows).toHaveLength(FAN_OUT);
    for (const row of outcome.rows) {
      expect(['sent', 'skipped']).toContain(row.state);
      if (row.state === 'sent') expect(outcome.perChat[outcome.chats[row.subscriptionId - 1]!]).toBe(1);
    }
  }, 90_000);

  it('Discord-like (nonce + enforce_nonce) restarted in the nonce window: none ambiguous, lost or twice', async () => {
    const outcome = await crashAndRestart('discord', 150_000);
    const { ambiguousChats, duplicated, received, lost } = tally(outcome);
    expect(duplicated).toEqual([]);
    expect(lost).toEqual([]);
    expect(ambiguousChats.size).toBe(0);
    expect(received).toHaveLength(FAN_OUT);
    expect(outcome.rows.every((r) => r.state === 'sent')).toBe(true);
    expect(outcome.secondReport.ambiguous).toBe(0);
    // The in-flight rows were resent with their nonce; those the server had already created came back deduplicated.
    expect(outcome.server.stats().deduplicated).toBeGreaterThan(0);
    expect(outcome.server.stats().deduplicated).toBeLessThanOrEqual(CONCURRENCY);
  }, 90_000);

  it('Discord-like restarted after the nonce window: the in-flight rows are ambiguous, never resent', async () => {
    const outcome = await crashAndRestart('discord', 10 * 60_000);
    const { ambiguousChats, duplicated, lost } = tally(outcome);
    expect(duplicated).toEqual([]);
    expect(lost).toEqual([]);
    expect(ambiguousChats.size).toBe(outcome.firstRun.sending);
    expect(outcome.server.stats().deduplicated).toBe(0);
    expect(
      outcome.rows
        .filter((r) => r.state === 'skipped')
        .every((r) => r.error!.includes('too late for the platform to recognise the nonce')),
    ).toBe(true);
  }, 90_000);
});
