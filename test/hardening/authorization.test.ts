// Hardening: the authorization matrix. Every command that takes a position id (found by scanning
// the registry for options of kind 'position-id') is tried by users who do not own the position —
// Bob on every platform and in every kind of chat, and Alice's own unlinked accounts — with the
// owner's real ids (open, hedged, closed; as typed, upper case, padded) and every combination of
// the other options, as a typed line (console, Telegram) and as a typed record (Discord). Then the
// owner's real buttons and forged button payloads, pressed by them; then the real bots. 0 allowed:
// every answer is a refusal and the owner's rows are byte-identical, with no row changed at all.
// Channel subscription by a non-admin is refused on Discord (no Manage Channels) and Telegram
// (not an administrator), through the command and through both bots.
//
// Size: the matrix is the same at both sizes (it is exhaustive, not sampled); see docs/hardening.md.
import { PermissionFlagsBits } from 'discord.js';
import type { User } from 'telegraf/types';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeButton, encodeButton } from '../../src/app/buttons.ts';
import { runFor, runLine, type Identity } from '../../src/app/context.ts';
import type { Reply } from '../../src/app/reply.ts';
import {
  ADMIN as DISCORD_ADMIN,
  BOB as DISCORD_BOB,
  button,
  chatInput,
  type Caller,
  type Where,
} from '../support/discord-interactions.ts';
import { answerTo, textOf } from '../platforms/discord/fixture.ts';
import { apiError } from '../support/telegram-fake.ts';
import { ALICE, BOB, inDiscordChannel, inTelegramGroup, makeApp, replyText, type TestApp } from '../support/app.ts';
import {
  callbackUpdate,
  discordRig,
  messageUpdate,
  privateChat,
  supergroup,
  telegramRig,
} from '../support/hardening-bots.ts';
import { errorLog, HEDGE_LINE, optionsOf, registry } from '../support/hardening-fuzz.ts';

const OWNER = ALICE.discord;
const NOTE = 'alice-secret-note';
const BY_ID = registry.commands.filter((command) => optionsOf(command).some((o) => o.meta.kind === 'position-id'));

/** Everyone who is not the owner: Bob everywhere, and Alice's accounts that are not linked to her Discord one. */
const STRANGERS: [string, Identity][] = [
  ['Bob, console', BOB.console],
  ['Bob, Discord DM', BOB.discord],
  ['Bob, Telegram private chat', BOB.telegram],
  ['Bob, Discord channel he manages', inDiscordChannel(BOB.discord, true)],
  ['Bob, Telegram group he administers', inTelegramGroup(BOB.telegram, true)],
  ["Alice's unlinked Telegram account", ALICE.telegram],
  ["Alice's console", ALICE.console],
];

type Value = string | number | boolean;

/** Every combination of the command's other options: absent (when optional), the example, and edge values. */
function variants(commandName: string): Record<string, Value>[] {
  const command = registry.get(commandName)!;
  let out: Record<string, Value>[] = [{}];
  for (const { name, meta } of optionsOf(command)) {
    if (meta.kind === 'position-id') continue;
    const values: (Value | undefined)[] = meta.required ? [] : [undefined];
    if (meta.kind === 'boolean') values.push(true, false);
    else if (meta.kind === 'integer' && meta.min !== undefined && meta.max !== undefined && meta.max - meta.min <= 5)
      for (let n = meta.min; n <= meta.max; n++) values.push(n);
    else if (meta.kind === 'number') values.push(Number(meta.example), ...(meta.min !== undefined ? [meta.min] : []));
    else values.push(meta.example);
    out = out.flatMap((base) => values.map((value) => (value === undefined ? base : { ...base, [name]: value })));
  }
  return out;
}

const lineOf = (name: string, id: string, options: Record<string, Value>) =>
  `/${name} ${id} ${Object.entries(options)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`.trim();

