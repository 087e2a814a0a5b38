// The command line as scripts use it (docs/self-hosting.md and README "Try it"): `run` with --json and --user,
// `backup`, and the exit codes 0 / 2 with one line on stderr. Each test runs the real program.
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/app/reply.ts';
import { demoClose } from '../../src/market/demo.ts';
import { runMain, tempDir, TODAY } from '../support/app.ts';

function setup() {
  const dir = tempDir('condor-cli-');
  const env = {
    MARKET_DATA: 'demo',
    DATABASE_PATH: path.join(dir, 'data', 'condor.db'),
    CHARTS_DIR: path.join(dir, 'charts'),
  };
  return {
    dir,
    env,
    run: (args: string[], extraEnv: Record<string, string> = {}) => runMain(args, { env: { ...env, ...extraEnv } }),
  };
}

const stderrLines = (stderr: string) => stderr.split('\n').filter((line) => line !== '');

// Each test starts the program one to three times (tsx start about 1-4 s on a busy machine).
const CHILD = { timeout: 120_000 };

describe('cli run', CHILD, () => {
  it('run "/market" --json prints the structured reply with the engine\'s numbers in data', async () => {
    const { run } = setup();
    const result = await run(['run', '/market', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const reply = JSON.parse(result.stdout) as Reply & {
      data: {
        snapshot: { spot: { value: number }; vix: { value: number }; demo: boolean };
        regime: { threshold: number; regime: string; percentile: number };
      };
    };
    // The program's clock starts at PROGRAM_NOW (CONDOR_XYK_NOW): Monday TODAY, 10:00 New York.
    const close = demoClose(TODAY);
    expect(reply.title).toBe(`Market · ${TODAY}`);
    expect(reply.visibility).toBe('channel');
    expect(reply.data.snapshot.spot.value).toBe(close.spx);
    expect(reply.data.snapshot.vix.value).toBe(close.vix);
    expect(reply.data.snapshot.demo).toBe(true);
    expect(reply.data.regime.threshold).toBeGreaterThan(0.1);
    expect(typeof reply.data.regime.regime).toBe('string');
    expect(reply.footer).toContain('DEMO DATA: synthetic market, not real prices.');
  });

  it('run with bad input exits 2 with one line on stderr and nothing on stdout', async () => {
    const { run } = setup();
    const result = await run(['run', '/condor eval 1 2 3']);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      'Option long_call is required (e.g. long_call=6385). Usage: /condor eval 5615 5665 6335 6385 45',
    ]);
    expect(result.stdout).toBe('');
  });

  it('--json with bad input: exit 2, the line on stderr and the error reply as JSON', async () => {
    const { run } = setup();
    const result = await run(['run', 'position close k3m9tq 1', '--json']);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toEqual(['No position k3m9tq in your positions; see /position list.']);
    expect((JSON.parse(result.stdout) as Reply).error).toEqual({ kind: 'user', identifier: 'position-not-found' });
  });

  it('a position added with run is listed for the same user, and not for --user someone-else', async () => {
    const { run } = setup();
    const added = await run(['run', '/position add 5615 5665 6335 6385 45 credit=14.2', '--json']);
    expect(added.code).toBe(0);
    const id = (JSON.parse(added.stdout) as { data: { position: { id: string; credit: number } } }).data.position.id;
    const mine = await run(['run', '/position list', '--json']);
    expect(
      (JSON.parse(mine.stdout) as { data: { positions: { id: string }[] } }).data.positions.map((p) => p.id),
    ).toEqual([id]);
    const theirs = await run(['run', '/position list', '--user', 'someone-else']);
    expect(theirs.code).toBe(0);
    expect(theirs.stdout).toContain('No open positions');
    expect(theirs.stdout).not.toContain(id);
  });

  it('run as text saves the chart under CHARTS_DIR and prints its path', async () => {
    const { run, env } = setup();
    const result = await run(['run', '/condor eval 5615 5665 6335 6385 45 credit=14.2']);
    expect(result.code).toBe(0);
    const png = /Attachment: (\S+\.png)/.exec(result.stdout)?.[1];
    expect(png?.startsWith(env.CHARTS_DIR)).toBe(true);
    expect(result.stdout).toContain('Max profit             $1,420');
  });
});

