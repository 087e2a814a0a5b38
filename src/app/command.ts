// The command contract (docs/architecture.md convention 1): a command is data plus a handler that
// returns a platform-neutral Reply. It never calls a chat API, reads the environment or the clock
// directly: everything comes through the context.
import type { z } from 'zod';
import type { Reply, Visibility } from './reply.ts';
import type {
  CalendarPort,
  Caller,
  Chat,
  ChartsPort,
  Clock,
  EngineDefaults,
  Logger,
  MarketPort,
  Store,
  UserStore,
} from './ports.ts';
import type { Services } from './services.ts';

/** The ports every caller shares: what a command's context and the adapters' dependencies have in common. */
export interface SharedPorts {
  market: MarketPort;
  calendar: CalendarPort;
  clock: Clock;
  logger: Logger;
  charts: ChartsPort;
  defaults: EngineDefaults;
  services: Services;
}

export interface CommandContext extends SharedPorts {
  caller: Caller;
  /** The caller's own positions and settings (scoped by construction). */
  user: UserStore;
  /** Cross-user parts (identities, subscriptions); never positions. */
  directory: Pick<Store, 'users' | 'subscriptions'>;
  /** The registry, for /help. */
  commands: readonly AnyCommand[];
  /** For long commands: a progress line the platform shows while the user waits. */
  progress?: (text: string) => Promise<void>;
}

/**
 * A right in the chat a command may need: manage-chat is Manage Channels or Manage Server on
 * Discord, administrator on Telegram.
 */
export type Permission = 'manage-chat';

/**
 * A permission a command declares; the runner checks it once, before the command runs (adapters
 * only report the caller's rights).
 */
export interface Requirement<Input> {
  permission: Permission;
  /** When only some uses need it (e.g. /subscribe for the channel, not for oneself); default: every use. */
  when?: (input: Input, chat: Chat) => boolean;
  /** What the permission is needed for, in the refusal "Only <who> can <doing>.", in the platform's words. */
  doing: (platform: Chat['platform']) => string;
}

export interface CommandDefinition<Options extends z.ZodObject = z.ZodObject, Data = unknown> {
  /** Words, e.g. 'condor eval' or 'market'; each word [a-z0-9_]{1,32}. */
  name: string;
  /** One line, at most 100 characters. */
  description: string;
  options: Options;
  visibility: Visibility;
  /** Takes long enough that Discord must be told to wait (deferReply). */
  defer?: boolean;
  /**
   * Rate-limited per user: true for the heaviest (backtests, EXPENSIVE_COMMANDS_PER_MINUTE),
   * 'chain' for evaluations priced from the option chain (CHAIN_EVALUATIONS_PER_MINUTE), 'link'
   * for /link (LINK_PER_MINUTE in src/app/limiter.ts).
   */
  expensive?: boolean | 'chain' | 'link';
  /** A right in the chat the caller needs (checked by the runner, never by the command or an adapter). */
  requires?: Requirement<z.output<Options>>;
  /** Full command lines that work, first one shown in errors and /help. */
  examples: readonly string[];
  /** Data: what the reply's `data` holds (for --json and tests), the same shape on every path. */
  run(input: z.output<Options>, context: CommandContext): Promise<Reply<Data>> | Reply<Data>;
}

// A registry holds commands of different option types; run() is only ever called with the
// output of the command's own schema, so erasing the type here is sound.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDefinition<any, any>;

/** What a command's replies carry in `data` (e.g. DataOf<typeof positionAdd> in a test). */
export type DataOf<Command> = Command extends CommandDefinition<infer _Options, infer Data> ? Data : never;

export function defineCommand<Options extends z.ZodObject, Data = unknown>(
  definition: CommandDefinition<Options, Data>,
): CommandDefinition<Options, Data> {
  return definition;
}

export const NAME_PATTERN = /^[a-z0-9_]{1,32}$/;
