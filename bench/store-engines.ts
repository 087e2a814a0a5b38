// Store work per second on SQLite and on PostgreSQL, through the same repository calls: positions
// add / list / close (what /position add, list and close do in the store) and a 300-row fan-out of
// the delivery ledger (ensureAll, then each row claimed), by one worker and by two racing workers.
// PostgreSQL runs on a server this bench starts itself (initdb in a temp folder, fsync off as in the
// tests: a durable server's commits cost an fsync more); skipped with a line when none is installed.
// Prints figures; asserts nothing about time. Run: npm run bench -- store-engines
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore } from '../src/store/index.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { findPostgresBin, POSTGRES_MISSING, startPostgres } from '../test/support/postgres-server.ts';
import type { EntrySnapshot } from '../src/engine/index.ts';
import type { NewPosition, Store } from '../src/app/ports.ts';

const ADDS = 400;
const LISTS = 400;
const LIST_SIZE = 200;
const FANOUT = 300;
const DAY = '2026-11-23';

const entry: EntrySnapshot = {
  openedMs: 1_767_623_400_000,
  openedDate: '2026-01-05',
  spot: 5987.123456789012,
  legVols: { longPut: 0.2345678901234567, shortPut: 0.19876543210987, shortCall: 0.123456789012, longCall: 0.11 },
  legVolSources: { longPut: 'chain', shortPut: 'chain', shortCall: 'chain', longCall: 'chain' },
  atmVol: 0.1499999999999999,
  vix: 16.73,
  credit: 14.2,
  years: 0.0958904109589041,
  rate: 0.0425,
  dividendYield: 0.013,
  cushion: 31.4,
  baselineK: 445.88,
  modelMark: 13.987654321,
  calibration: 1.0151,
  expectedMove: 175.3,
  shortPutMoves: 1.8,
  shortCallMoves: 2.1,
};

const newPosition = (openedMs: number): NewPosition => ({
  underlying: 'SPX',
  strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
  expiry: '2027-01-08',
  settlement: 'PM',
  settlementMs: 1_799_442_000_000,
  quantity: 2,
  credit: 14.2,
  note: null,
  openedMs,
  entry,
  entrySource: 'cboe',
});

const hedge = {
  layer: 1,
  vixExpiry: '2026-02-18',
  longStrike: 25,
  shortStrike: 35,
  debit: 0.85,
  contracts: 3,
  adoptedMs: 1,
};

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
    const addMs = await timed(ADDS, (i) => positions.add(newPosition(i)));
    const ids = (await positions.list()).map((p) => p.id);
    for (const id of ids.slice(0, LIST_SIZE / 2)) await positions.addHedgeLayer(id, hedge);
    const trader = store.forUser(await store.users.resolve('discord', 'lister', 'Lister')).positions;
    for (let i = 0; i < LIST_SIZE; i++) await trader.add(newPosition(i));
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

    console.log(`\n${label}`);
    console.log(
      `  positions.add (with its opened event)   ${rate(ADDS, addMs).padStart(9)}  (${ADDS} in ${addMs.toFixed(0)} ms)`,
    );
    console.log(
      `  positions.list('open'), ${LIST_SIZE} positions  ${rate(LISTS, listMs).padStart(9)}  (${(listMs / LISTS).toFixed(2)} ms each)`,
    );
    console.log(
      `  positions.close (with its closed event)  ${rate(ids.length, closeMs).padStart(9)}  (${ids.length} in ${closeMs.toFixed(0)} ms)`,
    );
    console.log(
      `  ledger: ensureAll ${FANOUT} rows ${ensureMs.toFixed(1)} ms, then ${FANOUT} claims ${claimMs.toFixed(0)} ms (${rate(FANOUT, claimMs)})`,
    );
    console.log(
      `  ledger: two workers racing over ${FANOUT} rows: ${raceMs.toFixed(0)} ms, claimed ${won[0]} + ${won[1]} = ${won[0]! + won[1]!}`,
    );
  } finally {
    await second.close();
    await store.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'condor-bench-engines-'));
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
