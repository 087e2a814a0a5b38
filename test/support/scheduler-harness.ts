// The vitest side of the scheduler support: apps on temp files that are closed and removed after
// each test, and the child processes (crash test, two processes) started with tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { onCleanup, tempDir } from './cleanup.ts';
import type { Logger } from '../../src/app/ports.ts';
import {
  openSchedulerApp,
  virtualTime,
  type MovableClock,
  type SchedulerApp,
  type VirtualTime,
} from './scheduler-app.ts';
import type { ChildOptions } from './scheduler-child.ts';

export { onCleanup };

export function tempDbPath(): string {
  const dir = tempDir('condor-sched-');
  return path.join(dir, 'data', 'condor-xyk.db');
}

export interface TestScheduler extends SchedulerApp {
  clock: MovableClock;
  time: VirtualTime;
}

/** A real AppDeps on a temp file (demo market), its clock the virtual time starting at startMs. */
export function schedulerApp(
  startMs: number,
  options: { dbPath?: string; logger?: Logger; env?: Record<string, string> } = {},
): TestScheduler {
  const time = virtualTime(startMs);
  const app = openSchedulerApp({
    dbPath: options.dbPath ?? tempDbPath(),
    clock: time.clock,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  onCleanup(() => app.close());
  return { ...app, clock: time.clock, time };
}

const CHILD = path.resolve(import.meta.dirname, 'scheduler-child.ts');

export interface ChildRun {
  child: ChildProcess;
  /** Resolves with the child's report, or null when it died without one (killed). */
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    report: Record<string, unknown> | null;
    stderr: string;
  }>;
}

/** Starts `node --import tsx test/support/scheduler-child.ts <options>`. */
export function startChild(options: ChildOptions): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Awaited<ChildRun['done']>>((resolve) => {
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('REPORT '));
      resolve({ code, signal, report: line ? (JSON.parse(line.slice(7)) as Record<string, unknown>) : null, stderr });
    });
  });
  return { child, done };
}
