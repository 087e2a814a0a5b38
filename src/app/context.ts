// Builds a command's context for one caller and runs a command for them: the single entry the
// platform adapters (and the CLI) call. Adapters say who and where; everything else is injected.
import type { AnyCommand, CommandContext, SharedPorts } from './command.ts';
import { UserError } from './errors.ts';
import type { Identity, Store } from './ports.ts';
import type { Registry } from './registry.ts';
import { errorReply, runCommand } from './run-command.ts';
import type { Reply } from './reply.ts';
import { parseCommandLine } from './words.ts';

export interface AppDeps extends SharedPorts {
  store: Store;
  registry: Registry;
  /** Per-user limiter for expensive commands: seconds to wait, or 0. */
  limiter?: (userId: string, command: AnyCommand) => number;
}

// Adapters import the caller's Identity from here, beside the functions that take it.
export type { Identity };

export async function contextFor(
  deps: AppDeps,
  identity: Identity,
  progress?: (text: string) => Promise<void>,
): Promise<CommandContext> {
  const userId = await deps.store.users.resolve(identity.platform, identity.platformUserId, identity.displayName);
  return {
    caller: { userId, ...identity },
    user: deps.store.forUser(userId),
    directory: { users: deps.store.users, subscriptions: deps.store.subscriptions },
    market: deps.market,
    calendar: deps.calendar,
    clock: deps.clock,
    logger: deps.logger,
    charts: deps.charts,
    defaults: deps.defaults,
    services: deps.services,
    commands: deps.registry.commands,
    ...(progress ? { progress } : {}),
  };
}

/** Runs a command by name with a raw option record (Discord's typed options, a button's options). */
export async function runFor(
  deps: AppDeps,
  identity: Identity,
  name: string,
  raw: Record<string, unknown>,
  progress?: (text: string) => Promise<void>,
): Promise<Reply> {
  const command = deps.registry.get(name);
  if (!command)
    return errorReply(new UserError('unknown-command', `Unknown command /${name}: type /help for the list.`));
  return runCommand(command, raw, await contextFor(deps, identity, progress), { limiter: deps.limiter });
}

/** Runs a typed line (Telegram, console, CLI). */
export async function runLine(
  deps: AppDeps,
  identity: Identity,
  line: string,
  options: { botName?: string; progress?: (text: string) => Promise<void> } = {},
): Promise<{ reply: Reply; command: AnyCommand | null }> {
  let parsed;
  try {
    parsed = parseCommandLine(deps.registry, line, options.botName);
  } catch (error) {
    if (error instanceof UserError) return { reply: errorReply(error), command: null };
    throw error;
  }
  const reply = await runCommand(parsed.command, parsed.raw, await contextFor(deps, identity, options.progress), {
    limiter: deps.limiter,
  });
  return { reply, command: parsed.command };
}
