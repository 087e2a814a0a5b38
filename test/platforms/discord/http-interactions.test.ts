// The HTTP interactions endpoint on a real server on 127.0.0.1, with an Ed25519 key pair made here
// and signed requests: PING, a command deferred and then answered through the webhook route at the
// loopback Discord REST, refusals (no signature, tampered body, replayed timestamp, oversized body)
// that run nothing, a button, autocomplete, and two replicas on one SQLite file each answering
// exactly the requests they were sent.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REST } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { createRegistry } from '../../../src/app/registry.ts';
import { encodeButton } from '../../../src/app/buttons.ts';
import { NOT_ADVICE, type Reply } from '../../../src/app/reply.ts';
import type { Services } from '../../../src/app/services.ts';
import { runFor } from '../../../src/app/context.ts';
import { startBots } from '../../../src/bots.ts';
import { buildApp, type App } from '../../../src/compose.ts';
import { createConfig, type Config } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logging.ts';
import {
  createInteractionsEndpoint,
  MAX_INTERACTION_BYTES,
  type InteractionsEndpoint,
} from '../../../src/platforms/discord/http-interactions.ts';
import { identityFrom, factsOfPayload } from '../../../src/platforms/discord/interaction.ts';
import { renderDiscordMessage } from '../../../src/render/discord.ts';
import {
  ALICE,
  APPLICATION_ID,
  BOB,
  autocompletePayload,
  buttonPayload,
  chatInputPayload,
  type Caller,
} from '../../support/discord-interactions.ts';
import { LOOPBACK_TOKEN } from '../../support/discord-loopback.ts';
import { startDiscordRest, type FakeDiscordRest, type RecordedRequest } from '../../support/discord-rest.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { NOW_MS } from './fixture.ts';

const STRIKES = { long_put: 5615, short_put: 5665, short_call: 6335, long_call: 6385 };
const NOW_S = Math.floor(NOW_MS / 1000);

let dir: string;
let rest: FakeDiscordRest;
let keys: { publicKey: KeyObject; privateKey: KeyObject };
let publicHex: string;
let config: Config;
const apps: App[] = [];
const endpoints: InteractionsEndpoint[] = [];

/** Builds test payloads without counting as a lookup. */
const plainRegistry = createRegistry(commands);
/** Calls to the endpoints' registry, to see that a refused request ran nothing. */
let lookups = 0;

function replica(extra: { services?: Services; concurrentCommands?: number } = {}): {
  app: App;
  endpoint: InteractionsEndpoint;
} {
  const app = buildApp(config, silentLogger, {
    clock: { now: () => NOW_MS },
    ...(extra.services ? { services: extra.services } : {}),
  });
  const registry = app.deps.registry;
  app.deps.registry = {
    ...registry,
    get: (name: string) => {
      lookups++;
      return registry.get(name);
    },
  } as typeof registry;
  const endpoint = createInteractionsEndpoint({
    publicKey: publicHex,
    host: '127.0.0.1',
    port: 0,
    path: '/interactions',
    deps: app.deps,
    logger: silentLogger,
    rest: new REST({ version: '10', api: rest.url, retries: 0 }).setToken(LOOPBACK_TOKEN),
    ...(extra.concurrentCommands ? { concurrentCommands: extra.concurrentCommands } : {}),
  });
  apps.push(app);
  endpoints.push(endpoint);
  return { app, endpoint };
}

let first: { app: App; endpoint: InteractionsEndpoint };

beforeAll(async () => {
  dir = makeTempDir('condor-http-interactions-');
  rest = await startDiscordRest();
  keys = generateKeyPairSync('ed25519');
  publicHex = Buffer.from(keys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const result = createConfig({
    DATABASE_PATH: join(dir, 'shared.db'),
    MARKET_DATA: 'demo',
    DISCORD_TOKEN: LOOPBACK_TOKEN,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DISCORD_PUBLIC_KEY: publicHex,
    DISCORD_INTERACTIONS_PORT: '8787',
    DISCORD_GATEWAY: 'off',
  });
  if (!result.ok) throw new Error(result.error);
  config = result.config;
  first = replica();
  await first.endpoint.start();
});

afterEach(() => {
  rest.reset();
  lookups = 0;
});

afterAll(async () => {
  for (const endpoint of endpoints) await endpoint.stop();
  for (const app of apps) await app.close();
  await rest.close();
  rmSync(dir, { recursive: true, force: true });
});

const urlOf = (endpoint: InteractionsEndpoint) => `http://127.0.0.1:${endpoint.port}/interactions`;

function signed(body: string, timestamp = String(NOW_S), key: KeyObject = keys.privateKey) {
  return {
    'content-type': 'application/json',
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), key).toString('hex'),
    'x-signature-timestamp': timestamp,
  };
}

