// Store work per second on SQLite and on PostgreSQL, through the same repository calls: positions
// add / list / close (what /position add, list and close do in the store) and a 300-row fan-out of
// the delivery ledger (ensureAll, then each row claimed), by one worker and by two racing workers.
// PostgreSQL runs on a server this bench starts itself (initdb in a temp folder, fsync off as in the
// tests: a durable server's commits cost an fsync more); skipped with a line when none is installed.
// Prints figures; asserts nothing about time. Run: npm run bench -- store-engines
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore } from '../src/store/index.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { findPostgresBin, POSTGRES_MISSING, startPostgres } from '../test/support/postgres-server.ts';
import type { Store } from '../src/app/ports.ts';
import { benchHedgeLayer, benchPosition, makeTempDir } from './support/fixture.ts';

const ADDS = 400;
const LISTS = 400;
const LIST_SIZE = 200;
const FANOUT = 300;
const DAY = '2026-11-23';

const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;

async function timed(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await run(i);
  return performance.now() - start;
}

async function measure(label: string, open: () => Promise<Store>): Promise<void> {
  const store = await open();
  const second = await open();
  try {
    const positions = store.forUser(await store.users.resolve('discord', 'bench', 'Bench')).positions;
    const addMs = await timed(ADDS, (i) => positions.add(benchPosition(i)));
    const ids = (await positions.list()).map((p) => p.id);
    for (const id of ids.slice(0, LIST_SIZE / 2)) await positions.addHedgeLayer(id, benchHedgeLayer);
    const trader = store.forUser(await store.users.resolve('discord', 'lister', 'Lister')).positions;
    for (let i = 0; i < LIST_SIZE; i++) await trader.add(benchPosition(i));
    const listMs = await timed(LISTS, () => trader.list('open'));
    const closeMs = await timed(ids.length, (i) =>
      positions.close(ids[i]!, { debit: 3.1, closedMs: 10_000 + i, realizedPl: 1110 }),
    );

    const keys: { subscriptionId: number; tradingDay: string; kind: 'morning' }[] = [];
    for (let i = 0; i < FANOUT; i++) {
      const sub = await store.subscriptions.upsert({
        kind: 'channel',
        platform: 'telegram',
        chatId: `${-1000 - i}`,
        userId: null,
        time: '09:45',
        nowMs: 1,
      });
      keys.push({ subscriptionId: sub.id, tradingDay: DAY, kind: 'morning' as const });
    }
    const one = store.ledger('bench-1');
    const start = performance.now();
    await one.ensureAll(keys);
    const ensureMs = performance.now() - start;
    const claimMs = await timed(FANOUT, (i) => one.claim(keys[i]!.subscriptionId, DAY, 'morning', 1));
    // Two workers (two stores) racing over the review rows of the same 300 subscriptions.
    const review = keys.map((key) => ({ ...key, kind: 'review' as const }));
    const workers = [store.ledger('worker-1'), second.ledger('worker-2')];
    const raceStart = performance.now();
    await Promise.all(workers.map((ledger) => ledger.ensureAll(review)));
    const won = await Promise.all(
      workers.map(async (ledger, w) => {
        let mine = 0;
        for (const key of w === 0 ? review : [...review].reverse()) {
          if (await ledger.claim(key.subscriptionId, DAY, 'review', 1)) mine++;
        }
        return mine;
      }),
    );
    const raceMs = performance.now() - raceStart;

    // A label padded to one column, its rate, then the detail.
    const line = (what: string, perSecond: string, detail: string) =>
      console.log(`  ${what.padEnd(41)}${perSecond.padStart(9)}  (${detail})`);
    console.log(`\n${label}`);
    line('positions.add (with its opened event)', rate(ADDS, addMs), `${ADDS} in ${addMs.toFixed(0)} ms`);
    line(
      `positions.list('open'), ${LIST_SIZE} positions`,
      rate(LISTS, listMs),
      `${(listMs / LISTS).toFixed(2)} ms each`,
    );
    line(
      'positions.close (with its closed event)',
      rate(ids.length, closeMs),
      `${ids.length} in ${closeMs.toFixed(0)} ms`,
    );
    console.log(
      `  ledger: ensureAll ${FANOUT} rows ${ensureMs.toFixed(1)} ms, ` +
        `then ${FANOUT} claims ${claimMs.toFixed(0)} ms (${rate(FANOUT, claimMs)})`,
    );
    console.log(
      `  ledger: two workers racing over ${FANOUT} rows: ${raceMs.toFixed(0)} ms, ` +
        `claimed ${won[0]} + ${won[1]} = ${won[0]! + won[1]!}`,
    );
  } finally {
    await second.close();
    await store.close();
  }
}

const dir = makeTempDir('condor-bench-engines-');
try {
  const file = path.join(dir, 'bench.db');
  await measure('SQLite (one file, WAL, synchronous=NORMAL)', async () => createStore({ path: file }));
  if (!findPostgresBin()) {
    console.log(`\nPostgreSQL: skipped. ${POSTGRES_MISSING}`);
  } else {
    const server = await startPostgres();
    try {
      const url = await server.createDatabase('bench');
      await measure('PostgreSQL 127.0.0.1 (local server, pool of 10, fsync off)', () => createPostgresStore({ url }));
    } finally {
      server.stop();
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
