// A child process for the crash-safety test (test/hardening/crash-safety.test.ts): it opens a
// database file with the real store (createStore: WAL, foreign keys, migrations) and writes
// positions in a loop through the real repositories — add, close, adopt hedge layers, each in its
// own transaction — until it is killed. It prints "ready" once it starts writing, then one line per
// committed write ("+ id", "x id", "h id layer"), so the parent can check that what was reported
// committed survived the SIGKILL. Standard output is a pipe: on Linux those writes are synchronous.
//
//   node --import tsx test/support/hardening-writer.ts <database file>
import type { EntrySnapshot } from '../../src/engine/index.ts';
import type { StoredPosition } from '../../src/app/ports.ts';
import { createStore } from '../../src/store/index.ts';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: hardening-writer.ts <database file>\n');
  process.exit(2);
}

const store = createStore({ path: file });
const users = await Promise.all(
  ['alice', 'bob', 'carol'].map(async (name) =>
    store.forUser(await store.users.resolve('console', `crash-${name}`, name)),
  ),
);

const entry = (openedMs: number, credit: number): EntrySnapshot => ({
  openedMs,
  openedDate: '2026-11-23',
  spot: 6000,
  legVols: { longPut: 0.21, shortPut: 0.19, shortCall: 0.14, longCall: 0.13 },
  legVolSources: { longPut: 'vix-proxy', shortPut: 'vix-proxy', shortCall: 'vix-proxy', longCall: 'vix-proxy' },
  atmVol: 0.16,
  vix: 16.4,
  credit,
  years: 45 / 365,
  rate: 0.04,
  dividendYield: 0.013,
  cushion: 300,
  baselineK: credit * 300,
  modelMark: credit * 0.98,
  calibration: 1.02,
  expectedMove: 6000 * 0.16 * Math.sqrt(45 / 365),
  shortPutMoves: 1.1,
  shortCallMoves: 1.0,
});

const say = (line: string) => process.stdout.write(`${line}\n`);
let now = Date.UTC(2026, 10, 23, 15, 0, 0);

function add(user: (typeof users)[number]): Promise<StoredPosition> {
  const credit = 5 + Math.round(Math.random() * 1500) / 100;
  now += 1000;
  return user.positions.add({
    underlying: 'SPX',
    strikes: { longPut: 5600, shortPut: 5650, shortCall: 6350, longCall: 6400 },
    expiry: '2027-01-08',
    settlement: 'PM',
    settlementMs: Date.UTC(2027, 0, 8, 21, 0, 0),
    quantity: 1 + Math.floor(Math.random() * 5),
    credit,
    note: Math.random() < 0.5 ? null : `crash test ${now}`,
    openedMs: now,
    entry: entry(now, credit),
    entrySource: 'demo',
  });
}

say('ready');
for (;;) {
  const user = users[Math.floor(Math.random() * users.length)]!;
  const open = await user.positions.list('open');
  const roll = Math.random();
  if (!open.length || roll < 0.4) {
    say(`+ ${(await add(user)).id}`);
  } else if (roll < 0.7) {
    const position = open[Math.floor(Math.random() * open.length)]!;
    const debit = Math.round(Math.random() * 2000) / 100;
    now += 1000;
    await user.positions.close(position.id, {
      debit,
      closedMs: now,
      realizedPl: (position.credit - debit) * 100 * position.quantity,
    });
    say(`x ${position.id}`);
  } else {
    const position = open[Math.floor(Math.random() * open.length)]!;
    const layer = position.hedgeLayers.length + 1;
    if (layer > 5) continue;
    now += 1000;
    await user.positions.addHedgeLayer(position.id, {
      layer,
      vixExpiry: '2026-12-16',
      longStrike: 20 + layer,
      shortStrike: 30 + layer,
      debit: 0.8,
      contracts: layer,
      adoptedMs: now,
    });
    say(`h ${position.id} ${layer}`);
  }
  // Keep the working set small so every kind of write keeps happening (read again: the step above
  // may have closed one).
  const stillOpen = await user.positions.list('open');
  if (stillOpen.length > 40) {
    const position = stillOpen[0]!;
    await user.positions.close(position.id, {
      debit: 0,
      closedMs: ++now,
      realizedPl: position.credit * 100 * position.quantity,
    });
    say(`x ${position.id}`);
  }
}
