#!/usr/bin/env node
// The package's command, in this very process (no child: SIGTERM and SIGINT reach the bot itself, which stops
// cleanly). It runs the bundle in dist/ when it has been built (`npm run build`, as the Docker image does: no
// compiler at run time), otherwise the TypeScript sources through tsx's loader (development). Stack traces from the
// bundle name its chunks; NODE_OPTIONS=--enable-source-maps maps them to the sources (dist/src/*.map), at about
// 6 MB of memory on Node 20, so it is not on by default.
import { existsSync } from 'node:fs';
import module from 'node:module';
import v8 from 'node:v8';

// Node 22.1+ caches compiled code on disk between runs (a no-op on Node 20): a faster start for every command.
module.enableCompileCache?.();

// What loading the modules allocates lives as long as the process (schemas, tables, closures). V8 reads that
// survival as a reason to double the young generation, to 8 MB semi-spaces that then sit empty; so it keeps its
// first size while the modules load and grows as usual afterwards (2 is V8's own factor). docs/decisions.md
// "Start fast: one bundle, a young generation left small while loading".
v8.setFlagsFromString('--semi-space-growth-factor=1');
const compiled = new URL('../dist/src/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
v8.setFlagsFromString('--semi-space-growth-factor=2');
