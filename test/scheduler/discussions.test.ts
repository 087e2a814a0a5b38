// Hedge discussions: a channel follows a paper position; when an ALVH layer of it fires, the
// morning summary records the layer and opens one discussion (Discord thread + poll, Telegram poll)
// for it — once: a second run the same day, the next day, or a review does not open it again; a
// later layer opens its own.
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/context.ts';
import { createEntrySnapshot, vixProxy } from '../../src/engine/index.ts';
import { channelIdentity } from '../../src/scheduler/gather.ts';
import { runDue } from '../../src/scheduler/planner.ts';
import {
  fixedMarket,
  memorySender,
  ny,
  plannerFor,
  subscribeChannel,
  vixHistory,
  type FixedMarketValues,
} from '../support/scheduler-app.ts';
import { schedulerApp } from '../support/scheduler-harness.ts';

const market = (vix: number): FixedMarketValues => ({
  spx: 6000,
  spxPrevious: 5995,
  vix,
  vixPrevious: vix - 0.3,
  vix3m: vix + 1,
  history: vixHistory(12, 24, vix - 0.3),
});

/**
 * The channel's paper position: a 10-lot 5850/5900/6100/6150 opened for 20 when VIX was 8, so
 * that a VIX of 12 costs it more than T of its $30,000 max loss in vol alone (layer 1), and a VIX
 * of 17 more than 2T (layer 2, whose 2.5% budget buys spreads on a 10-lot).
 */
const ENTRY_VIX = 8;
async function seedChannelPosition(
  deps: AppDeps,
  platform: 'telegram' | 'discord',
  chatId: string,
  nowMs: number,
): Promise<string> {
  const id = channelIdentity(platform, chatId);
  const userId = await deps.store.users.resolve(id.platform, id.platformUserId, id.displayName);
  // Hedge layers are the cp policy's; the channel chose it (the default follows the evidence).
  await deps.store.forUser(userId).settings.update({ policy: 'cp' });
  const listed = deps.calendar.listedExpiryNearest(deps.calendar.newYorkDate(nowMs), 45);
  const settlementMs = deps.calendar.settlementInstant(listed.expiry, listed.settlement);
  const strikes = { longPut: 5850, shortPut: 5900, shortCall: 6100, longCall: 6150 };
  const state = {
    spot: 6000,
    rate: 0.04,
    dividendYield: 0.013,
    vol: vixProxy(ENTRY_VIX, 0),
    valuationMs: nowMs,
    valuationDate: deps.calendar.newYorkDate(nowMs),
  };
  const condor = {
    underlying: { symbol: 'SPX', multiplier: 100 },
    strikes,
    expiry: listed.expiry,
    quantity: 10,
    credit: 20,
  } as never;
  const entry = createEntrySnapshot({ condor, market: state, settlementMs, vix: ENTRY_VIX });
  return (
    await deps.store.forUser(userId).positions.add({
      underlying: 'SPX',
      strikes,
      expiry: listed.expiry,
      settlement: listed.settlement,
      settlementMs,
      quantity: 10,
      credit: 20,
      note: 'channel model condor',
      openedMs: nowMs,
      entry,
      entrySource: 'test',
    })
  ).id;
}

