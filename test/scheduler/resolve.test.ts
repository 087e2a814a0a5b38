// Rows found in `sending` at the start of a run (in process, with hand-made ledger rows): a fresh
// claim belongs to a live process and is left alone; a stale one is resent under its nonce where
// the platform recognises it (Discord, within its window), otherwise skipped as ambiguous —
// counted, logged, never sent twice. A live process whose claim was taken over stops.
import { describe, expect, it } from 'vitest';
import { nonceFor } from '../../src/app/delivery.ts';
import { runDue } from '../../src/scheduler/planner.ts';
import type { Reply } from '../../src/app/reply.ts';
import {
  memorySender,
  MONDAY,
  ny,
  plannerFor,
  recordingLogger,
  subscribeChannel,
  subscribePersonal,
} from '../support/scheduler-app.ts';
import { schedulerApp } from '../support/scheduler-harness.ts';

const DUE = ny(MONDAY, '09:45');
const MINUTE = 60_000;

/** A row claimed by a process that is gone, at claimedMs. */
async function leftInFlight(
  t: ReturnType<typeof schedulerApp>,
  subscriptionId: number,
  claimedMs: number,
  day = MONDAY,
) {
  const dead = t.app.store.ledger('dead-process');
  await dead.ensure(subscriptionId, day, 'morning');
  expect(await dead.claim(subscriptionId, day, 'morning', claimedMs)).toBe(true);
}

