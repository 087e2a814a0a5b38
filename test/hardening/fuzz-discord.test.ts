// Hardening: fuzzing the Discord front end. For every command, random typed option records as
// Discord delivers them (numbers, strings, booleans of the registered type, or of a wrong one:
// NaN, ±Infinity, huge and unicode strings, missing options, an unknown option) are put into real
// discord.js interaction objects and go through the bot's path: rawOptions(interaction.options.data)
// → identityOf → runFor → runCommand, in a DM, in a server channel, and as a channel manager.
// Every reply must be a success or a one-line UserError naming the option, never an internal error
// or a stack trace; a refusal writes nothing; every reply renders to a mention-free Discord
// payload. A sample then goes through the real bot (handleInteraction, loopback REST).
//
// Size: modest by default (300 records, 40 through the bot); HARDENING_FULL=1 runs 33,333 records
// and 2,000 through the bot. See docs/hardening.md.
import fc from 'fast-check';
import type { Client } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFor } from '../../src/app/context.ts';
import { createDiscordBot } from '../../src/platforms/discord/bot.ts';
import { commandNameOf, identityOf, rawOptions } from '../../src/platforms/discord/interaction.ts';
import { ADMIN, ALICE, chatInput, fakeClient, type Caller, type Where } from '../support/discord-interactions.ts';
import { startDiscordRest, type FakeDiscordRest } from '../support/discord-rest.ts';
import { answerTo, textOf } from '../platforms/discord/fixture.ts';
import {
  bySize,
  checkRun,
  discordInput,
  fcParameters,
  makeWorld,
  newStats,
  registry,
  report,
  resolveOptions,
  rotatingWorld,
  type DiscordInput,
} from '../support/hardening-fuzz.ts';

const RUNS = bySize(300, 33_333);
const THROUGH_BOT = bySize(40, 2_000);

let rest: FakeDiscordRest;
let client: Client;
beforeAll(async () => {
  rest = await startDiscordRest();
  client = fakeClient(rest.url);
});
afterAll(async () => {
  await client.destroy();
  await rest.close();
});

/** Alice, in a DM, in a server channel, or in one where she may manage channels (same user). */
function placed(where: DiscordInput['where']): { caller: Caller; where: Where } {
  if (where === 'dm') return { caller: ALICE, where: { guildId: null } };
  return { caller: where === 'guild' ? ALICE : { ...ADMIN, id: ALICE.id, username: ALICE.username! }, where: {} };
}

/** JSON, with the numbers JSON cannot say (NaN, Infinity) as text. */
const nonFiniteAsText = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;

const describeInput = (input: DiscordInput, options: Record<string, unknown>) =>
  `/${input.command.name} (${input.where}) ${JSON.stringify(options, nonFiniteAsText)}`;

it(
  `discord: ${RUNS} random typed option records, every reply a success or a one-line refusal, refusals write nothing`,
  async () => {
    const started = performance.now();
    const stats = newStats();
    const me = identityOf(chatInput(client, registry, 'help', {}, ALICE, { guildId: null }));
    const world = rotatingWorld(me, 250, { left: bySize(3, 60) });
    const sample: DiscordInput[] = [];
    await fc.assert(
      fc.asyncProperty(discordInput, async (input) => {
        const w = await world();
        if (sample.length < THROUGH_BOT) sample.push(input);
        const options = resolveOptions(w, input.options);
        const { caller, where } = placed(input.where);
        await checkRun(w, describeInput(input, options), stats, async () => {
          // The bot's own steps (bot.ts onCommand), on a real discord.js interaction.
          const interaction = chatInput(client, registry, input.command.name, options, caller, where);
          const name = commandNameOf(interaction);
          const reply = await runFor(w.deps, identityOf(interaction), name, rawOptions(interaction.options.data));
          return { reply, command: registry.get(name) ?? null };
        });
      }),
      fcParameters(RUNS),
    );
    report('discord option records', stats, performance.now() - started);
    expect(stats.inputs).toBe(RUNS);
    expect(stats.ok).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);

    // A sample through the real bot: every message it sends is mention-free, a refusal is one line,
    // nothing answers with an internal error's reference, nothing is logged as an error.
    const w = await makeWorld(me);
    const bot = createDiscordBot({ config: { DISCORD_API_BASE: rest.url }, logger: w.logger, deps: w.deps, client });
    let answered = 0;
    for (const input of sample) {
      const options = resolveOptions(w, input.options);
      const { caller, where } = placed(input.where);
      const interaction = chatInput(client, registry, input.command.name, options, caller, where);
      await bot.handleInteraction(interaction);
      const answer = answerTo(rest, interaction);
      const what = describeInput(input, options);
      expect(answer.final, what).not.toBeNull();
      answered++;
      for (const request of answer.requests) {
        const body = request.path.endsWith('/callback') ? request.body?.data : request.body;
        if (body && (body.content !== undefined || body.embeds?.length))
          expect(body.allowed_mentions, what).toEqual({ parse: [] });
      }
      const text = textOf(answer.final);
      expect(text, what).not.toMatch(/Something went wrong| {4}at |\.ts:\d/);
      const embed = answer.final.embeds?.[0];
      if (embed?.title === 'Not done') expect(embed.description, what).not.toMatch(/\n/);
    }
    await bot.idle();
    expect(w.logger.errors).toEqual([]);
    expect(answered).toBe(sample.length);
  },
  bySize(60_000, 3_600_000),
);
