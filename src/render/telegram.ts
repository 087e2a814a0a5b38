// Reply → Telegram HTML (parse_mode HTML). Every string of a Reply is plain text typed by a user or
// built from numbers, so all of it is escaped here and only this file writes tags. Long replies are
// split into messages under Telegram's limit at line boundaries; splitting happens on the plain
// text before escaping, so no tag and no entity (&amp;) is ever cut, and a <pre> block that does
// not fit is closed at the end of one message and reopened in the next.
//
// Lengths are counted on the HTML source in UTF-16 code units (String.length). Telegram counts the
// parsed text, which is never longer than its source, so a part under the limit here is under the
// limit there too.
import { encodeButton, payloadBytes } from '../app/buttons.ts';
import {
  ADOPT_ANSWER,
  pollQuestion,
  type Reply,
  type ReplyAttachment,
  type ReplyButton,
  type ReplyDiscussion,
} from '../app/reply.ts';
import { tableLines } from './table.ts';

export const TELEGRAM_LIMITS = {
  /** sendMessage text. */
  message: 4096,
  /** sendPhoto / sendDocument caption. */
  caption: 1024,
  /** InlineKeyboardButton.callback_data, in bytes. */
  callbackDataBytes: 64,
  pollQuestion: 300,
  pollOption: 100,
} as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text for Telegram HTML, in text and in attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ESCAPES[char]!);
}

export interface TelegramInlineButton {
  text: string;
  callback_data: string;
}

export interface TelegramMedia {
  kind: 'photo' | 'document';
  filename: string;
  data: Buffer;
  /** HTML caption, ≤ 1024. */
  caption: string;
}

export interface DroppedButton {
  label: string;
  payload: string;
  bytes: number;
}

export interface TelegramRendered {
  /** HTML messages, each ≤ the limit, in order. */
  parts: string[];
  /** Inline keyboard rows, for the last text part (empty: none). */
  keyboard: TelegramInlineButton[][];
  /** Charts as photos, CSV files as documents, sent after the text. */
  media: TelegramMedia[];
  /** Buttons whose payload is over Telegram's 64 bytes: left out, for the caller to log. */
  dropped: DroppedButton[];
}

export interface TelegramRenderOptions {
  /** Message limit (tests use small ones); default 4096. */
  limit?: number;
}

type Style = 'b' | 'i';
interface Span {
  text: string;
  style?: Style;
}
type Line = Span[];
/**
 * A line, or a monospace table whose first `header` lines are repeated when it is split. A
 * `small` line (the footer) never makes a message on its own: it goes with what it is under.
 */
type Block = { kind: 'line'; line: Line; small?: boolean } | { kind: 'pre'; lines: string[]; header?: number };

const MARKERS = { good: '✓ ', warn: '! ', bad: '✗ ', neutral: '' } as const;
const PRE_OPEN = '<pre>';
const PRE_CLOSE = '</pre>';

const renderSpan = (span: Span) =>
  span.style ? `<${span.style}>${escapeHtml(span.text)}</${span.style}>` : escapeHtml(span.text);
const renderLine = (line: Line) => line.map(renderSpan).join('');
const spanOverhead = (span: Span) => (span.style ? 5 + 2 * span.style.length : 0);

/**
 * Cuts plain text into pieces whose escaped form is at most maxEscaped long, never inside a
 * surrogate pair, preferring the last space of a piece when there is one in its second half.
 */
export function chunkPlain(text: string, maxEscaped: number): string[] {
  if (maxEscaped < 6) throw new Error('chunkPlain needs room for at least one escaped character');
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = start;
    let size = 0;
    let lastSpace = -1;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      const width = code >= 0xd800 && code <= 0xdbff && end + 1 < text.length ? 2 : 1;
      const escaped = width === 2 ? 2 : (ESCAPES[text[end]!]?.length ?? 1);
      if (size + escaped > maxEscaped) break;
      if (text[end] === ' ') lastSpace = end;
      size += escaped;
      end += width;
    }
    if (end < text.length && lastSpace > start + (end - start) / 2) end = lastSpace + 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces.length ? pieces : [''];
}

