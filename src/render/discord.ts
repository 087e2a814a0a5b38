// Reply → a Discord message as plain API objects (snake_case, as the REST API takes them), with no
// discord.js import: the platform adapter sends them, the sender posts them, tests read them.
// Every user-visible string is escaped for Discord markdown, and every message carries
// allowed_mentions { parse: [] }, so nothing a user typed can format, link or ping.
import { encodeButton } from '../app/buttons.ts';
import { pollQuestion, type Reply, type ReplyDiscussion, type ReplyTable, type Tone } from '../app/reply.ts';
import { tableLines } from './table.ts';

/** Discord's message and embed limits (characters; Discord counts UTF-16 code units). */
export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  buttonsPerRow: 5,
  rows: 5,
  customId: 100,
  buttonLabel: 80,
  threadName: 100,
  pollQuestion: 300,
  pollAnswer: 55,
  pollAnswers: 10,
  pollMaxHours: 768,
} as const;

export const TONE_COLOURS: Record<Tone, number> = { neutral: 0x5865f2, good: 0x57f287, warn: 0xfee75c, bad: 0xed4245 };

const BUTTON_STYLES = { primary: 1, secondary: 2, success: 3, danger: 4 } as const;

export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  image?: { url: string };
}

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 3 | 4;
  label: string;
  custom_id: string;
}

export interface DiscordActionRow {
  type: 1;
  components: DiscordButton[];
}

export interface DiscordAllowedMentions {
  parse: [];
}

export interface DiscordMessageBody {
  content?: string;
  embeds?: DiscordEmbed[];
  components?: DiscordActionRow[];
  attachments?: { id: number; filename: string; description?: string }[];
  allowed_mentions: DiscordAllowedMentions;
  poll?: DiscordPoll;
}

export interface DiscordFile {
  name: string;
  data: Buffer;
  contentType: string;
  description?: string;
}

export interface DiscordMessage {
  body: DiscordMessageBody;
  /** Uploaded as multipart files[i]; body.attachments[i] describes files[i]. */
  files: DiscordFile[];
}

export interface DiscordPoll {
  question: { text: string };
  answers: { poll_media: { text: string } }[];
  duration: number;
  allow_multiselect: false;
  layout_type: 1;
}

export const NO_MENTIONS: DiscordAllowedMentions = Object.freeze({ parse: [] }) as DiscordAllowedMentions;

/** Characters that start or end Discord markdown anywhere in a line. */
const INLINE_MARKDOWN = /[\\*_~`|[\]<>]/g;

/**
 * Makes text render literally in Discord markdown: emphasis, spoilers, code, masked links,
 * mentions (<@id>, <@&id>, <#id>), timestamps, headings, quotes and lists. @everyone and @here get
 * a zero-width space so they read the same and can never resolve to a mention.
 */
export function escapeDiscordMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let out = line.replace(INLINE_MARKDOWN, '\\$&');
      // Block syntax only counts at the start of a line: headings (#, -#), quotes, lists.
      out = out.replace(/^(\s*)([#>+-])/, '$1\\$2').replace(/^(\s*\d+)\.(\s)/, '$1\\.$2');
      return out.replace(/@(everyone|here)/gi, '@\u200b$1');
    })
    .join('\n');
}

/** Keeps text to a limit (UTF-16 units, as Discord counts), ending with an ellipsis when cut. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = text.slice(0, Math.max(0, limit - 1));
  // Never leave half a surrogate pair or a dangling escape backslash.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if (/(^|[^\\])(\\\\)*\\$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Backticks would close the code block early: swap them for a look-alike. */
const neutraliseBackticks = (text: string) => text.replace(/`/g, 'ˋ');

export function tableCodeBlock(table: ReplyTable): string {
  return `\`\`\`\n${tableLines(table).map(neutraliseBackticks).join('\n')}\n\`\`\``;
}

/** A file name Discord accepts in attachment:// URLs. */
const safeFilename = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'file';

/** Buttons as action rows: at most 5 per row and 5 rows; a payload over 100 characters is dropped. */
export function renderButtons(reply: Pick<Reply, 'buttons'>): DiscordActionRow[] {
  const buttons: DiscordButton[] = [];
  for (const button of reply.buttons ?? []) {
    const customId = encodeButton(button);
    if (customId.length > DISCORD_LIMITS.customId) continue;
    buttons.push({
      type: 2,
      style: BUTTON_STYLES[button.style],
      label: truncate(button.label, DISCORD_LIMITS.buttonLabel),
      custom_id: customId,
    });
  }
  const rows: DiscordActionRow[] = [];
  for (let i = 0; i < buttons.length && rows.length < DISCORD_LIMITS.rows; i += DISCORD_LIMITS.buttonsPerRow) {
    rows.push({ type: 1, components: buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow) });
  }
  return rows;
}

