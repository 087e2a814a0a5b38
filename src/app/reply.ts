// The platform-neutral answer of a command. Every string in it is plain text: adapters escape
// it for their markup (Discord markdown, Telegram HTML) and never let it ping anyone.
import type { ErrorId } from './errors.ts';

export type Visibility = 'caller' | 'channel';
/** 'bad' reads as an error (✗, the error colour): a result the trader dislikes (a loss) is not one. */
export type Tone = 'neutral' | 'good' | 'warn' | 'bad';

export interface ReplyField {
  label: string;
  value: string;
  inline?: boolean;
}

export interface ReplyTable {
  columns: { label: string; align?: 'left' | 'right' }[];
  rows: string[][];
}

export interface ReplyAttachment {
  filename: string;
  contentType: 'image/png' | 'text/csv';
  data: Buffer;
  /** Alt text / caption. */
  description?: string;
}

/** A button runs a command as the person who presses it (so it can never act for someone else). */
export interface ReplyButton {
  label: string;
  style: 'primary' | 'secondary' | 'danger' | 'success';
  /** The chat command it runs, e.g. 'position close'. */
  command: string;
  options: Record<string, string | number | boolean>;
}

/** Asks the platform to open a discussion (Discord: thread + poll; Telegram: poll) where the reply lands. */
export interface ReplyDiscussion {
  threadName: string;
  question: string;
  answers: string[];
  durationHours: number;
  /**
   * What adopting means: the command an Adopt vote or button runs as the voter. Absent for a
   * discussion-only poll (a channel's paper position: there is nothing of the voter's to record).
   */
  adopt?: { command: string; options: Record<string, string | number | boolean> };
}

/** TData: what `data` holds, stated by each command's definition (CommandDefinition's Data). */
export interface Reply<TData = unknown> {
  title: string;
  visibility: Visibility;
  tone?: Tone;
  /** Paragraphs. */
  lines?: string[];
  fields?: ReplyField[];
  table?: ReplyTable;
  /** Small print: data age, source, disclaimers. */
  footer?: string[];
  attachments?: ReplyAttachment[];
  buttons?: ReplyButton[];
  discussion?: ReplyDiscussion;
  /** The engine's numbers for --json and for tests: unrounded. */
  data?: TData;
  /** Set on error replies. */
  error?: { kind: 'user' | 'internal'; identifier: ErrorId | 'internal'; reference?: string };
}

/** The answer of a hedge poll that adopts (one home: platforms find the Adopt vote by it). */
export const ADOPT_ANSWER = 'Adopt';
/** A hedge poll's answers, Adopt first. */
export const HEDGE_POLL_ANSWERS: readonly string[] = [ADOPT_ANSWER, 'Skip', 'Need more data'];

export const NOT_ADVICE = 'Educational tool, not investment advice.';

/**
 * A hedge poll's question as every platform shows it: it says first that the poll is for
 * discussion and who Adopt acts for (only the position's owner records a layer), so the note
 * survives a platform's length limit cutting the end of the question.
 */
export function pollQuestion(discussion: Pick<ReplyDiscussion, 'question' | 'adopt'>): string {
  const who = discussion.adopt ? "Adopt records only for the position's owner" : 'votes record nothing';
  return `For discussion (${who}): ${discussion.question}`;
}