/** A line too long for one message becomes several, each span cut on its plain text. */
function splitLine(line: Line, limit: number): Line[] {
  if (renderLine(line).length <= limit) return [line];
  const out: Line[] = [];
  let current: Line = [];
  let used = 0;
  for (const span of line) {
    let rest = span.text;
    while (rest.length) {
      const room = limit - used - spanOverhead(span);
      if (room < 6) {
        if (!current.length) throw new Error(`message limit ${limit} is too small`);
        out.push(current);
        current = [];
        used = 0;
        continue;
      }
      const [piece] = chunkPlain(rest, room);
      const fitted: Span = span.style ? { text: piece!, style: span.style } : { text: piece! };
      current.push(fitted);
      used += renderSpan(fitted).length;
      rest = rest.slice(piece!.length);
      if (rest.length) {
        out.push(current);
        current = [];
        used = 0;
      }
    }
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * Packs blocks into messages of at most `limit` UTF-16 units. Lines never split unless one alone
 * is over the limit; a <pre> block that must be split is closed and reopened with its header
 * again; small print is never left in a message of its own.
 */
function pack(blocks: Block[], limit: number): string[] {
  const parts: string[] = [];
  /** Whether each part holds more than small print. */
  const bodies: boolean[] = [];
  let current = '';
  let body = false;
  const flush = () => {
    const text = current.replace(/^\n+|\n+$/g, '');
    if (text.trim()) {
      parts.push(text);
      bodies.push(body);
    }
    current = '';
    body = false;
  };
  const sep = () => (current ? '\n' : '');
  const addHtml = (html: string, small = false) => {
    if (current && current.length + 1 + html.length > limit) flush();
    current += sep() + html;
    if (!small && html.trim()) body = true;
  };
  const preRoom = limit - PRE_OPEN.length - PRE_CLOSE.length;

  for (const block of blocks) {
    if (block.kind === 'line') {
      for (const piece of splitLine(block.line, limit)) addHtml(renderLine(piece), block.small);
      continue;
    }
    const escaped = block.lines
      .flatMap((line) => line.split('\n'))
      .flatMap((line) => chunkPlain(line, preRoom).map(escapeHtml));
    const whole = PRE_OPEN + escaped.join('\n') + PRE_CLOSE;
    body = true;
    if (current.length + sep().length + whole.length <= limit) {
      current += sep() + whole;
      continue;
    }
    // The header goes again at the top of each continuation, when it leaves room for a row.
    const header = escaped.slice(0, block.header ?? 0);
    const headerText = header.join('\n');
    const repeat = header.length > 0 && headerText.length * 2 + PRE_OPEN.length + PRE_CLOSE.length < limit;
    const reopen = (line: string) => PRE_OPEN + (repeat ? `${headerText}\n` : '') + line;
    let open = false;
    for (const [index, line] of escaped.entries()) {
      if (!open) {
        if (current && current.length + 1 + PRE_OPEN.length + line.length + PRE_CLOSE.length > limit) flush();
        current += sep() + PRE_OPEN + line;
        open = true;
      } else if (current.length + 1 + line.length + PRE_CLOSE.length > limit) {
        current += PRE_CLOSE;
        flush();
        current = index < header.length ? PRE_OPEN + line : reopen(line);
        body = true;
        if (current.length + PRE_CLOSE.length > limit) current = PRE_OPEN + line;
      } else {
        current += '\n' + line;
      }
    }
    current += PRE_CLOSE;
  }
  flush();
  return keepSmallPrintWithBody(parts, bodies, limit);
}

/** A last message of small print only takes the previous message's last line with it. */
function keepSmallPrintWithBody(parts: string[], bodies: boolean[], limit: number): string[] {
  const last = parts.length - 1;
  if (last < 1 || bodies[last]) return parts;
  const previous = parts[last - 1]!;
  // Merged whole when it fits; otherwise the previous message's last line moves down.
  if (previous.length + 1 + parts[last]!.length <= limit)
    return [...parts.slice(0, last - 1), `${previous}\n${parts[last]}`];
  const cut = previous.lastIndexOf('\n');
  const moved = previous.slice(cut + 1);
  if (cut <= 0 || moved.includes('<pre>')) return parts;
  if (!moved.endsWith(PRE_CLOSE)) {
    return [...parts.slice(0, last - 1), previous.slice(0, cut), `${moved}\n${parts[last]}`];
  }
  // A table's last row moves down in its own <pre>, under the table's header (label line and rule).
  const table = previous.slice(previous.lastIndexOf(PRE_OPEN) + PRE_OPEN.length, cut).split('\n');
  if (table.length < 3) return parts;
  const row = moved.slice(0, -PRE_CLOSE.length);
  const carried = `${PRE_OPEN}${table.slice(0, 2).join('\n')}\n${row}${PRE_CLOSE}\n${parts[last]}`;
  if (carried.length > limit) return parts;
  return [...parts.slice(0, last - 1), `${previous.slice(0, cut)}${PRE_CLOSE}`, carried];
}

/** Splits ready-made lines of plain text into messages (for callers without a Reply). */
export function splitPlainText(text: string, limit: number = TELEGRAM_LIMITS.message): string[] {
  return pack(
    text.split('\n').map((line) => ({ kind: 'line', line: [{ text: line }] })),
    limit,
  );
}

function replyBlocks(reply: Reply): Block[] {
  const blocks: Block[] = [];
  const line = (...spans: Span[]) => blocks.push({ kind: 'line', line: spans });
  const gap = () => line();
  const marker = reply.error ? MARKERS.bad : MARKERS[reply.tone ?? 'neutral'];
  line({ text: `${marker}${reply.title}`, style: 'b' });
  for (const paragraph of reply.lines ?? []) for (const text of paragraph.split('\n')) line({ text });
  if (reply.fields?.length) {
    if (reply.lines?.length) gap();
    for (const field of reply.fields) line({ text: field.label, style: 'b' }, { text: `: ${field.value}` });
  }
  if (reply.table && reply.table.rows.length) {
    gap();
    // tableLines: the column labels, then a rule under them.
    blocks.push({ kind: 'pre', lines: tableLines(reply.table), header: 2 });
  }
  if (reply.footer?.length) {
    gap();
    for (const text of reply.footer) blocks.push({ kind: 'line', line: [{ text, style: 'i' }], small: true });
  }
  return blocks;
}

/** The HTML parts of a reply's text (title, lines, fields, table, footer). */
export function replyHtmlParts(reply: Reply, options: TelegramRenderOptions = {}): string[] {
  return pack(replyBlocks(reply), options.limit ?? TELEGRAM_LIMITS.message);
}

/** An inline button, or the reason it cannot be one. */
export function inlineButton(
  button: Pick<ReplyButton, 'label' | 'command' | 'options'>,
): TelegramInlineButton | DroppedButton {
  const payload = encodeButton(button);
  const bytes = payloadBytes(payload);
  if (bytes > TELEGRAM_LIMITS.callbackDataBytes) return { label: button.label, payload, bytes };
  return { text: button.label, callback_data: payload };
}

const isButton = (value: TelegramInlineButton | DroppedButton): value is TelegramInlineButton =>
  'callback_data' in value;

/** Buttons two to a row; those whose payload is too long are returned as dropped. */
export function inlineKeyboard(buttons: readonly ReplyButton[]): {
  keyboard: TelegramInlineButton[][];
  dropped: DroppedButton[];
} {
  const kept: TelegramInlineButton[] = [];
  const dropped: DroppedButton[] = [];
  for (const button of buttons) {
    const made = inlineButton(button);
    if (isButton(made)) kept.push(made);
    else dropped.push(made);
  }
  const keyboard: TelegramInlineButton[][] = [];
  for (let i = 0; i < kept.length; i += 2) keyboard.push(kept.slice(i, i + 2));
  return { keyboard, dropped };
}

/** An HTML caption of at most 1024 units, cut on the plain text. */
export function caption(text: string, limit: number = TELEGRAM_LIMITS.caption): string {
  const [first] = chunkPlain(text, limit);
  return escapeHtml(first!);
}

function media(attachment: ReplyAttachment, title: string): TelegramMedia {
  return {
    kind: attachment.contentType === 'image/png' ? 'photo' : 'document',
    filename: attachment.filename,
    data: attachment.data,
    caption: caption(attachment.description ? `${title}: ${attachment.description}` : title),
  };
}

/** Everything Telegram needs to show a reply. The discussion (poll) is the adapter's part. */
export function renderTelegram(reply: Reply, options: TelegramRenderOptions = {}): TelegramRendered {
  const { keyboard, dropped } = inlineKeyboard(reply.buttons ?? []);
  return {
    parts: replyHtmlParts(reply, options),
    keyboard,
    media: (reply.attachments ?? []).map((attachment) => media(attachment, reply.title)),
    dropped,
  };
}

export interface TelegramPoll {
  question: string;
  options: string[];
  /** Index of the Adopt answer (votes for it run the adopt command). */
  adoptOption: number;
  /** The inline Adopt button, or null when its payload is over 64 bytes. */
  adoptButton: TelegramInlineButton | null;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** A hedge discussion as a native poll (plain text: polls take no HTML). */
export function renderPoll(discussion: ReplyDiscussion): TelegramPoll {
  const options = discussion.answers.slice(0, 10).map((answer) => clip(answer, TELEGRAM_LIMITS.pollOption));
  const adoptOption = Math.max(0, options.indexOf(ADOPT_ANSWER));
  const made = discussion.adopt
    ? inlineButton({
        label: options[adoptOption] ?? 'Adopt',
        command: discussion.adopt.command,
        options: discussion.adopt.options,
      })
    : null;
  return {
    question: clip(pollQuestion(discussion), TELEGRAM_LIMITS.pollQuestion),
    options,
    adoptOption,
    adoptButton: made && isButton(made) ? made : null,
  };
}