const embedSize = (embed: DiscordEmbed) =>
  embed.title.length +
  (embed.description?.length ?? 0) +
  (embed.footer?.text.length ?? 0) +
  (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);

/** One embed for the reply; the table goes in the description as monospace, or to a text file when it does not fit. */
export function renderDiscordMessage(reply: Reply): DiscordMessage {
  const title = truncate(escapeDiscordMarkdown(reply.title), DISCORD_LIMITS.title);
  // The footer is shown as plain text by Discord (no markdown): it is not escaped.
  const footerText = reply.footer?.length ? truncate(reply.footer.join('\n'), DISCORD_LIMITS.footer) : '';
  let fields = (reply.fields ?? []).map((field) => ({
    name: truncate(escapeDiscordMarkdown(field.label), DISCORD_LIMITS.fieldName) || '\u200b',
    value: truncate(escapeDiscordMarkdown(field.value), DISCORD_LIMITS.fieldValue) || '—',
    ...(field.inline ? { inline: true } : {}),
  }));
  if (fields.length > DISCORD_LIMITS.fields) {
    const hidden = fields.length - (DISCORD_LIMITS.fields - 1);
    fields = [...fields.slice(0, DISCORD_LIMITS.fields - 1), { name: '…', value: `${hidden} more not shown` }];
  }
  const fixedSize =
    title.length + footerText.length + fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const descriptionBudget = Math.max(0, Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - fixedSize));

  const text = (reply.lines ?? []).map(escapeDiscordMarkdown).join('\n');
  const files: DiscordFile[] = [];
  let description = text;
  if (reply.table && reply.table.rows.length) {
    const block = tableCodeBlock(reply.table);
    const joined = text ? `${text}\n${block}` : block;
    if (joined.length <= descriptionBudget) {
      description = joined;
    } else {
      // Too big for the embed: the whole table as a text file, never a cut table.
      files.push({
        name: 'table.txt',
        data: Buffer.from(`${tableLines(reply.table).join('\n')}\n`, 'utf8'),
        contentType: 'text/plain',
        description: 'Full table',
      });
      const note = 'The table is attached as table.txt.';
      description = text ? `${text}\n${note}` : note;
    }
  }
  description = truncate(description, descriptionBudget);

  const embed: DiscordEmbed = { title, color: TONE_COLOURS[reply.tone ?? (reply.error ? 'bad' : 'neutral')] };
  if (description) embed.description = description;
  if (fields.length) embed.fields = fields;
  if (footerText) embed.footer = { text: footerText };
  // The embed total is shared by all parts: trim fields from the end if still over.
  while (embedSize(embed) > DISCORD_LIMITS.embedTotal && embed.fields?.length) embed.fields.pop();

  // The reply's own attachments first, in order; the table file (if any) after them.
  files.unshift(
    ...(reply.attachments ?? []).map((attachment) => ({
      name: safeFilename(attachment.filename),
      data: attachment.data,
      contentType: attachment.contentType,
      ...(attachment.description ? { description: attachment.description.slice(0, 1024) } : {}),
    })),
  );
  const image = files.find((file) => file.contentType === 'image/png');
  if (image) embed.image = { url: `attachment://${image.name}` };

  const body: DiscordMessageBody = { embeds: [embed], allowed_mentions: { parse: [] } };
  const components = renderButtons(reply);
  if (components.length) body.components = components;
  if (files.length)
    body.attachments = files.map((file, id) => ({
      id,
      filename: file.name,
      ...(file.description ? { description: file.description } : {}),
    }));
  return { body, files };
}

/** A short plain message (notices, errors, progress), escaped and mention-free. */
export function renderNotice(text: string): DiscordMessage {
  return {
    body: { content: truncate(escapeDiscordMarkdown(text), DISCORD_LIMITS.content), allowed_mentions: { parse: [] } },
    files: [],
  };
}

/** A native poll (single choice) for a discussion. Poll text is not markdown: it is kept as is. */
export function renderPoll(discussion: ReplyDiscussion): DiscordPoll {
  return {
    question: { text: truncate(pollQuestion(discussion), DISCORD_LIMITS.pollQuestion) },
    answers: discussion.answers
      .slice(0, DISCORD_LIMITS.pollAnswers)
      .map((answer) => ({ poll_media: { text: truncate(answer, DISCORD_LIMITS.pollAnswer) } })),
    duration: Math.max(1, Math.min(DISCORD_LIMITS.pollMaxHours, Math.round(discussion.durationHours))),
    allow_multiselect: false,
    layout_type: 1,
  };
}

/** A thread name within Discord's 100 characters (thread names are plain text). */
export const threadName = (name: string) =>
  truncate(name.replace(/\s+/g, ' ').trim(), DISCORD_LIMITS.threadName) || 'Discussion';
