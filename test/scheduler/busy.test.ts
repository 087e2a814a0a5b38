// Pacing on a busy machine: a fan-out through the real pacer and real time, over HTTP, to the fake
// Bot API in its own process enforcing Telegram's limits (30 messages in any sliding second
// overall, 1 per chat), while two other processes spin both cores. Timers fire late and the
// server counts arrivals on its own clock, so pacing exactly at the limit draws 429s; the margin
// the planner states (senders.ts PACING_HEADROOM) must absorb that: zero 429s.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { runDue } from '../../src/scheduler/planner.ts';
import { PACING_HEADROOM } from '../../src/scheduler/senders.ts';
import { startFakeServerProcess } from '../support/scheduler-fake-server.ts';
import { telegramHttpSender } from '../support/scheduler-http-sender.ts';
import { MONDAY, ny, plannerFor, subscribeMany } from '../support/scheduler-app.ts';
import { onCleanup, schedulerApp } from '../support/scheduler-harness.ts';

const CHATS = 75;

/** One process spinning a core until killed, or until the test process is gone (a killed run leaves no spinner). */
const SPIN =
  'const parent = process.ppid; for (let i = 0; ; i++) if (i % 1e7 === 0 && process.ppid !== parent) process.exit(0);';
function spinner() {
  const child = spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' });
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  return child;
}

describe('pacing while the machine is busy', () => {
  it('Telegram at 30 msg/s and 1/s per chat, both cores busy elsewhere: every message delivered, no 429', async () => {
    const server = await startFakeServerProcess({ globalPerSecond: 30, perChatPerSecond: 1 });
    onCleanup(() => server.stop());
    for (let i = 0; i < Math.max(2, os.availableParallelism()); i++) spinner();

    // Morning and review both due: two messages per chat, so both limits are exercised.
    const t = schedulerApp(ny(MONDAY, '09:46'));
    await subscribeMany(t, 'telegram', CHATS, { time: '09:45' });
    const sender = telegramHttpSender({ baseUrl: server.url, perSecond: 30 });
    const { options } = plannerFor(t, [sender], { reviewTime: '09:45', random: Math.random });
    const report = await runDue(options, t.clock.now());
    const stats = await server.stats();

    expect(report).toMatchObject({ due: 2 * CHATS, sent: 2 * CHATS, failed: 0, rateLimited: 0 });
    expect(stats.rateLimited).toBe(0);
    expect(stats.delivered).toBe(2 * CHATS);
    expect(Object.values(stats.perChat).every((n) => n === 2)).toBe(true);
    // The run states its margin.
    expect(report.pacing).toEqual([
      `telegram: paced ${Math.round(PACING_HEADROOM * 100)}% under each limit ` +
        `(${(30 * (1 - PACING_HEADROOM)).toFixed(1)} messages/s of 30 overall, ` +
        `one per ${Math.round(1000 / (1 - PACING_HEADROOM))} ms per chat)`,
    ]);
  }, 180_000);
});
