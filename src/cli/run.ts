// `cli run "<chat command>" [--user ID] [--json]`: one chat command exactly as a platform would
// run it, printed as text or as the structured reply. Exit codes: 0 done, 2 refused (bad input,
// one line on stderr), 1 a fault.
import { runLine } from '../app/context.ts';
import type { Reply } from '../app/reply.ts';
import type { App } from '../compose.ts';
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

export async function runOnce(
  app: App,
  line: string,
  options: { user?: string; json?: boolean; userName: string },
): Promise<number> {
  const identity = { ...CONSOLE_IDENTITY(options.userName), platformUserId: options.user ?? 'local' };
  const { reply } = await runLine(app.deps, identity, line.trim().startsWith('/') ? line.trim() : `/${line.trim()}`);
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
