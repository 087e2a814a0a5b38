// CONDOR_XYK_NOW (src/test-clock.ts): a spawned program's clock starts at the given instant and runs
// on; it is refused, in one line, outside the test runner (CONDOR_XYK_TEST=1), so a deployed bot
// never runs on a moved clock.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testClockFrom } from '../../src/test-clock.ts';
import { runMain, tempDir } from '../support/app.ts';

describe('testClockFrom', () => {
  it('unset: no clock of its own (the real one is used)', () => {
    expect(testClockFrom({ CONDOR_XYK_TEST: '1' })).toEqual({ ok: true });
    expect(testClockFrom({})).toEqual({ ok: true });
  });

  it('starts at the instant and runs on with the elapsed time', () => {
    let elapsedMs = 5_000.4;
    const result = testClockFrom(
      { CONDOR_XYK_TEST: '1', CONDOR_XYK_NOW: '2027-01-15T15:55:00-05:00' },
      () => elapsedMs,
    );
    if (!result.ok || !result.clock) throw new Error('expected a clock');
    expect(result.clock.now()).toBe(Date.UTC(2027, 0, 15, 20, 55));
    elapsedMs += 90_000;
    expect(result.clock.now()).toBe(Date.UTC(2027, 0, 15, 20, 56, 30));
  });

  it('is refused outside the test runner, and a malformed instant is refused, each in one line', () => {
    expect(testClockFrom({ CONDOR_XYK_NOW: '2027-01-15T15:55:00-05:00' })).toEqual({
      ok: false,
      error:
        'CONDOR_XYK_NOW is a test-only setting (it moves the bot clock) and is refused outside the test runner ' +
        '(CONDOR_XYK_TEST=1); unset it.',
    });
    expect(testClockFrom({ CONDOR_XYK_TEST: '1', CONDOR_XYK_NOW: '2027-01-15 15:55' })).toEqual({
      ok: false,
      error:
        'CONDOR_XYK_NOW takes an ISO instant with its UTC offset, e.g. 2026-11-23T10:00:00-05:00; ' +
        'got "2027-01-15 15:55"',
    });
  });
});

describe('CONDOR_XYK_NOW in the real program', { timeout: 120_000 }, () => {
  const env = () => {
    const dir = tempDir('condor-test-clock-');
    return { MARKET_DATA: 'demo', DATABASE_PATH: path.join(dir, 'condor.db'), CHARTS_DIR: path.join(dir, 'charts') };
  };

  it('moves "today": /market on Sunday 2027-01-17 is titled that day', async () => {
    const result = await runMain(['run', '/market', '--json'], {
      env: { ...env(), CONDOR_XYK_NOW: '2027-01-17T12:00:00-05:00' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { title: string }).title).toBe('Market · 2027-01-17');
  });

  it('without CONDOR_XYK_TEST=1: exit 2, one line, nothing run', async () => {
    const result = await runMain(['run', '/market'], {
      env: { ...env(), CONDOR_XYK_TEST: '', CONDOR_XYK_NOW: '2027-01-17T12:00:00-05:00' },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'CONDOR_XYK_NOW is a test-only setting (it moves the bot clock) and is refused outside the test runner ' +
        '(CONDOR_XYK_TEST=1); unset it.',
    ]);
  });
});
