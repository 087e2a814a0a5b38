// The slash-command payload generated from the registry: its shape, Discord's limits for the whole
// registry, and registration by bulk overwrite to a guild or globally (loopback REST).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.ts';
import { createRegistry } from '../../../src/app/registry.ts';
import { applicationCommands, payloadProblems, registerCommands } from '../../../src/platforms/discord/registration.ts';
import { startDiscordRest, type FakeDiscordRest } from '../../support/discord-rest.ts';

const registry = createRegistry(commands);
const APP = '900000000000000001';
const GUILD = '800000000000000001';

describe('registration payload', () => {
  const payload = applicationCommands(registry, { scope: 'guild' });

  it('matches the snapshot', () => {
    expect(payload).toMatchSnapshot();
  });

  it('groups /condor and /position as subcommands and keeps the other roots plain', () => {
    expect(payload.map((c) => c.name)).toEqual([
      'condor',
      'position',
      'hedge',
      'market',
      'signal',
      'subscribe',
      'settings',
      'link',
      'backtest',
      'help',
    ]);
    const position = payload.find((c) => c.name === 'position')!;
    expect(position.options!.map((o) => [o.name, o.type])).toEqual([
      ['add', 1],
      ['list', 1],
      ['show', 1],
      ['close', 1],
      ['history', 1],
      ['export', 1],
    ]);
    const condor = payload.find((c) => c.name === 'condor')!;
    expect(condor.options!.map((o) => o.name)).toEqual(['eval', 'suggest']);
    // /market stays a plain root: its parity view is an option (view:parity), not a subcommand.
    const market = payload.find((c) => c.name === 'market')!.options!;
    expect(market.map((o) => [o.name, o.type, o.required ?? false])).toEqual([['view', 3, false]]);
    expect((market[0] as { choices: { value: string }[] }).choices.map((c) => c.value)).toEqual(['summary', 'parity']);
  });

  it('maps option kinds to Discord types with their bounds, choices and autocomplete', () => {
    const hedge = payload.find((c) => c.name === 'hedge')!;
    expect(hedge).toEqual({
      type: 1,
      name: 'hedge',
      description: 'ALVH VIX call-spread hedge layers for a position; share it or adopt a layer',
      options: [
        {
          name: 'id',
          description: 'Position id (see /position list)',
          required: true,
          type: 3,
          max_length: 12,
          autocomplete: true,
        },
        {
          name: 'share',
          description: 'Post the proposal to this channel and open a discussion',
          required: false,
          type: 5,
        },
        {
          name: 'adopt',
          description: 'Record that you bought this layer (1-5)',
          required: false,
          type: 4,
          min_value: 1,
          max_value: 5,
        },
        // The two steps of an Adopt button (review, then the Confirm code), as for position close.
        {
          name: 'review',
          description: 'Show what would be recorded and ask to confirm; records nothing',
          required: false,
          type: 5,
        },
        {
          name: 'confirm',
          description: 'The code of a Confirm button (buttons fill it in)',
          required: false,
          type: 3,
          max_length: 32,
        },
      ],
    });
    const add = payload.find((c) => c.name === 'position')!.options!.find((o) => o.name === 'add') as {
      options: {
        name: string;
        type: number;
        required: boolean;
        min_value?: number;
        max_length?: number;
        choices?: unknown;
      }[];
    };
    const byName = Object.fromEntries(add.options.map((o) => [o.name, o]));
    expect(byName.long_put).toMatchObject({ type: 10, required: true, min_value: 0 });
    expect(byName.expiry).toMatchObject({ type: 3, required: true, max_length: 10 });
    expect(byName.qty).toMatchObject({ type: 4, required: false, min_value: 1, max_value: 10000 });
    expect(byName.note).toMatchObject({ type: 3, required: false, max_length: 200 });
    expect(byName.underlying).toMatchObject({
      type: 3,
      choices: [
        { name: 'spx', value: 'spx' },
        { name: 'xsp', value: 'xsp' },
        { name: 'spy', value: 'spy' },
      ],
    });
  });

  it("respects Discord's limits for the whole registry", () => {
    for (const scope of ['guild', 'global'] as const)
      expect(payloadProblems(applicationCommands(registry, { scope }))).toEqual([]);
    // The same rules, checked independently of payloadProblems.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const walk = (options: any[] | undefined, path: string): void => {
      if (!options) return;
      expect(options.length, path).toBeLessThanOrEqual(25);
      const required = options.map((o) => Boolean(o.required));
      expect(required, `${path}: required first`).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      for (const option of options) {
        expect(option.name, path).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(option.description.length, `${path} ${option.name}`).toBeGreaterThan(0);
        expect(option.description.length, `${path} ${option.name}`).toBeLessThanOrEqual(100);
        expect(option.choices?.length ?? 0).toBeLessThanOrEqual(25);
        walk(option.options, `${path} ${option.name}`);
      }
    };
    for (const command of payload) {
      expect(command.name).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(100);
      walk(command.options, command.name);
    }
  });

  it('finds broken payloads (the limit checker can fail)', () => {
    const broken = [
      {
        name: 'Bad-Name',
        description: 'x'.repeat(101),
        options: [
          { name: 'b', description: 'b', type: 3, required: false },
          { name: 'a', description: 'a', type: 3, required: true },
        ],
      },
    ];
    expect(payloadProblems(broken as never)).toEqual([
      'Bad-Name: name must match [a-z0-9_]{1,32}',
      'Bad-Name: description must be 1-100 characters',
      '/Bad-Name a: required after optional',
    ]);
  });

  it('says where global commands work (servers and DMs with the bot)', () => {
    const global = applicationCommands(registry, { scope: 'global' });
    expect(
      global.every((c) => JSON.stringify(c.contexts) === '[0,1]' && JSON.stringify(c.integration_types) === '[0]'),
    ).toBe(true);
    expect(payload.every((c) => c.contexts === undefined)).toBe(true);
  });
});

