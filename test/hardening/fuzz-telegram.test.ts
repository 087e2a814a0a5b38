// Hardening: fuzzing the Telegram front end. Random messages built from the command words
// (with '@bot' suffixes, quotes, key=value pairs, unicode, control characters, newlines and very
// long tokens) go through the words path the bot uses (identityOf → runLine with the bot's name →
// parseCommandLine/wordsToRecord → runCommand), from a private chat and from a group as an
// administrator or not. Every reply must be a success or a one-line UserError naming the option,
// never an internal error or a stack trace; a refusal writes nothing; every reply renders to valid
// Telegram HTML. A sample then goes through the real bot (telegraf handleUpdate, Bot API fake).
//
// Size: modest by default (300 messages, 40 through the bot); HARDENING_FULL=1 runs 33,333
// messages and 2,000 through the bot. See docs/hardening.md.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Chat as TelegramChat, User } from 'telegraf/types';
import { runLine } from '../../src/app/context.ts';
import { identityOf } from '../../src/platforms/telegram/identity.ts';
import { startTelegramFake, type TelegramFake } from '../support/telegram-fake.ts';
import { htmlProblems } from '../support/telegram-harness.ts';
import { messageUpdate, telegramRig } from '../support/hardening-bots.ts';
import {
  BOT_NAME,
  bySize,
  checkRun,
  commandNamedBy,
  commandLine,
  fcParameters,
  makeWorld,
  newStats,
  report,
  rotatingWorld,
} from '../support/hardening-fuzz.ts';

const RUNS = bySize(300, 33_333);
const THROUGH_BOT = bySize(40, 2_000);

const ALICE: User = { id: 7001, is_bot: false, first_name: 'Alice' };
const PRIVATE: TelegramChat = { id: 7001, type: 'private', first_name: 'Alice' } as TelegramChat;
const GROUP: TelegramChat = { id: -1001234567890, type: 'supergroup', title: 'Condor traders' } as TelegramChat;
const PLACES = [
  { chat: PRIVATE, admin: false },
  { chat: GROUP, admin: true },
  { chat: GROUP, admin: false },
] as const;

let fake: TelegramFake;
beforeAll(async () => {
  fake = await startTelegramFake({ botUsername: BOT_NAME });
});
afterAll(async () => fake.close());

it(
  `telegram: ${RUNS} random messages, every reply a success or a one-line refusal, refusals write nothing`,
  async () => {
    const started = performance.now();
    const stats = newStats();
    const world = rotatingWorld(identityOf(ALICE, PRIVATE, false), 250, { left: bySize(3, 60) });
    const sample: { text: string; place: number }[] = [];
    await fc.assert(
      fc.asyncProperty(
        commandLine({ allowNewline: true }),
        fc.nat({ max: PLACES.length - 1 }),
        async (template, place) => {
          const w = await world();
          const text = w.resolve(template);
          if (sample.length < THROUGH_BOT) sample.push({ text: template, place });
          const { chat, admin } = PLACES[place]!;
          await checkRun(w, text, stats, async () => {
            const { reply, command } = await runLine(w.deps, identityOf(ALICE, chat, admin), text, {
              botName: BOT_NAME,
            });
            return { reply, command: command ?? commandNamedBy(text) };
          });
        },
      ),
      fcParameters(RUNS),
    );
    report('telegram messages', stats, performance.now() - started);
    expect(stats.inputs).toBe(RUNS);
    expect(stats.ok).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);

    // A sample through the real bot: every answer valid HTML, one line under a refusal's title,
    // no reference to an internal error, nothing logged as an error.
    const w = await makeWorld(identityOf(ALICE, PRIVATE, false));
    fake.members.set(`${GROUP.id}:${ALICE.id}`, 'administrator');
    const rig = await telegramRig(w.deps, w.logger, fake);
    let answered = 0;
    for (const { text: template, place } of sample) {
      const text = w.resolve(template);
      const chat = place === 0 ? PRIVATE : GROUP;
      const from = place === 2 ? { ...ALICE, id: 7003, first_name: 'Carol' } : ALICE;
      const calls = await rig.deliver(messageUpdate(from, chat, text));
      for (const call of calls.filter((c) => c.method === 'sendMessage')) {
        answered++;
        const html = String(call.body.text);
        expect(htmlProblems(html), html).toEqual([]);
        expect(html).not.toMatch(/Something went wrong| {4}at |\.ts:\d/);
        if (html.startsWith('<b>✗ Not done</b>')) expect(html.split('\n'), html).toHaveLength(2);
      }
    }
    expect(w.logger.errors).toEqual([]);
    expect(answered).toBeGreaterThan(0);
  },
  bySize(60_000, 3_600_000),
);
