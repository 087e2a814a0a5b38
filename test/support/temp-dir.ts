// The one place a test makes a temp folder. Without vitest, so that child processes started by
// tests (test/support/scheduler-child.ts) can use it too; in a test, prefer cleanup.ts's
// tempDir, which also removes the folder afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh, empty folder under the system temp dir (the caller removes it). */
export function makeTempDir(prefix = 'condor-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
