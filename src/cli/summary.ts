// `cli summary [--date YYYY-MM-DD] [--send] [--json]`: builds a trading day's summaries for every
// active subscription and prints them; --send delivers them through the same ledger as the
// schedule (idempotent: a second --send sends nothing new).
import { parseArgs } from 'node:util';
import { isIsoDate } from '../engine/dates.ts';
import type { App } from '../compose.ts';
import { gatherChannel, gatherPersonal, marketForSummaries } from '../scheduler/gather.ts';
import { scheduledInstant, type PlannerOptions } from '../scheduler/planner.ts';
import { createScheduler } from '../scheduler/scheduler.ts';
import { replyToText } from '../render/text.ts';
import { replyJson } from './run.ts';

export interface SummaryCliDeps {
  app: App;
  /** Planner options with the platforms' senders; null when no platform is configured. */
  planner: PlannerOptions | null;
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function summaryCli(args: string[], { app, planner, out, err }: SummaryCliDeps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { date: { type: 'string' }, send: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const { deps, config } = app;
  const today = deps.calendar.newYorkDate(deps.clock.now());
  const day = values.date ?? today;
  if (!isIsoDate(day)) {
    err(`--date must be a date YYYY-MM-DD, e.g. --date ${today}`);
    return 2;
  }
  if (!deps.calendar.isTradingDay(day)) {
    err(`${day} is not a NYSE trading day: no summaries (next: ${deps.calendar.nextTradingDay(day)}).`);
    return 2;
  }
  if (values.send) {
    if (!planner) {
      err('--send needs a platform: set DISCORD_TOKEN or TELEGRAM_BOT_TOKEN (see .env.example).');
      return 2;
    }
    if (day > today) {
      err(`--date ${day} is in the future: summaries are sent on or after their day.`);
      return 2;
    }
    // Today: what is due now. An earlier day: as of its latest due time, so all of it is due.
    // (the latest due time in the summary's own zone, so the planner reads the same day there).
    const times = deps.store.subscriptions.active().map((s) => s.time);
    if (config.REVIEW_TIME) times.push(config.REVIEW_TIME);
    const dueTimes = times.map((time) => scheduledInstant(day, time, config.SUMMARY_TIMEZONE));
    const at =
      day === today
        ? deps.clock.now()
        : dueTimes.length
          ? Math.max(...dueTimes)
          : deps.calendar.newYorkInstant(day, '16:00');
    const report = await createScheduler({ ...planner, catchUpMs: Number.MAX_SAFE_INTEGER }).runNow(at);
    out(
      values.json
        ? JSON.stringify(report, null, 2)
        : `Summaries for ${day}: ${report.sent} sent, ${report.failed} failed, ${report.skipped} skipped, ${report.ambiguous} ambiguous, ${report.deactivated} deactivated.`,
    );
    return report.failed ? 1 : 0;
  }
  const view = await marketForSummaries(deps);
  const subscriptions = deps.store.subscriptions.active();
  const replies = [
    {
      target: 'channel summary (as /signal shows it)',
      reply: (await gatherChannel(deps, null, view, 'morning', false)).reply,
    },
  ];
  for (const s of subscriptions) {
    const reply =
      s.kind === 'channel'
        ? (await gatherChannel(deps, s, view, 'morning', false)).reply
        : gatherPersonal(deps, s.userId!, view, 'morning');
    replies.push({ target: `${s.platform} ${s.kind} ${s.chatId} at ${s.time}`, reply });
  }
  if (values.json)
    out(`[${replies.map((r) => `{"target":${JSON.stringify(r.target)},"reply":${replyJson(r.reply)}}`).join(',')}]`);
  else out(replies.map((r) => `--- ${r.target}\n${replyToText(r.reply)}`).join('\n\n'));
  return 0;
}
