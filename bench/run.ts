// Runs benchmarks one after another, each in its own Node process (so one cannot warm up or slow
// down the next), and prints their output as it comes.
//   npm run bench                      every bench/*.ts except this runner
//   npm run bench -- engine charts     only bench/engine.ts and bench/charts.ts
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const self = path.basename(import.meta.filename);
// Resolved from here, so the runner works from any working directory.
const tsxLoader = import.meta.resolve('tsx');

function resolveBench(name: string): string {
  const candidates = [name, `${name}.ts`, path.join(here, name), path.join(here, `${name}.ts`)];
  const found = candidates.find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
  if (!found) throw new Error(`no benchmark ${name} (looked for bench/${name}.ts)`);
  return path.resolve(found);
}

const requested = process.argv.slice(2);
const files = requested.length
  ? requested.map(resolveBench)
  : readdirSync(here)
      .filter((file) => file.endsWith('.ts') && file !== self)
      .sort()
      .map((file) => path.join(here, file));

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${path.relative(process.cwd(), file)} ===\n`);
  const result = spawnSync(process.execPath, ['--import', tsxLoader, file], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`\n${path.basename(file)} exited with ${result.status ?? result.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
