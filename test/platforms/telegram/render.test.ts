// Reply → Telegram HTML: escaping, layout, splitting under 4096 UTF-16 units, keyboards, media, polls.
import { describe, expect, it } from 'vitest';
import { decodeButton } from '../../../src/app/buttons.ts';
import type { Reply } from '../../../src/app/reply.ts';
import {
  caption,
  chunkPlain,
  escapeHtml,
  renderPoll,
  renderTelegram,
  replyHtmlParts,
  splitPlainText,
  TELEGRAM_LIMITS,
} from '../../../src/render/telegram.ts';
import { htmlProblems } from '../../support/telegram-harness.ts';

/** The text Telegram shows for an HTML part (tags dropped, entities decoded). */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('escaping', () => {
  it('escapes &, <, > and quotes', () => {
    expect(escapeHtml('<b>bold</b> & "quoted" @everyone')).toBe(
      '&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; @everyone',
    );
  });

  it('escapes every user string of a reply, and only the renderer writes tags', () => {
    const reply: Reply = {
      title: 'Note <b>me</b> & co',
      visibility: 'caller',
      lines: ['a <i>line</i> & @everyone'],
      fields: [{ label: '<label>', value: 'x & y' }],
      table: { columns: [{ label: '<col>' }], rows: [['a&b']] },
      footer: ['</pre> breakout?'],
    };
    const [html] = replyHtmlParts(reply);
    expect(html).toBe(
      [
        '<b>Note &lt;b&gt;me&lt;/b&gt; &amp; co</b>',
        'a &lt;i&gt;line&lt;/i&gt; &amp; @everyone',
        '',
        '<b>&lt;label&gt;</b>: x &amp; y',
        '',
        '<pre>&lt;col&gt;\n-----\na&amp;b</pre>',
        '',
        '<i>&lt;/pre&gt; breakout?</i>',
      ].join('\n'),
    );
    expect(htmlProblems(html!)).toEqual([]);
  });

  it('marks the tone in the title', () => {
    expect(replyHtmlParts({ title: 'Done', visibility: 'caller', tone: 'good' })[0]).toBe('<b>✓ Done</b>');
    expect(
      replyHtmlParts({
        title: 'Not done',
        visibility: 'caller',
        error: { kind: 'user', identifier: 'invalid-option' },
      })[0],
    ).toBe('<b>✗ Not done</b>');
  });
});

describe('splitting long replies', () => {
  const bigReply = (): Reply => ({
    title: 'Many positions & more',
    visibility: 'caller',
    lines: Array.from({ length: 60 }, (_, i) => `Line ${i}: <tag> & "quotes" repeated to take room, ${'x'.repeat(30)}`),
    table: {
      columns: [{ label: 'id' }, { label: 'strikes' }, { label: 'note' }],
      rows: Array.from({ length: 120 }, (_, i) => [`p${i}`, '5,615/5,665/6,335/6,385', `a&b <${i}>`]),
    },
    footer: ['Educational tool, not investment advice.'],
  });

  it('splits a reply over 4096 characters into valid parts, each under the limit, every <pre> balanced', () => {
    const reply = bigReply();
    const parts = replyHtmlParts(reply);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('').length).toBeGreaterThan(TELEGRAM_LIMITS.message);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(TELEGRAM_LIMITS.message);
      expect(htmlProblems(part)).toEqual([]);
      expect(part.split('<pre>').length).toBe(part.split('</pre>').length);
    }
    // The table was split across messages: closed in one, reopened in the next.
    const withPre = parts.filter((part) => part.includes('<pre>'));
    expect(withPre.length).toBeGreaterThan(1);
    // Nothing lost, nothing doubled: the visible lines come back in order.
    const shown = parts.map(visible).join('\n').split('\n').filter(Boolean);
    expect(shown).toContain('Line 59: <tag> & "quotes" repeated to take room, ' + 'x'.repeat(30));
    expect(shown.filter((line) => line.startsWith('p119 '))).toHaveLength(1);
    expect(shown.filter((line) => /^p\d+ /.test(line))).toHaveLength(120);
  });

  it('splits at line boundaries with a small limit too', () => {
    const parts = replyHtmlParts(bigReply(), { limit: 300 });
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(300);
      expect(htmlProblems(part)).toEqual([]);
    }
    // Table rows are never cut: each one appears whole in some part.
    const rows = parts.flatMap((part) => visible(part).split('\n')).filter((line) => /^p\d+ /.test(line));
    expect(rows).toHaveLength(120);
  });

  it('repeats the table header in each message the table is split across, and never sends the footer alone', () => {
    for (const limit of [300, 700, TELEGRAM_LIMITS.message]) {
      const parts = replyHtmlParts(bigReply(), { limit });
      const header = 'id    strikes                  note';
      for (const part of parts.filter((p) => p.includes('<pre>'))) {
        expect(visible(part.slice(part.indexOf('<pre>'))).split('\n')[0], `limit ${limit}`).toBe(header);
      }
      // The footer's message carries some of the reply too.
      const last = visible(parts.at(-1)!).split('\n').filter(Boolean);
      expect(last.at(-1)).toBe('Educational tool, not investment advice.');
      expect(last.length, `limit ${limit}`).toBeGreaterThan(1);
      // Rows still appear once each.
      const rows = parts.flatMap((part) => visible(part).split('\n')).filter((line) => /^p\d+ /.test(line));
      expect(rows).toHaveLength(120);
    }
    // A table that ends exactly at a message's end: its last row moves down with the footer.
    const exact = (rows: number): Reply => ({
      title: 'T',
      visibility: 'caller',
      table: {
        columns: [{ label: 'id' }],
        rows: Array.from({ length: rows }, (_, i) => [`row${String(i).padStart(3, '0')}`]),
      },
      footer: ['Small print that is long enough to need its own message here.'],
    });
    for (let rows = 20; rows < 40; rows++) {
      const parts = replyHtmlParts(exact(rows), { limit: 200 });
      const last = visible(parts.at(-1)!).split('\n').filter(Boolean);
      expect(last.length, `${rows} rows`).toBeGreaterThan(1);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(200);
        expect(htmlProblems(part)).toEqual([]);
      }
    }
  });

  it('cuts a single line longer than a message without breaking an entity or a surrogate pair', () => {
    const line = '&<>'.repeat(3000) + '😀'.repeat(3000);
    const parts = replyHtmlParts({ title: 't', visibility: 'caller', lines: [line] });
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(TELEGRAM_LIMITS.message);
      expect(htmlProblems(part)).toEqual([]);
      expect(/[\ud800-\udbff]$/.test(visible(part))).toBe(false);
    }
    expect(parts.map(visible).join('').replace(/^t/, '').replace(/\n/g, '')).toBe(line);
  });

  it('counts UTF-16 code units, as Telegram does', () => {
    const emoji = '😀'.repeat(1500); // 3000 units, 1500 code points
    const parts = splitPlainText(`${emoji}\n${emoji}`);
    expect(parts).toHaveLength(2);
  });

  it('chunks plain text by escaped size', () => {
    expect(chunkPlain('ab&cd', 6)).toEqual(['ab', '&c', 'd']);
    expect(chunkPlain('hello world again', 12)).toEqual(['hello world ', 'again']);
  });
});