describe('registerCommands', () => {
  let rest: FakeDiscordRest;
  beforeAll(async () => {
    rest = await startDiscordRest();
  });
  afterAll(async () => {
    await rest.close();
  });

  it('bulk-overwrites the guild commands when a guild is given, idempotently', async () => {
    rest.reset();
    const options = {
      token: 'test-token-not-a-secret',
      applicationId: APP,
      guildId: GUILD,
      apiBase: rest.url,
      registry,
    };
    const first = await registerCommands(options);
    const second = await registerCommands(options);
    expect(first).toBe(10);
    expect(second).toBe(10);
    const puts = rest.find('PUT', /commands$/);
    expect(puts.map((r) => r.path)).toEqual([
      `/applications/${APP}/guilds/${GUILD}/commands`,
      `/applications/${APP}/guilds/${GUILD}/commands`,
    ]);
    expect(puts[0]!.headers.authorization).toBe('Bot test-token-not-a-secret');
    expect(puts[1]!.body).toEqual(puts[0]!.body);
    expect(puts[0]!.body).toEqual(JSON.parse(JSON.stringify(applicationCommands(registry, { scope: 'guild' }))));
    expect(rest.requests.every((r) => r.method === 'PUT')).toBe(true);
  });

  it('registers globally without a guild', async () => {
    rest.reset();
    const count = await registerCommands({
      token: 'test-token-not-a-secret',
      applicationId: APP,
      apiBase: rest.url,
      registry,
    });
    expect(count).toBe(10);
    expect(rest.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /applications/${APP}/commands`]);
    expect(rest.requests[0]!.body[0].contexts).toEqual([0, 1]);
  });

  it('surfaces a refusal (bad token) as an error', async () => {
    rest.reset();
    rest.script('PUT', /commands$/, { status: 401, body: { code: 0, message: '401: Unauthorized' } });
    await expect(
      registerCommands({ token: 'wrong-token-xxxxxxxxxxxx', applicationId: APP, apiBase: rest.url, registry }),
    ).rejects.toThrow(/Unauthorized/);
  });
});
