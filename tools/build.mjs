// Compiles src/ and commands/ to dist/ with TypeScript 7 (relative .ts imports rewritten to .js) and copies the
// files the code reads beside itself (migrations, the events calendar). Production and the Docker image run
// dist/; development runs the sources with tsx.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = path.join(root, 'node_modules', 'typescript-7', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);

// (folder, file ending): fs.globSync is Node 22+, and Node 20.11 is still supported.
const ASSETS = [
  ['src/store/migrations', '.sql'],
  ['src/store/postgres/migrations', '.sql'],
  ['src/market', '.csv'],
];
for (const [folder, ending] of ASSETS) {
  for (const name of readdirSync(path.join(root, folder)).filter((file) => file.endsWith(ending))) {
    cpSync(path.join(root, folder, name), path.join(dist, folder, name));
  }
}
