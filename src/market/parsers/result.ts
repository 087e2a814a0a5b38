// Parsers answer with data or one clear line, never with a thrown error: market data arrives from
// outside and a bad download must become a message (and a fallback to the cache), not a crash.

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const success = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const failure = <T = never>(error: string): ParseResult<T> => ({ ok: false, error });

/** A short, single-line description of a thrown value, for error lines. */
export function describeError(thrown: unknown): string {
  const text = thrown instanceof Error ? thrown.message : String(thrown);
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The first zod issue as 'path: message'. */
export function firstIssue(error: {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid data';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
