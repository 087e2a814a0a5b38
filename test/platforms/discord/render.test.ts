// Reply → Discord payload: escaping, Discord's limits, tables, buttons, files, polls.
import { describe, expect, it } from 'vitest';
import { decodeButton } from '../../../src/app/buttons.ts';
import type { Reply } from '../../../src/app/reply.ts';
import {
  DISCORD_LIMITS,
  TONE_COLOURS,
  escapeDiscordMarkdown,
  renderButtons,
  renderDiscordMessage,
  renderNotice,
  renderPoll,
  threadName,
} from '../../../src/render/discord.ts';

const base: Reply = { title: 'Title', visibility: 'caller' };

/** Discord's own size rule: title, description, field names and values, footer text. */
const embedTotal = (embed: {
  title: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
}) =>
  embed.title.length +
  (embed.description?.length ?? 0) +
  (embed.footer?.text.length ?? 0) +
  (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);

/** What Discord shows for escaped markdown: a backslash before punctuation is dropped. */
const shown = (text: string) => text.replace(/\\([^A-Za-z0-9\s])/g, '$1').replace(/\u200b/g, '');

describe('escaping user text', () => {
  const hostile =
    '**bold** @everyone @here <@123> <@&456> <#789> [link](http://x) __u__ ~~s~~ ||spoiler|| `code` <t:1700000000:R>';

  it('renders every markdown and mention form literally', () => {
    const escaped = escapeDiscordMarkdown(hostile);
    // Nothing left that Discord would parse: no unescaped markup characters, no mention syntax.
    expect(escaped).not.toMatch(/(^|[^\\])[*_~`|[\]<]/);
    expect(escaped).not.toMatch(/(^|[^\\])<[@#t]/);
    expect(escaped).not.toMatch(/@(everyone|here)/);
    // ... and the reader still sees exactly what was typed.
    expect(shown(escaped)).toBe(hostile);
  });

  it('escapes block syntax only at the start of a line', () => {
    expect(escapeDiscordMarkdown('# heading\n> quote\n- item\n-# small\n1. first\na - b > c')).toBe(
      '\\# heading\n\\> quote\n\\- item\n\\-# small\n1\\. first\na - b \\> c',
    );
  });

  it('applies to titles, lines and fields but not the footer (Discord shows footers as plain text)', () => {
    const { body } = renderDiscordMessage({
      ...base,
      title: '**t** @everyone',
      lines: ['<@123> said [hi](http://x)'],
      fields: [{ label: '<@&456>', value: '**v**' }],
      footer: ['Data: demo <@1>'],
    });
    const embed = body.embeds![0]!;
    expect(embed.title).toBe('\\*\\*t\\*\\* @\u200beveryone');
    expect(embed.description).toBe('\\<@123\\> said \\[hi\\](http://x)');
    expect(embed.fields![0]).toEqual({ name: '\\<@&456\\>', value: '\\*\\*v\\*\\*' });
    expect(embed.footer!.text).toBe('Data: demo <@1>');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('neutralises backticks inside the table code block so it cannot close early', () => {
    const { body } = renderDiscordMessage({
      ...base,
      table: { columns: [{ label: 'a' }], rows: [['x```y'], ['`z`']] },
    });
    const description = body.embeds![0]!.description!;
    expect(description.startsWith('```\n')).toBe(true);
    expect(description.endsWith('\n```')).toBe(true);
    expect(description.slice(4, -4)).not.toContain('`');
    expect(description).toContain('xˋˋˋy');
  });

  it('notices are escaped and mention-free too', () => {
    expect(renderNotice('@everyone **x**').body).toEqual({
      content: '@\u200beveryone \\*\\*x\\*\\*',
      allowed_mentions: { parse: [] },
    });
  });
});

describe("Discord's limits", () => {
  it('truncates title, description, field values and footer with an ellipsis', () => {
    const { body } = renderDiscordMessage({
      ...base,
      title: 't'.repeat(300),
      lines: ['d'.repeat(5000)],
      fields: [{ label: 'n'.repeat(300), value: 'v'.repeat(2000) }],
      footer: ['f'.repeat(2500)],
    });
    const embed = body.embeds![0]!;
    expect(embed.title).toHaveLength(DISCORD_LIMITS.title);
    expect(embed.title.endsWith('…')).toBe(true);
    expect(embed.fields![0]!.name).toHaveLength(DISCORD_LIMITS.fieldName);
    expect(embed.fields![0]!.value).toHaveLength(DISCORD_LIMITS.fieldValue);
    expect(embed.footer!.text).toHaveLength(DISCORD_LIMITS.footer);
    expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embed.description!.endsWith('…')).toBe(true);
    expect(embedTotal(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  });

  it('keeps at most 25 fields, saying how many were left out', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: String(i), inline: true }));
    const embed = renderDiscordMessage({ ...base, fields }).body.embeds![0]!;
    expect(embed.fields).toHaveLength(25);
    expect(embed.fields![24]).toEqual({ name: '…', value: '6 more not shown' });
  });

  it('keeps the whole embed within 6000 characters when every part is at its own limit', () => {
    const fields = Array.from({ length: 25 }, (_, i) => ({ label: `field ${i}`, value: 'x'.repeat(1024) }));
    const embed = renderDiscordMessage({
      ...base,
      title: 'T'.repeat(256),
      lines: ['y'.repeat(4096)],
      fields,
      footer: ['z'.repeat(2048)],
    }).body.embeds![0]!;
    expect(embedTotal(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(embed.fields!.length).toBeGreaterThan(0);
  });

  it('moves a table that does not fit into a text attachment, whole', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`k${i}`, '5,665/6,335', '2027-01-08', '+$1,234', 'HOLD']);
    const message = renderDiscordMessage({
      ...base,
      lines: ['Your positions'],
      table: {
        columns: [
          { label: 'id' },
          { label: 'strikes' },
          { label: 'expiry' },
          { label: 'P/L', align: 'right' },
          { label: 'action' },
        ],
        rows,
      },
    });
    const embed = message.body.embeds![0]!;
    expect(embed.description).toBe('Your positions\nThe table is attached as table.txt.');
    expect(message.files).toHaveLength(1);
    expect(message.files[0]!.name).toBe('table.txt');
    const text = message.files[0]!.data.toString('utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(202);
    expect(text).toContain('k199');
    expect(message.body.attachments).toEqual([{ id: 0, filename: 'table.txt', description: 'Full table' }]);
  });

  it('puts a table that fits in the description as monospace', () => {
    const embed = renderDiscordMessage({
      ...base,
      lines: ['x'],
      table: { columns: [{ label: 'a' }, { label: 'b', align: 'right' }], rows: [['1', '22']] },
    }).body.embeds![0]!;
    expect(embed.description).toBe('x\n```\na   b\n-  --\n1  22\n```');
  });
});

