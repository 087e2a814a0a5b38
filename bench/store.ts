// Store part of /position list: list() for a user with 200 positions (half with hedge layers),
// among other users' rows, on a real file in WAL mode. Prints figures; asserts nothing about time.
// Run: npx tsx bench/store.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EntrySnapshot } from '../src/engine/index.ts';
import type { NewPosition } from '../src/app/ports.ts';
import { createStore } from '../src/store/index.ts';

const POSITIONS = 200;
const OTHER_USERS = 50;
const WARMUP = 200;
const RUNS = 2000;

const entry: EntrySnapshot = {
  openedMs: 1_767_623_400_000,
  openedDate: '2026-01-05',
  spot: 5987.123456789012,
  legVols: {
    longPut: 0.2345678901234567,
    shortPut: 0.1987654321098765,
    shortCall: 0.1234567890123456,
    longCall: 0.1111111111111111,
  },
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

const position = (i: number): NewPosition => ({
  underlying: 'SPX',
  strikes: { longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 },
  expiry: '2027-01-08',
  settlement: 'PM',
  settlementMs: 1_799_442_000_000,
  quantity: 1 + (i % 5),
  credit: 14.2,
  note: i % 3 ? null : `fill ${i}`,
  openedMs: 1_767_623_400_000 + i * 60_000,
  entry,
  entrySource: 'cboe',
});

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'condor-bench-'));
const store = createStore({ path: path.join(dir, 'bench.db') });
try {
  for (let u = 0; u < OTHER_USERS; u++) {
    const other = store.forUser(await store.users.resolve('discord', `other-${u}`, `Other ${u}`)).positions;
    for (let i = 0; i < 20; i++) await other.add(position(i));
  }
  const trader = store.forUser(await store.users.resolve('discord', 'trader', 'Trader')).positions;
  for (let i = 0; i < POSITIONS; i++) {
    const { id } = await trader.add(position(i));
    if (i % 2 === 0) {
      await trader.addHedgeLayer(id, {
        layer: 1,
        vixExpiry: '2026-02-18',
        longStrike: 25,
        shortStrike: 35,
        debit: 0.85,
        contracts: 3,
        adoptedMs: 1,
      });
    }
    if (i % 4 === 0) await trader.close(id, { debit: 3.1, closedMs: 2, realizedPl: 1110 });
  }

  // The ports are async (a microtask per call on SQLite): the time includes the await.
  const measure = async (label: string, run: () => Promise<unknown>) => {
    for (let i = 0; i < WARMUP; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const figures = [50, 99, 100].map((p) => `p${p} ${percentile(times, p).toFixed(3)} ms`).join('  ');
    console.log(`${label.padEnd(34)} ${figures}  (${RUNS} runs)`);
  };

  console.log(`store.forUser(id).positions.list(): ${POSITIONS} positions of one user, ${OTHER_USERS * 20} of others`);
  await measure(`list('all') → ${(await trader.list('all')).length} positions`, () => trader.list('all'));
  await measure(`list('open') → ${(await trader.list('open')).length} positions`, () => trader.list('open'));
  await measure("forUser + list('open')", async () =>
    store.forUser(await store.users.resolve('discord', 'trader', 'Trader')).positions.list('open'),
  );
  const one = (await trader.list())[0]!.id;
  await measure('get(id)', () => trader.get(one));
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
