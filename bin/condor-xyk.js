#!/usr/bin/env node
// The package's command, in this very process (no child: SIGTERM and SIGINT reach the bot itself, which stops
// cleanly). It runs the compiled JavaScript in dist/ when it has been built (`npm run build`, as the Docker image
// does: no compiler at run time), otherwise the TypeScript sources through tsx's loader (development).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ caches compiled code on disk between runs (a no-op on Node 20): a faster start for every command.
module.enableCompileCache?.();

const compiled = new URL('../dist/src/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
