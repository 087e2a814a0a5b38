// `data sync` against the loopback CBOE (and FRED): files saved under fixed names, each download
// checked before it replaces a file atomically, a bad download never replacing a good file.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FRED_SP500_FILE,
  HISTORY_FILES,
  SPX_HISTORY_FILE,
  VIX3M_HISTORY_FILE,
  VIX_HISTORY_FILE,
  VVIX_HISTORY_FILE,
  dataSyncCli,
  syncHistory,
  writeFileAtomic,
} from '../../../src/market/sync.ts';
import {
  cboeCloseCsv,
  cboeOhlcCsv,
  fredCsv,
  HTML_CHALLENGE,
  recordingLogger,
  type Bar,
} from '../../support/cboe-fixtures.ts';
import { tempDir } from '../../support/cleanup.ts';
import { fredPath, historyPath, startCboeServer, type CboeServer } from '../../support/cboe-server.ts';

const days = (count: number, base: number): Bar[] =>
  Array.from({ length: count }, (_, i) => ({
    date: `2026-10-${String(i + 1).padStart(2, '0')}`,
    close: base + i / 10,
  }));

const BODIES = {
  VIX: cboeOhlcCsv(days(20, 15)),
  VIX3M: cboeOhlcCsv(days(20, 17)),
  VVIX: cboeCloseCsv('VVIX', days(20, 90)),
  SPX: cboeCloseCsv('SPX', days(20, 5800)),
  FRED_SP500: fredCsv('SP500', [...days(20, 5800), { date: '2026-10-21', close: null }]),
};

let server: CboeServer;
let dir: string;
let sleeps: number[];

const routes = () => ({
  [historyPath('VIX_History.csv')]: BODIES.VIX,
  [historyPath('VIX3M_History.csv')]: BODIES.VIX3M,
  [historyPath('VVIX_History.csv')]: BODIES.VVIX,
  [historyPath('SPX_History.csv')]: BODIES.SPX,
  [fredPath('SP500')]: BODIES.FRED_SP500,
});

beforeEach(async () => {
  server = await startCboeServer(routes());
  dir = tempDir('condor-sync-');
  sleeps = [];
});
afterEach(async () => {
  await server.close();
});

const sync = () =>
  syncHistory({ dir, cboeBaseUrl: server.url, fredBaseUrl: server.url, sleep: async (ms) => void sleeps.push(ms) });
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const tempFiles = () => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

function cli(args: string[] = ['sync']) {
  const lines: string[] = [];
  const config = { CBOE_BASE_URL: server.url, MARKET_DATA_DIR: dir };
  return dataSyncCli(args, {
    config,
    logger: recordingLogger(),
    out: (line) => lines.push(line),
    fredBaseUrl: server.url,
    sleep: async () => {},
  }).then((code) => ({ code, lines }));
}

