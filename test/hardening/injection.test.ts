// Hardening: injection. User text with @everyone, @here, user/role/channel mentions, HTML and
// Markdown — in a position note and in display names — must reach no platform unescaped and ping
// no one. The replies that show the note (/position show, list, history, export CSV) and the
// display names (/link, /hedge share=true) are rendered for Discord (every payload mention-free,
// no unescaped markdown, the characters shown literally), for Telegram (valid HTML, no tag from the
// user, the characters shown literally) and for the console (literally); the CSV never starts a
// text cell with a spreadsheet formula. Fixed payloads first, then the real bots, then random notes.
//
// Size: random notes: 60 by default, 3,000 with HARDENING_FULL=1; the rest is the same at both
// sizes. See docs/hardening.md.
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import type { User } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { runFor, runLine, type Identity } from '../../src/app/context.ts';
import type { Reply } from '../../src/app/reply.ts';
import { renderDiscordMessage, type DiscordMessageBody } from '../../src/render/discord.ts';
import { renderTelegram } from '../../src/render/telegram.ts';
import { replyToText } from '../../src/render/text.ts';
import { ALICE, dataOf, inDiscordChannel, makeApp, type TestApp } from '../support/app.ts';
import { ADMIN, chatInput } from '../support/discord-interactions.ts';
import { htmlProblems } from '../support/telegram-harness.ts';
import {
  callbackUpdate,
  discordRig,
  messageUpdate,
  privateChat,
  supergroup,
  telegramRig,
} from '../support/hardening-bots.ts';
import { bySize, errorLog, fcParameters, HEDGE_LINE, hostileText, registry } from '../support/hardening-fuzz.ts';

/** Notes (≤ 200 characters) that would ping, format, link or run if they reached a platform raw. */
const NOTES = [
  '@everyone @here <@123> <@!123> <@&456> <#789> <t:0:R> <:emoji:1>',
  '<b>bold</b> <i>i</i> <script>alert(1)</script> &amp; &lt;x&gt; <a href="http://x">y</a> "quoted"',
  '**x** *i* _u_ __uu__ ~~s~~ `x` ```code``` [link](http://x) ||spoiler|| > quote # head -# small',
  '=HYPERLINK("http://evil.example","x")',
  "-2+3+cmd|' /C calc'!A0",
  '+1+1',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\\*not bold\\* \\<@123\\> back\\slash',
];

/** Display names (≤ 32 characters, as Discord nicknames) that would ping or format. */
const NAMES = ['@everyone', '<@&456>', '**x** ||y||', '<b>x</b>&amp;', '`x` [l](http://x)', '@here <#789>'];

// ------------------------------------------------------------------ what each platform must show

const MARKDOWN = '\\*_~`|[]<>';

/** Characters of Discord markdown that are not escaped, outside code blocks. */
function unescapedMarkdown(text: string): string[] {
  const found: string[] = [];
  // Code blocks show text literally; <#id> channel links (digits only) are the bot's own and ping no one.
  const outside = text.replace(/```[^]*?```/g, '').replace(/<#\d+>/g, '');
  for (let i = 0; i < outside.length; i++) {
    const char = outside[i]!;
    if (char === '\\') {
      i++;
      continue;
    }
    if (MARKDOWN.includes(char))
      found.push(`${char} at ${i} of ${JSON.stringify(outside.slice(Math.max(0, i - 20), i + 20))}`);
  }
  if (/@(everyone|here)/i.test(outside)) found.push('@everyone/@here without a zero-width space');
  return found;
}

/** What Discord shows for escaped text. */
const discordShows = (text: string) => text.replace(/\\([^])/g, '$1').replace(/@\u200b/g, '@');

/** The texts of a Discord message body that Discord renders as markdown, and all of them. */
function discordTexts(body: DiscordMessageBody): { markdown: string[]; plain: string[] } {
  const markdown: string[] = [];
  const plain: string[] = [];
  if (body.content !== undefined) markdown.push(body.content);
  for (const embed of body.embeds ?? []) {
    markdown.push(embed.title, embed.description ?? '', ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]));
    if (embed.footer) plain.push(embed.footer.text);
  }
  return { markdown, plain };
}

