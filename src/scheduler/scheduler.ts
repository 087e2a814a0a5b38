// The schedule: node-cron fires the planner every minute in SUMMARY_TIMEZONE; the planner sends
// what is due. One tick a minute (rather than one cron task per HH:MM) is what makes the DST rules
// hold: a time that does not exist on spring-forward day is due at the next valid minute
// (wallClockInstant in src/market/calendar.ts) and runs once; the repeated hour in autumn finds
// the ledger row already sent.
// noOverlap keeps a slow fan-out from stacking runs; the ledger keeps two processes apart.
import cron, { type ScheduledTask } from 'node-cron';
import { emptyReport, runDue, type PlannerOptions, type RunReport } from './planner.ts';

export interface Scheduler {
  start(): void;
  /** Stops the schedule and waits for a run in progress, up to deadlineMs. */
  stop(deadlineMs?: number): Promise<void>;
  /** Runs the planner now (startup catch-up, tests, `summary --send`). */
  runNow(nowMs?: number): Promise<RunReport>;
}

export interface SchedulerHooks {
  /** Called on every tick (the health report shows the last one). */
  onTick?(): void;
}

export function createScheduler(options: PlannerOptions, hooks: SchedulerHooks = {}): Scheduler {
  let task: ScheduledTask | null = null;
  let running: Promise<RunReport> | null = null;
  const run = (nowMs = options.deps.clock.now()) => {
    if (running) return running;
    running = runDue(options, nowMs)
      .catch((error: unknown) => {
        options.deps.logger.error({ err: error }, 'summary run failed');
        return emptyReport();
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  return {
    start() {
      if (task) return;
      task = cron.schedule(
        '* * * * *',
        async () => {
          hooks.onTick?.();
          const report = await run();
          if (report.due || report.skipped || report.ambiguous || report.inFlightElsewhere)
            options.deps.logger.info({ ...report }, 'summaries run');
        },
        { timezone: options.timeZone, name: 'daily-summaries', noOverlap: true },
      );
      hooks.onTick?.();
      void run(); // catch up at start
    },
    async stop(deadlineMs = 10_000) {
      // destroy, not just stop: node-cron keeps every task in a global registry until destroyed.
      await task?.destroy();
      task = null;
      if (!running) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
        timer.unref();
      });
      await Promise.race([running, deadline]);
      clearTimeout(timer);
    },
    runNow: (nowMs) => run(nowMs),
  };
}
