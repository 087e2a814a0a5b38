// /help: every command with an example, or one command's options in full. Shown in the syntax the
// reader types (Discord's fields, or the words form of Telegram and the console), from the same
// definitions: src/app/words.ts renders them.
import { z } from 'zod';
import { defineCommand, type AnyCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { option, optional, optionMeta } from '../src/app/options.ts';
import { NOT_ADVICE, type Reply } from '../src/app/reply.ts';
import { commandLine, optionSetting, syntaxOf, type Syntax } from '../src/app/words.ts';
import { DEFAULT_POLICY_LINE, POLICIES } from '../src/engine/policies/index.ts';

/** /help settings also explains the policies and why the default is the default. */
const SETTINGS_NOTES = [DEFAULT_POLICY_LINE, 'Policies:', ...Object.values(POLICIES).map((p) => `  ${p.summary}`)];

const HOW_TO_GIVE_OPTIONS: Record<Syntax, string> = {
  slash: 'Pick a command from the / menu and fill in its fields. /help command:<name> shows them all.',
  words: 'Options go in order or as name=value. /help <command> shows them all.',
};

function optionLines(command: AnyCommand, syntax: Syntax): string[] {
  return Object.entries(command.options.shape).map(([name, schema]) => {
    const meta = optionMeta(schema as never)!;
    const choices = meta.choices ? ` [${meta.choices.join('|')}]` : '';
    return (
      `  ${name}${meta.required ? '' : ' (optional)'}: ${meta.description}${choices}; e.g. ` +
      `${optionSetting(syntax, name, meta.example)}`
    );
  });
}

/** One command in full: its options and examples. */
function commandHelp(commands: readonly AnyCommand[], asked: string, syntax: Syntax): Reply {
  const wanted = asked.replace(/^\//, '').trim().toLowerCase().replace(/\s+/g, ' ');
  const matches = commands.filter((c) => c.name === wanted || c.name.startsWith(`${wanted} `));
  if (!matches.length) throw new UserError('unknown-command', `Unknown command ${asked}: /help lists them all.`);
  return {
    title: `Help: /${wanted}`,
    visibility: 'caller',
    lines: matches.flatMap((command) => [
      `/${command.name}: ${command.description}`,
      ...optionLines(command, syntax),
      ...command.examples.map((example: string) => `  Example: ${commandLine(syntax, command, example)}`),
      ...(command.name === 'settings' ? SETTINGS_NOTES : []),
    ]),
  };
}

export default defineCommand({
  name: 'help',
  description: 'Usage, with an example for every command',
  options: z
    .object({
      command: optional(
        option.string({
          description: 'A command for its options, e.g. "position add"',
          example: 'position add',
          maxLength: 40,
        }),
      ),
    })
    .strict(),
  visibility: 'caller',
  examples: ['/help', '/help position add'],
  run(input, context) {
    const commands = context.commands;
    const platform = context.caller.platform;
    const syntax = syntaxOf(platform);
    if (input.command) return commandHelp(commands, input.command, syntax);
    const intro = [
      'Iron condors on SPX: evaluate, record, and watch each position with the constant-product invariant ' +
        '(premium × cushion = k).',
      HOW_TO_GIVE_OPTIONS[syntax],
    ];
    const examples = commands.map((command) => ({
      name: `/${command.name}`,
      example: commandLine(syntax, command, command.examples[0]!),
      description: command.description,
    }));
    // A chat shows commands as text a reader can tap or copy (a monospace table would make them
    // dead text); the terminal keeps the aligned table.
    const chat = platform === 'telegram' || platform === 'discord';
    return {
      title: 'condor-xyk commands',
      visibility: 'caller',
      lines: chat ? [...intro, '', ...examples.map((e) => `${e.example} · ${e.description}`)] : intro,
      ...(chat
        ? {}
        : {
            table: {
              columns: [{ label: 'command' }, { label: 'example' }],
              rows: examples.map((e) => [e.name, e.example]),
            },
          }),
      footer: [NOT_ADVICE],
    };
  },
});
