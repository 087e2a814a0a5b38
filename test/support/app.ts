// Builders for the command-layer tests: a real AppDeps (buildApp) on a temp SQLite file with the
// demo market and a fixed, movable clock; identities for two users on three platforms; a logger
// that keeps what it was told; and row counts for "nothing was written" checks.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup, tempDir } from './cleanup.ts';
import type { AnyCommand } from '../../src/app/command.ts';
import { runFor, runLine, type AppDeps, type Identity } from '../../src/app/context.ts';
import type { Chat, Clock, Logger, Platform } from '../../src/app/ports.ts';
import { createRegistry } from '../../src/app/registry.ts';
import type { Reply } from '../../src/app/reply.ts';
import type { Services } from '../../src/app/services.ts';
import { buildApp, type App } from '../../src/compose.ts';
import { createConfig } from '../../src/config.ts';
import { createLogger, silentLogger } from '../../src/logging.ts';
import { commands, type CommandData } from '../../commands/index.ts';
import type { PositionListRow } from '../../commands/position-list.ts';
import { PROGRAM_NOW } from './bot-process.ts';

/** 2026-11-23 15:00 UTC = 10:00 New York: a Monday, a trading day, after the open. */
export const MONDAY_10_NY = Date.UTC(2026, 10, 23, 15, 0, 0);
export const TODAY = '2026-11-23';
/** Thanksgiving 2026 (NYSE closed) and the Saturday after it. */
export const HOLIDAY = '2026-11-26';
/** Where a spawned program's clock starts (bot-process.ts): MONDAY_10_NY, so its "today" is TODAY. */
export { PROGRAM_NOW };
export const SATURDAY = '2026-11-28';

export { onCleanup, tempDir } from './cleanup.ts';

export interface MovableClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function fixedClock(startMs = MONDAY_10_NY): MovableClock {
  let now = startMs;
  return { now: () => now, set: (ms) => (now = ms), advance: (ms) => (now += ms) };
}

// ------------------------------------------------------------------ identities

export type Who = 'alice' | 'bob';

const privateChat = (platform: Platform, id: string): Chat => ({
  platform,
  id,
  kind: 'private',
  callerCanManage: true,
});

/** A person's identity on a platform, in a private chat (Telegram's private chat id is the user id). */
export function identity(who: Who, platform: Platform, chat?: Partial<Chat>): Identity {
  const platformUserId =
    platform === 'console' || platform === 'cli'
      ? `local-${who}`
      : platform === 'discord'
        ? who === 'alice'
          ? '111111111111111111'
          : '222222222222222222'
        : who === 'alice'
          ? '7001'
          : '7002';
  const defaultChat =
    platform === 'discord' ? privateChat('discord', `dm-${platformUserId}`) : privateChat(platform, platformUserId);
  return {
    platform,
    platformUserId,
    displayName: who === 'alice' ? 'Alice' : 'Bob',
    chat: { ...defaultChat, platform, ...chat },
  };
}

export const ALICE = {
  console: identity('alice', 'console'),
  discord: identity('alice', 'discord'),
  telegram: identity('alice', 'telegram'),
};
export const BOB = {
  console: identity('bob', 'console'),
  discord: identity('bob', 'discord'),
  telegram: identity('bob', 'telegram'),
};

/** The same person in a Discord server channel (callerCanManage as given). */
export function inDiscordChannel(base: Identity, callerCanManage: boolean): Identity {
  return {
    ...base,
    chat: {
      platform: 'discord',
      id: '333333333333333333',
      kind: 'channel',
      guildId: '444444444444444444',
      title: 'condors',
      callerCanManage,
    },
  };
}

/** The same person in a Telegram group (callerCanManage: chat administrator). */
export function inTelegramGroup(base: Identity, callerCanManage: boolean): Identity {
  return {
    ...base,
    chat: { platform: 'telegram', id: '-1001234567890', kind: 'group', title: 'condor traders', callerCanManage },
  };
}

// ------------------------------------------------------------------ logging

export { capturingLogger, type LogEntry } from './logger.ts';

/** The real pino logger (createLogger), writing its JSON lines into an array. */
export function pinoCapture(level = 'info', secrets: string[] = []): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level, secrets, write: (line) => lines.push(line) }), lines };
}

// ------------------------------------------------------------------ the app

export interface TestApp {
  app: App;
  deps: AppDeps;
  dir: string;
  dbPath: string;
  clock: MovableClock;
  /** Runs a typed line as that identity and returns the reply. */
  run(line: string, who?: Identity): Promise<Reply>;
  /** Runs a command by name with a raw (Discord-typed) option record. */
  runFor(name: string, raw: Record<string, unknown>, who?: Identity): Promise<Reply>;
  /** Adds a position and returns its id (fails the test when refused). */
  addPosition(line?: string, who?: Identity): Promise<string>;
  /** Row counts of every table. */
  rowCounts(): Record<string, number>;
  /** All rows of a table, ordered, for "unchanged" checks. */
  rows(table: string): unknown[];
}

export interface TestAppOptions {
  logger?: Logger;
  clock?: MovableClock;
  services?: Services;
  env?: Record<string, string>;
  /** Extra commands beside the real ones (error-boundary tests). */
  extraCommands?: AnyCommand[];
}

export const ADD_LINE = '/position add 5615 5665 6335 6385 45 credit=14.2';

