// Installs the lint toolchain (its own npm project, see package.json here) after the root install.
// Skipped for production installs (npm ci --omit=dev), where nothing lints.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const omit = `${process.env.npm_config_omit ?? ''} ${process.env.NODE_ENV ?? ''}`;
if (/\bdev\b|production/.test(omit) || !existsSync(`${here}/package-lock.json`)) process.exit(0);

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const result = spawnSync(npm[0], [...npm.slice(1), 'ci', '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd: here,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