interface Owned {
  t: TestApp;
  ids: { open: string; hedged: string; closed: string };
  /** The owner's rows, serialised exactly (JSON keeps every double's bits). */
  snapshot(): string;
  changes(): number;
}

async function owned(): Promise<Owned> {
  const t = makeApp({ logger: errorLog() });
  const open = await t.addPosition(`/position add 5615 5665 6335 6385 45 credit=14.2 note=${NOTE}`, OWNER);
  const hedged = await t.addPosition(HEDGE_LINE, OWNER);
  const closed = await t.addPosition('/position add 5600 5650 6350 6400 2027-01-08 credit=12', OWNER);
  expect((await t.run(`/hedge ${hedged} adopt=1`, OWNER)).error).toBeUndefined();
  expect((await t.run(`/position close ${closed} 3`, OWNER)).error).toBeUndefined();
  // Strangers are seen once before counting, so creating their user is not counted as a write.
  for (const [, who] of STRANGERS) await t.run('/settings', who);
  const db = t.app.store.db;
  const ids = [open, hedged, closed];
  const rows = [
    db.prepare('SELECT * FROM positions WHERE id IN (?, ?, ?) ORDER BY id'),
    db.prepare('SELECT * FROM position_events WHERE position_id IN (?, ?, ?) ORDER BY id'),
    db.prepare('SELECT * FROM hedge_layers WHERE position_id IN (?, ?, ?) ORDER BY position_id, layer'),
  ];
  const total = db.prepare('SELECT total_changes()').pluck();
  return {
    t,
    ids: { open, hedged, closed },
    snapshot: () => JSON.stringify(rows.map((statement) => statement.all(...ids))),
    changes: () => total.get() as number,
  };
}

function expectRefused(reply: Reply, what: string): void {
  expect(reply.error?.kind, what).toBe('user');
  const text = replyText(reply);
  expect(text, what).not.toContain(NOTE);
  expect(text, what).not.toContain('5,615/5,665');
}

