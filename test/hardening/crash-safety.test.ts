// Hardening: crash safety. A child process (test/support/hardening-writer.ts) writes positions in
// a loop through the real store — add, close, adopt hedge layers, each a transaction — and is
// killed with SIGKILL a random time after it says it started writing. After every kill the file is
// reopened with better-sqlite3: integrity_check is ok, foreign keys hold, the migrations are intact,
// no position lacks its 'opened' event, no event or hedge layer lacks its position, closed positions
// have their 'closed' event and close fields, and every write the child reported committed is there.
// The next child opens the same file, so recovery after a kill is exercised as well.
//
// Size: 10 kills by default; HARDENING_FULL=1 kills 100 times. See docs/hardening.md.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import { readMigrations } from '../../src/store/migrate.ts';
import { createStore } from '../../src/store/index.ts';
import { REPO_ROOT, tempDir } from '../support/app.ts';
import { bySize } from '../support/hardening-fuzz.ts';

const KILLS = bySize(10, 100);
/** Upper bound of the random delay between "ready" and SIGKILL. */
const MAX_DELAY_MS = 120;
const WRITER = path.join(REPO_ROOT, 'test', 'support', 'hardening-writer.ts');

interface Killed {
  /** The writes the child reported committed before it died. */
  reported: string[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the writer on `file`, kills it `delayMs` after "ready", and returns what it reported. */
function writeAndKill(file: string, delayMs: number): Promise<Killed> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const wasReady = stdout.startsWith('ready\n');
    stdout += chunk;
    if (!wasReady && stdout.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (!stdout.startsWith('ready\n')) {
        reject(new Error(`the writer died before it was ready (${signal ?? _code}): ${stderr}`));
        return;
      }
      // A line cut by the kill is not a report.
      const lines = stdout.split('\n');
      resolve({ reported: lines.slice(1, -1), signal, stderr });
    });
  });
}

/** Everything that must hold in the file after a kill (empty: sound). */
function problemsIn(file: string, reported: string[], schema: string): string[] {
  const db = new BetterSqlite3(file);
  try {
    const problems: string[] = [];
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const foreign = db.pragma('foreign_key_check') as unknown[];
    if (foreign.length) problems.push(`foreign_key_check: ${JSON.stringify(foreign)}`);
    const version = db.pragma('user_version', { simple: true });
    if (version !== readMigrations().length)
      problems.push(`user_version ${String(version)}, expected ${readMigrations().length}`);
    if (schemaOf(db) !== schema) problems.push('the schema differs from a freshly migrated database');
    const count = (label: string, sql: string) => {
      const found = db.prepare(sql).pluck().get() as number;
      if (found) problems.push(`${found} ${label}`);
    };
    count(
      "positions without their 'opened' event",
      `SELECT count(*) FROM positions p
      WHERE (SELECT count(*) FROM position_events e WHERE e.position_id = p.id AND e.kind = 'opened') <> 1`,
    );
    count(
      'events without their position',
      'SELECT count(*) FROM position_events e WHERE NOT EXISTS (SELECT 1 FROM positions p WHERE p.id = e.position_id)',
    );
    count(
      'hedge layers without their position',
      'SELECT count(*) FROM hedge_layers h WHERE NOT EXISTS (SELECT 1 FROM positions p WHERE p.id = h.position_id)',
    );
    count(
      "closed positions without their 'closed' event or close fields",
      `SELECT count(*) FROM positions p
      WHERE p.status = 'closed' AND (p.closed_ms IS NULL OR p.close_debit IS NULL OR p.realized_pl IS NULL
      OR (SELECT count(*) FROM position_events e WHERE e.position_id = p.id AND e.kind = 'closed') <> 1)`,
    );
    count(
      "open positions with close fields or a 'closed' event",
      `SELECT count(*) FROM positions p
      WHERE p.status = 'open' AND (p.closed_ms IS NOT NULL OR p.close_debit IS NOT NULL OR p.realized_pl IS NOT NULL
      OR EXISTS (SELECT 1 FROM position_events e WHERE e.position_id = p.id AND e.kind = 'closed'))`,
    );
    count(
      "positions whose hedge layers and 'hedged' events differ",
      `SELECT count(*) FROM positions p WHERE (SELECT count(*) FROM hedge_layers h WHERE h.position_id = p.id)
      <> (SELECT count(*) FROM position_events e WHERE e.position_id = p.id AND e.kind = 'hedged')`,
    );
    const status = db.prepare('SELECT status FROM positions WHERE id = ?').pluck();
    const layer = db.prepare('SELECT count(*) FROM hedge_layers WHERE position_id = ? AND layer = ?').pluck();
    for (const line of reported) {
      const [kind, id, n] = line.split(' ');
      if (kind === '+' && status.get(id) === undefined) problems.push(`reported added, missing: ${id}`);
      if (kind === 'x' && status.get(id) !== 'closed') problems.push(`reported closed, not closed: ${id}`);
      if (kind === 'h' && layer.get(id, Number(n)) !== 1) problems.push(`reported hedge layer ${n}, missing: ${id}`);
    }
    return problems;
  } finally {
    db.close();
  }
}

