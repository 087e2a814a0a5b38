// When summaries go out: NYSE trading days only (a Thanksgiving sends nothing, an early close
// sends at the usual time), the subscription's own time in SUMMARY_TIMEZONE, a time that does not
// exist on a DST day runs at the next valid minute and a repeated one runs once, the catch-up
// window after a restart — all through runDue and the ledger, on a fixed clock.
import { describe, expect, it } from 'vitest';
import { runDue } from '../../src/scheduler/planner.ts';
import { dateInZone, wallClockInstant } from '../../src/market/calendar.ts';
import {
  memorySender,
  MONDAY,
  ny,
  nySummer,
  plannerFor,
  recordingLogger,
  subscribeChannel,
  subscribePersonal,
} from '../support/scheduler-app.ts';
import { schedulerApp, tempDbPath } from '../support/scheduler-harness.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

async function threeSubscriptions(deps: Parameters<typeof subscribePersonal>[0]) {
  return [
    await subscribePersonal(deps, 'telegram', '7001'),
    await subscribeChannel(deps, 'telegram', '-1001234567890'),
    await subscribeChannel(deps, 'discord', '333333333333333333'),
  ];
}

describe('trading days and the subscription time (America/New_York)', () => {
  it('sends nothing at 09:44 and everything at 09:45 on a normal Monday', async () => {
    const t = schedulerApp(ny(MONDAY, '09:44'));
    await threeSubscriptions(t.deps);
    const telegram = memorySender({ platform: 'telegram' });
    const discord = memorySender({ platform: 'discord' });
    const { options, ledger } = plannerFor(t, [telegram, discord], { time: t.time });

    const early = await runDue(options, t.clock.now());
    expect(early).toMatchObject({ tradingDay: MONDAY, due: 0, sent: 0 });
    expect(await ledger.forDay(MONDAY)).toEqual([]);
    expect(telegram.sent.length + discord.sent.length).toBe(0);

    t.clock.set(ny(MONDAY, '09:45'));
    const onTime = await runDue(options, t.clock.now());
    expect(onTime).toMatchObject({ tradingDay: MONDAY, due: 3, sent: 3, failed: 0, skipped: 0 });
    // Which chat goes first is not a contract (a worker starts its walk at an offset of its own).
    expect([...telegram.byChat()].sort()).toEqual([
      ['-1001234567890', 1],
      ['7001', 1],
    ]);
    expect([...discord.byChat()]).toEqual([['333333333333333333', 1]]);
    expect(await ledger.counts(MONDAY)).toMatchObject({ sent: 3, pending: 0, sending: 0 });
    expect(telegram.sent.find((s) => s.chatId === '7001')!.reply.title).toBe(`Your positions · ${MONDAY}`);
    expect(discord.sent[0]!.reply.title).toBe(`Daily signal · ${MONDAY}`);
  });

  it('honours each subscription’s own time and the optional post-close review', async () => {
    const t = schedulerApp(ny(MONDAY, '09:45'));
    await subscribePersonal(t.deps, 'telegram', '7001', '09:45');
    await subscribePersonal(t.deps, 'telegram', '7002', '11:30');
    const telegram = memorySender();
    const { options } = plannerFor(t, [telegram], { time: t.time, reviewTime: '16:15' });
    expect(await runDue(options, t.clock.now())).toMatchObject({ due: 1, sent: 1 });
    t.clock.set(ny(MONDAY, '11:29'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ due: 0 });
    t.clock.set(ny(MONDAY, '11:30'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ due: 1, sent: 1 });
    t.clock.set(ny(MONDAY, '16:15'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ due: 2, sent: 2 });
    const sent = telegram.sent.map((s) => `${s.chatId} ${s.reply.title}`);
    // One run's order is not a contract (a worker starts its walk at an offset of its own): the two
    // review sends of 16:15 are compared as a set.
    expect([...sent.slice(0, 2), ...sent.slice(2).sort()]).toEqual([
      '7001 Your positions · 2026-11-23',
      '7002 Your positions · 2026-11-23',
      '7001 Your positions · 2026-11-23',
      '7002 Your positions · 2026-11-23',
    ]);
    expect(telegram.sent.map((s) => s.nonce)).toEqual([...new Set(telegram.sent.map((s) => s.nonce))]);
  });

  it('sends nothing on Thanksgiving (2026-11-26), all day, and writes no ledger rows', async () => {
    const t = schedulerApp(ny('2026-11-26', '09:45'));
    await threeSubscriptions(t.deps);
    const sender = memorySender();
    const { options, ledger } = plannerFor(t, [sender, memorySender({ platform: 'discord' })], { time: t.time });
    for (const time of ['09:45', '10:00', '16:15', '23:59']) {
      t.clock.set(ny('2026-11-26', time));
      expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: null, due: 0, sent: 0 });
    }
    expect(await ledger.forDay('2026-11-26')).toEqual([]);
    expect(sender.sent).toEqual([]);
  });

  it('sends nothing on a Saturday', async () => {
    const t = schedulerApp(ny('2026-11-28', '09:45'));
    await threeSubscriptions(t.deps);
    const sender = memorySender();
    const { options } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: null, due: 0 });
  });

  it('sends at 09:45 on the early close after Thanksgiving (2026-11-27), like any trading day', async () => {
    const t = schedulerApp(ny('2026-11-27', '09:44'));
    await threeSubscriptions(t.deps);
    const telegram = memorySender();
    const discord = memorySender({ platform: 'discord' });
    const { options } = plannerFor(t, [telegram, discord], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: '2026-11-27', due: 0 });
    t.clock.set(ny('2026-11-27', '09:45'));
    expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: '2026-11-27', due: 3, sent: 3 });
    expect(discord.sent[0]!.reply.title).toBe('Daily signal · 2026-11-27');
  });
});