describe('buttons, files and colours', () => {
  it('lays buttons out 5 per row, at most 5 rows, with custom ids the codec decodes', () => {
    const buttons = Array.from({ length: 27 }, (_, i) => ({
      label: `B${i}`,
      style: 'primary' as const,
      command: 'position close',
      options: { id: `k3m9t${i}`, debit: 1.5 },
    }));
    const rows = renderButtons({ buttons });
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.type === 1 && row.components.length <= 5)).toBe(true);
    expect(rows.flatMap((row) => row.components)).toHaveLength(25);
    const first = rows[0]!.components[0]!;
    expect(first).toEqual({ type: 2, style: 1, label: 'B0', custom_id: 'cx:position close|id=k3m9t0|debit=1.5' });
    expect(decodeButton(first.custom_id)).toEqual({
      command: 'position close',
      options: { id: 'k3m9t0', debit: '1.5', review: 'true' }, // no Confirm code: it asks first
    });
  });

  it('drops a button whose payload would exceed 100 characters', () => {
    const rows = renderButtons({
      buttons: [
        { label: 'long', style: 'danger', command: 'hedge', options: { id: 'x'.repeat(120) } },
        { label: 'ok', style: 'danger', command: 'hedge', options: { id: 'k3m9tq', adopt: 1 } },
      ],
    });
    expect(rows.flatMap((r) => r.components).map((b) => b.label)).toEqual(['ok']);
    expect(rows[0]!.components[0]!.custom_id.length).toBeLessThanOrEqual(100);
    expect(rows[0]!.components[0]!.style).toBe(4);
  });

  it('attaches files, shows the PNG inside the embed, colours by tone', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const message = renderDiscordMessage({
      ...base,
      tone: 'good',
      attachments: [
        { filename: 'payoff.png', contentType: 'image/png', data: png, description: 'P/L' },
        { filename: 'my positions.csv', contentType: 'text/csv', data: Buffer.from('a,b') },
      ],
    });
    expect(message.files.map((f) => f.name)).toEqual(['payoff.png', 'my_positions.csv']);
    expect(message.body.attachments).toEqual([
      { id: 0, filename: 'payoff.png', description: 'P/L' },
      { id: 1, filename: 'my_positions.csv' },
    ]);
    expect(message.body.embeds![0]!.image).toEqual({ url: 'attachment://payoff.png' });
    expect(message.body.embeds![0]!.color).toBe(TONE_COLOURS.good);
    expect(
      renderDiscordMessage({ ...base, error: { kind: 'user', identifier: 'invalid-option' } }).body.embeds![0]!.color,
    ).toBe(TONE_COLOURS.bad);
    expect(renderDiscordMessage(base).body.embeds![0]!.color).toBe(TONE_COLOURS.neutral);
  });
});

describe('discussion payloads', () => {
  it('builds a single-choice 24 h poll and a thread name within 100 characters', () => {
    const poll = renderPoll({
      threadName: 'x',
      question: 'Adopt ALVH layer 1 (VIX 20/30 call spread, 2026-04-15)?',
      answers: ['Adopt', 'Skip', 'Need more data'],
      durationHours: 24,
      adopt: { command: 'hedge', options: { id: 'k3m9tq', adopt: 1 } },
    });
    expect(poll).toEqual({
      question: {
        text:
          "For discussion (Adopt records only for the position's owner): " +
          'Adopt ALVH layer 1 (VIX 20/30 call spread, 2026-04-15)?',
      },
      answers: [
        { poll_media: { text: 'Adopt' } },
        { poll_media: { text: 'Skip' } },
        { poll_media: { text: 'Need more data' } },
      ],
      duration: 24,
      allow_multiselect: false,
      layout_type: 1,
    });
    expect(threadName('h'.repeat(150))).toHaveLength(100);
  });
});