/** Problems of one Discord payload: mentions allowed, unescaped markdown, a payload not shown as typed. */
function discordProblems(body: DiscordMessageBody, shown: string[]): string[] {
  const problems: string[] = [];
  if (JSON.stringify(body.allowed_mentions) !== '{"parse":[]}')
    problems.push(`allowed_mentions ${JSON.stringify(body.allowed_mentions)}`);
  const { markdown, plain } = discordTexts(body);
  for (const text of markdown) problems.push(...unescapedMarkdown(text));
  // Footers are not markdown (and not escaped): no user text may go there. (Short texts like ':' occur anyway.)
  for (const text of plain)
    for (const user of shown)
      if (user.length >= 12 && text.includes(user)) problems.push(`user text in a footer: ${user}`);
  const visible = markdown.map(discordShows).join('\n');
  for (const user of shown) if (!visible.includes(user)) problems.push(`not shown literally: ${user}`);
  return problems;
}

/** What Telegram shows for our HTML: tags dropped, entities decoded. */
const telegramShows = (html: string) =>
  html
    .replace(/<\/?(b|i|pre|code|a)( [^>]*)?>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

function telegramProblems(parts: string[], shown: string[]): string[] {
  const problems: string[] = [];
  for (const part of parts) problems.push(...htmlProblems(part));
  const html = parts.join('\n');
  // Only the renderer's own tags: bold titles, italic footers, <pre> tables.
  for (const tag of html.matchAll(/<\/?([a-z]+)[^>]*>/g))
    if (!['b', 'i', 'pre'].includes(tag[1]!)) problems.push(`tag <${tag[1]}> in the HTML`);
  const visible = telegramShows(html);
  for (const user of shown) {
    if (!visible.includes(user)) problems.push(`not shown literally: ${user}`);
    const escaped = user.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    if (!html.includes(escaped)) problems.push(`not escaped in the HTML: ${user}`);
  }
  return problems;
}

/** Text cells that a spreadsheet would run: starting with = + - @ tab or CR, unless a plain number. */
function csvFormulaCells(csv: string): string[] {
  const rows = parse(csv, { relax_column_count: false }) as string[][];
  return rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell));
}

/** Every problem of a reply on every platform; `shown` must appear literally. */
function replyProblems(reply: Reply, shown: string[]): string[] {
  const problems = [
    ...discordProblems(renderDiscordMessage(reply).body, shown).map((p) => `Discord: ${p}`),
    ...telegramProblems(renderTelegram(reply).parts, shown).map((p) => `Telegram: ${p}`),
  ];
  const text = replyToText(reply);
  for (const user of shown) if (!text.includes(user)) problems.push(`console: not shown literally: ${user}`);
  for (const attachment of reply.attachments ?? []) {
    if (attachment.contentType === 'text/csv')
      problems.push(
        ...csvFormulaCells(attachment.data.toString('utf8')).map((cell) => `CSV: formula cell ${JSON.stringify(cell)}`),
      );
  }
  return problems;
}

// ------------------------------------------------------------------ the tests

async function withNote(t: TestApp, who: Identity, note: string): Promise<string> {
  const reply = await runFor(t.deps, who, 'position add', {
    long_put: 5615,
    short_put: 5665,
    short_call: 6335,
    long_call: 6385,
    expiry: 45,
    credit: 14.2,
    note,
  });
  if (reply.error) throw new Error(`position add refused: ${reply.lines?.join(' ')}`);
  return dataOf(reply, 'position add').position.id;
}

