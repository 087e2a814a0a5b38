// One bot on a real AppDeps (SQLite in a temp dir, the demo market, the real calendar) and a
// loopback Discord REST; a fixed clock on a trading day keeps the numbers steady.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'discord.js';
import type { Services } from '../../../src/app/services.ts';
import { buildApp, type App } from '../../../src/compose.ts';
import { createConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logging.ts';
import type { Logger } from '../../../src/app/ports.ts';
import { createDiscordBot, type DiscordBot } from '../../../src/platforms/discord/bot.ts';
import { startDiscordRest, type FakeDiscordRest, type RecordedRequest } from '../../support/discord-rest.ts';
import { ALICE, chatInput, fakeClient, type Caller, type Where } from '../../support/discord-interactions.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

/** Tuesday 2026-03-10, 11:00 in New York. */
export const NOW_MS = Date.UTC(2026, 2, 10, 15, 0, 0);

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  object: Record<string, unknown>;
  message?: string;
}

/** A logger that keeps warn and error entries, so tests can say "nothing unexpected failed". */
export function recordingLogger(entries: LogEntry[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (object, message) => void entries.push({ level: 'warn', object, message }),
    error: (object, message) => void entries.push({ level: 'error', object, message }),
    child: () => logger,
  };
  return logger;
}

export interface BotFixture {
  logs: LogEntry[];
  app: App;
  rest: FakeDiscordRest;
  client: Client;
  bot: DiscordBot;
  close(): Promise<void>;
}

export async function botFixture(options: { services?: Services; autoDeferMs?: number } = {}): Promise<BotFixture> {
  const dir = makeTempDir('condor-discord-');
  const result = createConfig({ DATABASE_PATH: join(dir, 'test.db'), MARKET_DATA: 'demo' });
  if (!result.ok) throw new Error(result.error);
  const app = buildApp(result.config, silentLogger, {
    clock: { now: () => NOW_MS },
    ...(options.services ? { services: options.services } : {}),
  });
  const rest = await startDiscordRest();
  const client = fakeClient(rest.url);
  const logs: LogEntry[] = [];
  const bot = createDiscordBot({
    config: { DISCORD_API_BASE: rest.url },
    logger: recordingLogger(logs),
    deps: app.deps,
    client,
    ...(options.autoDeferMs ? { autoDeferMs: options.autoDeferMs } : {}),
  });
  return {
    app,
    rest,
    client,
    bot,
    logs,
    async close() {
      await bot.idle();
      await client.destroy();
      await rest.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  /** Every request made for this interaction (callback, edits, follow-ups), in order. */
  requests: RecordedRequest[];
  /** The message the user finally sees (reply data, last edit, or last follow-up). */
  final: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Whether that final message is visible only to the caller. */
  ephemeral: boolean;
  /** How it was delivered. */
  via: 'reply' | 'edit' | 'follow-up' | 'autocomplete' | 'none';
  deferred: boolean;
}

/** The requests made for one interaction (its token is in every path) and what the user ended up seeing. */
export function answerTo(rest: FakeDiscordRest, interaction: { token: string }): Answer {
  const requests = rest.requests.filter((r) => r.path.includes(`/${interaction.token}`));
  const callback = requests.find((r) => r.path.endsWith('/callback'));
  const deferred = callback?.body?.type === 5;
  const last = [...requests].reverse().find((r) => r.method !== 'DELETE');
  if (!callback || !last) return { requests, final: null, ephemeral: false, via: 'none', deferred };
  if (callback.body.type === 8)
    return { requests, final: callback.body.data, ephemeral: false, via: 'autocomplete', deferred };
  if (last === callback)
    return {
      requests,
      final: callback.body.data,
      ephemeral: Boolean((callback.body.data?.flags ?? 0) & 64),
      via: 'reply',
      deferred,
    };
  if (last.method === 'PATCH')
    return {
      requests,
      final: last.body,
      ephemeral: Boolean((callback.body.data?.flags ?? 0) & 64),
      via: 'edit',
      deferred,
    };
  return { requests, final: last.body, ephemeral: Boolean((last.body?.flags ?? 0) & 64), via: 'follow-up', deferred };
}

/** All the text of a message body: content, embed title, description, fields, footer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function textOf(body: any): string {
  if (!body) return '';
  const embeds = (body.embeds ?? []) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  return [
    body.content ?? '',
    ...embeds.flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f: { name: string; value: string }) => [f.name, f.value]),
      e.footer?.text ?? '',
    ]),
  ]
    .filter(Boolean)
    .join('\n');
}

/** Runs one slash command as `caller` through the bot, and returns what the user saw. */
export async function slash(
  f: BotFixture,
  name: string,
  options: Record<string, string | number | boolean> = {},
  caller: Caller = ALICE,
  where: Where = {},
): Promise<Answer> {
  const interaction = chatInput(f.client, f.app.deps.registry, name, options, caller, where);
  await f.bot.handleInteraction(interaction);
  return answerTo(f.rest, interaction);
}