describe('hedge discussions', () => {
  it('open once per layer: layer 1 the day it fires, not again that day or the next, later ones when due', async () => {
    const values = market(12);
    const t = schedulerApp(ny('2026-11-20', '09:45'));
    const deps: AppDeps = { ...t.deps, market: fixedMarket(values, t.clock) };
    const positionId = await seedChannelPosition(deps, 'telegram', '-100777', t.clock.now());
    await subscribeChannel(deps, 'telegram', '-100777');
    await subscribeChannel(deps, 'discord', '333333333333333333'); // no paper position yet: opens one, nothing fires
    const discordChannel = channelIdentity('discord', '333333333333333333');
    await deps.store
      .forUser(
        await deps.store.users.resolve(
          discordChannel.platform,
          discordChannel.platformUserId,
          discordChannel.displayName,
        ),
      )
      .settings.update({ policy: 'cp' });
    const telegram = memorySender({ platform: 'telegram' });
    const discord = memorySender({ platform: 'discord' });
    const { options } = plannerFor({ ...t, deps }, [telegram, discord], { time: t.time, reviewTime: '16:15' });

    // Monday: VIX 12 against an entry at 8 — layer 1 fires.
    t.clock.set(ny('2026-11-23', '09:45'));
    const monday = await runDue(options, t.clock.now());
    expect(monday).toMatchObject({ sent: 2, discussions: 1 });
    expect(telegram.discussions).toHaveLength(1);
    expect(discord.discussions).toHaveLength(0);
    const opened = telegram.discussions[0]!.reply;
    expect(opened.title).toBe(`Hedge layer 1 fired on the channel position ${positionId}`);
    expect(opened.discussion).toMatchObject({ answers: ['Adopt', 'Skip', 'Need more data'], durationHours: 24 });
    expect(opened.discussion!.threadName).toMatch(new RegExp(`^Hedge ${positionId} L1 VIX \\d+/\\d+$`));
    const summary = telegram.sent.find((s) => s.chatId === '-100777')!.reply;
    expect(summary.lines!.find((l) => l.startsWith(`Channel position ${positionId}`))).toMatch(/: HEDGE, /);
    expect(summary.lines!.find((l) => l.startsWith('Hedge discussions: '))).toBe(
      `Hedge discussions: ${opened.discussion!.threadName}.`,
    );
    const channelUser = await deps.store.users.resolve('telegram', 'channel:-100777', 'x');
    expect((await deps.store.forUser(channelUser).positions.get(positionId))!.hedgeLayers.map((l) => l.layer)).toEqual([
      1,
    ]);

    // The same day again, and the post-close review: no second discussion.
    expect(await runDue(options, t.clock.now() + 60_000)).toMatchObject({ due: 0, discussions: 0 });
    t.clock.set(ny('2026-11-23', '16:15'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ sent: 2, discussions: 0 });

    // Tuesday, the same breach: layer 1 is active, nothing new.
    t.clock.set(ny('2026-11-24', '09:45'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ sent: 2, discussions: 0 });
    expect(telegram.discussions).toHaveLength(1);

    // Wednesday, VIX 17: the vol loss passes 2·T — layer 2 fires on the group's position, and
    // layer 1 on the Discord channel's (opened Monday at VIX 12). Each opens once.
    values.vix = 17;
    values.vixPrevious = 12;
    t.clock.set(ny('2026-11-25', '09:45'));
    const wednesday = await runDue(options, t.clock.now());
    expect(telegram.discussions.map((d) => d.reply.title)).toEqual(
      [1, 2].map((layer) => `Hedge layer ${layer} fired on the channel position ${positionId}`),
    );
    expect(discord.discussions.map((d) => d.reply.title)).toEqual([
      expect.stringMatching(/^Hedge layer 1 fired on the channel position /),
    ]);
    expect(wednesday.discussions).toBe(2);
    expect((await deps.store.forUser(channelUser).positions.get(positionId))!.hedgeLayers.map((l) => l.layer)).toEqual([
      1, 2,
    ]);

    // Friday (Thursday is Thanksgiving), the same market: nothing new fires, nothing reopens.
    t.clock.set(ny('2026-11-27', '09:45'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ sent: 2, discussions: 0 });
    const titles = [...telegram.discussions, ...discord.discussions].map((d) => d.reply.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).toHaveLength(3);
    // Each is recorded once in hedge_discussions, with the poll (Telegram) or thread (Discord) id.
    const rows = t.app.store.db
      .prepare(
        `SELECT platform, chat_id, position_id, layer, trading_day, thread_id, poll_id FROM hedge_discussions
        ORDER BY platform DESC, layer`,
      )
      .all() as {
      platform: string;
      layer: number;
      trading_day: string;
      thread_id: string | null;
      poll_id: string | null;
    }[];
    expect(rows.map((r) => `${r.platform} L${r.layer} ${r.trading_day}`)).toEqual([
      'telegram L1 2026-11-23',
      'telegram L2 2026-11-25',
      'discord L1 2026-11-25',
    ]);
    expect(rows.every((r) => (r.platform === 'discord' ? r.thread_id && !r.poll_id : r.poll_id && !r.thread_id))).toBe(
      true,
    );
  });

  it('a layer whose discussion was opened before is not opened again, even if the layer is recorded anew', async () => {
    const t = schedulerApp(ny('2026-11-23', '09:45'));
    const deps: AppDeps = { ...t.deps, market: fixedMarket(market(12), t.clock) };
    const positionId = await seedChannelPosition(deps, 'telegram', '-100777', t.clock.now() - 86_400_000);
    await subscribeChannel(deps, 'telegram', '-100777');
    const telegram = memorySender({ platform: 'telegram' });
    const { options } = plannerFor({ ...t, deps }, [telegram], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ sent: 1, discussions: 1 });
    // Another process (or a restore) loses the layer record: the next day fires layer 1 again.
    t.app.store.db.prepare('DELETE FROM hedge_layers WHERE position_id = ?').run(positionId);
    t.clock.set(ny('2026-11-24', '09:45'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ sent: 1, discussions: 0 });
    expect(telegram.discussions).toHaveLength(1);
  });

  it('a platform without discussions still gets the summary; a failed discussion does not fail it', async () => {
    const t = schedulerApp(ny('2026-11-23', '09:45'));
    const deps: AppDeps = { ...t.deps, market: fixedMarket(market(12), t.clock) };
    await seedChannelPosition(deps, 'telegram', '-100777', t.clock.now() - 86_400_000);
    await seedChannelPosition(deps, 'discord', '333333333333333333', t.clock.now() - 86_400_000);
    await subscribeChannel(deps, 'telegram', '-100777');
    await subscribeChannel(deps, 'discord', '333333333333333333');
    const telegram = memorySender({ platform: 'telegram', discussions: false });
    const discord = memorySender({
      platform: 'discord',
      script: ({ discussion }) =>
        discussion ? { ok: false, kind: 'permanent', code: '50013', reason: 'Missing Permissions' } : null,
    });
    const { options, ledger } = plannerFor({ ...t, deps }, [telegram, discord], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ sent: 2, failed: 0, deactivated: 0, discussions: 0 });
    expect(await ledger.counts('2026-11-23')).toMatchObject({ sent: 2 });
    expect(await deps.store.subscriptions.active()).toHaveLength(2);
  });
});
