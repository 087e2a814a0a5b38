// The node-cron side: createScheduler(...).start() ticks the planner every minute in
// SUMMARY_TIMEZONE (driven here by vitest's fake timers), catches up once at start, and stop()
// waits for a run in progress (up to a deadline) and ends the ticking.
import cron from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../src/app/reply.ts';
import { createPacer } from '../../src/scheduler/pacer.ts';
import { createScheduler } from '../../src/scheduler/scheduler.ts';
import type { SendTarget } from '../../src/scheduler/senders.ts';
import {
  memorySender,
  MONDAY,
  ny,
  openSchedulerApp,
  plannerFor,
  recordingLogger,
  subscribePersonal,
} from '../support/scheduler-app.ts';
import { onCleanup, tempDbPath } from '../support/scheduler-harness.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** The fake timers' clock: it starts at useFakeTimers' `now` and moves only when the test advances it. */
function fakeNow(): number {
  const now = vi.getMockedSystemTime();
  if (now === null) throw new Error('fake timers are not installed');
  return now.getTime();
}

async function setup(startMs: number) {
  // vitest's fake timers replace Date as well as the timers, so node-cron reads this same fake clock too, never
  // the machine's calendar.
  vi.useFakeTimers({ now: startMs });
  expect(fakeNow()).toBe(startMs);
  const clock = { now: fakeNow };
  const logger = recordingLogger();
  const app = openSchedulerApp({ dbPath: tempDbPath(), clock, logger });
  onCleanup(() => app.close());
  await subscribePersonal(app.deps, 'telegram', '7001', '09:45');
  await subscribePersonal(app.deps, 'telegram', '7002', '09:46');
  const sender = memorySender({ now: clock.now });
  const pacer = createPacer({
    now: fakeNow,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  const { options } = plannerFor(app, [sender], {
    pacer,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  const scheduler = createScheduler(options);
  onCleanup(() => scheduler.stop(0));
  return { app, sender, scheduler, logger, options };
}

const sentAt = (sender: ReturnType<typeof memorySender>) =>
  sender.sent.map((s) => `${s.chatId} ${new Date(s.atMs).toISOString()}`);

describe('createScheduler', () => {
  it('ticks every minute in the summary zone: 09:45 sends the 09:45 subscription, 09:46 the 09:46 one', async () => {
    const { sender, scheduler, logger } = await setup(ny(MONDAY, '09:44') + 30_000);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0); // the catch-up run at start: nothing due yet
    expect(sender.sent).toEqual([]);
    const tasks = [...cron.getTasks().values()].filter((t) => t.name === 'daily-summaries');
    expect(tasks).toHaveLength(1);
    const task = tasks[0]!;
    expect(task.getPattern()).toBe('* * * * *');
    expect(task.getNextRun()!.getTime()).toBe(ny(MONDAY, '09:45'));

    await vi.advanceTimersByTimeAsync(29_999);
    expect(sender.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sentAt(sender)).toEqual(['7001 2026-11-23T14:45:00.000Z']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sentAt(sender)).toEqual(['7001 2026-11-23T14:45:00.000Z', '7002 2026-11-23T14:46:00.000Z']);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(sender.sent).toHaveLength(2);
    expect(logger.entries.filter((e) => e.message === 'summaries run').map((e) => e.object.sent)).toEqual([1, 1]);
    await scheduler.stop();
    expect([...cron.getTasks().values()].filter((t) => t.name === 'daily-summaries')).toEqual([]);
  });

  it('catches up at start: a process started at 10:30 sends the 09:45 summary at once', async () => {
    const { sender, scheduler } = await setup(ny(MONDAY, '10:30') + 12_000);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    // Both at once (which goes first is not a contract: a worker starts its walk at an offset of its own).
    expect(sentAt(sender).sort()).toEqual([
      expect.stringMatching(/^7001 2026-11-23T15:30:12\.\d{3}Z$/),
      expect.stringMatching(/^7002 2026-11-23T15:30:12\.\d{3}Z$/),
    ]);
    await scheduler.stop();
  });

  it('does not tick on Thanksgiving', async () => {
    const { sender, scheduler } = await setup(ny('2026-11-26', '09:40'));
    scheduler.start();
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(sender.sent).toEqual([]);
    await scheduler.stop();
  });

  it('stop() waits for the run in progress, then no more ticks', async () => {
    const { sender, scheduler } = await setup(ny(MONDAY, '09:44') + 59_000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const send = sender.send.bind(sender);
    let started = 0;
    sender.send = async (target: SendTarget, reply: Reply, nonce: string) => {
      started++;
      await gate;
      return send(target, reply, nonce);
    };
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000); // 09:45: the run starts and blocks in the send
    expect(started).toBe(1);
    let stopped = false;
    const stopping = scheduler.stop(10_000).then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);
    release();
    await vi.advanceTimersByTimeAsync(10);
    await stopping;
    expect(stopped).toBe(true);
    expect(sender.sent).toHaveLength(1); // the run finished its send before stop() returned
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(started).toBe(1); // 09:46 and later: no ticks after stop
  });

  it('stop() gives up waiting after its deadline when a run hangs', async () => {
    const { sender, scheduler } = await setup(ny(MONDAY, '09:44') + 59_000);
    sender.send = () => new Promise(() => {});
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = scheduler.stop(2_000).then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('runNow while a run is in progress joins it instead of starting a second one', async () => {
    const { sender, scheduler } = await setup(ny(MONDAY, '09:50'));
    const both = Promise.all([scheduler.runNow(), scheduler.runNow()]);
    await vi.advanceTimersByTimeAsync(1_000); // the pacer spaces the two sends on the fake clock
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(sender.sent).toHaveLength(2);
  });
});
