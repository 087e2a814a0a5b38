// A dead CBOE never holds the process (issue 13): the program in a real child process, with
// CBOE_BASE_URL on a loopback server that accepts connections and never answers a byte. A one-shot
// `run` and the console (`start` on piped input) answer within the 3 s budget from demo data,
// labelled, and exit as soon as they have answered: the requests the budget gave up on are aborted
// (not retried), and in the console the server sees them closed while the process goes on to the
// next command. Before, `run "/condor eval ..."` stayed alive 87 s after its answer (45 s chain
// timeout, one retry), `run "/market"` 13 s (three 5 s attempts per quote). The figures are in
// docs/hardening.md.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAM_NOW, REPO_ROOT, startSilentServer, type SilentServer } from '../support/bot-process.ts';
import { onCleanup, tempDir } from '../support/cleanup.ts';

/**
 * From the answer to the exit. A hang check, not a speed target: the old linger was 13 s to 100 s,
 * and a loaded 2-core machine needs well under a second to close the database and exit.
 */
const EXIT_AFTER_ANSWER_MS = 5_000;
/**
 * Start to exit: start-up (3–8 s for tsx on a busy 2-core machine) plus the 3 s budget per command,
 * with room for a loaded CI run; still a third of the old 92 s.
 */
const WHOLE_RUN_MS = 30_000;
const LABEL = 'CBOE unreachable (no answer within 3 s) and no cached quotes: showing demo data.';
const CHAIN_COMMAND = '/condor eval 5615 5665 6335 6385 45';

interface Answer {
  /** Milliseconds from the spawn to the moment the answer's label reached standard output. */
  ms: number;
  /** That moment, on performance.now() (the server's clock for closed connections). */
  atMs: number;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  answers: Answer[];
  exitMs: number;
}

/**
 * Runs `node --import tsx src/main.ts ...args` on the test clock against `cboe`, with `input` on
 * standard input, noting when each labelled answer appears and when the process exits.
 */
function runAgainst(cboe: SilentServer, args: string[], input = ''): Promise<Run> {
  const dir = tempDir('condor-dead-cboe-');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(DISCORD_|TELEGRAM_|LOG_LEVEL|DATABASE_|MARKET_DATA|CHARTS_DIR|CBOE_|CONDOR_XYK_NOW$)/.test(key),
    ),
  );
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: {
      ...inherited,
      CONDOR_XYK_TEST: '1',
      CONDOR_XYK_NOW: PROGRAM_NOW,
      MARKET_DATA: 'cboe',
      CBOE_BASE_URL: cboe.url,
      DATABASE_PATH: path.join(dir, 'condor.db'),
      CHARTS_DIR: path.join(dir, 'charts'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  const answers: Answer[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const seen = stdout.split(LABEL).length - 1;
    while (answers.length < seen)
      answers.push({ ms: Math.round(performance.now() - startedAt), atMs: performance.now() });
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, answers, exitMs: Math.round(performance.now() - startedAt) }),
    );
  });
}

async function deadCboe(): Promise<SilentServer> {
  const server = await startSilentServer();
  onCleanup(() => server.close());
  return server;
}

function expectPromptExit(run: Run, commands: number) {
  expect(run.answers, run.stdout + run.stderr).toHaveLength(commands);
  const answeredMs = run.answers.at(-1)!.ms;
  expect(run.exitMs - answeredMs, 'alive after its last answer (ms)').toBeLessThanOrEqual(EXIT_AFTER_ANSWER_MS);
  expect(run.exitMs, 'whole run (ms)').toBeLessThanOrEqual(WHOLE_RUN_MS);
}

describe('CBOE accepting connections and never answering', { timeout: 180_000 }, () => {
  it('run "/market": answers from demo data, labelled, and exits at once; the quote requests are closed', async () => {
    const cboe = await deadCboe();
    const run = await runAgainst(cboe, ['run', '/market']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DEMO DATA: synthetic market, not real prices.');
    expectPromptExit(run, 1);
    // One attempt per quote: the budget ended them before any retry.
    expect(run.stderr).toContain('market data: CBOE unreachable (no answer within 3 s), using demo data');
    expect(cboe.requestLines().sort()).toEqual(
      ['SPX', 'VIX', 'VIX3M', 'VVIX'].map((symbol) => `GET /api/global/delayed_quotes/quotes/_${symbol}.json HTTP/1.1`),
    );
    expect(cboe.open(), 'connections left open after the exit').toBe(0);
    console.log(
      `[dead-cboe] run /market: answered at ${run.answers[0]!.ms} ms, exited at ${run.exitMs} ms, ` +
        `${cboe.connections()} connections`,
    );
  });

  it(`run "${CHAIN_COMMAND}": the option chain download is aborted too`, async () => {
    const cboe = await deadCboe();
    const run = await runAgainst(cboe, ['run', CHAIN_COMMAND]);
    expect(run.code).toBe(0);
    expectPromptExit(run, 1);
    expect(cboe.requestLines().sort()).toEqual([
      'GET /api/global/delayed_quotes/options/_SPX.json HTTP/1.1',
      ...['SPX', 'VIX', 'VIX3M', 'VVIX'].map(
        (symbol) => `GET /api/global/delayed_quotes/quotes/_${symbol}.json HTTP/1.1`,
      ),
    ]);
    expect(cboe.open(), 'connections left open after the exit').toBe(0);
    console.log(`[dead-cboe] run /condor eval: answered at ${run.answers[0]!.ms} ms, exited at ${run.exitMs} ms`);
  });

  it('start on piped input (the console): both commands answered, labelled, then the process ends', async () => {
    const cboe = await deadCboe();
    const run = await runAgainst(cboe, ['start'], `/market\n${CHAIN_COMMAND}\n`);
    expect(run.code).toBe(0);
    expectPromptExit(run, 2);
    // The first command's quote requests were aborted at its budget, so closed while the process
    // went on to the second command (which, in the cool-down of that give-up, asks no quote again).
    const quotes = cboe.requests().filter((request) => request.line.includes('/quotes/'));
    expect(quotes).toHaveLength(4);
    for (const quote of quotes) expect(quote.closedAtMs, quote.line).toBeLessThan(run.answers[1]!.atMs);
    expect(cboe.open(), 'connections left open after the exit').toBe(0);
    console.log(
      `[dead-cboe] start (console): answered at ${run.answers.map((answer) => answer.ms).join(' and ')} ms, ` +
        `exited at ${run.exitMs} ms`,
    );
  });
});
