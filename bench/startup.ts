// Start time and memory of the package's own command, as a script or a newcomer meets it:
//   condor-xyk run "/market"            (the bundle in dist/ when built, else the sources through tsx)
//   condor-xyk start, to the console's first answer (piped standard input, no tokens)
// Each run is a fresh process on a fresh database with the demo market. Prints the median and worst wall time and
// the peak resident memory (the child reports its own maxRSS at exit). Builds dist/ first (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../test/support/temp-dir.ts';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'condor-xyk.js');
const RUNS = 7;

// Always from the sources as they are now (the build takes under a second), never a dist/ left from before.
const built = spawnSync(process.execPath, [path.join(root, 'tools', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// Runs the bin inside a wrapper that writes the process's peak memory to stderr as it exits and, on Linux, how
// much of its resident memory at exit is its own (anonymous: heaps, code V8 compiled) and how much is file pages
// (the node binary's code and ICU data, shared libraries: clean, shared with every other Node process).
const WRAPPER = `import { readFileSync } from 'node:fs';
process.on('exit', () => {
  let split = '';
  try {
    const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (field) => Number(new RegExp('^' + field + ':\\\\s+(\\\\d+)', 'm').exec(rollup)?.[1] ?? NaN);
    split = ' anon ' + kb('Pss_Anon') + ' file ' + kb('Pss_File');
  } catch {}
  process.stderr.write('\\nmaxRSS ' + process.resourceUsage().maxRSS + split + '\\n');
});
await import(${JSON.stringify(bin)});`;

interface Sample {
  wallMs: number;
  maxRssMb: number;
  /** At exit, from /proc/self/smaps_rollup (NaN elsewhere): the process's own pages and the file pages. */
  anonMb: number;
  fileMb: number;
}

function once(args: string[], input: string | null, firstOutput: boolean): Promise<Sample> {
  const dir = makeTempDir('condor-startup-');
  const env = {
    ...process.env,
    MARKET_DATA: 'demo',
    DATABASE_PATH: path.join(dir, 'condor.db'),
    CHARTS_DIR: path.join(dir, 'charts'),
    DISCORD_TOKEN: '',
    TELEGRAM_BOT_TOKEN: '',
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstAt = 0;
    let stderr = '';
    // After "--", argv[1] is the bin's path, as when it runs as a script.
    const child = spawn(process.execPath, ['--input-type=module', '-e', WRAPPER, '--', bin, ...args], { env });
    child.stdout.on('data', () => {
      if (!firstAt) firstAt = performance.now();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (input !== null) child.stdin.end(input);
    child.on('error', reject);
    child.on('close', () => {
      rmSync(dir, { recursive: true, force: true });
      const rss = /maxRSS (\d+)/.exec(stderr);
      if (!rss) return reject(new Error(`no memory figure; stderr: ${stderr.slice(0, 300)}`));
      const end = firstOutput && firstAt ? firstAt : performance.now();
      const split = /maxRSS \d+ anon (\d+) file (\d+)/.exec(stderr);
      resolve({
        wallMs: end - started,
        maxRssMb: Number(rss[1]) / 1024,
        anonMb: split ? Number(split[1]) / 1024 : NaN,
        fileMb: split ? Number(split[2]) / 1024 : NaN,
      });
    });
  });
}

async function measure(label: string, args: string[], input: string | null, firstOutput: boolean): Promise<void> {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(args, input, firstOutput));
  const walls = samples.map((s) => s.wallMs).sort((a, b) => a - b);
  const rss = Math.max(...samples.map((s) => s.maxRssMb));
  const anon = Math.max(...samples.map((s) => s.anonMb));
  const file = Math.max(...samples.map((s) => s.fileMb));
  const split = Number.isNaN(anon) ? '' : ` (at exit: ${anon.toFixed(0)} MB its own, ${file.toFixed(0)} MB file pages)`;
  console.log(
    `${label.padEnd(48)} median ${walls[Math.floor(RUNS / 2)]!.toFixed(0)} ms, ` +
      `worst ${walls[RUNS - 1]!.toFixed(0)} ms, ` +
      `peak memory ${rss.toFixed(0)} MB${split} (${RUNS} runs, Node ${process.version})`,
  );
}

// process.argv after "--" reaches the bin as its own arguments.
await measure('condor-xyk run "/market" (whole command)', ['run', '/market'], null, false);
await measure('condor-xyk start: console, to the first answer', ['start'], '/market\n', true);
