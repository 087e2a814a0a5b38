// The production build (`npm run build`, what the Docker image runs): the esbuild bundle answers as the sources do.
// The build goes to a temp folder laid out like the package (bin/, dist/, node_modules), and the package's own
// command runs it, so a module that reads a file beside itself (migrations, the events calendar) or a chunk that
// went missing fails here rather than in an image.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runMain, tempDir } from '../support/app.ts';

// Building takes well under a second; each program start is a second or two on a busy machine.
const CHILD = { timeout: 120_000 };

/** A week with an FOMC decision two trading days ahead (2026-12-09 in src/market/us-events.csv). */
const MONDAY_BEFORE_FOMC = '2026-12-07T10:00:00-05:00';

/** A fresh build, in a temp folder laid out like the installed package: bin/, dist/, node_modules. */
function builtPackage(): { bin: string; dist: string } {
  const root = tempDir('condor-build-');
  const dist = path.join(root, 'dist');
  const built = spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'build.mjs'), '--out', dist], {
    encoding: 'utf8',
  });
  expect(built.status, built.stderr).toBe(0);
  mkdirSync(path.join(root, 'bin'));
  const bin = path.join(root, 'bin', 'condor-xyk.js');
  copyFileSync(path.join(REPO_ROOT, 'bin', 'condor-xyk.js'), bin);
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return { bin, dist };
}

/**
 * A reply's leaves by path. The test clock runs on from CONDOR_XYK_NOW, so two programs stamp their quotes some
 * milliseconds apart and the model condor's time to expiry differs by as much (its credit in the ninth digit).
 */
function leaves(value: unknown, at = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object') return [[at, value]];
  return Object.entries(value).flatMap(([key, inner]) => (key === 'asOfMs' ? [] : leaves(inner, `${at}.${key}`)));
}

/** The same reply: every text and flag equal, every number within a millionth of the other. */
function expectSameReply(actualJson: string, expectedJson: string): void {
  const actual = leaves(JSON.parse(actualJson));
  const expected = leaves(JSON.parse(expectedJson));
  expect(actual.map(([path]) => path)).toEqual(expected.map(([path]) => path));
  actual.forEach(([path, value], i) => {
    const want = expected[i]![1];
    if (typeof value === 'number' && typeof want === 'number')
      expect(Math.abs(value - want), path).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
    else expect(value, path).toEqual(want);
  });
}

function setup() {
  const dir = tempDir('condor-build-run-');
  return {
    MARKET_DATA: 'demo',
    DATABASE_PATH: path.join(dir, 'condor.db'),
    CHARTS_DIR: path.join(dir, 'charts'),
    CONDOR_XYK_NOW: MONDAY_BEFORE_FOMC,
  };
}

describe('the production bundle', CHILD, () => {
  it('is JavaScript only, with the files the code reads beside it', () => {
    const { dist } = builtPackage();
    const files = readdirSync(path.join(dist, 'src'));
    expect(files).toContain('main.js');
    expect(files).toContain('shard-manager.js');
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    for (const file of [
      'src/store/migrations/0001_initial.sql',
      'src/store/postgres/migrations/0001_initial.sql',
      'src/market/us-events.csv',
    ])
      expect(existsSync(path.join(dist, file)), file).toBe(true);
  });

  it('answers run "/market" and "/signal" --json as the sources do', async () => {
    const { bin } = builtPackage();
    for (const command of ['/market', '/signal']) {
      const fromSources = await runMain(['run', command, '--json', '--at', MONDAY_BEFORE_FOMC], { env: setup() });
      const fromBundle = await runMain(['run', command, '--json', '--at', MONDAY_BEFORE_FOMC], {
        env: setup(),
        entry: [bin],
      });
      expect(fromBundle.stderr).toBe('');
      expect(fromBundle.code).toBe(0);
      expect(fromSources.code).toBe(0);
      expectSameReply(fromBundle.stdout, fromSources.stdout);
    }
  });

  it('runs the console on its migrated database: records, lists, reads the events calendar, draws a chart', async () => {
    const { bin } = builtPackage();
    const env = setup();
    const session = [
      '/position add 5615 5665 6335 6385 45 credit=14.2',
      '/position list',
      '/signal',
      '/condor eval 5615 5665 6335 6385 45',
    ];
    const result = await runMain(['start'], { env, entry: [bin], input: `${session.join('\n')}\n` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Position \w+ recorded/);
    expect(result.stdout).toMatch(/Your open positions \(1\)/);
    expect(result.stdout).toContain('FOMC 2026-12-09');
    const chart = /Attachment: (\S+\.png)/.exec(result.stdout)?.[1];
    expect(chart, result.stdout).toBeDefined();
    expect(existsSync(chart!)).toBe(true);
  });

  it("loads its modules under a young generation of V8's first size, where main.js alone doubles it", async () => {
    const { bin, dist } = builtPackage();
    // A preload that reports the young generation's size as the process exits.
    const report = path.join(path.dirname(dist), 'report-young-generation.mjs');
    writeFileSync(
      report,
      "import v8 from 'node:v8';\n" +
        "process.on('exit', () => process.stderr.write('new_space ' + " +
        "v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size + '\\n'));\n",
    );
    const youngGeneration = async (entry: string) => {
      const result = await runMain(['run', '/market'], { env: setup(), entry: ['--import', report, entry] });
      expect(result.code, result.stderr).toBe(0);
      return Number(/new_space (\d+)/.exec(result.stderr)?.[1]);
    };
    const held = await youngGeneration(bin);
    const unheld = await youngGeneration(path.join(dist, 'src', 'main.js'));
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(unheld);
  });
});
