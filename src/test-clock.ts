// CONDOR_XYK_NOW: a test-only start instant for the program's clock, so a test that runs the real
// program (the console with piped input, `summary`, the bots) knows which day it is instead of
// reading the calendar. The clock starts at that instant and runs on from it (timeouts, rate limits
// and the scheduler still see time pass). It is refused unless CONDOR_XYK_TEST=1, which only the
// test runner sets (vitest.config.ts), so a deployed bot can never run on a moved clock
// (docs/hardening.md "Tests off the calendar").
import type { Clock } from './app/ports.ts';
import { parseInstant } from './cli/run.ts';

export type TestClockResult = { ok: true; clock?: Clock } | { ok: false; error: string };

export function testClockFrom(
  env: Record<string, string | undefined>,
  elapsedMs: () => number = () => performance.now(),
): TestClockResult {
  const text = env.CONDOR_XYK_NOW;
  if (text === undefined || text === '') return { ok: true };
  if (env.CONDOR_XYK_TEST !== '1')
    return {
      ok: false,
      error:
        'CONDOR_XYK_NOW is a test-only setting (it moves the bot clock) and is refused outside the test runner ' +
        '(CONDOR_XYK_TEST=1); unset it.',
    };
  const startMs = parseInstant(text);
  if (startMs === null)
    return {
      ok: false,
      error:
        'CONDOR_XYK_NOW takes an ISO instant with its UTC offset, e.g. 2026-11-23T10:00:00-05:00; ' +
        `got ${JSON.stringify(text)}`,
    };
  const origin = elapsedMs();
  return { ok: true, clock: { now: () => startMs + Math.round(elapsedMs() - origin) } };
}
