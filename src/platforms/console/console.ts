// The console adapter: the same commands typed in a terminal, like Hubot's shell. Interactive
// with a prompt and history on a TTY; with piped standard input it runs each line and stops at
// the end of input. Charts are saved as PNG files and their paths printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { runLine, type AppDeps, type Identity } from '../../app/context.ts';
import type { Reply } from '../../app/reply.ts';
import { replyToText } from '../../render/text.ts';

export interface ConsoleOptions {
  deps: AppDeps;
  input: Readable;
  output: Writable;
  /** Folder for attachments (charts, CSV). */
  attachmentsDir: string;
  interactive: boolean;
  /** The local user's name. */
  userName: string;
}

export const CONSOLE_IDENTITY = (userName: string): Identity => ({
  platform: 'console',
  platformUserId: 'local',
  displayName: userName,
  chat: { platform: 'console', id: 'console', kind: 'private', callerCanManage: true },
});

/** Saves a reply's attachments; returns their paths by file name. */
export function saveAttachments(reply: Reply, folder: string, now: number): Record<string, string> {
  const saved: Record<string, string> = {};
  if (!reply.attachments?.length) return saved;
  mkdirSync(folder, { recursive: true });
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-').replace('Z', '');
  for (const attachment of reply.attachments) {
    const path = resolve(join(folder, `${stamp}-${attachment.filename}`));
    writeFileSync(path, attachment.data);
    saved[attachment.filename] = path;
  }
  return saved;
}

const BANNER = [
  'condor-xyk console: SPX iron condors and the constant-product invariant. Not investment advice.',
  'Type /help for the commands, /quit to leave. Try: /condor eval 5615 5665 6335 6385 45',
];

export async function runConsole(options: ConsoleOptions): Promise<{ commands: number; failures: number }> {
  const { deps, output, interactive } = options;
  const identity = CONSOLE_IDENTITY(options.userName);
  const print = (text: string) => output.write(`${text}\n`);
  const lines = createInterface({
    input: options.input,
    output: interactive ? output : undefined,
    terminal: interactive,
    historySize: 500,
  });
  let commands = 0;
  let failures = 0;
  // Ctrl-C leaves cleanly (the caller closes the database).
  lines.on('SIGINT', () => lines.close());
  if (interactive) {
    BANNER.forEach(print);
    lines.setPrompt('condor> ');
    lines.prompt();
  }
  for await (const raw of lines) {
    const line = raw.trim();
    if (line && !line.startsWith('#')) {
      if (['/quit', '/exit', 'quit', 'exit'].includes(line)) break;
      commands++;
      const { reply } = await runLine(deps, identity, line.startsWith('/') ? line : `/${line}`);
      if (reply.error) failures++;
      const saved = saveAttachments(reply, options.attachmentsDir, deps.clock.now());
      print(replyToText(reply, { savedAttachments: saved }));
      print('');
    }
    if (interactive) lines.prompt();
  }
  lines.close();
  return { commands, failures };
}
