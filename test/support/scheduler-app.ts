// Builders for the scheduler tests, the crash child and the fan-out benchmark: a real AppDeps
// (buildApp) on a SQLite file with the demo market and an injected clock; subscriptions in bulk;
// planner options with a virtual clock (the pacer's waits and the planner's sleeps advance it
// instead of sleeping); and an in-memory ChatSender that records what each chat received and
// answers from a script. No vitest import here: the child process uses it too.
import path from 'node:path';
import type { AppDeps } from '../../src/app/context.ts';
import type { Clock, DeliveryLedger, Logger, MarketPort, Platform, Subscription } from '../../src/app/ports.ts';
import type { Reply } from '../../src/app/reply.ts';
import { buildApp, openApp, type AnyApp, type App } from '../../src/compose.ts';
import { createConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logging.ts';
import { createPacer, type Pacer, type PacerClock } from '../../src/scheduler/pacer.ts';
import type { PlannerOptions } from '../../src/scheduler/planner.ts';
import {
  telegramBuckets,
  telegramPacing,
  discordBuckets,
  discordPacing,
  type ChatSender,
  type SendOutcome,
  type SendTarget,
} from '../../src/scheduler/senders.ts';

/** 2026-11-23, a Monday and a normal trading day. */
export const MONDAY = '2026-11-23';
/** New York is on EST (UTC-5) from 2026-11-01. */
export const ny = (date: string, time: string) => Date.parse(`${date}T${time}:00-05:00`);
/** Summer time (EDT, UTC-4), 2026-03-08 .. 2026-11-01. */
export const nySummer = (date: string, time: string) => Date.parse(`${date}T${time}:00-04:00`);

export interface MovableClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function movableClock(startMs: number): MovableClock {
  let now = startMs;
  return { now: () => now, set: (ms) => (now = ms), advance: (ms) => (now += ms) };
}

/** A logger port that keeps its entries (children share them): the one in app.ts. */
export { capturingLogger as recordingLogger, type LogEntry } from './logger.ts';

export interface SchedulerApp<A extends AnyApp = App> {
  app: A;
  deps: AppDeps;
  dbPath: string;
  clock: Clock;
  close(): Promise<void>;
}

/** buildApp on a SQLite file with MARKET_DATA=demo and the given clock. */
export function openSchedulerApp(options: {
  dbPath: string;
  clock: Clock;
  logger?: Logger;
  env?: Record<string, string>;
}): SchedulerApp {
  const result = createConfig({
    DATABASE_PATH: options.dbPath,
    MARKET_DATA: 'demo',
    CHARTS_DIR: path.join(path.dirname(options.dbPath), 'charts'),
    ...options.env,
  });
  if (!result.ok) throw new Error(`test configuration: ${result.error}`);
  const app = buildApp(result.config, options.logger ?? silentLogger, { clock: options.clock });
  return { app, deps: app.deps, dbPath: options.dbPath, clock: options.clock, close: () => app.close() };
}

/**
 * openSchedulerApp, or (databaseUrl set) the same app on PostgreSQL through openApp, as a worker
 * started with DATABASE_URL would run; dbPath then only places the charts folder.
 */
export async function openSchedulerAppOn(options: {
  dbPath: string;
  databaseUrl?: string;
  clock: Clock;
}): Promise<SchedulerApp<AnyApp>> {
  if (!options.databaseUrl) return openSchedulerApp(options);
  const result = createConfig({
    DATABASE_URL: options.databaseUrl,
    MARKET_DATA: 'demo',
    CHARTS_DIR: path.join(path.dirname(options.dbPath), 'charts'),
  });
  if (!result.ok) throw new Error(`test configuration: ${result.error}`);
  const app = await openApp(result.config, silentLogger, { clock: options.clock });
  return { app, deps: app.deps, dbPath: options.dbPath, clock: options.clock, close: () => app.close() };
}

// ------------------------------------------------------------------ subscriptions

/** A private-chat personal subscription for a new user (Telegram: chat id = user id). */
export async function subscribePersonal(
  deps: AppDeps,
  platform: Platform,
  chatId: string,
  time = '09:45',
  nowMs = 0,
): Promise<Subscription> {
  const userId = await deps.store.users.resolve(platform, chatId, `user ${chatId}`);
  return deps.store.subscriptions.upsert({ kind: 'personal', platform, chatId, userId, time, nowMs });
}

export function subscribeChannel(
  deps: AppDeps,
  platform: Platform,
  chatId: string,
  time = '09:45',
  nowMs = 0,
): Promise<Subscription> {
  return deps.store.subscriptions.upsert({ kind: 'channel', platform, chatId, userId: null, time, nowMs });
}

/**
 * n personal Telegram subscriptions on distinct private chats, ids from firstId up, in one
 * transaction (SQLite: one commit instead of 2n; the store's own transactions nest as savepoints).
 */
export async function subscribeMany(
  target: SchedulerApp,
  platform: Platform,
  n: number,
  options: { firstId?: number; time?: string; kind?: 'personal' | 'channel' } = {},
): Promise<Subscription[]> {
  const first = options.firstId ?? 100_000;
  const out: Subscription[] = [];
  const { deps } = target;
  const { db } = target.app.store;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (let i = 0; i < n; i++) {
      const chatId = options.kind === 'channel' ? `-100${first + i}` : String(first + i);
      out.push(
        options.kind === 'channel'
          ? await subscribeChannel(deps, platform, chatId, options.time)
          : await subscribePersonal(deps, platform, chatId, options.time),
      );
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  return out;
}

// ------------------------------------------------------------------ virtual time

/**
 * Virtual time, as a discrete-event queue: sleep(ms) queues a wake-up at now + ms; once the
 * process has nothing else to do (setImmediate), the earliest wake-up is taken, the clock moves to
 * it and that sleeper resumes — so concurrent waits overlap as real ones do, in order, without
 * sleeping. The app clock, the pacer clock and the planner's sleep all read it, so one run of the
 * planner sees one consistent time.
 */
export interface VirtualTime {
  clock: MovableClock;
  pacerClock: PacerClock;
  sleep(ms: number): Promise<void>;
  /** Every wait asked of sleep() (the planner's retry waits), in order. */
  sleeps: number[];
  /** Every wait the pacer asked for. */
  pacerWaits: number[];
}

export function virtualTime(startMs: number): VirtualTime {
  let now = startMs;
  let seq = 0;
  const sleeps: number[] = [];
  const pacerWaits: number[] = [];
  const queue: { at: number; seq: number; wake: () => void }[] = [];
  let draining = false;
  const drain = () => {
    draining = false;
    if (!queue.length) return;
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const first = queue.shift()!;
    if (first.at > now) now = first.at;
    first.wake();
    schedule();
  };
  const schedule = () => {
    if (draining || !queue.length) return;
    draining = true;
    setImmediate(drain);
  };
  const wait = (ms: number) =>
    new Promise<void>((wake) => {
      queue.push({ at: now + Math.max(0, ms), seq: seq++, wake });
      schedule();
    });
  const clock: MovableClock = { now: () => now, set: (ms) => (now = ms), advance: (ms) => (now += ms) };
  return {
    clock,
    sleeps,
    pacerWaits,
    sleep(ms) {
      sleeps.push(ms);
      return wait(ms);
    },
    pacerClock: {
      now: () => now,
      sleep(ms) {
        pacerWaits.push(ms);
        return wait(ms);
      },
    },
  };
}

// ------------------------------------------------------------------ an in-memory chat platform

export interface Sent {
  chatId: string;
  kind: SendTarget['kind'];
  nonce: string;
  reply: Reply;
  atMs: number;
}

export type Script = (call: {
  target: SendTarget;
  nonce: string;
  attempt: number;
  discussion: boolean;
}) => SendOutcome | null;

export interface MemorySender extends ChatSender {
  sent: Sent[];
  discussions: Sent[];
  /** Calls per chat (every attempt, including refused ones). */
  attempts: Map<string, number>;
  byChat(): Map<string, number>;
  script: Script | null;
}

/**
 * A ChatSender that delivers into arrays. `script` may answer a call with a failure instead
 * (return null to deliver). An idempotent sender (Discord-like) returns the first message for a
 * nonce it has seen instead of delivering again.
 */
export function memorySender(
  options: {
    platform?: Platform;
    idempotent?: boolean;
    perSecond?: number;
    now?: () => number;
    script?: Script;
    discussions?: boolean;
  } = {},
): MemorySender {
  const platform = options.platform ?? 'telegram';
  const now = options.now ?? (() => 0);
  const sent: Sent[] = [];
  const discussions: Sent[] = [];
  const attempts = new Map<string, number>();
  const byNonce = new Map<string, string>();
  let nextId = 1;
  const sender: MemorySender = {
    platform,
    idempotent: options.idempotent ?? platform === 'discord',
    buckets:
      platform === 'discord' ? discordBuckets(options.perSecond ?? 50) : telegramBuckets(options.perSecond ?? 30),
    pacing: platform === 'discord' ? discordPacing(options.perSecond ?? 50) : telegramPacing(options.perSecond ?? 30),
    sent,
    discussions,
    attempts,
    script: options.script ?? null,
    byChat() {
      const counts = new Map<string, number>();
      for (const s of sent) counts.set(s.chatId, (counts.get(s.chatId) ?? 0) + 1);
      return counts;
    },
    async send(target, reply, nonce) {
      await Promise.resolve();
      const attempt = (attempts.get(target.chatId) ?? 0) + 1;
      attempts.set(target.chatId, attempt);
      const scripted = sender.script?.({ target, nonce, attempt, discussion: false });
      if (scripted) return scripted;
      if (sender.idempotent && byNonce.has(`${target.chatId}/${nonce}`))
        return { ok: true, messageId: byNonce.get(`${target.chatId}/${nonce}`)! };
      const messageId = String(nextId++);
      if (sender.idempotent) byNonce.set(`${target.chatId}/${nonce}`, messageId);
      sent.push({ chatId: target.chatId, kind: target.kind, nonce, reply, atMs: now() });
      return { ok: true, messageId };
    },
  };
  if (options.discussions !== false) {
    sender.openDiscussion = async (target, reply) => {
      await Promise.resolve();
      const scripted = sender.script?.({ target, nonce: '', attempt: 1, discussion: true });
      if (scripted) return scripted;
      discussions.push({ chatId: target.chatId, kind: target.kind, nonce: '', reply, atMs: now() });
      return { ok: true, messageId: `d${nextId++}` };
    };
  }
  return sender;
}

// ------------------------------------------------------------------ planner options

export interface PlannerSetup {
  options: PlannerOptions;
  ledger: DeliveryLedger;
  pacer: Pacer;
}

export function plannerFor(
  target: SchedulerApp<AnyApp>,
  senders: ChatSender[],
  extra: Partial<PlannerOptions> & { time?: VirtualTime; owner?: string } = {},
): PlannerSetup {
  const { time, owner, ...rest } = extra;
  const { deps } = target;
  const ledger = target.app.store.ledger(owner);
  const pacer = createPacer(time?.pacerClock);
  const options: PlannerOptions = {
    deps,
    ledger,
    pacer,
    senders: new Map(senders.map((s) => [s.platform, s])),
    timeZone: deps.defaults.summaryTimeZone,
    reviewTime: null,
    catchUpMs: 2 * 3_600_000,
    sleep: time ? time.sleep : (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: () => 0.5,
    ...rest,
  };
  return { options, ledger, pacer };
}

// ------------------------------------------------------------------ a market of given numbers

export interface FixedMarketValues {
  spx: number;
  spxPrevious: number;
  vix: number;
  vixPrevious: number;
  vix3m: number;
  /** VIX closes before today, oldest first (the last is the previous close). */
  history: number[];
}

/** A MarketPort answering the given numbers (source 'test', not demo), stamped with the clock's now. */
export function fixedMarket(values: FixedMarketValues, clock: Clock): MarketPort {
  return {
    snapshot: async () => {
      const nowMs = clock.now();
      const quote = (value: number, previousClose: number | null) => ({
        value,
        asOfMs: nowMs,
        source: 'test',
        previousClose,
      });
      return {
        spot: quote(values.spx, values.spxPrevious),
        vix: quote(values.vix, values.vixPrevious),
        vix3m: quote(values.vix3m, null),
        vvix: quote(95, null),
        vixHistory: values.history,
        chain: null,
        demo: false,
        stale: false,
        asOfMs: nowMs,
        notes: [],
        rate: 0.04,
        dividendYield: 0.013,
      };
    },
  };
}

/** A year of VIX closes between low and high (a smooth wave), ending at `last`. */
export function vixHistory(low: number, high: number, last: number, count = 252): number[] {
  const closes = Array.from(
    { length: count - 1 },
    (_, i) => Math.round((low + (high - low) * (0.5 + 0.5 * Math.sin(i / 7))) * 100) / 100,
  );
  return [...closes, last];
}