export function makeApp(options: TestAppOptions = {}): TestApp {
  const dir = tempDir();
  const dbPath = path.join(dir, 'data', 'condor-xyk.db');
  // The fixed clock puts every command in one minute: the per-user budget of chain-priced
  // evaluations (CHAIN_EVALUATIONS_PER_MINUTE) is raised unless a test asks for its own.
  const result = createConfig({
    DATABASE_PATH: dbPath,
    MARKET_DATA: 'demo',
    CHARTS_DIR: path.join(dir, 'charts'),
    CHAIN_EVALUATIONS_PER_MINUTE: '1000',
    ...options.env,
  });
  if (!result.ok) throw new Error(`test configuration: ${result.error}`);
  const clock = options.clock ?? fixedClock();
  const app = buildApp(result.config, options.logger ?? silentLogger, {
    clock,
    ...(options.services ? { services: options.services } : {}),
  });
  onCleanup(() => app.close());
  const deps: AppDeps = options.extraCommands
    ? { ...app.deps, registry: createRegistry([...commands, ...options.extraCommands]) }
    : app.deps;
  const db = app.store.db;
  const tables = () =>
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
  const run = async (line: string, who: Identity = ALICE.console) => (await runLine(deps, who, line)).reply;
  return {
    app,
    deps,
    dir,
    dbPath,
    clock,
    run,
    runFor: (name, raw, who = ALICE.console) => runFor(deps, who, name, raw),
    async addPosition(line = ADD_LINE, who = ALICE.console) {
      const reply = await run(line, who);
      if (reply.error) throw new Error(`position add refused: ${reply.lines?.join(' ')}`);
      return dataOf(reply, 'position add').position.id;
    },
    rowCounts() {
      return Object.fromEntries(
        tables().map((table) => [table, db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number]),
      );
    },
    rows(table) {
      return db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).all();
    },
  };
}

// ------------------------------------------------------------------ reading replies

/** All the text a user sees of a reply (title, lines, fields, table, footer). */
export function replyText(reply: Reply): string {
  return [
    reply.title,
    ...(reply.lines ?? []),
    ...(reply.fields ?? []).map((f) => `${f.label}: ${f.value}`),
    ...(reply.table
      ? [reply.table.columns.map((c) => c.label).join(' | '), ...reply.table.rows.map((r) => r.join(' | '))]
      : []),
    ...(reply.footer ?? []),
  ].join('\n');
}

/** The one line of an error reply (throws if it is not an error reply with exactly one line). */
export function errorLine(reply: Reply): string {
  if (!reply.error) throw new Error(`expected an error reply, got "${reply.title}": ${reply.lines?.join(' / ')}`);
  if (reply.lines?.length !== 1)
    throw new Error(`expected one line, got ${reply.lines?.length}: ${JSON.stringify(reply.lines)}`);
  return reply.lines[0]!;
}

/**
 * The data of a command's reply, typed by the command's own definition (commands/index.ts,
 * CommandData): a test names the command instead of writing the shape it expects.
 */
export function dataOf<Name extends keyof CommandData>(reply: Reply, command: Name): CommandData[Name];
/** The same, for a command that answers in several shapes: the one that has `key` (else the test fails). */
export function dataOf<Name extends keyof CommandData, Key extends KeyOfAny<CommandData[Name]>>(
  reply: Reply,
  command: Name,
  key: Key,
): Extract<CommandData[Name], Record<Key, unknown>>;
export function dataOf(reply: Reply, command: keyof CommandData, key?: string): unknown {
  if (reply.error) throw new Error(`expected a result of /${command}, got an error: ${reply.lines?.join(' ')}`);
  const data = reply.data;
  if (data === undefined) throw new Error(`expected /${command} to answer with data, got "${reply.title}"`);
  if (key !== undefined && !(typeof data === 'object' && data !== null && key in data))
    throw new Error(`expected /${command} to answer with ${key}, got ${Object.keys(data as object).join(', ')}`);
  return data;
}

/** A /position list row's id, whichever shape the row has. */
export const listedId = (row: PositionListRow): string => ('id' in row ? row.id : row.position.id);
/** A /position list row's action (undefined for a row shown without a valuation, e.g. a closed one). */
export const listedAction = (row: PositionListRow): string | undefined => ('action' in row ? row.action : undefined);

/** Every key of any member of a union. */
type KeyOfAny<T> = T extends object ? keyof T : never;

// ------------------------------------------------------------------ child processes

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs `node --import tsx src/main.ts ...args` (or `node ...entry ...args`) from the repository root with a clean
 * environment (no platform tokens, no LOG_LEVEL from outside) plus `env`, feeds `input` to standard input and
 * closes it. Killed after timeoutMs; never sleeps.
 */
export function runMain(
  args: string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number; entry?: string[] } = {},
): Promise<ChildResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(DISCORD_|TELEGRAM_|LOG_LEVEL|DATABASE_|MARKET_DATA|CHARTS_DIR|SUMMARY_|CONDOR_XYK_NOW$)/.test(key),
    ),
  );
  const child = spawn(process.execPath, [...(options.entry ?? ['--import', 'tsx', 'src/main.ts']), ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, CONDOR_XYK_TEST: '1', CONDOR_XYK_NOW: PROGRAM_NOW, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  child.stdin.on('error', () => {}); // a child that exits early closes its end
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}
