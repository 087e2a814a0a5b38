// runCommand's error boundary and the per-user limiter, through the real app (buildApp on a temp
// SQLite file): a fault is logged with a reference and the user sees only the reference; expected
// refusals are one line; expensive commands are limited per user.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/app/command.ts';
import { runFor } from '../../src/app/context.ts';
import { createLimiter } from '../../src/app/limiter.ts';
import { option, optional } from '../../src/app/options.ts';
import type { BacktestService } from '../../src/app/services.ts';
import {
  ALICE,
  BOB,
  capturingLogger,
  dataOf,
  errorLine,
  fixedClock,
  inDiscordChannel,
  inTelegramGroup,
  makeApp,
  pinoCapture,
  replyText,
} from '../support/app.ts';

const SECRET_DETAIL = 'database password is hunter2';

const boom = defineCommand({
  name: 'boom',
  description: 'Throws an unexpected error (tests only)',
  options: z
    .object({
      kind: optional(
        option.choice(['error', 'string', 'type'] as const, { description: 'what to throw', example: 'error' }),
      ),
    })
    .strict(),
  visibility: 'caller',
  examples: ['/boom'],
  run(input) {
    if (input.kind === 'string') throw SECRET_DETAIL;
    if (input.kind === 'type') return (null as unknown as { x: { y: number } }).x.y as never;
    throw new Error(SECRET_DETAIL);
  },
});

describe('runCommand error boundary', () => {
  it('turns an unexpected Error into a reply with a reference, logged with it, without stack or message', async () => {
    const logger = capturingLogger();
    const t = makeApp({ logger, extraCommands: [boom] });
    const reply = await t.run('/boom');
    expect(reply.error?.kind).toBe('internal');
    const reference = reply.error!.reference!;
    expect(reference).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    const text = replyText(reply);
    expect(text).toContain(`ref ${reference}`);
    expect(text).not.toContain(SECRET_DETAIL);
    expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)|\.ts:\d+/);
    const logged = logger.entries.filter((e) => e.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.object.reference).toBe(reference);
    expect(logged[0]!.object.command).toBe('boom');
    expect((logged[0]!.object.err as Error).message).toBe(SECRET_DETAIL);
    // The per-command line says it failed, without user text.
    const handled = logger.entries.find((e) => e.message === 'command handled');
    expect(handled?.object).toMatchObject({ command: 'boom', outcome: 'error', platform: 'console' });
  });

  it('logs the stack through the real pino logger as one JSON line carrying the reference', async () => {
    const { logger, lines } = pinoCapture('info');
    const t = makeApp({ logger, extraCommands: [boom] });
    const reply = await t.run('/boom');
    const reference = reply.error!.reference!;
    const errorLines = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.level === 50);
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]!.reference).toBe(reference);
    expect((errorLines[0]!.err as { stack: string }).stack).toContain(SECRET_DETAIL);
  });

  it('handles a thrown non-Error and a TypeError the same way', async () => {
    const logger = capturingLogger();
    const t = makeApp({ logger, extraCommands: [boom] });
    for (const kind of ['string', 'type']) {
      const reply = await t.run(`/boom ${kind}`);
      expect(reply.error?.kind).toBe('internal');
      expect(replyText(reply)).toContain(reply.error!.reference!);
      expect(replyText(reply)).not.toContain(SECRET_DETAIL);
      expect(replyText(reply)).not.toContain('TypeError');
    }
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.object.reference)).toHaveLength(2);
  });

  it('gives each fault its own reference', async () => {
    const t = makeApp({ extraCommands: [boom] });
    const a = await t.run('/boom');
    const b = await t.run('/boom');
    expect(a.error!.reference).not.toBe(b.error!.reference);
  });

  it('does not log a user refusal as an error, and records its identifier as the outcome', async () => {
    const logger = capturingLogger();
    const t = makeApp({ logger });
    const reply = await t.run('/position close k3m9tq 6.1');
    expect(reply.error).toEqual({ kind: 'user', identifier: 'position-not-found' });
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(0);
    expect(logger.entries.find((e) => e.message === 'command handled')?.object.outcome).toBe(
      'refused:position-not-found',
    );
  });

  it('never logs the free text a user typed (a note) in the per-command line', async () => {
    const logger = capturingLogger();
    const t = makeApp({ logger });
    await t.run('/position add 5615 5665 6335 6385 45 credit=14.2 note="my secret plan"');
    expect(JSON.stringify(logger.entries)).not.toContain('my secret plan');
  });
});

