// Hardening: interaction tokens never reach a log line. A Discord interaction token answers (and
// edits, and follows up) an interaction for 15 minutes: it is a credential, and it sits in the URL
// of every reply (/interactions/<id>/<token>/callback, /webhooks/<application id>/<token>/...). A
// discord.js REST error carries that URL, so a failed reply logged with its error would carry the
// token. Here the bot answers a real interaction through a loopback Discord REST that refuses the
// callback (500, then 404 for the notice), with the project's logger writing real JSON lines: no
// line holds the token, and the line still says which route failed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ChatInputCommandInteraction, type Client } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/compose.ts';
import { createConfig } from '../../src/config.ts';
import { createLogger, scrubber, silentLogger } from '../../src/logging.ts';
import { createDiscordBot } from '../../src/platforms/discord/bot.ts';
import { APPLICATION_ID, chatInputPayload, fakeClient } from '../support/discord-interactions.ts';
import { discordError, startDiscordRest } from '../support/discord-rest.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { NOW_MS } from '../platforms/discord/fixture.ts';

/** Shaped like a real one: base64url of "interaction:<id>:<random>", about 180 characters. */
const INTERACTION_TOKEN =
  'aW50ZXJhY3Rpb246MTMxMDk4NzY1NDMyMTAxMjM0NTpVZ0Z3N2JqR3c0a3VoQmpXb1FqcXdyYkN6R0hZVHpxV1FwS0xD' +
  'V2dkZmtHQ2RTbnpvR0VvVldxV0dLRnRRbmRzUnRUZ2ZlUmhTWnhYb1JMYlFZQkN0d0ZkRXJIS3VoQ3g2YnJFT3VYdFRjUQ';

type Construct<T> = new (client: Client, data: unknown) => T;

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

/** The Discord bot on a real app (SQLite in a temp dir, demo market), its log lines written to `lines`. */
async function botLoggingTo(lines: string[]) {
  const dir = makeTempDir('condor-interaction-tokens-');
  const result = createConfig({ DATABASE_PATH: join(dir, 'test.db'), MARKET_DATA: 'demo' });
  if (!result.ok) throw new Error(result.error);
  const app = buildApp(result.config, silentLogger, { clock: { now: () => NOW_MS } });
  const rest = await startDiscordRest();
  const client = fakeClient(rest.url);
  const logger = createLogger({ level: 'debug', secrets: [], write: (line) => void lines.push(line) });
  const bot = createDiscordBot({ config: { DISCORD_API_BASE: rest.url }, logger, deps: app.deps, client });
  cleanup = async () => {
    await bot.idle();
    await client.destroy();
    await rest.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { app, rest, client, bot };
}

describe('a failed interaction reply is logged without its token', () => {
  it.each([
    ['500 on the callback, 404 on the notice', 500],
    ['404 (Not Found, no code) on the callback and the notice', 404],
  ])('%s', async (_name, status) => {
    const lines: string[] = [];
    const { app, rest, client, bot } = await botLoggingTo(lines);
    const raw = { ...chatInputPayload(app.deps.registry, 'help'), token: INTERACTION_TOKEN };
    const callback = new RegExp(`^/interactions/${raw.id}/${INTERACTION_TOKEN}/callback$`);
    const notFound = { status: 404, body: { message: '404: Not Found', code: 0 } };
    const refusal = status === 500 ? { status: 500, body: { message: 'Internal Server Error' } } : notFound;
    // The reply, then the notice about the failure (a reply again: nothing was answered).
    rest.script('POST', callback, [
      refusal,
      status === 500 ? discordError(404, 10062, 'Unknown interaction') : notFound,
    ]);
    rest.script('POST', new RegExp(`^/webhooks/${APPLICATION_ID}/${INTERACTION_TOKEN}`), [
      discordError(404, 10015, 'Unknown Webhook'),
    ]);
    const interaction = new (ChatInputCommandInteraction as unknown as Construct<ChatInputCommandInteraction>)(
      client,
      raw,
    );
    await bot.handleInteraction(interaction);
    await bot.idle();

    // The callback was really refused with the token in its URL, and the failure was logged.
    expect(rest.requests.some((request) => callback.test(request.path))).toBe(true);
    const all = lines.join('');
    expect(all, 'nothing logged').not.toBe('');
    expect(all).not.toContain(INTERACTION_TOKEN);
    // Both failures (the reply, then the notice about it) logged with the route, its token removed.
    const failures = lines
      .map((line) => JSON.parse(line) as { msg: string; err?: { url?: string } })
      .filter((entry) => entry.err?.url);
    expect(failures.map((entry) => entry.msg)).toEqual([
      'discord interaction failed',
      'could not tell the user about the failure',
    ]);
    for (const entry of failures) expect(entry.err!.url).toMatch(`/interactions/${raw.id}/[redacted]/callback?`);
    // Nor the reply it was sending: discord.js keeps it in the error's requestBody (here /help's text).
    expect(all).not.toContain('/position add');
    for (const entry of failures) expect((entry.err as { requestBody?: unknown }).requestBody).toBe('[omitted]');
  });
});

describe('the scrubber', () => {
  const scrub = scrubber([]);
  it('removes the token from interaction and webhook routes, keeping the route readable', () => {
    const id = '1310987654321012345';
    expect(scrub(`POST https://discord.com/api/v10/interactions/${id}/${INTERACTION_TOKEN}/callback`)).toBe(
      `POST https://discord.com/api/v10/interactions/${id}/[redacted]/callback`,
    );
    expect(scrub(`"url":"https://discord.com/api/v10/webhooks/${APPLICATION_ID}/${INTERACTION_TOKEN}"`)).toBe(
      `"url":"https://discord.com/api/v10/webhooks/${APPLICATION_ID}/[redacted]"`,
    );
    expect(scrub(`PATCH /webhooks/${APPLICATION_ID}/${INTERACTION_TOKEN}/messages/@original?wait=true`)).toBe(
      `PATCH /webhooks/${APPLICATION_ID}/[redacted]/messages/@original?wait=true`,
    );
  });
});

describe('a failed Bot API call', () => {
  it('is logged with its method, without the message it was sending', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', secrets: [], write: (line) => void lines.push(line) });
    // telegraf's TelegramError keeps the call in `on`: the method and the payload (chat id, the reply's text).
    const error = Object.assign(new Error('400: Bad Request: chat not found'), {
      on: { method: 'sendMessage', payload: { chat_id: 7001, text: 'Ann: 5465/5515/6160/6210 short condor' } },
    });
    logger.error({ err: error }, 'telegram send failed');
    const entry = JSON.parse(lines.join('')) as { err: { message: string; on: { method: string; payload: unknown } } };
    expect(entry.err.message).toBe('400: Bad Request: chat not found');
    expect(entry.err.on).toEqual({ method: 'sendMessage', payload: '[omitted]' });
    expect(lines.join('')).not.toContain('5465/5515');
  });
});
