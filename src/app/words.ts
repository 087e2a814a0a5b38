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
        `Unknown option ${match[1]} for /${command.name} (options: ${names.join(', ') || 'none'}); e.g. ` +
          `${command.examples[0]}`,
      );
    } else {
      positionals.push(word);
    }
  }
  const shape = command.options.shape as Record<string, z.ZodType>;
  const free = names.filter((name) => !(name in raw) && !optionMeta(shape[name]!)?.named);
  // Extra words after the last free option join it when it takes text: "/help position add".
  const last = free[free.length - 1];
  const lastSchema = last ? shape[last] : undefined;
  if (positionals.length > free.length && free.length && lastSchema && optionMeta(lastSchema)?.kind === 'string') {
    positionals.splice(free.length - 1, positionals.length, positionals.slice(free.length - 1).join(' '));
  }
  if (positionals.length > free.length) {
    throw new UserError(
      'too-many-values',
      `/${command.name} takes ${names.length ? names.join(', ') : 'no options'}; got ` +
        `${positionals.length - free.length} value(s) too many. E.g. ${command.examples[0]}`,
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

// ------------------------------------------------------------------ each platform's syntax
// The same definitions (command names, options, examples written as typed words) are shown in
// the syntax the reader types: Discord's slash form (`/position add long_put:5615 …`,
// `share:True`) or the words form of Telegram and the console (`/position add 5615 …`, share=true).

/** 'slash': Discord's fields (name:value); 'words': a typed line (positionals, key=value). */
export type Syntax = 'slash' | 'words';

export const syntaxOf = (platform: string): Syntax => (platform === 'discord' ? 'slash' : 'words');

/** One option given a value, as the reader types it: share=true, or share:True on Discord. */
export function optionSetting(syntax: Syntax, name: string, value: string | number | boolean): string {
  const text = String(value);
  if (syntax === 'slash') {
    const shown = /^(true|false)$/i.test(text) ? text[0]!.toUpperCase() + text.slice(1).toLowerCase() : text;
    return `${name}:${shown}`;
  }
  return `${name}=${/\s/.test(text) ? `"${text}"` : text}`;
}

/** A full example line (written in the words form) in the reader's syntax. */
export function commandLine(syntax: Syntax, command: AnyCommand, line: string): string {
  if (syntax === 'words') return line;
  const words = splitWords(line.trim());
  words.splice(0, command.name.split(' ').length);
  const raw = wordsToRecord(command, words);
  // Discord lists a command's fields in the schema's order, whatever order they were typed in.
  const names = Object.keys(command.options.shape).filter((name) => name in raw);
  return [`/${command.name}`, ...names.map((name) => optionSetting(syntax, name, raw[name]!))].join(' ');
}

const TRAILING_PUNCTUATION = /[.,;:!?)]+$/;

/**
 * Rewrites a message written in the words form for Discord readers: each `/command …` mention
 * becomes the slash form, and a `name=value` of the command answering (or of the command
 * mentioned) becomes `name:value`. Words that are not that command's options are left alone.
 */
export function toSlashText(text: string, commands: readonly AnyCommand[], answering?: AnyCommand): string {
  const tokens = text.split(' ');
  const out: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const mention = /^(\(?)\/([a-z][a-z0-9_]*)$/.exec(token.replace(TRAILING_PUNCTUATION, ''));
    const members = mention ? commands.filter((c) => c.name.split(' ')[0] === mention[2]) : [];
    if (mention && members.length && !TRAILING_PUNCTUATION.test(token)) {
      const sub = tokens[index + 1]?.replace(TRAILING_PUNCTUATION, '');
      const command =
        members.find((c) => c.name === `${mention[2]} ${sub}`) ?? members.find((c) => c.name === mention[2]);
      if (command) {
        const taken = command.name.split(' ').length - 1;
        const subPunctuation = taken ? (TRAILING_PUNCTUATION.exec(tokens[index + 1]!)?.[0] ?? '') : '';
        if (subPunctuation) {
          // "/condor eval:" ends the mention at its name.
          out.push(`${mention[1]}/${command.name}${subPunctuation}`);
          index += taken;
          continue;
        }
        const { settings, used, tail } = mentionSettings(command, tokens.slice(index + 1 + taken));
        const line = [`/${command.name}`, ...settings].join(' ');
        out.push(`${mention[1]}${line}${tail}`);
        index += taken + used;
        continue;
      }
    }
    out.push(answering ? settingToSlash(token, answering) : token);
  }
  return out.join(' ');
}

/** `debit=6.1` → `debit:6.1` when debit is an option of the command; `spot=` → `spot:`. */
function settingToSlash(token: string, command: AnyCommand): string {
  const match = /^([a-z][a-z0-9_]*)=([^\s]*?)([.,;:!?)]*)$/.exec(token);
  if (!match || !(match[1]! in command.options.shape)) return token;
  return match[2] ? `${optionSetting('slash', match[1]!, match[2])}${match[3]}` : `${match[1]}:${match[3]}`;
}

/**
 * A word of prose after a mention is taken as a value only when it is plainly one: a number, date
 * or choice its field accepts, or an id or text with a digit in it ("there" is not a position id).
 */
function looksLikeValue(schema: z.ZodType, word: string): boolean {
  const kind = optionMeta(schema)?.kind;
  if (!schema.safeParse(word).success) return false;
  return kind === 'string' || kind === 'position-id' ? /\d/.test(word) : true;
}

/** The words after a command mention that are its options (stopping at the first that is not). */
function mentionSettings(
  command: AnyCommand,
  words: readonly string[],
): { settings: string[]; used: number; tail: string } {
  const shape = command.options.shape as Record<string, z.ZodType>;
  const free = Object.keys(shape);
  const settings: string[] = [];
  let used = 0;
  let tail = '';
  for (const word of words) {
    const punctuation = TRAILING_PUNCTUATION.exec(word)?.[0] ?? '';
    const bare = word.slice(0, word.length - punctuation.length);
    const keyValue = KEY_VALUE.exec(bare);
    let setting: string | null = null;
    if (bare === 'key=value') {
      // The generic placeholder ("/settings key=value"): any field.
      setting = 'option:value';
    } else if (keyValue && !(keyValue[1]! in shape)) {
      // Another command's option, or prose: the mention ends here.
      break;
    } else if (keyValue) {
      free.splice(free.indexOf(keyValue[1]!), 1);
      setting = optionSetting('slash', keyValue[1]!, keyValue[2]!);
    } else if (/^<([a-z_]+)>$/.test(bare) && free.length) {
      // A placeholder (<id>) names the next field to fill.
      setting = `${free.shift()!}:${bare}`;
    } else {
      const slot = free.findIndex((name) => looksLikeValue(shape[name]!, bare));
      // Positionals fill in order: an earlier field may be skipped only when it is optional.
      if (slot >= 0 && free.slice(0, slot).every((name) => !optionMeta(shape[name]!)?.required)) {
        setting = optionSetting('slash', free[slot]!, bare);
        free.splice(0, slot + 1);
      }
    }
    if (setting === null) break;
    settings.push(setting);
    used++;
    if (punctuation) {
      tail = punctuation;
      break;
    }
  }
  return { settings, used, tail };
}
