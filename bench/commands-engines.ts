// Whole commands per second on one process, on SQLite and on PostgreSQL: the same lines through
// runLine (words parser, schema, store, demo market, engine, reply), so the figure is what a user
// would feel, not the store alone. Three mixes: `/position add` (a write with its opened event),
// `/position list` (reads, then the trading-time clock and the engine on each position), `/settings`
// (one read), run one at a time and then 8 at a time (a busy bot: several users' commands waiting on
// the store at once). The adds are spread over 8 users, so each list holds 25 positions in the first
// round and 50 in the second (printed with the figure), all on one 45-DTE expiry, on the default
// policy (cndr: HOLD). bench/position-list.ts times one list of 200 positions 10-120 days out, under
// the cp policy, whose rules propose rolls and hedges: its p50 in ms over 200 is the cost of one
// position there; here a list costs about 25 or 50 times that, plus the command's own (the market
// snapshot, the settings, the store read).
// PostgreSQL runs on a server this bench starts itself (fsync off, as in the tests); skipped with a
// line when none is installed. Prints figures; asserts nothing about time.
// Run: npm run bench -- commands-engines
import { rmSync } from 'node:fs';
import { makeTempDir } from '../test/support/temp-dir.ts';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runLine, type Identity } from '../src/app/context.ts';
import type { Logger } from '../src/app/ports.ts';
import { openApp, type AnyApp } from '../src/compose.ts';
import { createConfig } from '../src/config.ts';
import { findPostgresBin, POSTGRES_MISSING, startPostgres } from '../test/support/postgres-server.ts';

const COMMANDS = 200;
const CONCURRENCY = 8;
// 2026-11-23 10:00 New York, a Monday: the demo market is the same on every run.
const clock = { now: () => Date.UTC(2026, 10, 23, 15) };
const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (object) => console.error('bench: command failed', object),
  child: () => quiet,
};

const identity = (n: number): Identity => ({
  platform: 'console',
  platformUserId: `bench-${n}`,
  displayName: `bench ${n}`,
  chat: { platform: 'console', id: 'console', kind: 'private', callerCanManage: true },
});

const addLine = (i: number) => {
  const put = 5600 + (i % 20) * 5;
  const call = 6300 + (i % 20) * 5;
  return `/position add ${put - 50} ${put} ${call} ${call + 50} 45 credit=${(10 + (i % 9) * 0.5).toFixed(2)}`;
};

async function rate(app: AnyApp, line: (i: number) => string, concurrency: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < COMMANDS) {
      const i = next++;
      const { reply } = await runLine(app.deps, identity(i % CONCURRENCY), line(i));
      if (reply.error) throw new Error(`${line(i)}: ${reply.title} ${reply.lines?.join(' ')}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return COMMANDS / ((performance.now() - start) / 1000);
}

async function measure(label: string, env: Record<string, string>, dir: string): Promise<void> {
  const config = createConfig({
    DATABASE_PATH: path.join(dir, `${label}.db`),
    MARKET_DATA: 'demo',
    CHARTS_DIR: dir,
    CHAIN_EVALUATIONS_PER_MINUTE: '1000',
    ...env,
  });
  if (!config.ok) throw new Error(config.error);
  const app = await openApp(config.config, quiet, { clock });
  try {
    // Warm the market, the engine and the connections once.
    await runLine(app.deps, identity(0), '/settings');
    const rows: string[] = [];
    let added = 0;
    for (const concurrency of [1, CONCURRENCY]) {
      const add = await rate(app, addLine, concurrency);
      added += COMMANDS;
      // Every bench user now holds added / CONCURRENCY positions: list reads them and values each.
      const list = await rate(app, () => '/position list', concurrency);
      const settings = await rate(app, () => '/settings', concurrency);
      rows.push(
        `  ${concurrency} at a time: /position add ${add.toFixed(0)}/s, ` +
          `/position list of ${added / CONCURRENCY} ${list.toFixed(0)}/s, /settings ${settings.toFixed(0)}/s`,
      );
    }
    console.log(`${label} (${COMMANDS} commands per figure)\n${rows.join('\n')}`);
  } finally {
    await app.store.close();
  }
}

const dir = makeTempDir('condor-bench-commands-');
try {
  await measure('SQLite', {}, dir);
  if (!findPostgresBin()) {
    console.log(`PostgreSQL skipped: ${POSTGRES_MISSING}`);
  } else {
    const server = await startPostgres();
    try {
      await measure('PostgreSQL', { DATABASE_URL: await server.createDatabase('bench') }, dir);
    } finally {
      server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
