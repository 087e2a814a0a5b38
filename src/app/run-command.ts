// runCommand: the one path from a raw option record to a Reply. The command's schema parses the
// input once; a failure becomes a UserError whose line names the option, the rule and an example.
// Expected refusals (UserError, a broken condor rule) come back as error replies; anything else is
// logged with a reference id and the user sees only the reference.
import type { z } from 'zod';
import { CondorRuleError } from '../engine/index.ts';
import type { AnyCommand, CommandContext, Permission } from './command.ts';
import type { Chat, Platform } from './ports.ts';
import { errorReference, UserError } from './errors.ts';
import { optionMeta } from './options.ts';
import type { Reply } from './reply.ts';
import { commandLine, optionSetting, syntaxOf, toSlashText, wordsToRecord, splitWords, type Syntax } from './words.ts';

/** The first example that sets this option (else the first example), in the reader's syntax. */
function usageExample(command: AnyCommand, option: string, syntax: Syntax): string {
  const sets = (line: string) => {
    try {
      return option in wordsToRecord(command, splitWords(line).slice(command.name.split(' ').length));
    } catch {
      return false;
    }
  };
  return commandLine(syntax, command, command.examples.find(sets) ?? command.examples[0]!);
}

/**
 * A broken condor rule as one line for a trader: what is wrong (not the rule's id) and a fix that
 * works today (a past expiry gets a listed expiry about 45 days out, not the date it was given).
 */
function condorRuleLine(error: CondorRuleError, command: AnyCommand, context: CommandContext, syntax: Syntax): string {
  const what = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  const expiryRule = error.rule === 'expiry-past' || error.rule === 'expiry-date';
  if (expiryRule && 'expiry' in command.options.shape) {
    const today = context.calendar.newYorkDate(context.clock.now());
    const listed = context.calendar.listedExpiryNearest(today, 45).expiry;
    return `${what}: e.g. ${optionSetting(syntax, 'expiry', listed)} or ${optionSetting(syntax, 'expiry', 45)} (days).`;
  }
  return `${what}. E.g. ${commandLine(syntax, command, command.examples[0]!)}`;
}

/** Turns the first zod issue into one line: "Option short_put must be a number (e.g. short_put=5665)." */
export function describeIssue(
  command: AnyCommand,
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown> = {},
  syntax: Syntax = 'words',
): UserError {
  const names = Object.keys(command.options.shape);
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    return new UserError(
      'unknown-option',
      `Unknown option ${keys.join(', ')} for /${command.name} (options: ${names.join(', ') || 'none'}); e.g. ` +
        `${commandLine(syntax, command, command.examples[0]!)}`,
    );
  }
  const option = String(issue.path[0] ?? '');
  const schema = (command.options.shape as Record<string, z.ZodType>)[option];
  const meta = schema ? optionMeta(schema) : undefined;
  // Missing means not given at all (whatever shape of schema complained about it).
  const missing = option !== '' && (raw[option] === undefined || raw[option] === '');
  const rule = missing ? 'is required' : issue.message.replace(/^Invalid input: /, '');
  const example = meta ? ` (e.g. ${optionSetting(syntax, option, meta.example)})` : '';
  return new UserError(
    missing ? 'missing-option' : 'invalid-option',
    `Option ${option || '?'} ${rule}${example}. Usage: ${usageExample(command, option, syntax)}`,
    { option },
  );
}

export function errorReply(error: UserError): Reply {
  return {
    title: 'Not done',
    visibility: 'caller',
    tone: 'bad',
    lines: [error.message],
    error: { kind: 'user', identifier: error.identifier },
  };
}

/** Who holds each permission, in each platform's words (the console and CLI user may do anything). */
const HOLDERS: Record<Permission, (platform: Platform) => string> = {
  'manage-chat': (platform) =>
    platform === 'telegram' ? 'a chat administrator' : 'members with Manage Channels (or Manage Server)',
};

/** The command's declared permission, checked against what the adapter reported about the caller. */
function checkPermission(command: AnyCommand, input: unknown, chat: Chat): void {
  const requirement = command.requires;
  if (!requirement || (requirement.when && !requirement.when(input, chat))) return;
  if (requirement.permission === 'manage-chat' && !chat.callerCanManage)
    throw new UserError(
      'not-admin',
      `Only ${HOLDERS[requirement.permission](chat.platform)} can ${requirement.doing(chat.platform)}.`,
    );
}

export interface RunOptions {
  /** Per-user limiter for expensive commands: returns seconds to wait, or 0. */
  limiter?: (userId: string, command: AnyCommand) => number;
}

/** Parses, runs, and always returns a Reply. Logs one line per command (no user free text). */
export async function runCommand(
  command: AnyCommand,
  raw: Record<string, unknown>,
  context: CommandContext,
  options: RunOptions = {},
): Promise<Reply> {
  const started = performance.now();
  const { logger, caller } = context;
  const syntax = syntaxOf(caller.platform);
  let outcome = 'ok';
  let reply: Reply;
  try {
    // reportInput: zod 4 only says what was received when asked, and 'missing' vs 'wrong' depends on it.
    const parsed = command.options.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw describeIssue(command, parsed.error.issues[0]!, raw, syntax);
    checkPermission(command, parsed.data, caller.chat);
    // The limit protects a shared bot from one user; the local console and CLI have only one.
    if (command.expensive && options.limiter && caller.platform !== 'console' && caller.platform !== 'cli') {
      const wait = options.limiter(caller.userId, command);
      if (wait > 0)
        throw new UserError(
          'rate-limited',
          `/${command.name} is limited to protect the bot: try again in ${Math.ceil(wait)} s.`,
        );
    }
    reply = await command.run(parsed.data, context);
  } catch (error) {
    if (error instanceof UserError) {
      outcome = `refused:${error.identifier}`;
      reply = errorReply(error);
    } else if (error instanceof CondorRuleError) {
      outcome = `refused:${error.rule}`;
      reply = errorReply(new UserError(error.rule, condorRuleLine(error, command, context, syntax)));
    } else {
      const reference = errorReference();
      outcome = 'error';
      logger.error({ err: error, reference, command: command.name, platform: caller.platform }, 'command failed');
      reply = {
        title: 'Something went wrong',
        visibility: 'caller',
        tone: 'bad',
        lines: [`This is a fault in the bot, not in your input. It is logged as ref ${reference}.`],
        error: { kind: 'internal', identifier: 'internal', reference },
      };
    }
  }
  logger.info(
    {
      command: command.name,
      platform: caller.platform,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      outcome,
    },
    'command handled',
  );
  return syntax === 'slash' ? inSlashSyntax(reply, context.commands, command) : reply;
}

/**
 * Replies whose lines are all the bot's own words (no note, name or title a user typed): only these
 * and refusals are rewritten for Discord, so user text is never changed, even when it looks like
 * a command.
 */
const AUTHORED_REPLIES = new Set(['subscribe', 'settings', 'position list', 'position close', 'backtest']);

/** Commands write their lines in the words form; a Discord reader sees the slash form. */
function inSlashSyntax(reply: Reply, commands: readonly AnyCommand[], command: AnyCommand): Reply {
  if (!reply.error && !AUTHORED_REPLIES.has(command.name)) return reply;
  const rewrite = (text: string) => toSlashText(text, commands, command);
  return {
    ...reply,
    ...(reply.lines ? { lines: reply.lines.map(rewrite) } : {}),
    ...(reply.footer ? { footer: reply.footer.map(rewrite) } : {}),
  };
}