describe('cli usage errors: exit 2 with one line on stderr', CHILD, () => {
  it('run without a command', async () => {
    const { run } = setup();
    const result = await run(['run']);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      'run takes one chat command in quotes, e.g. run "/condor eval 5615 5665 6335 6385 45"',
    ]);
  });

  it('run with an unknown flag', async () => {
    const { run } = setup();
    const result = await run(['run', '/market', '--frob']);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('--frob');
  });

  it('an unknown CLI command exits 2 and names it first', async () => {
    const { run } = setup();
    const result = await run(['frobnicate']);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)[0]).toMatch(/^Unknown command frobnicate: /);
    expect(result.stdout).toBe('');
  });

  // The CLI's contract: exit 2 "with one line on stderr".
  it('an unknown CLI command prints exactly one line on stderr', async () => {
    const { run } = setup();
    const result = await run(['frobnicate']);
    expect(stderrLines(result.stderr)).toHaveLength(1);
  });

  it('a malformed environment value stops with one line naming it', async () => {
    const { run } = setup();
    const summary = await run(['run', '/market'], { SUMMARY_TIME: '25:99' });
    expect(summary.code).toBe(2);
    expect(stderrLines(summary.stderr)).toEqual(['Configuration: SUMMARY_TIME must be a time HH:MM, e.g. 09:45']);
    expect(summary.stdout).toBe('');
    const market = await run(['start'], { MARKET_DATA: 'yahoo' });
    expect(market.code).toBe(2);
    expect(stderrLines(market.stderr)).toEqual(['Configuration: MARKET_DATA must be cboe, file or demo']);
  });

  it('--help prints the usage and exits 0', async () => {
    const { run } = setup();
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run cli -- <command>/);
    expect(result.stdout).toContain('backup FILE');
  });
});

describe('cli backup', CHILD, () => {
  it('backup FILE writes a valid SQLite file with the data in it', async () => {
    const { run, dir } = setup();
    const added = await run(['run', '/position add 5615 5665 6335 6385 45 credit=14.2 note=backed', '--json']);
    const id = (JSON.parse(added.stdout) as { data: { position: { id: string } } }).data.position.id;
    const target = path.join(dir, 'backup.db');
    const result = await run(['backup', target]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`to ${target}`);
    const copy = new BetterSqlite3(target, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
      expect(copy.prepare('SELECT id, note FROM positions').all()).toEqual([{ id, note: 'backed' }]);
    } finally {
      copy.close();
    }
  });

  it('backup onto the live database exits 2 with one line, and the database keeps its data', async () => {
    const { run, env } = setup();
    await run(['run', '/position add 5615 5665 6335 6385 45 credit=14.2 note=live', '--json']);
    const result = await run(['backup', env.DATABASE_PATH]);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      `backup refused: ${env.DATABASE_PATH} is the live database; choose another file, e.g. backup ./backups/condor.db`,
    ]);
    const db = new BetterSqlite3(env.DATABASE_PATH, { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare('SELECT note FROM positions').pluck().all()).toEqual(['live']);
    } finally {
      db.close();
    }
  });

  it('backup without a file exits 2 with one line', async () => {
    const { run } = setup();
    const result = await run(['backup']);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toEqual(['backup takes the destination file, e.g. backup ./backups/condor.db']);
  });
});

describe('cli run --at', CHILD, () => {
  it('values as of the given instant: 10:00 New York on an expiry day leaves 360 of 390 session minutes', async () => {
    const { run } = setup();
    const result = await run([
      'run',
      '/condor eval 5900 5950 6050 6100 2026-11-23 credit=20 spot=6000 vix=16',
      '--json',
      '--at',
      '2026-11-23T10:00:00-05:00',
    ]);
    expect(result.code).toBe(0);
    const reply = JSON.parse(result.stdout) as Reply & {
      data: { evaluation: { varianceYears: number; discountYears: number; dte: number } };
    };
    expect(reply.data.evaluation.dte).toBe(0);
    expect(reply.data.evaluation.varianceYears).toBeCloseTo(360 / 390 / 252, 15);
    expect(reply.data.evaluation.discountYears).toBeCloseTo(6 / (365 * 24), 15);
  });

  it('an instant without its offset is refused with one line and exit 2', async () => {
    const { run } = setup();
    const result = await run(['run', '/market', '--at', '2026-11-23T10:00:00']);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      '--at takes an ISO instant with its UTC offset, e.g. --at 2026-12-03T10:00:00-05:00; got "2026-11-23T10:00:00"',
    ]);
    expect(result.stdout).toBe('');
  });
});
