// Hardening: secrets. A full run with distinctive fake tokens (DISCORD_TOKEN, TELEGRAM_BOT_TOKEN,
// TELEGRAM_WEBHOOK_SECRET): the configuration and the real logger (createLogger with the secrets
// of the configuration, LOG_LEVEL trace, every line captured through its write option), the bots
// started by startBots against loopback fakes (a Discord gateway and REST, the Telegram Bot API in
// webhook mode), commands through both, a command that crashes with the tokens in its error, replies
// that fail to send (their bodies hold link codes), the register path, the scheduler senders'
// error paths, a configuration error and a failed start in child processes. Then every log line
// and every text a user or operator sees is searched: 0 occurrences of any token, and no link code
// in the logs.
//
// Size: the same at both sizes (HARDENING_FULL does not change it); see docs/hardening.md.
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCommand, type AnyCommand } from '../../src/app/command.ts';
import { optionMeta } from '../../src/app/options.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { createSenders, startBots, type Running } from '../../src/bots.ts';
import { registerCli } from '../../src/cli/register.ts';
import { buildApp, type App } from '../../src/compose.ts';
import { createConfig, secretsOf, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logging.ts';
import { createDiscordSender } from '../../src/platforms/discord/index.ts';
import { createTelegramSender } from '../../src/platforms/telegram/index.ts';
import { commands } from '../../commands/index.ts';
import { runMain, tempDir } from '../support/app.ts';
import { gatewayBotAnswer, startDiscordGateway, type FakeGateway } from '../support/discord-gateway.ts';
import { APPLICATION_ID } from '../support/discord-interactions.ts';
import { slashDispatch } from '../support/discord-loopback.ts';
import {
  BOT_USER,
  discordError,
  snowflake,
  startDiscordRest,
  type FakeDiscordRest,
  type RecordedRequest,
} from '../support/discord-rest.ts';
import { apiError, startTelegramFake, type FakeCall, type TelegramFake } from '../support/telegram-fake.ts';

const DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.FAKEdiscordTOKENpart2xyz.hardeningDiscordSecret-Part3-9f8e7d';
const TELEGRAM_BOT_TOKEN = '424242424:FAKEtelegramSECRETtoken_hardening-x9y8';
const TELEGRAM_WEBHOOK_SECRET = 'FAKE_webhook_SECRET_hardening_77aa';
/** The secret part of a token that is enough to use it (after the colon; after the first dot). */
const SECRET_PARTS = [...DISCORD_TOKEN.split('.').slice(1), TELEGRAM_BOT_TOKEN.split(':')[1]!];
/**
 * A secret inside base64 text, whatever bytes precede it: for each of the three alignments, the
 * encoding of prefix + secret without its first and last 4 characters (those mix in the neighbours).
 */
const base64Inside = (secret: string) =>
  ['', 'x', 'xy'].map((prefix) =>
    Buffer.from(prefix + secret)
      .toString('base64')
      .slice(4, -4),
  );
/** Every string that must never be seen: the tokens, their secret parts, URL-encoded and base64. */
const SECRETS = [
  DISCORD_TOKEN,
  TELEGRAM_BOT_TOKEN,
  TELEGRAM_WEBHOOK_SECRET,
  ...SECRET_PARTS,
  encodeURIComponent(TELEGRAM_BOT_TOKEN),
  encodeURIComponent(TELEGRAM_BOT_TOKEN).replace('%3A', '%3a'),
  ...[DISCORD_TOKEN, TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, ...SECRET_PARTS].flatMap(base64Inside),
];
/** How a dependency may echo the Telegram token: URL-encoded in a URL, base64 in a header, parts. */
const TELEGRAM_ECHO = [
  `https://relay.example/?u=${encodeURIComponent(`https://api.telegram.org/bot${TELEGRAM_BOT_TOKEN}/getMe`)}`,
  `basic ${Buffer.from(`bot:${TELEGRAM_BOT_TOKEN}`).toString('base64')}`,
  `part ${TELEGRAM_BOT_TOKEN.split(':')[1]} alone, ${Buffer.from(SECRET_PARTS[2]!).toString('base64url')} in base64url`,
].join('; ');
/** The same for all three secrets (a dump of headers, base64). */
const ENCODED_ECHO = `${TELEGRAM_ECHO}; dump ${Buffer.from(
  `{"authorization":"Bot ${DISCORD_TOKEN}","secret":"${TELEGRAM_WEBHOOK_SECRET}","part":"${SECRET_PARTS[1]}"}`,
).toString('base64')}`;

/** A command that fails as a dependency might: with the secrets in its message (a crash reference). */
const crash = defineCommand({
  name: 'crash',
  description: 'Fails with secrets in its error (test only)',
  options: z.object({}).strict(),
  visibility: 'caller',
  examples: ['/crash'],
  run() {
    throw new Error(
      `upstream said: Authorization: Bot ${DISCORD_TOKEN}; ` +
        `url https://api.telegram.org/bot${TELEGRAM_BOT_TOKEN}/getMe; ` +
        `secret ${TELEGRAM_WEBHOOK_SECRET}; code K7QM-2XPA; ${ENCODED_ECHO}`,
    );
  },
});

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

let dir: string;
let config: Config;
let app: App;
let rest: FakeDiscordRest;
let gateway: FakeGateway;
let telegram: TelegramFake;
let running: Running | null = null;
const logLines: string[] = [];
/** Texts users and operators see besides the platform calls: CLI output, error messages, child output. */
const seen: string[] = [];
const logWaiters: { pattern: RegExp; resolve: () => void }[] = [];
const callWaiters: { test: (call: FakeCall) => boolean; resolve: (call: FakeCall) => void }[] = [];

function onLog(line: string): void {
  logLines.push(line);
  for (const waiter of logWaiters.filter((w) => w.pattern.test(line))) waiter.resolve();
}
const untilLog = (pattern: RegExp) =>
  logLines.some((line) => pattern.test(line))
    ? Promise.resolve()
    : new Promise<void>((resolve) => logWaiters.push({ pattern, resolve }));
const untilCall = (test: (call: FakeCall) => boolean) =>
  new Promise<FakeCall>((resolve) => callWaiters.push({ test, resolve }));

beforeAll(async () => {
  dir = tempDir('condor-secrets-');
  rest = await startDiscordRest();
  gateway = await startDiscordGateway(BOT_USER, APPLICATION_ID);
  rest.script('GET', /^\/gateway\/bot$/, gatewayBotAnswer(gateway.url), { sticky: true });
  telegram = await startTelegramFake({ botUsername: 'SecretsTestBot' });
  telegram.intercept('sendMessage', (call) => {
    for (const waiter of callWaiters.filter((w) => w.test(call))) waiter.resolve(call);
    return undefined;
  });
  const port = await freePort();
  const result = createConfig({
    DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DISCORD_API_BASE: rest.url,
    TELEGRAM_BOT_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
    TELEGRAM_WEBHOOK_SECRET,
    PORT: String(port),
    DATABASE_PATH: path.join(dir, 'data', 'condor.db'),
    MARKET_DATA: 'demo',
    MARKET_DATA_DIR: path.join(dir, 'market'),
    CHARTS_DIR: path.join(dir, 'charts'),
    LOG_LEVEL: 'trace',
  });
  if (!result.ok) throw new Error(result.error);
  config = result.config;
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretsOf(config), write: onLog });
  app = buildApp(config, logger);
  app.deps.registry = createRegistry([...commands, crash]);
  running = startBots(app, logger);
  await running.settled;
  await gateway.ready;
});

