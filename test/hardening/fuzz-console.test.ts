// Hardening: fuzzing the console front end. Random lines built from the command words, key=value
// pairs, quotes, unicode, control characters and very long tokens go through the console's path
// (trim, "/" prefixed, runLine → parseCommandLine/wordsToRecord → runCommand); every reply must be
// a success or a one-line UserError naming the option, never an internal error or a stack trace,
// and a refusal writes nothing. The same lines then go through the real console adapter
// (runConsole on a stream) in one batch.
//
// Size: modest by default (300 lines); HARDENING_FULL=1 runs 33,334
// lines (the three front ends together make 100,000 inputs). See docs/hardening.md.
import { Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { runLine } from '../../src/app/context.ts';
import { CONSOLE_IDENTITY, runConsole } from '../../src/platforms/console/console.ts';
import { tempDir } from '../support/app.ts';
import {
  bySize,
  checkRun,
  commandNamedBy,
  commandLine,
  fcParameters,
  makeWorld,
  newStats,
  report,
  rotatingWorld,
} from '../support/hardening-fuzz.ts';

const RUNS = bySize(300, 33_334);
const BATCH = bySize(150, 3_000);
const ME = CONSOLE_IDENTITY('alice');

it(
  `console: ${RUNS} random lines, every reply a success or a one-line refusal, refusals write nothing`,
  async () => {
    const started = performance.now();
    const stats = newStats();
    const world = rotatingWorld(ME, 250, { left: bySize(3, 60) });
    const sample: string[] = [];
    await fc.assert(
      fc.asyncProperty(commandLine({ allowNewline: false }), async (template) => {
        const w = await world();
        const typed = w.resolve(template);
        if (sample.length < BATCH) sample.push(template);
        // As runConsole does with each line: trimmed, skipped when empty or a comment, "/" prefixed.
        const line = typed.trim();
        if (!line || line.startsWith('#') || ['/quit', '/exit', 'quit', 'exit'].includes(line)) return;
        const prefixed = line.startsWith('/') ? line : `/${line}`;
        await checkRun(w, prefixed, stats, async () => {
          const { reply, command } = await runLine(w.deps, ME, prefixed);
          return { reply, command: command ?? commandNamedBy(prefixed) };
        });
      }),
      fcParameters(RUNS),
    );
    report('console lines', stats, performance.now() - started);
    expect(stats.inputs).toBeGreaterThan(RUNS * 0.9);
    // The generators reach past the parsers: some commands succeed, most are refused.
    expect(stats.ok).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);

    // The same lines through the real adapter, one stream: no internal error, one line per refusal.
    const w = await makeWorld(ME);
    const lines = sample.map((template) => w.resolve(template).replace(/[\r\n]/g, ' '));
    let out = '';
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString('utf8');
        done();
      },
    });
    const result = await runConsole({
      deps: w.deps,
      input: Readable.from([lines.map((l) => `${l}\n`).join('')]),
      output,
      attachmentsDir: tempDir(),
      interactive: false,
      userName: 'alice',
    });
    expect(result.commands).toBeGreaterThan(0);
    expect(out).not.toContain('Something went wrong');
    expect(out).not.toContain('    at ');
    const refusals = [...out.matchAll(/✗ Not done\n=+\n([^\n]*)\n\n/g)];
    expect(refusals.length).toBe(result.failures);
    expect(out.split('✗ Not done').length - 1).toBe(result.failures);
    expect(w.logger.errors).toEqual([]);
  },
  bySize(60_000, 3_600_000),
);
