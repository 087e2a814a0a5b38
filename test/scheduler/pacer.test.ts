// The GCRA pacer: sends spaced at the bucket's rate, a burst allowed where the bucket has one,
// the slowest bucket a send touches wins, and a 429 pushes a bucket back by retry_after on the
// pacer's own clock.
import { describe, expect, it } from 'vitest';
import { createPacer, DEFAULT_SLACK_MS, type BucketSpec } from '../../src/scheduler/pacer.ts';
import { discordBuckets, PACING_HEADROOM, telegramBuckets } from '../../src/scheduler/senders.ts';
import { virtualTime } from '../support/scheduler-app.ts';

const START = 1_000_000;

async function sendTimes(buckets: (i: number) => BucketSpec[], n: number, options: { concurrency?: number } = {}) {
  const time = virtualTime(START);
  const pacer = createPacer(time.pacerClock);
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await pacer.take(buckets(i));
      times.push(time.clock.now() - START);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  return times.sort((a, b) => a - b);
}

describe('the pacer', () => {
  it('spaces sends evenly at the rate with burst 1', async () => {
    const times = await sendTimes(() => [{ key: 'g', perSecond: 10, burst: 1 }], 5);
    expect(times).toEqual([0, 100, 200, 300, 400]);
  });

  it('lets a burst go back to back, then paces', async () => {
    const times = await sendTimes(() => [{ key: 'c', perSecond: 1, burst: 5 }], 7);
    expect(times).toEqual([0, 0, 0, 0, 0, 1000, 2000]);
  });

  it('keeps the overall rate with concurrent senders (reservations queue in order)', async () => {
    const times = await sendTimes(() => [{ key: 'g', perSecond: 300, burst: 1 }], 300, { concurrency: 16 });
    expect(times).toHaveLength(300);
    expect(times.at(-1)).toBeCloseTo(299 * (1000 / 300), 6);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeCloseTo(1000 / 300, 6);
  });

  it('Telegram paces 10% under each limit: a chat about 1/s, a group 20 a minute, others the global rate', async () => {
    expect(PACING_HEADROOM).toBe(0.1);
    const buckets = telegramBuckets(30);
    const under = (ms: number) => ms / (1 - PACING_HEADROOM);
    // Three messages to one private chat: 1 s apart (plus the headroom).
    expect(await sendTimes(() => buckets({ chatId: '7001', kind: 'personal' }), 3)).toEqual(
      [0, under(1000), 2 * under(1000)].map((ms) => expect.closeTo(ms, 6)),
    );
    // Three to one group: 3 s apart (20/min).
    expect(await sendTimes(() => buckets({ chatId: '-100777', kind: 'channel' }), 3)).toEqual(
      [0, under(3000), 2 * under(3000)].map((ms) => expect.closeTo(ms, 6)),
    );
    // Distinct chats: only the global 30/s.
    const distinct = await sendTimes((i) => buckets({ chatId: String(8000 + i), kind: 'personal' }), 4);
    expect(distinct).toEqual([0, 1, 2, 3].map((i) => expect.closeTo(i * under(1000 / 30), 6)));
  });

  it('an answer that comes back late holds the chat one interval from the answer, not from the slot', async () => {
    const time = virtualTime(START);
    const pacer = createPacer(time.pacerClock);
    const chat = [{ key: 'chat', perSecond: 1, burst: 1 }];
    const burst = [{ key: 'channel', perSecond: 1, burst: 5 }];
    await pacer.take(chat);
    await pacer.take(burst);
    // The process stalled: the request went out, and its answer came back, 400 ms after the slot.
    time.clock.advance(400);
    pacer.settled(chat);
    pacer.settled(burst);
    await pacer.take(chat);
    expect(time.clock.now() - START).toBeCloseTo(1400, 6); // not 1000: the arrival may have been as late as 400
    await pacer.take(burst); // a burst to spare is not held by one answer
    expect(time.clock.now() - START).toBeCloseTo(1400, 6);
  });

  it('Discord: a channel takes 5 back to back, then about one a second', async () => {
    const times = await sendTimes(() => discordBuckets(50)({ chatId: '333', kind: 'channel' }), 7);
    const under = (ms: number) => ms / (1 - PACING_HEADROOM);
    expect(times).toEqual(
      [0, 1, 2, 3, 4]
        .map((i) => expect.closeTo(i * under(20), 6))
        .concat([expect.closeTo(under(1000), 6), expect.closeTo(2 * under(1000), 6)]),
    );
  });

  /**
   * The most sends in any one-second window when the event loop stalls once, for 100 ms at 1 s
   * (a timer due during the stall fires at its end), and how long 900 sends took.
   */
  async function busiestSecond(slackMs?: number) {
    const time = virtualTime(START);
    const stalled = (at: number) => (at >= START + 1_000 && at < START + 1_100 ? START + 1_100 : at);
    const lateClock = {
      now: time.pacerClock.now,
      sleep: (ms: number) => time.pacerClock.sleep(stalled(time.clock.now() + ms) - time.clock.now()),
    };
    const pacer = createPacer(lateClock, slackMs === undefined ? {} : { slackMs });
    const sent: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 900) {
          next++;
          await pacer.take([{ key: 'g', perSecond: 300, burst: 1 }]);
          sent.push(time.clock.now());
        }
      }),
    );
    sent.sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i]! - sent[j]! >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    return { most, seconds: (sent.at(-1)! - sent[0]!) / 1000 };
  }

  it('late timers do not release a burst: actual send instants keep the rate (within the slack)', async () => {
    const paced = await busiestSecond();
    expect(paced.most).toBeLessThanOrEqual(300 + Math.ceil(DEFAULT_SLACK_MS / (1000 / 300)));
    // 900 at 300/s take 3 s; the stall takes 0.1 s away, and nothing more is lost.
    expect(paced.seconds).toBeLessThan(3.11);
    // The schedule alone (the check on actual instants switched off by a huge slack) lets the
    // overdue sends out together: over the limit.
    const scheduleOnly = await busiestSecond(60_000);
    expect(scheduleOnly.most).toBeGreaterThan(310); // the ~16 overdue reservations at once
  });

  it('a 429 holds back sends already scheduled before it, not only later ones', async () => {
    const time = virtualTime(START);
    const pacer = createPacer(time.pacerClock);
    const bucket = { key: 'g', perSecond: 10, burst: 1 };
    const sent: number[] = [];
    // Five sends reserve slots at 0, 100, ..., 400 ms; the first one gets a 429 (retry after 2 s).
    await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        await pacer.take([bucket]);
        if (i === 0) pacer.penalise(bucket, 2_000);
        else sent.push(time.clock.now() - START);
      }),
    );
    expect(Math.min(...sent)).toBeGreaterThanOrEqual(2_000);
  });

  it('penalise pushes the bucket back by a duration on its own clock, its burst spent', async () => {
    const time = virtualTime(START);
    const pacer = createPacer(time.pacerClock);
    const bucket = { key: 'discord:channel:1', perSecond: 1, burst: 5 };
    pacer.penalise(bucket, 3_000);
    await pacer.take([bucket]);
    expect(time.clock.now() - START).toBe(3_000);
    await pacer.take([bucket]);
    expect(time.clock.now() - START).toBe(4_000);
  });

  it('a 429 long ago does not hold a bucket today (no absolute instants from another clock)', async () => {
    const time = virtualTime(START);
    const pacer = createPacer(time.pacerClock);
    const bucket = { key: 'g', perSecond: 10, burst: 1 };
    pacer.penalise(bucket, 500);
    time.clock.advance(10_000);
    await pacer.take([bucket]);
    expect(time.pacerWaits).toEqual([]);
  });

  it('stays correct over thousands of chats (old per-chat buckets are pruned)', async () => {
    const time = virtualTime(START);
    const pacer = createPacer(time.pacerClock);
    for (let i = 0; i < 10_050; i++) await pacer.take([{ key: `chat:${i}`, perSecond: 1, burst: 1 }]);
    time.clock.advance(2_000);
    // A chat used long ago sends at once (its entry was pruned or is in the past either way).
    await pacer.take([{ key: 'chat:1', perSecond: 1, burst: 1 }]);
    expect(time.pacerWaits).toEqual([]);
  });
});
