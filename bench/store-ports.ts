// The store through its (asynchronous) ports, as commands and the scheduler use it: 10,000
// positions.add over 100 users, list() of every user, and a 300-row daily fan-out through the
// delivery ledger (ensureAll, then two processes' ledgers racing to claim and mark each row sent).
// On SQLite every call runs synchronously inside and `await` adds a microtask: this bench shows
// what that costs. Prints figures; asserts nothing about time (the exactly-once count is checked).
// Run: npm run bench -- store-ports
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DeliveryLedger } from '../src/app/ports.ts';
import { createStore, type SqliteStore } from '../src/store/index.ts';
import { benchPosition, makeTempDir } from './support/fixture.ts';

const USERS = 100;
const POSITIONS = 10_000;
const SUBSCRIPTIONS = 300;
const ROUNDS = 5;
const DAY = '2026-11-23';

const ledgerOf = (store: SqliteStore, owner: string): DeliveryLedger => store.ledger(owner);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function round(dir: string, index: number) {
  const store = createStore({ path: path.join(dir, `bench-${index}.db`) });
  try {
    const users = [];
    for (let u = 0; u < USERS; u++) users.push(store.forUser(await store.users.resolve('telegram', `u${u}`, `U${u}`)));

    let start = performance.now();
    for (let i = 0; i < POSITIONS; i++) await users[i % USERS]!.positions.add(benchPosition(i));
    const addMs = performance.now() - start;

    start = performance.now();
    let listed = 0;
    for (const user of users) listed += (await user.positions.list('open')).length;
    const listMs = performance.now() - start;
    if (listed !== POSITIONS) throw new Error(`listed ${listed} of ${POSITIONS}`);

    for (let s = 0; s < SUBSCRIPTIONS; s++) {
      await store.subscriptions.upsert({
        kind: 'personal',
        platform: 'telegram',
        chatId: `chat-${s}`,
        userId: users[s % USERS]!.userId,
        time: '09:45',
        nowMs: 0,
      });
    }
    const subscriptions = await store.subscriptions.active();
    const keys = subscriptions.map((s) => ({ subscriptionId: s.id, tradingDay: DAY, kind: 'morning' as const }));
    const a = ledgerOf(store, 'worker-a');
    const b = ledgerOf(store, 'worker-b');
    start = performance.now();
    await a.ensureAll(keys);
    // Two workers take turns at each row, as two processes' planners would race for it.
    let claimed = 0;
    for (const key of keys) {
      for (const ledger of [a, b]) {
        if (await ledger.claim(key.subscriptionId, key.tradingDay, key.kind, 1)) {
          await ledger.markSent(key, 'm', 2);
          claimed++;
        }
      }
    }
    const fanOutMs = performance.now() - start;
    const counts = await a.counts(DAY);
    if (claimed !== SUBSCRIPTIONS || counts.sent !== SUBSCRIPTIONS)
      throw new Error(`claimed ${claimed}, sent ${counts.sent} of ${SUBSCRIPTIONS}`);
    return { addMs, listMs, fanOutMs };
  } finally {
    await store.close();
  }
}

const dir = makeTempDir('condor-bench-ports-');
try {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(dir, i));
  const add = median(rounds.map((r) => r.addMs));
  const list = median(rounds.map((r) => r.listMs));
  const fanOut = median(rounds.map((r) => r.fanOutMs));
  console.log(`SQLite store through the ports, median of ${ROUNDS} rounds on a fresh file each:`);
  console.log(
    `positions.add × ${POSITIONS} (${USERS} users)`.padEnd(52),
    `${add.toFixed(0)} ms  (${((POSITIONS / add) * 1000).toFixed(0)} adds/s)`,
  );
  console.log(`positions.list('open') × ${USERS} users (${POSITIONS} rows)`.padEnd(52), `${list.toFixed(1)} ms`);
  console.log(
    `ledger fan-out: ensureAll + claim×2 + markSent × ${SUBSCRIPTIONS}`.padEnd(52),
    `${fanOut.toFixed(1)} ms  (each row sent exactly once)`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