describe('authorization matrix', () => {
  it('finds the commands that take a position id in the registry', () => {
    expect(BY_ID.map((c) => c.name).sort()).toEqual(['hedge', 'position close', 'position show']);
  });

  it('0 allowed: each position-id command by each stranger, every id and option, typed and from Discord', async () => {
    const o = await owned();
    const before = { rows: o.snapshot(), changes: o.changes() };
    let attempts = 0;
    for (const command of BY_ID) {
      for (const id of Object.values(o.ids)) {
        for (const typed of [id, id.toUpperCase(), ` ${id} `]) {
          for (const options of variants(command.name)) {
            for (const [who, identity] of STRANGERS) {
              const what = `${who}: ${lineOf(command.name, typed, options)}`;
              expectRefused(
                (await runLine(o.t.deps, identity, lineOf(command.name, typed.trim(), options))).reply,
                what,
              );
              expectRefused(
                await runFor(o.t.deps, identity, command.name, { id: typed, ...options }),
                `${what} (typed record)`,
              );
              attempts += 2;
            }
          }
        }
      }
    }
    console.log(
      `[hardening] authorization: ${attempts} attempts on ${BY_ID.length} commands ` +
        `by ${STRANGERS.length} strangers, 0 allowed`,
    );
    expect(attempts).toBeGreaterThan(1_000);
    expect(o.snapshot()).toBe(before.rows);
    expect(o.changes()).toBe(before.changes);
    // The same ids work for the owner: the refusals above are about who asks, not about the ids.
    expect((await o.t.run(`/position show ${o.ids.open}`, OWNER)).error).toBeUndefined();
    // An exhaustive sweep: its run count multiplies with each option (/hedge's review and confirm
    // tripled it), so it gets more than the default 30 s on a shared machine.
  }, 180_000);

  it("0 allowed: the owner's real buttons and forged payloads, pressed by strangers", async () => {
    const o = await owned();
    const payloads = new Set<string>();
    for (const id of Object.values(o.ids)) {
      for (const line of [`/position show ${id}`, `/hedge ${id}`]) {
        for (const made of (await o.t.run(line, OWNER)).buttons ?? []) payloads.add(encodeButton(made));
      }
    }
    const real = payloads.size;
    expect(real).toBeGreaterThan(0);
    for (const command of BY_ID) {
      for (const id of Object.values(o.ids))
        for (const options of variants(command.name))
          payloads.add(encodeButton({ command: command.name, options: { id, ...options } }));
    }
    const before = { rows: o.snapshot(), changes: o.changes() };
    for (const payload of payloads) {
      const decoded = decodeButton(payload);
      expect(decoded, payload).not.toBeNull();
      for (const [who, identity] of STRANGERS)
        expectRefused(
          await runFor(o.t.deps, identity, decoded!.command, decoded!.options),
          `${who} pressed ${payload}`,
        );
    }
    expect(o.snapshot()).toBe(before.rows);
    expect(o.changes()).toBe(before.changes);
    console.log(
      `[hardening] authorization: ${payloads.size} button payloads (${real} from real replies) ` +
        `× ${STRANGERS.length} strangers, 0 allowed`,
    );
    // A real button still works for its owner.
    const close = [...payloads]
      .map(decodeButton)
      .find((d) => d?.command === 'position close' && d.options.id === o.ids.open);
    expect((await runFor(o.t.deps, OWNER, 'position close', close!.options)).error).toBeUndefined();
  });

  describe('through the real bots', () => {
    const closing: (() => Promise<void>)[] = [];
    afterEach(async () => {
      while (closing.length) await closing.pop()!();
    });

    it("Discord: Bob's slash commands and buttons, in a DM and a channel he manages: refused, ephemeral", async () => {
      const o = await owned();
      const logger = errorLog();
      const rig = await discordRig(o.t.deps, logger);
      closing.push(rig.close);
      // The same people as the command-level identities (same ids and display names), as Discord sends them.
      const alice: Caller = { id: OWNER.platformUserId, username: OWNER.displayName };
      const bob: Caller = { id: BOB.discord.platformUserId, username: BOB.discord.displayName };
      const bobs: [string, Caller, Where][] = [
        ['Bob in a DM', bob, { guildId: null }],
        [
          'Bob managing the channel',
          { ...bob, permissions: DISCORD_ADMIN.permissions! | PermissionFlagsBits.Administrator },
          {},
        ],
      ];
      const before = { rows: o.snapshot(), changes: o.changes() };
      let attempts = 0;
      for (const command of BY_ID) {
        for (const id of Object.values(o.ids)) {
          for (const options of variants(command.name).slice(0, 6)) {
            for (const [who, caller, where] of bobs) {
              const interaction = chatInput(rig.client, registry, command.name, { id, ...options }, caller, where);
              await rig.bot.handleInteraction(interaction);
              const answer = answerTo(rig.rest, interaction);
              const what = `${who}: /${command.name} ${JSON.stringify({ id, ...options })}`;
              expect(answer.final?.embeds?.[0]?.title, what).toBe('Not done');
              expect(answer.ephemeral, what).toBe(true);
              expect(textOf(answer.final), what).not.toContain(NOTE);
              const pressed = button(
                rig.client,
                encodeButton({ command: command.name, options: { id, ...options } }),
                caller,
                where,
              );
              await rig.bot.handleInteraction(pressed);
              expect(answerTo(rig.rest, pressed).final?.embeds?.[0]?.title, `${what} (button)`).toBe('Not done');
              attempts += 2;
            }
          }
        }
      }
      expect(o.snapshot()).toBe(before.rows);
      expect(o.changes()).toBe(before.changes);
      expect(logger.errors).toEqual([]);
      expect(attempts).toBeGreaterThan(50);
      console.log(
        `[hardening] authorization: ${attempts} slash commands and buttons through the Discord bot, 0 allowed`,
      );
      // Control: the same slash command as the owner is answered with the position.
      const own = chatInput(rig.client, registry, 'position show', { id: o.ids.open }, alice, { guildId: null });
      await rig.bot.handleInteraction(own);
      expect(answerTo(rig.rest, own).final?.embeds?.[0]?.title).toContain(o.ids.open);
    });

    it('Telegram: commands and buttons by Bob in private and in a group he administers are refused', async () => {
      const o = await owned();
      const logger = errorLog();
      const rig = await telegramRig(o.t.deps, logger);
      closing.push(rig.close);
      const bob: User = { id: Number(BOB.telegram.platformUserId), is_bot: false, first_name: 'Bob' };
      const group = supergroup(-1009001);
      rig.fake.members.set(`${group.id}:${bob.id}`, 'administrator');
      const before = { rows: o.snapshot(), changes: o.changes() };
      let attempts = 0;
      for (const command of BY_ID) {
        for (const id of Object.values(o.ids)) {
          for (const options of variants(command.name).slice(0, 6)) {
            for (const chat of [privateChat(bob), group]) {
              const what = `Bob in ${chat.type}: ${lineOf(command.name, id, options)}`;
              const calls = await rig.deliver(messageUpdate(bob, chat, lineOf(command.name, id, options)));
              const sent = calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.body.text));
              expect(sent[0], what).toMatch(/^<b>✗ Not done<\/b>\n/);
              expect(sent.join('\n'), what).not.toContain(NOTE);
              const pressed = await rig.deliver(
                callbackUpdate(bob, chat, encodeButton({ command: command.name, options: { id, ...options } })),
              );
              const alert = pressed.find((c) => c.method === 'answerCallbackQuery');
              expect(alert?.body.show_alert, `${what} (button)`).toBe(true);
              attempts += 2;
            }
          }
        }
      }
      expect(o.snapshot()).toBe(before.rows);
      expect(o.changes()).toBe(before.changes);
      expect(logger.errors).toEqual([]);
      expect(attempts).toBeGreaterThan(50);
      console.log(`[hardening] authorization: ${attempts} messages and buttons through the Telegram bot, 0 allowed`);
    });
  });
});

