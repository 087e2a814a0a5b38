// Chat command lines as typed in Telegram and the console:
//   /position add 5615 5665 6335 6385 2027-01-08 credit=14.2 note="iron fly hedge"
// The command word (and subcommand word), then positionals in the schema's order, then key=value
// (key:value also works, as in Discord's display). Quotes keep spaces; '@botname' after the
// command is dropped. The result is a raw record for the command's schema: parsing stays in one place.
import { UserError } from './errors.ts';
import type { AnyCommand } from './command.ts';
import type { Registry } from './registry.ts';
import type { z } from 'zod';
import { optionMeta } from './options.ts';

/** Splits a line into words, honouring "double" and 'single' quotes and backslash escapes inside them. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === '\\' && i + 1 < line.length && (line[i + 1] === quote || line[i + 1] === '\\')) {
        current += line[++i];
      } else if (char === quote) {
        quote = null;
      } else {
        current += char;
      }
    } else if (char === '"' || char === "'" || char === '“' || char === '”') {
      quote = char === '“' ? '”' : char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quote)
    throw new UserError('unclosed-quote', `A quote (${quote}) is not closed: close it, e.g. note="rolled early"`);
  if (started) words.push(current);
  return words;
}

export interface ParsedLine {
  command: AnyCommand;
  raw: Record<string, string>;
}

const KEY_VALUE = /^([a-z][a-z0-9_]{0,31})[=:](.*)$/is;

/** A word of the user's quoted back in an error, cut to a name's length (names are ≤ 32 characters). */
function echo(word: string): string {
  const chars = [...word];
  return chars.length <= 32 ? word : `${chars.slice(0, 31).join('')}…`;
}

/** Finds the command a line names, and builds its raw option record. */
export function parseCommandLine(registry: Registry, line: string, botName?: string): ParsedLine {
  const words = splitWords(line.trim());
  if (!words.length) throw new UserError('empty', 'Type a command, e.g. /help');
  let head = words.shift()!.replace(/^\//, '').toLowerCase();
  const at = head.indexOf('@');
  if (at >= 0) {
    const target = head.slice(at + 1);
    if (botName && target && target !== botName.toLowerCase())
      throw new UserError('other-bot', `That command is for @${echo(target)}, not for this bot.`);
    head = head.slice(0, at);
  }
  const members = registry.roots.get(head);
  if (!members) throw new UserError('unknown-command', `Unknown command /${echo(head)}: type /help for the list.`);
  let command = members.find((c) => c.name === head);
  if (!command) {
    const sub = (words.shift() ?? '').toLowerCase();
    command = members.find((c) => c.name === `${head} ${sub}`);
    if (!command) {
      const choices = members.map((c) => c.name.split(' ')[1]).join(', ');
      throw new UserError('unknown-subcommand', `/${head} needs one of: ${choices}; e.g. ${members[0]!.examples[0]}`);
    }
  }
  return { command, raw: wordsToRecord(command, words) };
}

/** An optional choice is skipped by a word that is not one of its choices but is a valid next option. */
function skippable(command: AnyCommand, name: string, next: string, word: string): boolean {
  const shape = command.options.shape as Record<string, z.ZodType>;
  const meta = optionMeta(shape[name]!);
  if (!meta || meta.required || meta.kind !== 'choice' || meta.choices?.includes(word.toLowerCase())) return false;
  return shape[next]!.safeParse(word).success;
}

/** Positionals fill the options in the schema's order; key=value names one. */
export function wordsToRecord(command: AnyCommand, words: readonly string[]): Record<string, string> {
  const names = Object.keys(command.options.shape);
  const raw: Record<string, string> = {};
  const positionals: string[] = [];
  for (const word of words) {
    const match = KEY_VALUE.exec(word);
    if (match && names.includes(match[1]!.toLowerCase())) {
      const key = match[1]!.toLowerCase();
      if (key in raw)
        throw new UserError(
          'given-twice',
          `Option ${key} is given twice in /${command.name}; e.g. ${command.examples[0]}`,
        );
      raw[key] = match[2]!;
    } else if (match) {
      throw new UserError(
        'unknown-option',
        `Unknown option ${match[1]} for /${command.name} (options: ${names.join(', ') || 'none'}); e.g. ${command.examples[0]}`,
      );
    } else {
      positionals.push(word);
    }
  }
  const free = names.filter((name) => !(name in raw));
  // Extra words after the last free option join it when it takes text: "/help position add".
  const last = free[free.length - 1];
  const lastSchema = last ? (command.options.shape as Record<string, z.ZodType>)[last] : undefined;
  if (positionals.length > free.length && free.length && lastSchema && optionMeta(lastSchema)?.kind === 'string') {
    positionals.splice(free.length - 1, positionals.length, positionals.slice(free.length - 1).join(' '));
  }
  if (positionals.length > free.length) {
    throw new UserError(
      'too-many-values',
      `/${command.name} takes ${names.length ? names.join(', ') : 'no options'}; got ${positionals.length - free.length} value(s) too many. E.g. ${command.examples[0]}`,
    );
  }
  // Positionals fill the free options in order; an optional choice a word does not match is
  // skipped ("/subscribe 16:15" means time=16:15, not kind=16:15).
  let slot = 0;
  for (let index = 0; index < positionals.length; index++) {
    const value = positionals[index]!;
    while (
      slot < free.length - 1 &&
      positionals.length - index <= free.length - slot - 1 &&
      skippable(command, free[slot]!, free[slot + 1]!, value)
    )
      slot++;
    raw[free[slot++]!] = value;
  }
  return raw;
}
