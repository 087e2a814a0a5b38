// /help: every command with an example, or one command's options in full.
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { option, optional, optionMeta } from '../src/app/options.ts';
import { NOT_ADVICE } from '../src/app/reply.ts';

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
    if (input.command) {
      const wanted = input.command.replace(/^\//, '').trim().toLowerCase().replace(/\s+/g, ' ');
      const matches = commands.filter((c) => c.name === wanted || c.name.startsWith(`${wanted} `));
      if (!matches.length)
        throw new UserError('unknown-command', `Unknown command ${input.command}: /help lists them all.`);
      return {
        title: `Help: /${wanted}`,
        visibility: 'caller',
        lines: matches.flatMap((command) => [
          `/${command.name}: ${command.description}`,
          ...Object.entries(command.options.shape).map(([name, schema]) => {
            const meta = optionMeta(schema as never)!;
            return `  ${name}${meta.required ? '' : ' (optional)'}: ${meta.description}${meta.choices ? ` [${meta.choices.join('|')}]` : ''}; e.g. ${name}=${meta.example}`;
          }),
          ...command.examples.map((example: string) => `  Example: ${example}`),
        ]),
      };
    }
    return {
      title: 'condor-xyk commands',
      visibility: 'caller',
      lines: [
        'Iron condors on SPX: evaluate, record, and watch each position with the constant-product invariant (premium × cushion = k).',
        'Options go in order or as key=value. /help <command> shows them all.',
      ],
      table: {
        columns: [{ label: 'command' }, { label: 'example' }],
        rows: commands.map((command) => [`/${command.name}`, command.examples[0]!]),
      },
      footer: [NOT_ADVICE],
    };
  },
});
