// The console adapter: in-process with piped streams (fast, fixed clock), and as the real program
// (`node --import tsx src/main.ts start`) fed by piped standard input, as a newcomer would run it.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { points } from '../../src/app/format.ts';
import { demoClose } from '../../src/market/demo.ts';
import { runConsole } from '../../src/platforms/console/console.ts';
import { makeApp, runMain, tempDir, TODAY } from '../support/app.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EVAL = '/condor eval 5615 5665 6335 6385 45';
const ADD = '/position add 5615 5665 6335 6385 45 credit=14.2';
const LIST = '/position list';
const BAD = '/condor eval 5615 5665 6335 6385 abc';

/** Splits the console's output into the answers (each ends with an empty line). */
const answers = (output: string) => output.split(/\n\n(?=\S+.*\n=+\n)/);

async function runInProcess(lines: string[]) {
  const t = makeApp();
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const attachmentsDir = path.join(t.dir, 'charts');
  const done = runConsole({ deps: t.deps, input, output, attachmentsDir, interactive: false, userName: 'tester' });
  input.end(lines.map((line) => `${line}\n`).join(''));
  const result = await done;
  return { ...result, text, attachmentsDir, t };
}

describe('console adapter, in process', () => {
  it('runs each piped line, prints the answers, saves the chart and counts failures', async () => {
    const { commands, failures, text, attachmentsDir } = await runInProcess([EVAL, '', '# a comment', ADD, BAD, LIST]);
    expect(commands).toBe(4);
    expect(failures).toBe(1);
    expect(text).toContain('SPX 5,615/5,665/6,335/6,385 · 2027-01-07 (45 DTE)');
    expect(text).toContain(`spot ${points(demoClose(TODAY).spx)}`);
    const id = /✓ Position ([a-z0-9]{6}) recorded/.exec(text)?.[1];
    expect(id).toBeDefined();
    expect(text).toMatch(new RegExp(`\\n${id}\\s+5,615/5,665/6,335/6,385\\s+2027-01-07\\s+45 .* HOLD\\n`));
    const png =
      /Attachment: (\S+\.png) \(SPX [^)]*: P\/L at expiry, today and on \d{4}-\d\d-\d\d; ±1σ\/±2σ band; PoP \d+%\)/.exec(
        text,
      )?.[1];
    expect(png && path.dirname(png)).toBe(path.resolve(attachmentsDir));
    expect(fs.readFileSync(png!).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(text).toContain(
      '✗ Not done\n==========\n' +
        'Option expiry must be a date YYYY-MM-DD or days to expiry (0-3650) (e.g. expiry=2027-01-08). ' +
        'Usage: /condor eval 5615 5665 6335 6385 45\n\n',
    );
    expect(text).toContain('DEMO DATA: synthetic market, not real prices.');
    // No banner or prompt when the input is piped.
    expect(text).not.toContain('condor> ');
  });

  it('takes commands without the slash, and stops at /quit', async () => {
    const { commands, text } = await runInProcess(['market', '/quit', '/position list']);
    expect(commands).toBe(1);
    expect(text.startsWith(`Market · ${TODAY}`)).toBe(true);
    expect(text).not.toContain('Your positions');
  });

  it('the console user is one local user across runs on the same file', async () => {
    const first = await runInProcess([ADD]);
    const id = /Position ([a-z0-9]{6}) recorded/.exec(first.text)![1]!;
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const done = runConsole({
      deps: first.t.deps,
      input,
      output,
      attachmentsDir: first.attachmentsDir,
      interactive: false,
      userName: 'renamed',
    });
    input.end(`${LIST}\n`);
    await done;
    expect(text).toContain(id);
  });
});