describe('buttons, attachments, polls', () => {
  it('turns buttons into an inline keyboard whose callback_data decodes to the command', () => {
    const rendered = renderTelegram({
      title: 'Hedge',
      visibility: 'caller',
      buttons: [
        { label: 'Adopt layer 1', style: 'primary', command: 'hedge', options: { id: 'k3m9tq', adopt: 1 } },
        { label: 'Close', style: 'danger', command: 'position close', options: { id: 'k3m9tq', debit: 6.1 } },
        { label: 'Too long', style: 'secondary', command: 'position add', options: { note: 'n'.repeat(80) } },
      ],
    });
    expect(rendered.keyboard).toEqual([
      [
        { text: 'Adopt layer 1', callback_data: 'cx:hedge|id=k3m9tq|adopt=1' },
        { text: 'Close', callback_data: 'cx:position close|id=k3m9tq|debit=6.1' },
      ],
    ]);
    expect(decodeButton(rendered.keyboard[0]![1]!.callback_data)).toEqual({
      command: 'position close',
      options: { id: 'k3m9tq', debit: '6.1', review: 'true' }, // no Confirm code: it asks first
    });
    expect(rendered.dropped).toEqual([expect.objectContaining({ label: 'Too long', bytes: expect.any(Number) })]);
    expect(rendered.dropped[0]!.bytes).toBeGreaterThan(64);
  });

  it('sends PNG charts as photos and CSV as documents, with escaped captions under 1024', () => {
    const rendered = renderTelegram({
      title: 'Eval <5615>',
      visibility: 'caller',
      attachments: [
        { filename: 'payoff.png', contentType: 'image/png', data: Buffer.from('png'), description: 'P/L & more' },
        {
          filename: 'positions.csv',
          contentType: 'text/csv',
          data: Buffer.from('id\n'),
          description: 'x'.repeat(2000),
        },
      ],
    });
    expect(rendered.media.map((m) => [m.kind, m.filename])).toEqual([
      ['photo', 'payoff.png'],
      ['document', 'positions.csv'],
    ]);
    expect(rendered.media[0]!.caption).toBe('Eval &lt;5615&gt;: P/L &amp; more');
    expect(rendered.media[1]!.caption.length).toBeLessThanOrEqual(1024);
    expect(caption('&'.repeat(1000)).length).toBeLessThanOrEqual(1024);
  });

  it('renders a discussion as a poll with an Adopt option and button', () => {
    const poll = renderPoll({
      threadName: 't',
      question: 'Adopt ALVH layer 1 (VIX 20/25 call spread, 2026-12-16)?',
      answers: ['Adopt', 'Skip', 'Need more data'],
      durationHours: 24,
      adopt: { command: 'hedge', options: { id: 'k3m9tq', adopt: 1 } },
    });
    expect(poll.question).toBe(
      "For discussion (Adopt records only for the position's owner): " +
        'Adopt ALVH layer 1 (VIX 20/25 call spread, 2026-12-16)?',
    );
    expect(poll.options).toEqual(['Adopt', 'Skip', 'Need more data']);
    expect(poll.adoptOption).toBe(0);
    expect(poll.adoptButton).toEqual({ text: 'Adopt', callback_data: 'cx:hedge|id=k3m9tq|adopt=1' });
  });

  it('says a poll is for discussion first, so the note survives clipping; a poll without Adopt records nothing', () => {
    const long = renderPoll({
      threadName: 't',
      question: `Add ALVH layer 2 ${'(a very long question) '.repeat(30)}?`,
      answers: ['Adopt', 'Skip', 'Need more data'],
      durationHours: 24,
    });
    expect(long.question.length).toBeLessThanOrEqual(300);
    expect(long.question).toMatch(/^For discussion \(votes record nothing\): Add ALVH layer 2 /);
    expect(long.adoptButton).toBeNull();
  });
});