function schemaOf(db: BetterSqlite3.Database): string {
  return JSON.stringify(
    db
      .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
      .all(),
  );
}

it(
  `${KILLS} SIGKILLs at random points of position writes leave a sound database`,
  async () => {
    const dir = tempDir('condor-crash-');
    const fresh = createStore({ path: path.join(dir, 'reference.db') });
    const schema = schemaOf(fresh.db);
    await fresh.close();
    const file = path.join(dir, 'crash.db');
    let reports = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      // Now and then at once, otherwise anywhere in the first MAX_DELAY_MS of writing.
      const delay = kill % 5 === 0 ? 0 : randomInt(MAX_DELAY_MS + 1);
      const result = await writeAndKill(file, delay);
      expect(result.signal, `kill ${kill}: ${result.stderr}`).toBe('SIGKILL');
      expect(problemsIn(file, result.reported, schema), `kill ${kill} after ${delay} ms`).toEqual([]);
      reports += result.reported.length;
    }
    const db = new BetterSqlite3(file, { readonly: true });
    const counts = db
      .prepare(
        `SELECT (SELECT count(*) FROM positions) AS positions,
          (SELECT count(*) FROM positions WHERE status = 'closed') AS closed,
          (SELECT count(*) FROM hedge_layers) AS layers, (SELECT count(*) FROM position_events) AS events`,
      )
      .get() as Record<string, number>;
    db.close();
    console.log(
      `[hardening] crash safety: ${KILLS} kills, ${reports} reported writes all found; ` +
        `${counts.positions} positions (${counts.closed} closed), ${counts.layers} hedge layers, ` +
        `${counts.events} events; 0 problems`,
    );
    // The children did write, across the kills: each of add, close and adopt happened.
    expect(counts.positions).toBeGreaterThan(KILLS);
    expect(counts.closed).toBeGreaterThan(0);
    expect(counts.layers).toBeGreaterThan(0);
  },
  bySize(120_000, 1_200_000),
);

it('the checks see a partial write, an orphan, a half-closed position and a lost commit', async () => {
  const dir = tempDir('condor-crash-');
  const fresh = createStore({ path: path.join(dir, 'reference.db') });
  const schema = schemaOf(fresh.db);
  await fresh.close();
  const file = path.join(dir, 'broken.db');
  const store = createStore({ path: file });
  const userId = await store.users.resolve('console', 'broken', 'broken');
  const db = store.db;
  const insert =
    db.prepare(`INSERT INTO positions (id, user_id, underlying, long_put, short_put, short_call, long_call, expiry,
      settlement, settlement_ms, quantity, credit, status, opened_ms, closed_ms, entry_json, entry_source)
    VALUES (?, ?, 'SPX', 5600, 5650, 6350, 6400, '2027-01-08', 'PM', 0, 1, 10, ?, 0, ?, '{}', 'demo')`);
  const event = db.prepare('INSERT INTO position_events (position_id, kind, at_ms) VALUES (?, ?, 0)');
  expect(problemsIn(file, [], schema)).toEqual([]);
  insert.run('noopen', userId, 'open', null); // a position without its 'opened' event
  insert.run('halfcl', userId, 'closed', 1); // closed, without close fields or 'closed' event
  event.run('halfcl', 'opened');
  db.pragma('foreign_keys = OFF');
  event.run('orphan', 'opened'); // an event without its position
  await store.close();
  const problems = problemsIn(file, ['+ lostid'], schema);
  expect(problems).toEqual([
    'foreign_key_check: [{"table":"position_events","rowid":2,"parent":"positions","fkid":0}]',
    "1 positions without their 'opened' event",
    '1 events without their position',
    "1 closed positions without their 'closed' event or close fields",
    'reported added, missing: lostid',
  ]);
});