describe('channel subscription by a non-admin', () => {
  it('is refused by the command on Discord and Telegram, for subscribing and for stopping', async () => {
    const t = makeApp();
    const count = () => t.rowCounts().subscriptions;
    // An admin subscribes both chats, so that "off" by a non-admin has something to remove.
    expect((await t.run('/subscribe channel', inDiscordChannel(ALICE.discord, true))).error).toBeUndefined();
    expect((await t.run('/subscribe channel', inTelegramGroup(ALICE.telegram, true))).error).toBeUndefined();
    const before = count();
    for (const who of [inDiscordChannel(BOB.discord, false), inTelegramGroup(BOB.telegram, false)]) {
      for (const line of [
        '/subscribe channel',
        '/subscribe channel 16:15',
        '/subscribe channel off=true',
        '/subscribe',
        '/subscribe kind=channel off=true',
      ]) {
        const reply = await t.run(line, who);
        expect(reply.error, `${who.platform} ${line}`).toEqual({ kind: 'user', identifier: 'not-admin' });
        expect(
          (await runFor(t.deps, who, 'subscribe', { kind: 'channel', off: line.includes('off') })).error?.identifier,
        ).toBe('not-admin');
      }
    }
    expect(count()).toBe(before);
    expect(t.rows('subscriptions').every((row) => (row as { active: number }).active === 1)).toBe(true);
  });

  it('Discord bot: members without Manage Channels are refused (slash and button); a manager is not', async () => {
    const t = makeApp();
    const rig = await discordRig(t.deps, errorLog());
    try {
      const without: [string, bigint][] = [
        ['Send Messages', PermissionFlagsBits.SendMessages],
        [
          'Manage Messages and Threads',
          PermissionFlagsBits.SendMessages |
            PermissionFlagsBits.ManageMessages |
            PermissionFlagsBits.ManageThreads |
            PermissionFlagsBits.ManageRoles,
        ],
        ['no permissions', 0n],
      ];
      for (const [label, permissions] of without) {
        const caller: Caller = { ...DISCORD_BOB, permissions };
        for (const options of [{ kind: 'channel' }, { kind: 'channel', off: true }, {}] as Record<
          string,
          string | boolean
        >[]) {
          const interaction = chatInput(rig.client, registry, 'subscribe', options, caller);
          await rig.bot.handleInteraction(interaction);
          const answer = answerTo(rig.rest, interaction);
          expect(textOf(answer.final), `${label} ${JSON.stringify(options)}`).toContain(
            'Only members with Manage Channels',
          );
          expect(answer.ephemeral).toBe(true);
        }
        const pressed = button(
          rig.client,
          encodeButton({ command: 'subscribe', options: { kind: 'channel' } }),
          caller,
        );
        await rig.bot.handleInteraction(pressed);
        expect(textOf(answerTo(rig.rest, pressed).final), `${label} (button)`).toContain(
          'Only members with Manage Channels',
        );
      }
      expect(t.rowCounts().subscriptions).toBe(0);
      const admin = chatInput(rig.client, registry, 'subscribe', { kind: 'channel' }, DISCORD_ADMIN);
      await rig.bot.handleInteraction(admin);
      expect(answerTo(rig.rest, admin).final.embeds[0].title).toBe('Subscribed');
      expect(t.rowCounts().subscriptions).toBe(1);
    } finally {
      await rig.close();
    }
  });

  it('Telegram: members, restricted, left, kicked, unanswerable getChatMember refused; admins not', async () => {
    const t = makeApp();
    const logger = errorLog();
    const rig = await telegramRig(t.deps, logger);
    try {
      const group = supergroup(-1007001);
      let userId = 8100;
      for (const status of ['member', 'restricted', 'left', 'kicked', 'error']) {
        const user: User = { id: ++userId, is_bot: false, first_name: `U${status}` };
        if (status === 'error')
          rig.fake.intercept('getChatMember', (call) =>
            Number(call.body.user_id) === user.id ? apiError(400, 'Bad Request: member not found') : undefined,
          );
        else rig.fake.members.set(`${group.id}:${user.id}`, status);
        for (const text of [
          '/subscribe channel',
          `/subscribe@${'TestNameBot'} channel 10:00`,
          '/subscribe channel off=true',
          '/subscribe',
        ]) {
          const sent = (await rig.deliver(messageUpdate(user, group, text))).filter((c) => c.method === 'sendMessage');
          expect(String(sent[0]?.body.text), `${status}: ${text}`).toBe(
            '<b>✗ Not done</b>\nOnly a chat administrator can subscribe this group to daily summaries.',
          );
        }
        const pressed = await rig.deliver(
          callbackUpdate(user, group, encodeButton({ command: 'subscribe', options: { kind: 'channel' } })),
        );
        expect(
          String(pressed.find((c) => c.method === 'answerCallbackQuery')?.body.text),
          `${status} (button)`,
        ).toContain('Only a chat administrator');
      }
      expect(t.rowCounts().subscriptions).toBe(0);
      const admin: User = { id: 8200, is_bot: false, first_name: 'Admin' };
      rig.fake.members.set(`${group.id}:${admin.id}`, 'administrator');
      const sent = (await rig.deliver(messageUpdate(admin, group, '/subscribe channel'))).filter(
        (c) => c.method === 'sendMessage',
      );
      expect(String(sent[0]!.body.text)).toMatch(/^<b>✓ Subscribed<\/b>/);
      expect(t.rowCounts().subscriptions).toBe(1);
      expect(logger.errors).toEqual([]);
    } finally {
      await rig.close();
    }
  });
});
