// The one cleanup registry of the test suite: what a test starts (a temp folder, a store, a
// server, a child process) is registered here and undone after that test, last first.
import fs from 'node:fs';
import { afterEach } from 'vitest';
import { makeTempDir } from './temp-dir.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch {
      // A failing cleanup must not hide the test's own result.
    }
  }
});

/** Runs `undo` after the current test (sync or async), after everything registered later. */
export function onCleanup(undo: () => unknown): void {
  cleanups.push(undo);
}

/** A fresh temp folder, removed after the test. */
export function tempDir(prefix = 'condor-test-'): string {
  const dir = makeTempDir(prefix);
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