describe('runFor with typed (Discord) options', () => {
  it('accepts numbers, booleans and a numeric expiry as typed values', async () => {
    const t = makeApp();
    const reply = await t.runFor(
      'condor eval',
      { long_put: 5615, short_put: 5665, short_call: 6335, long_call: 6385, expiry: 45, credit: 14.2, qty: 2 },
      ALICE.discord,
    );
    expect(reply.error).toBeUndefined();
    expect(dataOf(reply, 'condor eval').condor).toMatchObject({
      quantity: 2,
      credit: 14.2,
    });
  });

  it('refuses a value of the wrong type with one line naming the option', async () => {
    const t = makeApp();
    const reply = await t.runFor('position list', { status: 7 }, ALICE.discord);
    expect(errorLine(reply)).toMatch(/^Option status must be one of open, closed, all/);
    const hedge = await t.runFor('hedge', { id: 'k3m9tq', share: 'maybe' }, ALICE.discord);
    expect(errorLine(hedge)).toContain('share');
  });

  it('refuses an unknown command name with a pointer to /help', async () => {
    const t = makeApp();
    const reply = await runFor(t.deps, ALICE.discord, 'position delete', {});
    expect(reply.error).toEqual({ kind: 'user', identifier: 'unknown-command' });
    expect(errorLine(reply)).toContain('/help');
  });
});

describe('per-user limiter for expensive commands', () => {
  const backtests: BacktestService = {
    run: async (request) => ({
      title: 'Backtest',
      visibility: 'caller',
      lines: [`policy ${request.policy}`],
      data: { request },
    }),
  };

  // The limits protect a shared bot from one user: they apply on Discord and Telegram, not to the
  // single local user of the console and CLI.
  it('does not limit the local console', async () => {
    const clock = fixedClock();
    const t = makeApp({ clock, services: { backtests }, env: { EXPENSIVE_COMMANDS_PER_MINUTE: '1' } });
    for (let i = 0; i < 3; i++) expect((await t.run('/backtest', ALICE.console)).error).toBeUndefined();
  });

  it('allows EXPENSIVE_COMMANDS_PER_MINUTE per user, then says "try again in N s", then allows again', async () => {
    const clock = fixedClock();
    const t = makeApp({ clock, services: { backtests }, env: { EXPENSIVE_COMMANDS_PER_MINUTE: '3' } });
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      expect((await t.run('/backtest', ALICE.discord)).error).toBeUndefined();
    }
    clock.advance(10_000);
    const limited = await t.run('/backtest', ALICE.discord);
    expect(limited.error).toEqual({ kind: 'user', identifier: 'rate-limited' });
    // The first of the three ran 12 s ago: 48 s left.
    expect(errorLine(limited)).toBe('/backtest is limited to protect the bot: try again in 48 s.');
    // Another user is not limited by Alice's use.
    expect((await t.run('/backtest', BOB.discord)).error).toBeUndefined();
    clock.advance(48_000);
    expect((await t.run('/backtest', ALICE.discord)).error).toBeUndefined();
  });

  it('does not count cheap commands, nor refused input', async () => {
    const clock = fixedClock();
    const t = makeApp({ clock, services: { backtests }, env: { EXPENSIVE_COMMANDS_PER_MINUTE: '1' } });
    for (let i = 0; i < 5; i++) expect((await t.run('/market', ALICE.discord)).error).toBeUndefined();
    for (let i = 0; i < 3; i++)
      expect((await t.run('/backtest policy=nope', ALICE.discord)).error?.identifier).toBe('invalid-option');
    expect((await t.run('/backtest', ALICE.discord)).error).toBeUndefined();
    expect((await t.run('/backtest', ALICE.discord)).error?.identifier).toBe('rate-limited');
  });

  it('chain-priced evaluations have their own budget, apart from backtests', async () => {
    const clock = fixedClock();
    const t = makeApp({
      clock,
      services: { backtests },
      env: { EXPENSIVE_COMMANDS_PER_MINUTE: '1', CHAIN_EVALUATIONS_PER_MINUTE: '2' },
    });
    const id = await t.addPosition(undefined, ALICE.discord); // 1 of 2
    expect((await t.run(`/position show ${id}`, ALICE.discord)).error).toBeUndefined(); // 2 of 2
    const limited = await t.run('/condor eval 5615 5665 6335 6385 45', ALICE.discord);
    expect(limited.error?.identifier).toBe('rate-limited');
    expect(errorLine(limited)).toBe('/condor eval is limited to protect the bot: try again in 60 s.');
    expect((await t.run(`/hedge ${id}`, ALICE.discord)).error?.identifier).toBe('rate-limited');
    // Backtests and cheap commands are not held back by it.
    expect((await t.run('/backtest', ALICE.discord)).error).toBeUndefined();
    expect((await t.run('/position list', ALICE.discord)).error).toBeUndefined();
    expect((await t.run('/condor suggest', ALICE.discord)).error).toBeUndefined();
    // Nor is another user.
    expect((await t.run('/condor eval 5615 5665 6335 6385 45', BOB.discord)).error).toBeUndefined();
    clock.advance(60_000);
    expect((await t.run('/condor eval 5615 5665 6335 6385 45', ALICE.discord)).error).toBeUndefined();
  });

  it('createLimiter alone: a sliding minute per user and per budget', () => {
    const clock = fixedClock(0);
    const limit = createLimiter({ heavyPerMinute: 2, chainPerMinute: 1 }, clock);
    const heavy = { ...boom, expensive: true as const };
    const chain = { ...boom, expensive: 'chain' as const };
    expect(limit('u1', heavy)).toBe(0);
    clock.advance(20_000);
    expect(limit('u1', heavy)).toBe(0);
    clock.advance(10_000);
    expect(limit('u1', heavy)).toBe(30);
    expect(limit('u2', heavy)).toBe(0);
    expect(limit('u1', chain)).toBe(0);
    expect(limit('u1', chain)).toBe(60);
    clock.advance(30_000);
    expect(limit('u1', heavy)).toBe(0);
  });
});

