// Graceful shutdown (issues 9 and 13): `start` with a Telegram token runs the bot and the
// scheduler; SIGTERM (and SIGINT) stop the schedule, let sends finish, stop the bot, close the
// database and exit 0 — also when the process was started by `npm start` or the package's bin,
// which must not leave the bot running behind them. And `start` with nothing to run says so.
// The bot talks to a loopback Bot API fake; nothing leaves the machine.
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/app.ts';
import { freePort, startBotProcess, untilHealth, type BotProcess } from '../support/bot-process.ts';
import { startTelegramFake, type TelegramFake } from '../support/telegram-fake.ts';
import { TOKEN } from '../support/telegram-harness.ts';

const CHILD = { timeout: 120_000 };
let fake: TelegramFake | null = null;
const running: BotProcess[] = [];
/** Bots found running under a wrapper: killed after the test whatever its outcome. */
const wrapped: number[] = [];
afterEach(async () => {
  for (const pid of wrapped.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const bot of running.splice(0))
    if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
  await fake?.close();
  fake = null;
});

/** True while a process with this id exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function untilGone(pid: number): Promise<boolean> {
  // Bounded: 10 s, the time a signalled bot has to end.
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !alive(pid);
}

async function telegramEnv() {
  fake = await startTelegramFake();
  const dir = tempDir('condor-shutdown-');
  return {
    dir,
    database: path.join(dir, 'condor.db'),
    env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, DATABASE_PATH: path.join(dir, 'condor.db') },
  };
}

const started = (bot: BotProcess) =>
  Promise.all([
    bot.waitForLog((line) => line.msg === 'scheduler started', 'the scheduler'),
    bot.waitForLog((line) => line.msg === 'telegram bot started', 'the Telegram bot'),
  ]);

describe('graceful shutdown', CHILD, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: stops the bot and the scheduler, closes the database, exits 0`, async () => {
      const { env, database } = await telegramEnv();
      const bot = startBotProcess(env);
      running.push(bot);
      await started(bot);
      const { code } = await bot.signal(signal);
      expect(code).toBe(0);
      const messages = bot.lines.map((line) => line.msg);
      expect(messages.filter((msg) => msg === 'telegram bot started')).toHaveLength(1);
      expect(messages.indexOf('shutting down')).toBeGreaterThan(messages.indexOf('telegram bot started'));
      expect(messages).toContain('telegram bot stopped');
      // Closed cleanly: the write-ahead log was checkpointed away and the file opens without recovery.
      expect(existsSync(`${database}-wal`)).toBe(false);
      const db = new Database(database, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    });
  }
});

describe('started by npm or by the package bin, the bot itself receives the signal', CHILD, () => {
  it('SIGTERM to `npm start` stops the bot (no process left behind)', async () => {
    const { env } = await telegramEnv();
    const bot = startBotProcess(env, { command: 'npm', args: ['start', '--silent'] });
    running.push(bot);
    const [schedulerLine] = await started(bot);
    const botPid = schedulerLine.pid;
    wrapped.push(botPid);
    expect(typeof botPid).toBe('number');
    expect(botPid).not.toBe(bot.child.pid);
    expect(alive(botPid)).toBe(true);
    await bot.signal('SIGTERM');
    expect(await untilGone(botPid), `the bot (pid ${botPid}) still runs after npm was stopped`).toBe(true);
    expect(bot.lines.map((line) => line.msg)).toContain('shutting down');
  });

  it('SIGTERM to bin/condor-xyk.js: the bin is the bot, it stops cleanly and exits 0', async () => {
    const { env } = await telegramEnv();
    const bot = startBotProcess(env, { args: ['bin/condor-xyk.js', 'start'] });
    running.push(bot);
    const [schedulerLine] = await started(bot);
    expect(schedulerLine.pid).toBe(bot.child.pid);
    const { code } = await bot.signal('SIGTERM');
    expect(code).toBe(0);
    expect(bot.lines.map((line) => line.msg)).toContain('shutting down');
  });
});

describe('start with nothing to run', CHILD, () => {
  it('no token and no terminal: one line saying what is missing, exit 2', async () => {
    const dir = tempDir('condor-nothing-');
    const result = await runMain(['start'], {
      env: { DATABASE_PATH: path.join(dir, 'condor.db'), MARKET_DATA: 'demo' },
    });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no DISCORD_TOKEN or TELEGRAM_BOT_TOKEN is set and there is no terminal/);
    expect(lines[0]).toContain('HEADLESS=true');
  });

  it('HEADLESS=true: the scheduler runs alone, the health endpoint says so, SIGTERM exits 0', async () => {
    const dir = tempDir('condor-headless-');
    const healthPort = await freePort();
    const bot = startBotProcess({
      DATABASE_PATH: path.join(dir, 'condor.db'),
      HEADLESS: 'true',
      HEALTH_PORT: String(healthPort),
    });
    running.push(bot);
    await bot.waitForLog((line) => line.msg === 'scheduler started', 'the scheduler');
    const report = await untilHealth(healthPort, (body) => body.scheduler.lastTick !== null);
    expect(report).toMatchObject({ healthy: true, mode: 'headless', platforms: {} });
    const { code } = await bot.signal('SIGTERM');
    expect(code).toBe(0);
  });
});
