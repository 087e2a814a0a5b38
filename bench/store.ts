// Store part of /position list: list() for a user with 200 positions (half with hedge layers),
// among other users' rows, on a real file in WAL mode. Prints figures; asserts nothing about time.
// Run: npx tsx bench/store.ts
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore } from '../src/store/index.ts';
import { benchHedgeLayer, benchPosition, makeTempDir } from './support/fixture.ts';

const POSITIONS = 200;
const OTHER_USERS = 50;
const WARMUP = 200;
const RUNS = 2000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const dir = makeTempDir('condor-bench-');
const store = createStore({ path: path.join(dir, 'bench.db') });
try {
  for (let u = 0; u < OTHER_USERS; u++) {
    const other = store.forUser(await store.users.resolve('discord', `other-${u}`, `Other ${u}`)).positions;
    for (let i = 0; i < 20; i++) await other.add(benchPosition(i));
  }
  const trader = store.forUser(await store.users.resolve('discord', 'trader', 'Trader')).positions;
  for (let i = 0; i < POSITIONS; i++) {
    const { id } = await trader.add(benchPosition(i));
    if (i % 2 === 0) {
      await trader.addHedgeLayer(id, benchHedgeLayer);
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