async function post(endpoint: InteractionsEndpoint, payload: unknown, headers?: Record<string, string>) {
  const body = JSON.stringify(payload);
  const response = await fetch(urlOf(endpoint), { method: 'POST', body, headers: headers ?? signed(body) });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

const webhookRequests = (token: string) =>
  rest.requests.filter((r) => r.path.includes(`/webhooks/${APPLICATION_ID}/${token}`));

function command(name: string, options: Record<string, string | number | boolean> = {}, caller: Caller = ALICE) {
  return chatInputPayload(plainRegistry, name, options, caller);
}

describe('signed requests', () => {
  it('answers a PING with a PONG', async () => {
    expect(
      await post(first.endpoint, { id: '1', application_id: APPLICATION_ID, type: 1, token: 't', version: 1 }),
    ).toEqual({
      status: 200,
      body: { type: 1 },
    });
  });

  it('defers /condor eval privately at once, then edits in the evaluation and chart by webhook', async () => {
    const payload = command('condor eval', { ...STRIKES, expiry: '45' });
    const answer = await post(first.endpoint, payload);
    expect(answer).toEqual({ status: 200, body: { type: 5, data: { flags: 64 } } });
    const edit = await rest.waitFor(
      'PATCH',
      new RegExp(`^/webhooks/${APPLICATION_ID}/${payload.token}/messages/@original$`),
    );
    // The same answer the command gives through the runner, computed independently of the endpoint.
    const expected = renderDiscordMessage(
      await runFor(first.app.deps, identityFrom(factsOfPayload(payload as never)), 'condor eval', {
        ...STRIKES,
        expiry: '45',
      }),
    );
    expect(edit.body.embeds[0].title).toBe('SPX 5,615/5,665/6,335/6,385 · 2026-04-24 (45 DTE)');
    expect(edit.body.embeds).toEqual(expected.body.embeds);
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
    expect(edit.files).toEqual([expect.objectContaining({ filename: 'payoff.png', contentType: 'image/png' })]);
    expect(edit.files[0]!.size).toBeGreaterThan(10_000);
    // Interaction-token routes carry no bot token.
    expect(edit.headers.authorization).toBeUndefined();
    await first.endpoint.idle();
    expect(webhookRequests(payload.token).map((r) => r.method)).toEqual(['PATCH']);
  });

  it('serves a channel-visible command (/market) deferred publicly, then edited', async () => {
    const payload = command('market');
    const answer = await post(first.endpoint, payload);
    expect(answer.body).toEqual({ type: 5, data: {} });
    const edit = await rest.waitFor('PATCH', new RegExp(`/${payload.token}/messages/@original$`));
    expect(edit.body.embeds[0].title).toBe('Market · 2026-03-10');
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('serves a button press as the presser: deferred, then answered', async () => {
    const payload = buttonPayload(encodeButton({ command: 'position list', options: {} }), BOB);
    const answer = await post(first.endpoint, payload);
    expect(answer.body).toEqual({ type: 5, data: { flags: 64 } });
    const edit = await rest.waitFor('PATCH', new RegExp(`/${payload.token}/messages/@original$`));
    expect(edit.body.embeds[0].title).toMatch(/position/i);
  });

  it('answers a button that is not one of its own at once, privately, with no follow-up', async () => {
    const payload = buttonPayload('someone-elses-button');
    const answer = await post(first.endpoint, payload);
    expect(answer.body.type).toBe(4);
    expect(answer.body.data.flags).toBe(64);
    expect(answer.body.data.content).toMatch(/not one of mine/);
    await first.endpoint.idle();
    expect(webhookRequests(payload.token)).toEqual([]);
  });

  it('answers autocomplete with the caller’s position ids in the HTTP response', async () => {
    const added = command('position add', { ...STRIKES, expiry: '2026-04-24', credit: 14.2 }, ALICE);
    await post(first.endpoint, added);
    const edit = await rest.waitFor('PATCH', new RegExp(`/${added.token}/messages/@original$`));
    const id = /^Position ([a-z0-9]+) recorded$/.exec(edit.body.embeds[0].title)![1]!;
    const answer = await post(
      first.endpoint,
      autocompletePayload(plainRegistry, 'position show', 'id', id.slice(0, 3), ALICE),
    );
    expect(answer.body.type).toBe(8);
    expect(answer.body.data.choices.map((c: { value: string }) => c.value)).toContain(id);
    // Bob has no positions: nothing offered.
    const bobs = await post(first.endpoint, autocompletePayload(plainRegistry, 'position show', 'id', '', BOB));
    expect(bobs.body).toEqual({ type: 8, data: { choices: [] } });
  });
});

describe('a busy process', () => {
  it('defers a request while earlier commands hold every command slot, and answers it after them', async () => {
    // Backtests that finish only when the test says so: they hold the one command slot.
    const releases: (() => void)[] = [];
    const reply: Reply = { title: 'Backtest', visibility: 'caller', lines: ['done'], footer: [NOT_ADVICE] };
    const busy = replica({
      concurrentCommands: 1,
      services: {
        backtests: { run: () => new Promise<Reply>((resolve) => releases.push(() => resolve(reply))) },
      },
    });
    await busy.endpoint.start();
    const slow = command('backtest', {}, ALICE);
    expect((await post(busy.endpoint, slow)).body).toEqual({ type: 5, data: { flags: 64 } });
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // The slot is taken: the next request is still deferred at once, and waits for its turn.
    const next = command('help', {}, BOB);
    expect((await post(busy.endpoint, next)).body).toEqual({ type: 5, data: { flags: 64 } });
    expect(webhookRequests(next.token)).toEqual([]);
    releases[0]!();
    const helpEdit = await rest.waitFor('PATCH', new RegExp(`/${next.token}/messages/@original$`));
    expect(helpEdit.body.embeds[0].title).toBe('condor-xyk commands');
    expect(webhookRequests(slow.token).map((r) => r.method)).toEqual(['PATCH']);
    const order = rest.requests.filter((r) => r.method === 'PATCH').map((r) => r.path);
    expect(order.findIndex((p) => p.includes(slow.token))).toBeLessThan(order.findIndex((p) => p.includes(next.token)));
  });
});

describe('refused requests run nothing', () => {
  const refused = async (headers: Record<string, string>, body: string) => {
    const response = await fetch(urlOf(first.endpoint), { method: 'POST', body, headers });
    return response.status;
  };

  it('refuses a request without a signature with 401', async () => {
    const body = JSON.stringify(command('help'));
    expect(await refused({ 'content-type': 'application/json' }, body)).toBe(401);
    expect(lookups).toBe(0);
  });

  it('refuses a tampered body with 401, before parsing it, and runs no command', async () => {
    const original = JSON.stringify(command('position add', { ...STRIKES, expiry: '2026-04-24', credit: 14.2 }));
    const headers = signed(original);
    const tampered = original.replace('14.2', '99.9');
    expect(tampered).not.toBe(original);
    expect(await refused(headers, tampered)).toBe(401);
    // Not JSON at all, but signed wrongly: still 401 (the signature is checked before parsing).
    expect(await refused(headers, `${original.slice(0, -1)}`)).toBe(401);
    // Signed by another key: 401.
    expect(await refused(signed(original, String(NOW_S), generateKeyPairSync('ed25519').privateKey), original)).toBe(
      401,
    );
    await first.endpoint.idle();
    expect(lookups).toBe(0);
    expect(rest.requests).toEqual([]);
  });

  it('refuses a correctly signed request whose timestamp is more than 5 minutes old (a replay) with 401', async () => {
    const body = JSON.stringify(command('help'));
    expect(await refused(signed(body, String(NOW_S - 301)), body)).toBe(401);
    expect(await refused(signed(body, String(NOW_S + 301)), body)).toBe(401);
    expect(lookups).toBe(0);
    // The same request with a timestamp 299 s old is served.
    expect(await refused(signed(body, String(NOW_S - 299)), body)).toBe(200);
  });

  it('refuses a body over the cap with 413', async () => {
    const payload = { ...command('help'), padding: 'x'.repeat(MAX_INTERACTION_BYTES) };
    const body = JSON.stringify(payload);
    expect(await refused(signed(body), body)).toBe(413);
    expect(lookups).toBe(0);
  });

  it('answers 404 off its path and 405 to anything but POST', async () => {
    expect((await fetch(`http://127.0.0.1:${first.endpoint.port}/other`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );
    expect((await fetch(urlOf(first.endpoint))).status).toBe(405);
  });
});

describe('two replicas on one SQLite file', () => {
  it('each answers the requests it was sent exactly once, and both write to the shared store', async () => {
    const second = replica();
    await second.endpoint.start();
    const callers: Caller[] = Array.from({ length: 12 }, (_, i) => ({
      id: `61000000000000${String(i).padStart(4, '0')}`,
      username: `trader${i}`,
    }));
    const payloads = callers.map((caller) =>
      command('position add', { ...STRIKES, expiry: '2026-04-24', credit: 14.2 }, caller),
    );
    const answers = await Promise.all(
      payloads.map((payload, i) => post(i % 2 ? second.endpoint : first.endpoint, payload)),
    );
    expect(answers.every((a) => a.status === 200 && a.body?.type === 5)).toBe(true);
    await Promise.all([first.endpoint.idle(), second.endpoint.idle()]);
    const edits = new Map<string, RecordedRequest[]>();
    for (const payload of payloads) edits.set(payload.token, webhookRequests(payload.token));
    for (const [token, requests] of edits) {
      expect(
        requests.map((r) => r.method),
        token,
      ).toEqual(['PATCH']);
      expect(requests[0]!.body.embeds[0].title).toMatch(/^Position [a-z0-9]+ recorded$/);
    }
    // Every caller's position is in the one database, once, whichever replica recorded it.
    const ids = new Set(
      [...edits.values()].map((r) => /^Position ([a-z0-9]+) recorded$/.exec(r[0]!.body.embeds[0].title)![1]),
    );
    expect(ids.size).toBe(12);
    for (const caller of callers) {
      const listed = await post(second.endpoint, command('position list', {}, caller));
      expect(listed.body.type).toBe(5);
    }
    await second.endpoint.idle();
    const lists = rest.requests.filter(
      (r) => r.method === 'PATCH' && /Your open positions/.test(r.body?.embeds?.[0]?.title ?? ''),
    );
    expect(lists.map((r) => r.body.embeds[0].title)).toEqual(Array(12).fill('Your open positions (1)'));
  });
});

describe('start without the gateway', () => {
  const freePort = async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  };

  it('DISCORD_GATEWAY=off serves interactions only: no gateway login; health shows the endpoint', async () => {
    const port = await freePort();
    const result = createConfig({
      DATABASE_PATH: join(dir, 'shared.db'),
      MARKET_DATA: 'demo',
      DISCORD_TOKEN: LOOPBACK_TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_API_BASE: rest.url,
      DISCORD_PUBLIC_KEY: publicHex,
      DISCORD_INTERACTIONS_PORT: String(port),
      DISCORD_GATEWAY: 'off',
    });
    if (!result.ok) throw new Error(result.error);
    const app = buildApp(result.config, silentLogger, { clock: { now: () => NOW_MS } });
    const running = startBots(app, silentLogger);
    try {
      await running.settled;
      const report = running.health.report();
      expect(Object.keys(report.platforms)).toEqual(['discord-interactions']);
      expect(report.platforms['discord-interactions']!.state).toBe('connected');
      const body = JSON.stringify({ id: '1', application_id: APPLICATION_ID, type: 1, token: 't', version: 1 });
      const pong = await fetch(`http://127.0.0.1:${port}/interactions`, {
        method: 'POST',
        body,
        headers: signed(body),
      });
      expect(await pong.json()).toEqual({ type: 1 });
      expect(rest.find('GET', /^\/gateway\/bot$/)).toEqual([]);
    } finally {
      await running.stop(2_000);
      await app.close();
    }
  });

  it('the settings are checked with one line each', () => {
    const base = { DISCORD_TOKEN: LOOPBACK_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID };
    const problem = (env: Record<string, string>) => {
      const result = createConfig({ ...base, ...env });
      return result.ok ? null : result.error;
    };
    expect(problem({ DISCORD_PUBLIC_KEY: 'not-hex', DISCORD_INTERACTIONS_PORT: '8787' })).toMatch(
      /^DISCORD_PUBLIC_KEY must be the application public key, 64 hex characters/,
    );
    expect(problem({ DISCORD_PUBLIC_KEY: publicHex })).toMatch(
      /^DISCORD_INTERACTIONS_PORT is required with DISCORD_PUBLIC_KEY/,
    );
    expect(problem({ DISCORD_GATEWAY: 'off' })).toMatch(/^DISCORD_PUBLIC_KEY is required with DISCORD_GATEWAY=off/);
    expect(problem({ DISCORD_GATEWAY: 'maybe' })).toMatch(/^DISCORD_GATEWAY must be on or off/);
    expect(
      problem({ DISCORD_PUBLIC_KEY: publicHex, DISCORD_INTERACTIONS_PORT: '8787', DISCORD_INTERACTIONS_PATH: 'x' }),
    ).toMatch(/^DISCORD_INTERACTIONS_PATH must be a URL path starting with \//);
    expect(problem({ DISCORD_PUBLIC_KEY: publicHex, DISCORD_INTERACTIONS_PORT: '8787', DISCORD_TOKEN: '' })).toMatch(
      /^DISCORD_TOKEN is required with DISCORD_PUBLIC_KEY/,
    );
    expect(problem({ DISCORD_PUBLIC_KEY: publicHex, DISCORD_INTERACTIONS_PORT: '8787' })).toBeNull();
  });
});