describe('data sync', () => {
  it('exports the fixed file names', () => {
    expect(HISTORY_FILES).toEqual({
      VIX: 'VIX_History.csv',
      VIX3M: 'VIX3M_History.csv',
      VVIX: 'VVIX_History.csv',
      SPX: 'SPX_History.csv',
      FRED_SP500: 'fred_SP500.csv',
    });
    expect([VIX_HISTORY_FILE, VIX3M_HISTORY_FILE, VVIX_HISTORY_FILE, SPX_HISTORY_FILE, FRED_SP500_FILE]).toEqual(
      Object.values(HISTORY_FILES),
    );
  });

  it('downloads every series into MARKET_DATA_DIR as served, prints rows and range, exits 0', async () => {
    const { code, lines } = await cli();
    expect(code).toBe(0);
    for (const key of Object.keys(BODIES) as Array<keyof typeof BODIES>)
      expect(read(HISTORY_FILES[key])).toBe(BODIES[key]);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`VIX (CBOE)        20 rows 2026-10-01..2026-10-20 → ${path.join(dir, 'VIX_History.csv')}`);
    expect(lines[4]).toMatch(/^SPX \(FRED SP500\) {2}20 rows 2026-10-01\.\.2026-10-20 → /);
    expect(lines[5]).toBe(`History saved in ${dir}.`);
    expect(tempFiles()).toEqual([]);
    for (const p of ['VIX_History.csv', 'VIX3M_History.csv', 'VVIX_History.csv', 'SPX_History.csv'])
      expect(server.count(historyPath(p))).toBe(1);
    expect(server.count(fredPath('SP500'))).toBe(1);
  });

  it('creates the folder when it does not exist', async () => {
    const nested = path.join(dir, 'a', 'b');
    const report = await syncHistory({
      dir: nested,
      cboeBaseUrl: server.url,
      fredBaseUrl: server.url,
      sleep: async () => {},
    });
    expect(report.ok).toBe(true);
    expect(existsSync(path.join(nested, 'VIX_History.csv'))).toBe(true);
  });

  it('retries a 500 and then saves', async () => {
    server.script(historyPath('VIX_History.csv'), { status: 500 });
    const report = await sync();
    expect(report.ok).toBe(true);
    expect(server.count(historyPath('VIX_History.csv'))).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  const badDownloads: Array<[string, { status?: number; body?: string; contentType?: string }, RegExp]> = [
    ['an HTML challenge page with 200', { body: HTML_CHALLENGE, contentType: 'text/csv' }, /^HTML challenge page /],
    ['a 404', { status: 404, body: 'Not Found' }, /^HTTP 404/],
    ['a CSV with a wrong header', { body: 'foo,bar\n1,2\n' }, /unrecognised header/],
    [
      'a file of the wrong series (values out of range)',
      { body: cboeCloseCsv('SPX', days(20, 5800)) },
      /outside 5\.\.150: not a VIX file/,
    ],
    [
      'a truncated file (far fewer rows)',
      { body: cboeOhlcCsv([...days(20, 15).slice(0, 3), { date: '2026-10-21', close: 15 }]) },
      /4 rows, far fewer than the existing file's 20/,
    ],
    [
      'an older file',
      { body: cboeOhlcCsv(days(20, 15).slice(0, 19)) },
      /ends 2026-10-19, before the existing file \(2026-10-20\)/,
    ],
  ];
  for (const [what, answer, error] of badDownloads) {
    it(`${what} never replaces the good file; VIX is required, so exit 1`, async () => {
      expect((await cli()).code).toBe(0);
      server.serve(historyPath('VIX_History.csv'), answer);
      const { code, lines } = await cli();
      expect(code).toBe(1);
      expect(read('VIX_History.csv')).toBe(BODIES.VIX);
      const line = lines.find((l) => l.startsWith('VIX (CBOE)'))!;
      expect(line).toContain('FAILED: ');
      expect(line.replace(/^VIX \(CBOE\)\s+FAILED: /, '')).toMatch(error);
      expect(line).toContain('(kept the existing file, 20 rows to 2026-10-20)');
      expect(lines.at(-1)).toBe('Required history missing: VIX.');
      expect(tempFiles()).toEqual([]);
    });
  }

  it('a failed optional series (VIX3M, VVIX) is reported but the sync succeeds', async () => {
    server.serve(historyPath('VVIX_History.csv'), { status: 404 });
    server.serve(historyPath('VIX3M_History.csv'), { body: HTML_CHALLENGE });
    const { code, lines } = await cli();
    expect(code).toBe(0);
    expect(lines.find((l) => l.startsWith('VVIX'))).toMatch(
      /FAILED \(optional\): HTTP 404 Not Found \(no file saved\) ← http:\/\/127\.0\.0\.1:\d+\/api\/global\/us_indices\/daily_prices\/VVIX_History\.csv$/,
    );
    expect(existsSync(path.join(dir, 'VVIX_History.csv'))).toBe(false);
  });

  it('SPX needs one of its two sources: CBOE failing alone is fine, both failing is exit 1', async () => {
    server.serve(historyPath('SPX_History.csv'), { status: 403, body: 'Forbidden' });
    expect((await cli()).code).toBe(0);
    server.serve(fredPath('SP500'), { status: 500 });
    const { code, lines } = await cli();
    expect(code).toBe(1);
    expect(lines.at(-1)).toBe('Required history missing: SPX (CBOE and FRED both failed).');
  });

  it('accepts what follows `data` with or without the word, and refuses anything else (exit 2)', async () => {
    expect((await cli(['data', 'sync'])).code).toBe(0);
    const bad = await cli(['pull']);
    expect(bad.code).toBe(2);
    expect(bad.lines[0]).toMatch(/^Usage: npm run cli -- data sync/);
  });

  it('a folder that cannot be created is one line and exit 1', async () => {
    writeFileSync(path.join(dir, 'blocker'), 'a file');
    const lines: string[] = [];
    const code = await dataSyncCli(['sync'], {
      config: { CBOE_BASE_URL: server.url, MARKET_DATA_DIR: path.join(dir, 'blocker', 'market') },
      logger: recordingLogger(),
      out: (line) => lines.push(line),
    });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^data sync failed: /);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file in one step and leaves no temp file', async () => {
    const file = path.join(dir, 'x.csv');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(tempFiles()).toEqual([]);
  });

  it('leaves the old file and no temp file when the rename fails', async () => {
    const target = path.join(dir, 'taken');
    mkdirSync(path.join(target, 'inside'), { recursive: true }); // a non-empty folder cannot be renamed over
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(readdirSync(target)).toEqual(['inside']);
    expect(tempFiles()).toEqual([]);
  });
});