describe('permissions declared on the command', () => {
  it('are checked once, by the runner: a member without the right is refused, the command never runs', async () => {
    const runs: string[] = [];
    const tidy = defineCommand({
      name: 'tidy',
      description: 'Tidies the chat (tests only): needs the right to manage it unless dry',
      options: z.object({ dry: optional(option.boolean({ description: 'only say what', example: true })) }).strict(),
      visibility: 'channel',
      requires: { permission: 'manage-chat', when: (input) => !input.dry, doing: () => 'tidy this chat' },
      examples: ['/tidy'],
      run(input, context) {
        runs.push(`${context.caller.platformUserId}${input.dry ? ' dry' : ''}`);
        return { title: 'Tidied', visibility: 'channel' };
      },
    });
    const t = makeApp({ extraCommands: [tidy] });
    const onDiscord = await t.run('/tidy', inDiscordChannel(BOB.discord, false));
    expect(onDiscord.error?.identifier).toBe('not-admin');
    expect(errorLine(onDiscord)).toBe('Only members with Manage Channels (or Manage Server) can tidy this chat.');
    const onTelegram = await t.run('/tidy', inTelegramGroup(BOB.telegram, false));
    expect(errorLine(onTelegram)).toBe('Only a chat administrator can tidy this chat.');
    expect(runs).toEqual([]);

    expect((await t.run('/tidy', inTelegramGroup(ALICE.telegram, true))).error).toBeUndefined();
    // `when` says which uses need it: a dry run needs no right.
    expect((await t.run('/tidy dry=true', inDiscordChannel(BOB.discord, false))).error).toBeUndefined();
    expect(runs).toEqual([ALICE.telegram.platformUserId, `${BOB.discord.platformUserId} dry`]);
  });
});