describe('DST', () => {
  const inNewYork = (date: string, time: string) => iso(wallClockInstant(date, time, 'America/New_York'));

  it('New York spring forward (2026-03-08): 02:30 does not exist and is due at 03:00, the next valid minute', () => {
    expect(inNewYork('2026-03-08', '02:30')).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    expect(inNewYork('2026-03-08', '02:00')).toBe('2026-03-08T07:00:00.000Z');
    expect(inNewYork('2026-03-08', '02:59')).toBe('2026-03-08T07:00:00.000Z');
    expect(inNewYork('2026-03-08', '01:59')).toBe('2026-03-08T06:59:00.000Z'); // 01:59 EST
    expect(inNewYork('2026-03-08', '03:00')).toBe('2026-03-08T07:00:00.000Z');
    expect(inNewYork('2026-03-09', '09:45')).toBe(iso(nySummer('2026-03-09', '09:45')));
  });

  it('New York fall back (2026-11-01): 01:30 happens twice and is due at the first', () => {
    expect(inNewYork('2026-11-01', '01:30')).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(inNewYork('2026-11-01', '02:30')).toBe('2026-11-01T07:30:00.000Z'); // 02:30 EST
    expect(inNewYork('2026-11-02', '09:45')).toBe(iso(ny('2026-11-02', '09:45')));
  });

  it('across 2027-03-14 (spring forward) the 09:45 summary follows New York: Fri 14:45Z, Mon 13:45Z', async () => {
    const friday = Date.parse('2027-03-12T09:45:00-05:00'); // EST
    const monday = Date.parse('2027-03-15T09:45:00-04:00'); // EDT
    const t = schedulerApp(friday - MINUTE);
    await subscribePersonal(t.deps, 'telegram', '7001', '09:45');
    const telegram = memorySender({ platform: 'telegram' });
    const { options } = plannerFor(t, [telegram], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: '2027-03-12', due: 0 });
    t.clock.set(friday);
    expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: '2027-03-12', due: 1, sent: 1 });
    // Sunday the 14th is no trading day; Monday one minute early (an hour later in UTC than a
    // fixed offset would put it) is not due, on the minute it is.
    t.clock.set(monday - MINUTE);
    expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: '2027-03-15', due: 0 });
    t.clock.set(monday);
    expect(await runDue(options, t.clock.now())).toMatchObject({ tradingDay: '2027-03-15', due: 1, sent: 1 });
    expect(iso(monday)).toBe('2027-03-15T13:45:00.000Z');
  });

  it('on the DST days themselves a summary time in the gap or the repeated hour follows the one rule', () => {
    // 2027-03-14: 02:00 EST jumps to 03:00 EDT (07:00Z); 2026-11-01: 02:00 EDT falls back to 01:00 EST.
    expect(inNewYork('2027-03-14', '02:30')).toBe('2027-03-14T07:00:00.000Z');
    expect(inNewYork('2027-03-14', '03:30')).toBe('2027-03-14T07:30:00.000Z');
    expect(inNewYork('2026-11-01', '01:00')).toBe('2026-11-01T05:00:00.000Z');
    expect(inNewYork('2026-11-01', '01:59')).toBe('2026-11-01T05:59:00.000Z');
    expect(inNewYork('2026-11-01', '02:00')).toBe('2026-11-01T07:00:00.000Z');
  });

  it('a 30-minute DST gap (Lord Howe) still lands on its first valid minute', () => {
    // 02:30 +11.
    expect(iso(wallClockInstant('2026-10-04', '02:15', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:30:00.000Z');
  });

  // New York changes on Sundays: no summary ever falls on its DST days. Zones that change on a
  // weekday that is a NYSE trading day show it through the ledger: Jerusalem springs forward on
  // Friday 2026-03-27 02:00 → 03:00, Cairo on Friday 2026-04-24 00:00 → 01:00 and falls back on
  // Thursday 2026-10-29 24:00 → 23:00.
  async function tickEveryMinute(zone: string, time: string, fromMs: number, toMs: number) {
    const t = schedulerApp(fromMs, { env: { SUMMARY_TIMEZONE: zone } });
    await subscribePersonal(t.deps, 'telegram', '7001', time);
    const sender = memorySender({ now: t.clock.now });
    const { options, ledger } = plannerFor(t, [sender], { time: t.time });
    expect(options.timeZone).toBe(zone);
    const sentAt: string[] = [];
    for (let at = fromMs; at <= toMs; at += MINUTE) {
      t.clock.set(at);
      const report = await runDue(options, at);
      if (report.sent) sentAt.push(iso(at));
    }
    return { sentAt, sender, ledger };
  }

  it('Jerusalem 02:30 on its spring-forward Friday runs once, at 03:00 local', async () => {
    const { sentAt, sender, ledger } = await tickEveryMinute(
      'Asia/Jerusalem',
      '02:30',
      Date.parse('2026-03-26T23:30:00Z'),
      Date.parse('2026-03-27T01:30:00Z'),
    );
    expect(sentAt).toEqual(['2026-03-27T00:00:00.000Z']); // 03:00 +03:00, the first minute after the gap
    expect(sender.sent).toHaveLength(1);
    expect((await ledger.forDay('2026-03-27')).map((d) => d.state)).toEqual(['sent']);
  });

  it('Cairo 00:30 on its spring-forward Friday runs once, at 01:00 local (still Thursday in New York)', async () => {
    const { sentAt, ledger } = await tickEveryMinute(
      'Africa/Cairo',
      '00:30',
      Date.parse('2026-04-23T21:00:00Z'),
      Date.parse('2026-04-23T23:00:00Z'),
    );
    expect(sentAt).toEqual(['2026-04-23T22:00:00.000Z']);
    expect(dateInZone(Date.parse('2026-04-23T22:00:00Z'), 'Africa/Cairo')).toBe('2026-04-24');
    expect((await ledger.forDay('2026-04-24')).map((d) => d.state)).toEqual(['sent']);
  });

  it('Cairo 23:30 on its fall-back Thursday, a time that happens twice, runs once, at the first', async () => {
    const { sentAt, sender } = await tickEveryMinute(
      'Africa/Cairo',
      '23:30',
      Date.parse('2026-10-29T20:00:00Z'),
      Date.parse('2026-10-29T22:30:00Z'),
    );
    expect(sentAt).toEqual(['2026-10-29T20:30:00.000Z']); // 23:30 +03:00; 23:30 +02:00 (21:30Z) finds the row sent
    expect(sender.sent).toHaveLength(1);
  });

  it('a zone east of New York sends on its own morning (Tokyo 08:00 is the previous evening in New York)', async () => {
    // Tuesday 2026-11-24 08:00 Tokyo = Monday 18:00 New York.
    const { sentAt, ledger } = await tickEveryMinute(
      'Asia/Tokyo',
      '08:00',
      Date.parse('2026-11-23T22:50:00Z'),
      Date.parse('2026-11-23T23:10:00Z'),
    );
    expect(sentAt).toEqual(['2026-11-23T23:00:00.000Z']);
    expect((await ledger.forDay('2026-11-24')).map((d) => d.state)).toEqual(['sent']);
  });
});

describe('the catch-up window after a restart', () => {
  it('a restart 1 h after the due time delivers; 3 h after marks it skipped with a reason', async () => {
    const dbPath = tempDbPath();
    // Two databases: the process was down over 09:45 and restarts at 10:45, or at 12:45.
    const late = schedulerApp(ny(MONDAY, '10:45'), { dbPath });
    await subscribePersonal(late.deps, 'telegram', '7001');
    const sender = memorySender();
    const { options, ledger } = plannerFor(late, [sender], { time: late.time });
    expect(await runDue(options, late.clock.now())).toMatchObject({ due: 1, sent: 1, skipped: 0 });
    expect((await ledger.get(1, MONDAY, 'morning'))!.state).toBe('sent');

    const logger = recordingLogger();
    const tooLate = schedulerApp(ny(MONDAY, '12:45'), { logger });
    await subscribePersonal(tooLate.deps, 'telegram', '7001');
    const other = memorySender();
    const planned = plannerFor(tooLate, [other], { time: tooLate.time });
    expect(await runDue(planned.options, tooLate.clock.now())).toMatchObject({ due: 0, sent: 0, skipped: 1 });
    const row = (await planned.ledger.get(1, MONDAY, 'morning'))!;
    expect(row.state).toBe('skipped');
    expect(row.error).toBe(`missed: due ${iso(ny(MONDAY, '09:45'))}, more than the catch-up window ago`);
    expect(other.sent).toEqual([]);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'summary skipped: past the catch-up window',
    ]);
    // Skipped is final: a later run neither sends nor counts it again.
    expect(await runDue(planned.options, tooLate.clock.now() + MINUTE)).toMatchObject({ due: 0, skipped: 0 });
  });

  it('the edge of the window: exactly 2 h late still goes, 2 h 1 min late does not', async () => {
    const t = schedulerApp(ny(MONDAY, '11:45'));
    await subscribePersonal(t.deps, 'telegram', '7001', '09:45');
    await subscribePersonal(t.deps, 'telegram', '7002', '09:44');
    const sender = memorySender();
    const { options } = plannerFor(t, [sender], { time: t.time });
    expect(await runDue(options, t.clock.now())).toMatchObject({ due: 1, sent: 1, skipped: 1 });
    expect([...sender.byChat().keys()]).toEqual(['7001']);
  });
});
