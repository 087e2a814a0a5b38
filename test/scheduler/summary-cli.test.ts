// `summary [--date] [--send]` as a cron job runs it: a day without a session exits 0 saying why
// nothing was sent; another trading day is refused in one line (the summaries read the live
// market, so a past day's would carry today's numbers under its date); today's --send reports
// what it did and the pacing margin.
import { describe, expect, it } from 'vitest';
import { summaryCli } from '../../src/cli/summary.ts';
import { memorySender, MONDAY, ny, plannerFor, subscribePersonal } from '../support/scheduler-app.ts';
import { schedulerApp } from '../support/scheduler-harness.ts';

async function setup(nowMs: number) {
  const t = schedulerApp(nowMs);
  await subscribePersonal(t.deps, 'telegram', '7001', '09:45');
  const sender = memorySender();
  const { options } = plannerFor(t, [sender], { time: t.time });
  const out: string[] = [];
  const err: string[] = [];
  const run = (args: string[]) =>
    summaryCli(args, { app: t.app, planner: options, out: (s) => out.push(s), err: (s) => err.push(s) });
  const rows = (day: string) => t.app.store.ledger().forDay(day);
  return { t, sender, out, err, run, rows };
}

describe('summary --date / --send', () => {
  it('a holiday exits 0 and says why nothing was sent (Thanksgiving 2026-11-26)', async () => {
    const { sender, out, err, run, rows } = await setup(ny(MONDAY, '10:00'));
    expect(await run(['--send', '--date', '2026-11-26'])).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      '2026-11-26 is a NYSE holiday, not a trading day: no summaries sent (next trading day 2026-11-27).',
    ]);
    expect(sender.sent).toEqual([]);
    expect(await rows('2026-11-26')).toEqual([]);
  });

  it('run on a Saturday with no --date: exits 0, a weekend day, nothing sent', async () => {
    const { sender, out, run } = await setup(ny('2026-11-28', '10:00'));
    expect(await run(['--send'])).toBe(0);
    expect(out).toEqual([
      '2026-11-28 is a weekend day, not a trading day: no summaries sent (next trading day 2026-11-30).',
    ]);
    expect(sender.sent).toEqual([]);
  });

  it('--send --date <past trading day> is refused in one line and sends nothing under that date', async () => {
    const { sender, out, err, run, rows } = await setup(ny(MONDAY, '10:00'));
    expect(await run(['--send', '--date', '2026-11-20'])).toBe(2);
    expect(err).toEqual([
      `--date 2026-11-20 refused: summaries are built from the live market, so only today's (${MONDAY}) can be sent.`,
    ]);
    expect(out).toEqual([]);
    expect(sender.sent).toEqual([]);
    expect(await rows('2026-11-20')).toEqual([]);
    expect(await rows(MONDAY)).toEqual([]);
  });

  it("--send today delivers what is due, says so, states the pacing margin; today's content is today's", async () => {
    const { sender, out, err, run, rows } = await setup(ny(MONDAY, '10:00'));
    expect(await run(['--send', '--date', MONDAY])).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      [
        `Summaries for ${MONDAY}: 1 sent, 0 failed, 0 skipped, 0 ambiguous, 0 deactivated.`,
        'Pacing telegram: paced 10% under each limit (27.0 messages/s of 30 overall, one per 1111 ms per chat).',
      ].join('\n'),
    ]);
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]!.reply.title).toBe(`Your positions · ${MONDAY}`);
    expect((await rows(MONDAY)).map((r) => r.state)).toEqual(['sent']);
  });
});