describe('console adapter, as the real program with piped standard input', { timeout: 120_000 }, () => {
  // The program's clock starts on 2026-12-03 10:00 New York (CONDOR_XYK_NOW, test-only), a Thursday
  // and a trading day: the day `npm test` failed when this test read the machine's calendar.
  const NOW = '2026-12-03T10:00:00-05:00';
  const spot = points(demoClose('2026-12-03').spx);

  function env() {
    const dir = tempDir('condor-console-');
    return {
      dir,
      env: {
        MARKET_DATA: 'demo',
        DATABASE_PATH: path.join(dir, 'data', 'condor.db'),
        CHARTS_DIR: path.join(dir, 'charts'),
        CONDOR_XYK_NOW: NOW,
      },
    };
  }

  it('answers eval, add and list, saves the PNG, and exits 0 at the end of input', async () => {
    const { dir, env: childEnv } = env();
    const result = await runMain(['start'], { env: childEnv, input: [EVAL, ADD, LIST].join('\n') + '\n' });
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(answers(out)).toHaveLength(3);
    // eval: the title, the demo spot, a model credit
    // "45" is the listed expiry nearest 45 days out: 2027-01-17 is a Sunday and Monday the 18th is
    // Martin Luther King Day, so Friday the 15th (43 DTE) and Tuesday the 19th (47 DTE) are equally
    // near, and a tie goes to the later expiry (src/market/expiry-calendar.ts): 47 DTE.
    expect(out).toContain('SPX 5,615/5,665/6,335/6,385 · 2027-01-19 (47 DTE)');
    expect(out).toContain(`spot ${spot}`);
    // The model credit depends on today's demo VIX and the sessions to that expiry: read it, then check max loss.
    const credit = Number(/Credit (\d+\.\d\d) pts \(\$[\d,]+\), the model value: no fill given/.exec(out)?.[1]);
    expect(credit).toBeGreaterThan(0);
    const maxLoss = Number(/Max loss\s+\$([\d,]+)/.exec(out)?.[1]?.replace(/,/g, ''));
    expect(Math.abs(maxLoss - (50 - credit) * 100)).toBeLessThanOrEqual(1); // both rounded for reading
    // add: the id, the fill and the entry snapshot at the demo spot
    const id = /✓ Position ([a-z0-9]{6}) recorded/.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(out).toContain('x1 for 14.20 credit ($1,420).');
    expect(out).toContain(`Entry: spot ${spot}`);
    // list: that id, on HOLD
    expect(out).toMatch(
      new RegExp(`Your open positions \\(1\\)[\\s\\S]*\\n${id}\\s+5,615/5,665/6,335/6,385 .* HOLD\\n`),
    );
    // the chart
    const png =
      /Attachment: (\S+\.png) \(SPX [^)]*: P\/L at expiry, today and on \d{4}-\d\d-\d\d; ±1σ\/±2σ band; PoP \d+%\)/.exec(
        out,
      )?.[1];
    expect(png).toBeDefined();
    expect(png!.startsWith(path.join(dir, 'charts'))).toBe(true);
    expect(fs.readFileSync(png!).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // the database file is where DATABASE_PATH says (its folder created)
    expect(fs.existsSync(childEnv.DATABASE_PATH)).toBe(true);
  });

  it('a line with bad input prints the one-line error and the next lines still run', async () => {
    const { env: childEnv } = env();
    const result = await runMain(['start'], {
      env: childEnv,
      input: [BAD, '/position add 5615 5665 6335 6385 45 credit=abc', ADD, LIST].join('\n'),
    });
    expect(result.code).toBe(0);
    const parts = answers(result.stdout);
    expect(parts).toHaveLength(4);
    for (const part of parts.slice(0, 2)) {
      const lines = part.trim().split('\n');
      expect(lines[0]).toBe('✗ Not done');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toMatch(/^Option (expiry|credit) .*\(e\.g\. (expiry|credit)=/);
    }
    expect(parts[2]).toMatch(/✓ Position [a-z0-9]{6} recorded/);
    expect(parts[3]).toContain('Your open positions (1)');
  });

  it('only bad lines: exit 2, as a script would want', async () => {
    const { env: childEnv } = env();
    const result = await runMain(['start'], { env: childEnv, input: `${BAD}\n` });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('✗ Not done');
  });

  it('empty input, no token: nothing can run, so one line on stderr and exit 2 (a restart loop says why)', async () => {
    const { env: childEnv } = env();
    const result = await runMain(['start'], { env: childEnv, input: '' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/no DISCORD_TOKEN or TELEGRAM_BOT_TOKEN/);
  });
});