describe('resolving rows left in sending', () => {
  it('Telegram, stale claim: skipped as ambiguous with a reason and a warning, not resent', async () => {
    const logger = recordingLogger();
    const t = schedulerApp(DUE + 5 * MINUTE, { logger });
    const sub = await subscribePersonal(t.deps, 'telegram', '7001');
    await leftInFlight(t, sub.id, DUE);
    const sender = memorySender();
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ ambiguous: 1, sent: 0, due: 0 });
    expect(sender.attempts.size).toBe(0);
    expect(await ledger.get(sub.id, MONDAY, 'morning')).toMatchObject({
      state: 'skipped',
      error: 'ambiguous: the process stopped during the send; not resent, to never send it twice',
    });
    expect(logger.entries.map((e) => e.message)).toContain('ambiguous delivery after a crash: counted, not resent');
    // Counted once: the next run finds nothing to resolve.
    expect(await runDue(options, t.clock.now() + MINUTE)).toMatchObject({ ambiguous: 0 });
  });

  it('two processes resolving the same stale row count it once', async () => {
    const t = schedulerApp(DUE + 5 * MINUTE);
    const telegram = await subscribePersonal(t.deps, 'telegram', '7001');
    const discord = await subscribeChannel(t.deps, 'discord', '111111111111111111');
    await leftInFlight(t, telegram.id, DUE);
    await leftInFlight(t, discord.id, DUE + 3 * MINUTE); // within the nonce window: resent by one of them
    const senders = [memorySender(), memorySender({ platform: 'discord' })];
    const b = plannerFor(t, senders, { time: t.time, owner: 'process-b' });
    const c = plannerFor(t, senders, { time: t.time, owner: 'process-c' });
    const [rb, rc] = await Promise.all([runDue(b.options, t.clock.now()), runDue(c.options, t.clock.now())]);
    expect(rb.ambiguous + rc.ambiguous).toBe(1);
    expect(rb.sent + rc.sent).toBe(1);
    expect(senders[1]!.sent).toHaveLength(1);
    expect(senders[0]!.sent).toHaveLength(0);
  });

  it('a fresh claim of another process is left alone (it is sending right now)', async () => {
    const t = schedulerApp(DUE + 30_000);
    const busy = await subscribePersonal(t.deps, 'telegram', '7001');
    await subscribePersonal(t.deps, 'telegram', '7002');
    await leftInFlight(t, busy.id, DUE + 10_000);
    const sender = memorySender();
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ ambiguous: 0, sent: 1 });
    expect([...sender.byChat().keys()]).toEqual(['7002']);
    expect((await ledger.get(busy.id, MONDAY, 'morning'))!.state).toBe('sending');
  });

  it("Discord in the nonce window: resent under the same nonce, the dead process's send not doubled", async () => {
    const t = schedulerApp(DUE + 150_000);
    const created = await subscribeChannel(t.deps, 'discord', '111111111111111111');
    const notCreated = await subscribeChannel(t.deps, 'discord', '222222222222222222');
    await leftInFlight(t, created.id, DUE);
    await leftInFlight(t, notCreated.id, DUE);
    const sender = memorySender({ platform: 'discord' });
    // The dead process got its first message through before dying.
    await sender.send(
      { chatId: created.chatId, kind: 'channel' },
      { title: 'x' } as Reply,
      nonceFor(created.id, MONDAY, 'morning'),
    );
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ ambiguous: 0, sent: 2 });
    expect([...sender.byChat()]).toEqual([
      [created.chatId, 1],
      [notCreated.chatId, 1],
    ]);
    expect(sender.sent[1]!.nonce).toBe(nonceFor(notCreated.id, MONDAY, 'morning'));
    expect(await ledger.counts(MONDAY)).toMatchObject({ sent: 2, sending: 0 });
  });

  it('Discord past the nonce window: ambiguous, because the platform would no longer recognise the nonce', async () => {
    const t = schedulerApp(DUE + 10 * MINUTE);
    const sub = await subscribeChannel(t.deps, 'discord', '111111111111111111');
    await leftInFlight(t, sub.id, DUE);
    const sender = memorySender({ platform: 'discord' });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ ambiguous: 1, sent: 0 });
    expect((await ledger.get(sub.id, MONDAY, 'morning'))!.error).toMatch(
      /too late for the platform to recognise the nonce/,
    );
    expect(sender.attempts.size).toBe(0);
  });

  it('the previous trading day’s rows left in sending are settled as ambiguous the next day', async () => {
    const t = schedulerApp(ny('2026-11-24', '08:00'));
    const sub = await subscribeChannel(t.deps, 'discord', '111111111111111111');
    await leftInFlight(t, sub.id, DUE, MONDAY);
    const sender = memorySender({ platform: 'discord' });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({
      tradingDay: '2026-11-24',
      ambiguous: 1,
      sent: 0,
      due: 0,
    });
    expect((await ledger.get(sub.id, MONDAY, 'morning'))!.state).toBe('skipped');
  });

  it('a permanent error while resolving deactivates the subscription', async () => {
    const t = schedulerApp(DUE + 150_000);
    const sub = await subscribeChannel(t.deps, 'discord', '111111111111111111');
    await leftInFlight(t, sub.id, DUE);
    const sender = memorySender({
      platform: 'discord',
      script: () => ({ ok: false, kind: 'permanent', code: '10003', reason: 'Unknown Channel' }),
    });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ failed: 1, deactivated: 1, ambiguous: 0 });
    expect(await ledger.get(sub.id, MONDAY, 'morning')).toMatchObject({
      state: 'failed',
      error: '10003: Unknown Channel',
    });
    expect(await t.deps.store.subscriptions.active()).toEqual([]);
  });

  it('a row waiting out a 429 is pending, not claimed: another process sends it, the waiting one not', async () => {
    const t = schedulerApp(DUE);
    const sub = await subscribePersonal(t.deps, 'telegram', '7001');
    let releaseWait!: () => void;
    const senderA = memorySender({
      script: ({ attempt }) => (attempt === 1 ? { ok: false, kind: 'rate-limited', retryAfterMs: 5 * MINUTE } : null),
    });
    const a = plannerFor(t, [senderA], {
      time: t.time,
      owner: 'process-a',
      sleep: () => new Promise<void>((resolve) => (releaseWait = resolve)),
    });
    const runA = runDue(a.options, DUE);
    while (!releaseWait) await new Promise((resolve) => setImmediate(resolve));
    // The 429 said nothing was delivered: while A waits, the row is back to pending.
    expect(await a.ledger.get(sub.id, MONDAY, 'morning')).toMatchObject({ state: 'pending', error: 'rate limited' });
    // Five minutes later another process starts: nothing is ambiguous, it sends the row itself.
    t.clock.set(DUE + 5 * MINUTE);
    const senderB = memorySender();
    const b = plannerFor(t, [senderB], { time: t.time, owner: 'process-b' });
    expect(await runDue(b.options, t.clock.now())).toMatchObject({ ambiguous: 0, sent: 1 });
    releaseWait();
    // A finds the row taken when it tries to claim it again after its wait: it does not send.
    expect(await runA).toMatchObject({ sent: 0, rateLimited: 1 });
    expect(senderA.sent).toEqual([]);
    expect(senderB.sent).toHaveLength(1);
    expect(await a.ledger.get(sub.id, MONDAY, 'morning')).toMatchObject({ state: 'sent', claimedBy: 'process-b' });
  });

  it('a live process refreshes its claim on every attempt, so a slow but live send is not taken over', async () => {
    const t = schedulerApp(DUE);
    const sub = await subscribePersonal(t.deps, 'telegram', '7001');
    let attempts = 0;
    const sender = memorySender({
      script: () => (++attempts <= 3 ? { ok: false, kind: 'rate-limited', retryAfterMs: MINUTE } : null),
    });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, DUE)).toMatchObject({ sent: 1, rateLimited: 3 });
    const row = (await ledger.get(sub.id, MONDAY, 'morning'))!;
    expect(row.claimedMs).toBeGreaterThanOrEqual(DUE + 3 * MINUTE); // touched before the last attempt
  });
});
