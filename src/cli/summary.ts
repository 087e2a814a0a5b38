// `cli summary [--date YYYY-MM-DD] [--send] [--json]`: builds today's summaries for every active
// subscription and prints them; --send delivers them through the same ledger as the schedule
// (idempotent: a second --send sends nothing new). A day without a session exits 0 saying so (a
// cron job runs this every day); another trading day is refused, as summaries read the live market.
import { parseArgs } from 'node:util';
import { isIsoDate } from '../engine/dates.ts';
import type { AnyApp } from '../compose.ts';
import { gatherChannel, gatherPersonal, marketForSummaries } from '../scheduler/gather.ts';
import type { PlannerOptions } from '../scheduler/planner.ts';
import { createScheduler } from '../scheduler/scheduler.ts';
import { replyToText } from '../render/text.ts';
import { replyJson } from './run.ts';

export interface SummaryCliDeps {
  app: AnyApp;
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
  const { deps } = app;
  const today = deps.calendar.newYorkDate(deps.clock.now());
  const day = values.date ?? today;
  if (!isIsoDate(day)) {
    err(`--date must be a date YYYY-MM-DD, e.g. --date ${today}`);
    return 2;
  }
  if (!deps.calendar.isTradingDay(day)) {
    // A cron job runs this every day: a day without a session is normal, not an error.
    const why = deps.calendar.isHoliday(day) ? 'a NYSE holiday' : 'a weekend day';
    const reason =
      `${day} is ${why}, not a trading day: no summaries${values.send ? ' sent' : ''} (next trading ` +
      `day ${deps.calendar.nextTradingDay(day)}).`;
    out(values.json ? JSON.stringify({ date: day, tradingDay: false, sent: 0, reason }) : reason);
    return 0;
  }
  if (day !== today) {
    // The summaries read the live market: another day's would carry today's numbers under its date.
    err(
      `--date ${day} refused: summaries are built from the live market, so only today's (${today}) can be ` +
        `${values.send ? 'sent' : 'shown'}.`,
    );
    return 2;
  }
  if (values.send) {
    if (!planner) {
      err('--send needs a platform: set DISCORD_TOKEN or TELEGRAM_BOT_TOKEN (see .env.example).');
      return 2;
    }
    // What is due now; a summary due earlier today is caught up (no catch-up window from the CLI).
    const report = await createScheduler({ ...planner, catchUpMs: Number.MAX_SAFE_INTEGER }).runNow(deps.clock.now());
    out(
      values.json
        ? JSON.stringify(report, null, 2)
        : [
            `Summaries for ${day}: ${report.sent} sent, ${report.failed} failed, ${report.skipped} skipped, ` +
              `${report.ambiguous} ambiguous, ${report.deactivated} deactivated.`,
            ...(report.inFlightElsewhere
              ? [
                  `${report.inFlightElsewhere} still being sent by another process (settled as ambiguous after 2 ` +
                    `minutes if that process is gone).`,
                ]
              : []),
            ...report.pacing.map((line) => `Pacing ${line}.`),
          ].join('\n'),
    );
    return report.failed ? 1 : 0;
  }
  const view = await marketForSummaries(deps);
  const subscriptions = await deps.store.subscriptions.active();
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
        : await gatherPersonal(deps, s.userId!, view, 'morning');
    replies.push({ target: `${s.platform} ${s.kind} ${s.chatId} at ${s.time}`, reply });
  }
  if (values.json)
    out(`[${replies.map((r) => `{"target":${JSON.stringify(r.target)},"reply":${replyJson(r.reply)}}`).join(',')}]`);
  else out(replies.map((r) => `--- ${r.target}\n${replyToText(r.reply)}`).join('\n\n'));
  return 0;
}
