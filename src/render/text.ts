// Reply → plain text, for the console and the CLI. Attachments are saved by the caller; here they
// are listed by file name (or path, when saved).
import { pollQuestion, type Reply, type ReplyDiscussion } from '../app/reply.ts';
import { tableLines } from './table.ts';

export interface TextOptions {
  /** Paths where attachments were saved, by filename. */
  savedAttachments?: Record<string, string>;
}

export function replyToText(reply: Reply, options: TextOptions = {}): string {
  const out: string[] = [];
  const marker = reply.error ? '✗ ' : reply.tone === 'good' ? '✓ ' : reply.tone === 'warn' ? '! ' : '';
  out.push(`${marker}${reply.title}`);
  out.push('='.repeat(Math.min(72, [...(marker + reply.title)].length)));
  for (const line of reply.lines ?? []) out.push(line);
  if (reply.fields?.length) {
    if (reply.lines?.length) out.push('');
    const labelWidth = Math.min(26, Math.max(...reply.fields.map((f) => f.label.length)));
    for (const field of reply.fields) out.push(`${field.label.padEnd(labelWidth)}  ${field.value}`);
  }
  if (reply.table && reply.table.rows.length) {
    out.push('');
    out.push(...tableLines(reply.table));
  }
  if (reply.buttons?.length) {
    out.push('');
    for (const button of reply.buttons) {
      const args = Object.entries(button.options)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      out.push(`[${button.label}] → /${button.command} ${args}`);
    }
  }
  for (const attachment of reply.attachments ?? []) {
    const saved = options.savedAttachments?.[attachment.filename];
    out.push(
      `Attachment: ${saved ?? attachment.filename}${attachment.description ? ` (${attachment.description})` : ''}`,
    );
  }
  if (reply.discussion) out.push('', ...pollLines(reply.discussion));
  if (reply.footer?.length) {
    out.push('');
    for (const line of reply.footer) out.push(line);
  }
  return out.join('\n');
}

/**
 * A hedge discussion as the console and the CLI show it: the poll's question with the words every
 * platform puts first (pollQuestion), its answers one per line, and that it is a discussion only.
 */
function pollLines(discussion: ReplyDiscussion): string[] {
  return [
    `Poll: ${pollQuestion(discussion)}`,
    ...discussion.answers.map((answer, index) => `  ${index + 1}. ${answer}`),
    'For discussion; not investment advice.',
  ];
}
