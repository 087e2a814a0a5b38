// Crash safety: a child process fanning out 300 summaries to a loopback fake chat server is killed
// with SIGKILL when the server has seen 100 messages, then started again with a later clock (so
// its `sending` claims are stale). No chat may get two messages. Telegram has no idempotency: a
// claim left in `sending` is counted as ambiguous and not resent, so every chat got exactly one
// message or is recorded as ambiguous (at most the fan-out concurrency of them), and none is lost.
// Discord's nonce with enforce_nonce makes the resend safe within its window: nothing ambiguous,
// nothing lost; past the window the same rows are ambiguous again rather than risk a duplicate.
import { describe, expect, it } from 'vitest';
import { createLedger, type Delivery } from '../../src/scheduler/ledger.ts';
import { startFakeServer, type FakeServer } from '../support/scheduler-fake-server.ts';
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

async function crashAndRestart(platform: 'telegram' | 'discord', restartAfterMs: number): Promise<Outcome> {
  const dbPath = tempDbPath();
  const setup = openSchedulerApp({ dbPath, clock: { now: () => AT } });
  const subscriptions = subscribeMany(setup, platform, FAN_OUT, {
    kind: platform === 'discord' ? 'channel' : 'personal',
  });
  setup.close();
  const chats = subscriptions.map((s) => s.chatId);

  let kill: (() => void) | null = null;
  const server = await startFakeServer({
    latencyMs: 2,
    onDelivered: (count) => {
      if (count === KILL_AT) kill?.();
    },
  });
  onCleanup(() => server.close());
  const options = { dbPath, baseUrl: server.url, platform, clockStartMs: AT, perSecond: 200, concurrency: CONCURRENCY };

  const first = startChild(options);
  kill = () => first.child.kill('SIGKILL');
  const killed = await first.done;
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  expect(killed.report).toBeNull();

  const inspect = openSchedulerApp({ dbPath, clock: { now: () => AT } });
  const firstRun = createLedger(inspect.app.store.db).counts(MONDAY);
  inspect.close();
  // Mid-fan-out: some sent, some claimed and in flight, the rest not even created or pending.
  expect(firstRun.sent).toBeGreaterThan(0);
  expect(firstRun.sent).toBeLessThan(FAN_OUT);
  expect(firstRun.sending).toBeGreaterThan(0);
  expect(firstRun.sending).toBeLessThanOrEqual(CONCURRENCY);

  const second = startChild({ ...options, clockStartMs: AT + restartAfterMs });
  const restarted = await second.done;
  expect(restarted.code, restarted.stderr).toBe(0);

  const check = openSchedulerApp({ dbPath, clock: { now: () => AT } });
  onCleanup(() => check.close());
  const rows = createLedger(check.app.store.db).forDay(MONDAY);
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
  // Subscription ids are 1..300 in the order of `chats`.
  const ambiguousChats = new Set(chats.filter((_, i) => ambiguousIds.has(i + 1)));
  const duplicated = chats.filter((chat) => (perChat[chat] ?? 0) > 1);
  const received = chats.filter((chat) => perChat[chat] === 1);
  const lost = chats.filter((chat) => !perChat[chat] && !ambiguousChats.has(chat));
  return { ambiguousChats, duplicated, received, lost };
}

describe('SIGKILL in the middle of a fan-out, then a restart', () => {
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

  it('Discord-like (nonce + enforce_nonce) restarted within the nonce window: nothing ambiguous, nothing lost, no duplicate', async () => {
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