afterAll(async () => {
  await running?.stop(5_000);
  await app?.close();
  await gateway?.close();
  await rest?.close();
  await telegram?.close();
});

// ------------------------------------------------------------------ driving the bots

const OPTION_TYPES: Record<string, number> = { number: 10, integer: 4, boolean: 5 };

/** Dispatches a slash command through the gateway; resolves with the request that answered it. */
async function discordSlash(
  name: string,
  options: Record<string, string | number | boolean> = {},
  script?: (id: string, token: string) => void,
): Promise<RecordedRequest> {
  const command = app.deps.registry.get(name)! as AnyCommand;
  const values = Object.entries(options).map(([key, value]) => ({
    name: key,
    type: OPTION_TYPES[optionMeta((command.options.shape as Record<string, z.ZodType>)[key]!)!.kind] ?? 3,
    value,
  }));
  const [root, sub] = name.split(' ');
  const id = snowflake();
  const token = `interaction-token-${id}`;
  script?.(id, token);
  gateway.dispatch(
    'INTERACTION_CREATE',
    slashDispatch({
      id,
      token,
      data: { id: '100', name: root, type: 1, options: sub ? [{ type: 1, name: sub, options: values }] : values },
      permissions: '2048', // Send Messages
    }),
  );
  const callback = await rest.waitFor('POST', new RegExp(`^/interactions/${id}/${token}/callback$`));
  if (callback.body?.type === 5)
    return rest.waitFor('PATCH', new RegExp(`^/webhooks/${APPLICATION_ID}/${token}/messages/@original$`));
  return callback;
}

