// `cli run "<chat command>" [--user ID] [--json] [--at ISO]`: one chat command exactly as a platform
// would run it, printed as text or as the structured reply; --at runs it on a clock stopped at that
// instant, so reports and checks are reproducible. Exit codes: 0 done, 2 refused (bad input, one
// line on stderr), 1 a fault.
import { DateTime } from 'luxon';
import { recordsWhenPressed } from '../app/buttons.ts';
import { runLine } from '../app/context.ts';
import type { Reply } from '../app/reply.ts';
import type { AnyApp } from '../compose.ts';
import { CONSOLE_IDENTITY, saveAttachments } from '../platforms/console/console.ts';
import { replyToText } from '../render/text.ts';

export function replyJson(reply: Reply): string {
  const attachments = reply.attachments?.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    bytes: a.data.length,
    description: a.description,
  }));
  return JSON.stringify(
    { ...reply, attachments },
    (_key, value) => (typeof value === 'function' ? undefined : value),
    2,
  );
}

/** An ISO-8601 instant with its offset (Z or ±HH:MM) as epoch ms, or null when it is not one. */
export function parseInstant(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const instant = DateTime.fromISO(text, { setZone: true });
  return instant.isValid ? instant.toMillis() : null;
}

export async function runOnce(
  app: AnyApp,
  line: string,
  options: { user?: string; json?: boolean; userName: string; atMs?: number },
): Promise<number> {
  const identity = { ...CONSOLE_IDENTITY(options.userName), platformUserId: options.user ?? 'local' };
  const atMs = options.atMs;
  const deps = atMs === undefined ? app.deps : { ...app.deps, clock: { now: () => atMs } };
  const ran = await runLine(deps, identity, line.trim().startsWith('/') ? line.trim() : `/${line.trim()}`);
  // A view as of another instant is a what-if: it offers nothing to record (docs/decisions.md).
  const reply =
    atMs === undefined
      ? ran.reply
      : { ...ran.reply, buttons: ran.reply.buttons?.filter((b) => !recordsWhenPressed(b)) };
  if (reply.error?.kind === 'user') {
    process.stderr.write(`${reply.lines?.[0] ?? reply.title}\n`);
    if (options.json) process.stdout.write(`${replyJson(reply)}\n`);
    return 2;
  }
  if (options.json) {
    process.stdout.write(`${replyJson(reply)}\n`);
  } else {
    const saved = saveAttachments(reply, app.config.CHARTS_DIR, app.deps.clock.now());
    process.stdout.write(`${replyToText(reply, { savedAttachments: saved })}\n`);
  }
  return reply.error ? 1 : 0;
}
