// Graceful shutdown (issue 9): `npm start` with a Telegram token runs the bot and the scheduler;
// SIGTERM (and SIGINT) stop the schedule, let sends finish, stop the bot, close the database and
// exit 0. The bot talks to a loopback Bot API fake; nothing leaves the machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramFake, type TelegramFake } from '../support/telegram-fake.ts';
import { TOKEN } from '../support/telegram-harness.ts';

const root = path.resolve(import.meta.dirname, '../..');
let fake: TelegramFake | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function startAndStop(signal: 'SIGTERM' | 'SIGINT') {
  fake = await startTelegramFake();
  const dir = mkdtempSync(path.join(tmpdir(), 'condor-shutdown-'));
  const database = path.join(dir, 'condor.db');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      CONDOR_XYK_TEST: '1',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_PATH: database,
      MARKET_DATA: 'demo',
      LOG_LEVEL: 'info',
      DISCORD_TOKEN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('scheduler started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
  });
  await started;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  const code = await exited;
  return { code, stderr, database, dir };
}

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: stops the bot and the scheduler, closes the database, exits 0`, async () => {
      const { code, stderr, database, dir } = await startAndStop(signal);
      expect(code).toBe(0);
      const lines = stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string });
      const messages = lines.map((line) => line.msg);
      expect(messages).toContain('Telegram bot started');
      expect(messages.indexOf('shutting down')).toBeGreaterThan(messages.indexOf('scheduler started'));
      // Closed cleanly: the write-ahead log was checkpointed away and the file opens without recovery.
      expect(existsSync(`${database}-wal`)).toBe(false);
      const db = new Database(database, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      expect(existsSync(path.join(dir, 'heartbeat'))).toBe(true);
    });
  }
});
