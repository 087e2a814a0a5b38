// The registry: the explicit list of commands (commands/index.ts), checked once for the names and
// limits that suit Discord and Telegram alike (docs/architecture.md convention 6).
import { optionMeta } from './options.ts';
import { NAME_PATTERN, type AnyCommand } from './command.ts';

export interface Registry {
  readonly commands: readonly AnyCommand[];
  get(name: string): AnyCommand | undefined;
  /** Root words ('condor', 'position', 'market' ...) with their commands. */
  readonly roots: ReadonlyMap<string, readonly AnyCommand[]>;
}

export const LIMITS = { description: 100, options: 25, nameLength: 32 } as const;

/** Every problem with a command's definition (empty when it suits both platforms). */
export function definitionProblems(command: AnyCommand): string[] {
  const problems: string[] = [];
  const words = command.name.split(' ');
  if (words.length < 1 || words.length > 2 || !words.every((word) => NAME_PATTERN.test(word))) {
    problems.push(`${command.name}: names are one or two words of [a-z0-9_]{1,32}`);
  }
  if (!command.description || command.description.length > LIMITS.description)
    problems.push(`${command.name}: description must be 1-100 characters`);
  const entries = Object.entries(command.options.shape);
  if (entries.length > LIMITS.options) problems.push(`${command.name}: at most 25 options`);
  let optionalSeen = false;
  for (const [name, schema] of entries) {
    const meta = optionMeta(schema as never);
    if (!NAME_PATTERN.test(name)) problems.push(`${command.name}: option ${name} must match [a-z0-9_]{1,32}`);
    if (!meta) {
      problems.push(`${command.name}: option ${name} was not built with the option helpers`);
      continue;
    }
    if (!meta.description || meta.description.length > LIMITS.description)
      problems.push(`${command.name}: option ${name} needs a description of 1-100 characters`);
    // Discord requires required options first; Telegram fills positionals in this order too.
    if (meta.required && optionalSeen)
      problems.push(`${command.name}: required option ${name} comes after an optional one`);
    if (!meta.required) optionalSeen = true;
  }
  if (!command.examples.length) problems.push(`${command.name}: needs at least one example`);
  return problems;
}

export function createRegistry(commands: readonly AnyCommand[]): Registry {
  const problems = commands.flatMap(definitionProblems);
  const byName = new Map<string, AnyCommand>();
  for (const command of commands) {
    if (byName.has(command.name)) problems.push(`${command.name}: defined twice`);
    byName.set(command.name, command);
  }
  const roots = new Map<string, AnyCommand[]>();
  for (const command of commands) {
    const root = command.name.split(' ')[0]!;
    roots.set(root, [...(roots.get(root) ?? []), command]);
  }
  for (const [root, members] of roots) {
    const plain = members.some((c) => !c.name.includes(' '));
    if (plain && members.length > 1) problems.push(`${root}: a root is either one command or a group of subcommands`);
  }
  if (problems.length) throw new Error(`invalid command registry:\n${problems.join('\n')}`);
  return { commands, get: (name) => byName.get(name), roots };
}