let updateId = 1;
/** Posts a message update to the webhook as Telegram would, with the secret header. */
async function telegramSay(userId: number, text: string, secret = TELEGRAM_WEBHOOK_SECRET): Promise<number> {
  const head = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  const update = {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: 1_790_000_000,
      chat: { id: userId, type: 'private', first_name: 'Alice' },
      from: { id: userId, is_bot: false, first_name: 'Alice' },
      text,
      entities: head ? [{ type: 'bot_command', offset: 0, length: head[0].length }] : [],
    },
  };
  const response = await fetch(config.TELEGRAM_WEBHOOK_URL!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });
  return response.status;
}

const textOfDiscord = (request: RecordedRequest) => JSON.stringify(request.body ?? {});
const codeIn = (text: string) => /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(text)?.[1] ?? null;

it('a full run with fake tokens: no token in logs and replies, no link code in the logs', async () => {
  const codes: string[] = [];

  // Discord, through the gateway: commands, a refusal, a crash, a link code whose reply fails to send.
  seen.push(textOfDiscord(await discordSlash('help')));
  seen.push(
    textOfDiscord(
      await discordSlash('position add', {
        long_put: 5615,
        short_put: 5665,
        short_call: 6335,
        long_call: 6385,
        expiry: '45',
        credit: 14.2,
        note: 'secret-free note',
      }),
    ),
  );
  seen.push(
    textOfDiscord(
      await discordSlash('position add', {
        long_put: 5615,
        short_put: 5665,
        short_call: 6335,
        long_call: 6385,
        expiry: 'soon',
        credit: 14.2,
      }),
    ),
  );
  seen.push(textOfDiscord(await discordSlash('subscribe', { kind: 'channel' })));
  const crashed = await discordSlash('crash');
  expect(textOfDiscord(crashed)).toMatch(/ref [A-Z0-9]{6}/);
  seen.push(textOfDiscord(crashed));
  const linked = await discordSlash('link');
  codes.push(codeIn(textOfDiscord(linked))!);
  seen.push(textOfDiscord(linked));
  // This reply is refused by Discord: discord.js's error carries the request body, code and all.
  await discordSlash('link', {}, (id, token) =>
    rest.script(
      'POST',
      new RegExp(`^/interactions/${id}/${token}/callback$`),
      discordError(400, 50035, 'Invalid Form Body'),
      { sticky: true },
    ),
  );
  const refusedBody = rest.find('POST', /\/callback$/).at(-1)!;
  codes.push(codeIn(textOfDiscord(refusedBody))!);
  await untilLog(/could not tell the user about the failure/);

  // Telegram, through the webhook: commands, a crash, a code redeemed, a reply that cannot be sent.
  const answered = (chatId: number) => untilCall((call) => Number(call.body.chat_id) === chatId);
  for (const text of ['/help', '/crash', '/link', `/link ${codes[0]}`, '/position list']) {
    const reply = answered(7101);
    expect(await telegramSay(7101, text)).toBe(200);
    const call = await reply;
    seen.push(String(call.body.text));
    if (text === '/link') codes.push(codeIn(String(call.body.text))!);
  }
  telegram.intercept('sendMessage', (call) =>
    Number(call.body.chat_id) === 7102 ? apiError(403, 'Forbidden: bot was blocked by the user') : undefined,
  );
  expect(await telegramSay(7102, '/link')).toBe(200);
  await untilLog(/could not tell the chat about the error/);
  codes.push(
    codeIn(String(telegram.callsTo('sendMessage').filter((c) => Number(c.body.chat_id) === 7102)[0]!.body.text))!,
  );
  expect(await telegramSay(7101, '/help', 'a-wrong-secret-token-value')).toBe(401);

  // The register path, against the fakes, once fine and once refused.
  const out = (text: string) => void seen.push(text);
  expect(
    await registerCli([], {
      config,
      app: () => buildApp(config, createLogger({ level: 'trace', secrets: secretsOf(config), write: onLog })),
      logger: createLogger({ level: 'trace', secrets: secretsOf(config), write: onLog }),
      out,
      err: out,
    }),
  ).toBe(0);
  rest.script('PUT', /\/commands$/, discordError(401, 0, '401: Unauthorized'));
  telegram.intercept('setMyCommands', () => apiError(401, 'Unauthorized'));
  expect(
    await registerCli([], {
      config,
      app: () => buildApp(config, createLogger({ level: 'trace', secrets: secretsOf(config), write: onLog })),
      logger: createLogger({ level: 'trace', secrets: secretsOf(config), write: onLog }),
      out,
      err: out,
    }),
  ).toBe(1);

  // The scheduler's senders, failing every way they log.
  const senderLogger = createLogger({ level: 'trace', secrets: secretsOf(config), write: onLog });
  const senders = createSenders(app, senderLogger);
  expect([...senders.keys()].sort()).toEqual(['discord', 'telegram']);
  const discordSender = createDiscordSender({
    token: DISCORD_TOKEN,
    apiBase: rest.url,
    logger: senderLogger,
    retries: 0,
  });
  const summary = { title: 'Daily summary', visibility: 'channel' as const, lines: ['Regime calm.'] };
  // 401 last: discord.js forgets the token after a 401.
  for (const [channel, answer] of [
    ['911', discordError(403, 50013, 'Missing Permissions')],
    ['913', discordError(404, 10003, 'Unknown Channel')],
    ['914', { status: 500, body: { message: 'oops', code: 0 } }],
    ['912', discordError(401, 0, '401: Unauthorized')],
  ] as const) {
    rest.script('POST', new RegExp(`^/channels/${channel}/messages$`), answer, { sticky: true });
    const error = await discordSender.sendReply(channel, summary).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error, channel).not.toBeNull();
    seen.push(error!.message);
  }
  const blocked = createTelegramSender({ token: TELEGRAM_BOT_TOKEN, apiRoot: telegram.apiRoot, logger: senderLogger });
  telegram.intercept('sendMessage', (call) =>
    Number(call.body.chat_id) === 913
      ? apiError(400, 'Bad Request: chat not found')
      : Number(call.body.chat_id) === 914
        ? apiError(429, 'Too Many Requests: retry after 30', { retry_after: 30 })
        : undefined,
  );
  for (const chat of [7102, 913, 914])
    seen.push(
      (
        (await blocked.sendReply(chat, summary).then(
          () => null,
          (e: unknown) => e,
        )) as Error
      ).message,
    );
  const unreachable = createTelegramSender({
    token: TELEGRAM_BOT_TOKEN,
    apiRoot: `http://127.0.0.1:${await freePort()}`,
    logger: senderLogger,
  });
  seen.push(
    (
      (await unreachable.sendReply(7101, summary).then(
        () => null,
        (e: unknown) => e,
      )) as Error
    ).message,
  );

  // A configuration error and a failed start, as the process prints them.
  const bad = createConfig({
    TELEGRAM_BOT_TOKEN: TELEGRAM_BOT_TOKEN.split(':')[1],
    TELEGRAM_WEBHOOK_SECRET: `${TELEGRAM_WEBHOOK_SECRET} !`,
  });
  expect(bad.ok).toBe(false);
  if (!bad.ok) seen.push(bad.error);
  const refusing = await startTelegramFake();
  refusing.intercept('getMe', (call) =>
    apiError(401, `Unauthorized: token ${call.token} is not valid (${TELEGRAM_ECHO}); see https://core.telegram.org`),
  );
  const [configError, failedStart] = await Promise.all([
    runMain(['start'], {
      env: {
        DISCORD_TOKEN,
        DISCORD_APPLICATION_ID: APPLICATION_ID,
        TELEGRAM_BOT_TOKEN,
        TELEGRAM_WEBHOOK_SECRET: `${TELEGRAM_WEBHOOK_SECRET}!`,
        DATABASE_PATH: path.join(dir, 'child', 'a.db'),
        MARKET_DATA: 'demo',
      },
    }),
    // A start refused with a 401 whose body echoes the token, in every form.
    runMain(['start'], {
      env: {
        TELEGRAM_BOT_TOKEN,
        TELEGRAM_API_ROOT: refusing.apiRoot,
        DATABASE_PATH: path.join(dir, 'child', 'b.db'),
        MARKET_DATA: 'demo',
        LOG_LEVEL: 'trace',
      },
    }),
  ]);
  expect(configError.code).toBe(2);
  expect(configError.stderr).toMatch(/^Configuration: TELEGRAM_WEBHOOK_SECRET /);
  await refusing.close();
  expect(failedStart.code).toBe(1);
  expect(failedStart.stderr).toContain('condor-xyk failed: no platform could start (telegram: 401: Unauthorized');
  expect(failedStart.stderr).toContain('[redacted]');
  seen.push(configError.stdout, configError.stderr, failedStart.stdout, failedStart.stderr);

  await running!.stop(5_000);
  running = null;

  // The searches.
  const platformTexts = [
    ...rest.requests.map((r) => JSON.stringify(r.body ?? null)),
    // setWebhook is where the webhook secret is meant to go (checked below), so it is not a reply.
    ...telegram.calls.filter((c) => c.method !== 'setWebhook').map((c) => JSON.stringify(c.body)),
  ];
  const found: string[] = [];
  for (const secret of SECRETS) {
    for (const [where, texts] of [
      ['log lines', logLines],
      ['platform calls', platformTexts],
      ['CLI, errors and process output', seen],
    ] as const) {
      const hits = texts.filter((text) => text.includes(secret));
      if (hits.length) found.push(`${secret.slice(0, 12)}… in ${hits.length} ${where}: ${hits[0]!.slice(0, 300)}`);
    }
  }
  expect(found).toEqual([]);
  expect(codes.filter(Boolean)).toHaveLength(4);
  for (const code of codes) {
    const forms = [code, code.replace('-', ''), code.toLowerCase(), code.replace('-', '').toLowerCase()];
    expect(
      logLines.filter((line) => forms.some((form) => line.includes(form))),
      code,
    ).toEqual([]);
  }

  // The run did what it claims: the tokens were used, the failures were logged (and scrubbed there).
  expect(rest.find('GET', /^\/gateway\/bot$/)[0]!.headers.authorization).toBe(`Bot ${DISCORD_TOKEN}`);
  expect(gateway.identifies[0]!.token).toBe(DISCORD_TOKEN);
  expect(telegram.callsTo('setWebhook')[0]!.body.secret_token).toBe(TELEGRAM_WEBHOOK_SECRET);
  expect(telegram.calls.every((call) => call.token === TELEGRAM_BOT_TOKEN)).toBe(true);
  const logged = logLines.join('');
  for (const message of [
    'command handled',
    'command failed',
    'discord interaction failed',
    'telegram update failed',
    'webhook request without the right secret token',
    'discord delivery failed',
  ])
    expect(logged).toContain(message);
  expect(logged).toContain('[redacted]');
  // The refused /link reply was logged without the reply it carried (the code in it): the error's request body
  // is left out of every log line (src/logging.ts errorWithoutReply); the route stays.
  expect(logged).toContain('"requestBody":"[omitted]"');
  expect(logged).not.toContain('Your one-time code');
  console.log(
    `[hardening] secrets: ${logLines.length} log lines, ${platformTexts.length} platform calls, ` +
      `${seen.length} other texts searched for ${SECRETS.length} secret strings ` +
      `and ${codes.length} link codes: 0 found`,
  );
}, 120_000);
