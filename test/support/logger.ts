// A Logger port that records every call, for tests, benchmarks and the test child processes
// (no vitest import here: child processes load it outside vitest).
import type { Logger } from '../../src/app/ports.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  object: Record<string, unknown>;
  message?: string;
}

/** A Logger port that records every call (children share the record and add their bindings). */
export function capturingLogger(
  entries: LogEntry[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { entries: LogEntry[] } {
  const at = (level: LogEntry['level']) => (object: Record<string, unknown>, message?: string) => {
    entries.push({ level, object: { ...bindings, ...object }, ...(message === undefined ? {} : { message }) });
  };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => capturingLogger(entries, { ...bindings, ...more }),
  };
}