describe('a hostile note', () => {
  for (const note of NOTES) {
    it(`is shown literally and harmlessly: ${JSON.stringify(note)}`, async () => {
      const t = makeApp();
      const who = ALICE.discord;
      const open = await withNote(t, who, note);
      const closed = await withNote(t, who, note);
      await t.run(`/position close ${closed} 2.5`, who);
      const show = await t.run(`/position show ${open}`, who);
      expect(show.lines).toContain(`Note: ${note}`);
      expect(replyProblems(show, [note])).toEqual([]);
      expect(replyProblems(await t.run(`/position show ${closed}`, who), [])).toEqual([]);
      for (const line of ['/position list', '/position list status=all', '/position history'])
        expect(replyProblems(await t.run(line, who), []), line).toEqual([]);
      const exported = await t.run('/position export', who);
      expect(replyProblems(exported, [])).toEqual([]);
      const rows = parse(exported.attachments![0]!.data.toString('utf8')) as string[][];
      // The note column reads as typed, with a leading ' only where a spreadsheet would run it.
      for (const row of rows.slice(1)) expect(row.at(-1)!.replace(/^'(?=[=+\-@\t\r])/, '')).toBe(note);
    });
  }

  it('typed in a line (quoted) is stored and shown exactly as typed', async () => {
    const t = makeApp();
    for (const note of NOTES) {
      const { reply } = await runLine(
        t.deps,
        ALICE.telegram,
        `/position add 5615 5665 6335 6385 45 credit=14.2 note="${note.replace(/["\\]/g, '\\$&')}"`,
      );
      expect(reply.error, note).toBeUndefined();
      const id = dataOf(reply, 'position add').position.id;
      const show = await t.run(`/position show ${id}`, ALICE.telegram);
      expect(show.lines).toContain(`Note: ${note}`);
      expect(replyProblems(show, [note])).toEqual([]);
    }
  });
});

describe('a hostile display name', () => {
  for (const name of NAMES) {
    it(`is shown literally and harmlessly in /link and /hedge share=true: ${JSON.stringify(name)}`, async () => {
      const t = makeApp();
      const discord: Identity = { ...ALICE.discord, displayName: name };
      const telegram: Identity = { ...ALICE.telegram, displayName: `${name} tg` };
      const code = /one-time code: (\S+)/.exec((await t.run('/link', discord)).lines![0]!)![1]!;
      const linked = await t.run(`/link ${code}`, telegram);
      expect(linked.error).toBeUndefined();
      expect(replyProblems(linked, [name, `${name} tg`])).toEqual([]);
      const listing = await t.run('/link', telegram);
      expect(replyProblems(listing, [name])).toEqual([]);
      const id = await t.addPosition(HEDGE_LINE, discord);
      const shared = await t.run(`/hedge ${id} share=true`, inDiscordChannel(discord, true));
      expect(shared.title).toContain(name);
      expect(replyProblems(shared, [name])).toEqual([]);
    });
  }
});

describe('through the real bots', () => {
  it('Discord: every request the bot makes for hostile notes and names is mention-free and escaped', async () => {
    const t = makeApp();
    const logger = errorLog();
    const rig = await discordRig(t.deps, logger);
    try {
      const name = NAMES[0]!;
      const caller = { ...ADMIN, nick: name };
      const ids: string[] = [];
      for (const note of NOTES) {
        const add = chatInput(
          rig.client,
          registry,
          'position add',
          {
            long_put: 5700,
            short_put: 5750,
            short_call: 6250,
            long_call: 6300,
            expiry: '45',
            credit: 8,
            spot: 6000,
            vix: 10,
            note,
          },
          caller,
        );
        await rig.bot.handleInteraction(add);
        ids.push(/Position ([a-z0-9]+) recorded/.exec(JSON.stringify(rig.rest.requests.at(-1)!.body))![1]!);
      }
      const before = rig.rest.requests.length;
      // Shown: the note in /position show, the name in the shared proposal.
      for (const id of ids) {
        await rig.bot.handleInteraction(chatInput(rig.client, registry, 'position show', { id }, caller));
        await rig.bot.handleInteraction(chatInput(rig.client, registry, 'hedge', { id, share: true }, caller));
      }
      for (const line of ['position list', 'position history', 'position export'])
        await rig.bot.handleInteraction(chatInput(rig.client, registry, line, {}, caller));
      await rig.bot.idle();
      const sent = rig.rest.requests
        .slice(before)
        .map((r) => (r.path.endsWith('/callback') ? r.body?.data : r.body))
        .filter((b) => b && (b.content !== undefined || b.embeds?.length));
      expect(sent.length).toBeGreaterThan(NOTES.length * 2);
      const shownNotes = new Set<string>();
      let shownName = false;
      for (const body of sent) {
        const problems = discordProblems(body, []);
        expect(problems, JSON.stringify(body).slice(0, 300)).toEqual([]);
        const visible = discordTexts(body).markdown.map(discordShows).join('\n');
        for (const note of NOTES) if (visible.includes(note)) shownNotes.add(note);
        if (visible.includes(`${name} shares`)) shownName = true;
      }
      expect([...shownNotes].sort()).toEqual([...NOTES].sort());
      expect(shownName).toBe(true);
      expect(logger.errors).toEqual([]);
    } finally {
      await rig.close();
    }
  });

  it('Telegram: every message sent for hostile notes and names is valid HTML with the text escaped', async () => {
    const t = makeApp();
    const logger = errorLog();
    const rig = await telegramRig(t.deps, logger);
    try {
      const name = '<b>x</b> @everyone &amp;';
      const user: User = { id: 7001, is_bot: false, first_name: name };
      const group = supergroup(-1005005);
      rig.fake.members.set(`${group.id}:${user.id}`, 'administrator');
      const sent: string[] = [];
      const say = async (chat: ReturnType<typeof privateChat>, text: string) => {
        const calls = await rig.deliver(messageUpdate(user, chat, text));
        for (const call of calls) if (call.method === 'sendMessage') sent.push(String(call.body.text));
        for (const call of calls) if (call.method === 'sendMessage') expect(call.body.parse_mode).toBe('HTML');
        return calls;
      };
      await say(privateChat(user), '/start');
      for (const note of NOTES) {
        const calls = await say(
          privateChat(user),
          `/position add 5700 5750 6250 6300 45 credit=8 spot=6000 vix=10 note="${note.replace(/["\\]/g, '\\$&')}"`,
        );
        const id = /Position ([a-z0-9]+) recorded/.exec(
          String(calls.find((c) => c.method === 'sendMessage')!.body.text),
        )![1]!;
        await say(privateChat(user), `/position show ${id}`);
        await say(group, `/hedge ${id} share=true`);
        await say(group, '/position list');
        await rig.deliver(callbackUpdate(user, group, `cx:position show|id=${id}`));
      }
      for (const html of sent) expect(telegramProblems([html], []), html).toEqual([]);
      const visible = sent.map(telegramShows).join('\n');
      for (const note of NOTES) expect(visible).toContain(`Note: ${note}`);
      expect(visible).toContain(`Hello ${name}!`);
      expect(visible).toContain(`${name}: answered you in private.`);
      expect(visible).toContain(`${name} shares:`);
      expect(logger.errors).toEqual([]);
    } finally {
      await rig.close();
    }
  });
});

describe('random notes', () => {
  const RUNS = bySize(60, 3_000);
  const fragment = fc.oneof(
    hostileText,
    fc.constantFrom(
      ...NOTES,
      ...NAMES,
      '\\',
      '\\\\',
      '```',
      '`',
      '\n',
      '#',
      '> ',
      '- ',
      '1. ',
      ':',
      'http://x',
      '<',
      '>',
      '&',
      '"',
    ),
  );
  const note = fc
    .array(fragment, { minLength: 1, maxLength: 6 })
    .map((parts) => parts.join(' ').trim().slice(0, 200).trim())
    .filter((text) => text.length > 0 && !/^[\s\u0085\u200b\ufeff]*$/.test(text));

  it(
    `${RUNS} random notes are shown literally and harmlessly on every platform`,
    async () => {
      const t = makeApp();
      const who = ALICE.discord;
      await fc.assert(
        fc.asyncProperty(note, async (text) => {
          const reply = await runFor(t.deps, who, 'position add', {
            long_put: 5615,
            short_put: 5665,
            short_call: 6335,
            long_call: 6385,
            expiry: 45,
            credit: 14.2,
            note: text,
          });
          // Notes the schema refuses (over 200 characters once trimmed, say) are the fuzz's business.
          if (reply.error) return;
          const id = dataOf(reply, 'position add').position;
          const show = await t.run(`/position show ${id.id}`, who);
          // Telegram and the console split lines; Discord escapes per line: compare line by line.
          const shown = (id.note ?? '').split(/\r\n|\r|\n/).filter((line) => line.trim());
          expect(replyProblems(show, shown.length === 1 ? shown : [])).toEqual([]);
          const exported = await t.run('/position export', who);
          expect(csvFormulaCells(exported.attachments![0]!.data.toString('utf8'))).toEqual([]);
          await t.run(`/position close ${id.id} 1`, who);
        }),
        fcParameters(RUNS),
      );
    },
    bySize(60_000, 1_800_000),
  );
});
