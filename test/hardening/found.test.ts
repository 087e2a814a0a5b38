// Hardening: what the fuzz found, pinned as plain regression tests (the fuzz may not draw the same
// input again). Each was an internal error or a broken one-line rule before its fix.
//
// Size: the same at both sizes; see docs/hardening.md.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/app/context.ts';
import { ALICE, errorLine, makeApp } from '../support/app.ts';
import { BOT_NAME } from '../support/hardening-fuzz.ts';

describe('dates at the edge of the calendar', () => {
  it('a what-if date near 9999-12-31 is refused as an option, not a crash in the calendar', async () => {
    const t = makeApp();
    const id = await t.addPosition();
    for (const date of ['9999-12-30', '9999-12-31', '2200-01-01', '1899-12-31']) {
      const reply = await t.run(`/position show ${id} date=${date}`);
      expect(reply.error, date).toEqual({ kind: 'user', identifier: 'invalid-option' });
      expect(errorLine(reply)).toMatch(/^Option date must be a date from 1900-01-01 to 2199-12-31 \(e\.g\. date=/);
      const typed = await t.runFor('position show', { id, date }, ALICE.console);
      expect(typed.error?.identifier, `${date} typed`).toBe('invalid-option');
    }
    expect((await t.run(`/position show ${id} date=2199-12-31`)).error).toBeUndefined();
  });

  it('an expiry or an opening date near 9999-12-31 is refused', async () => {
    const t = makeApp();
    await t.run('/settings'); // the caller's user is created on first sight: before counting
    const before = t.rowCounts();
    for (const line of [
      '/position add 5615 5665 6335 6385 9999-12-31 credit=14.2',
      '/position add 5615 5665 6335 6385 9999-12-25 credit=14.2',
      '/condor eval 5615 5665 6335 6385 9999-12-30',
      '/position add 5615 5665 6335 6385 45 credit=14.2 opened=9999-12-31',
      '/backtest from=9999-12-31',
    ]) {
      const reply = await t.run(line);
      expect(reply.error, line).toEqual({ kind: 'user', identifier: 'invalid-option' });
    }
    expect(t.rowCounts()).toEqual(before);
  });
});

describe('refusals stay one short line whatever they quote', () => {
  it('a carriage return, NEL or a Unicode line separator in a quoted word', async () => {
    const t = makeApp();
    for (const line of ['/"\r"', '/"a\u2028b"', '/"a\u0085b"', '/help "a\u2029b"', '/position "x\ry"', '/"\v\f"']) {
      const reply = await t.run(line);
      expect(reply.error?.kind, JSON.stringify(line)).toBe('user');
      expect(errorLine(reply)).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
    }
  });

  it('an unknown command or bot name of 100,000 characters is quoted to 32', async () => {
    const t = makeApp();
    const long = `/${'x'.repeat(100_000)}`;
    expect(errorLine(await t.run(long))).toBe(`Unknown command /${'x'.repeat(31)}…: type /help for the list.`);
    const { reply } = await runLine(t.deps, ALICE.telegram, `/position@${'y'.repeat(1_000)} list`, {
      botName: BOT_NAME,
    });
    expect(errorLine(reply)).toBe(`That command is for @${'y'.repeat(31)}…, not for this bot.`);
    // Whole characters: an emoji is never cut in half.
    expect(errorLine(await t.run(`/${'😀'.repeat(40)}`))).toBe(
      `Unknown command /${'😀'.repeat(31)}…: type /help for the list.`,
    );
  });
});
