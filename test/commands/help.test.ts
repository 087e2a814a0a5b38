// /help: an example for every command, and one command's options in full; and every example the
// commands advertise actually parses (an example that fails would teach the wrong thing).
import { describe, expect, it } from 'vitest';
import { optionMeta } from '../../src/app/options.ts';
import { optionSetting } from '../../src/app/words.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { commands } from '../../commands/index.ts';
import { ALICE, errorLine, makeApp } from '../support/app.ts';

const registry = createRegistry(commands);

/** Refusals that mean the line itself is wrong (not the state it meets, like an unknown position id). */
const PARSE_REFUSALS = [
  'invalid-option',
  'missing-option',
  'unknown-option',
  'too-many-values',
  'given-twice',
  'unknown-subcommand',
  'unknown-command',
  'unclosed-quote',
  'empty',
];

/** "/position add long_put:5615 … note:Dec cycle" → the command and its record, as Discord would send it. */
function slashRecord(line: string) {
  const command = registry.commands
    .filter((c) => line === `/${c.name}` || line.startsWith(`/${c.name} `))
    .sort((a, b) => b.name.length - a.name.length)[0]!;
  const rest = line.slice(command.name.length + 2);
  const raw: Record<string, string> = {};
  // name:value pairs; a value runs until the next " name:".
  for (const match of rest.matchAll(/([a-z_]+):(.*?)(?= [a-z_]+:|$)/g)) raw[match[1]!] = match[2]!;
  return { command, raw };
}

describe("/help in each platform's syntax", () => {
  it('Discord readers get the slash form (name:value, True), same definitions; every example parses', async () => {
    const t = makeApp();
    const reply = await t.run('/help', ALICE.discord);
    const text = [...reply.lines!, ...(reply.footer ?? [])].join('\n');
    expect(text).not.toMatch(/[a-z_]=|key=value|off=true/);
    expect(reply.table).toBeUndefined();
    const examples = reply.lines!.filter((line) => line.startsWith('/')).map((line) => line.split(' · ')[0]!);
    expect(examples).toHaveLength(registry.commands.length);
    expect(examples).toContain(
      '/position add long_put:5615 short_put:5665 short_call:6335 long_call:6385 expiry:2027-01-08 credit:14.2',
    );
    for (const example of examples) {
      const { command, raw } = slashRecord(example);
      expect(command.options.safeParse(raw).success, example).toBe(true);
    }
    const subscribe = await t.run('/help subscribe', ALICE.discord);
    expect(subscribe.lines).toContain('  off (optional): Stop the subscription; e.g. off:True');
    expect(subscribe.lines).toContain('  Example: /subscribe kind:channel off:True');
    expect(subscribe.lines!.join('\n')).not.toContain('=');
  });

  it('Telegram readers get the words form as plain lines (tappable, not a monospace table)', async () => {
    const t = makeApp();
    const reply = await t.run('/help', ALICE.telegram);
    expect(reply.table).toBeUndefined();
    expect(reply.lines).toContain(
      '/position add 5615 5665 6335 6385 2027-01-08 credit=14.2 · ' + registry.get('position add')!.description,
    );
    expect(reply.lines![1]).toBe('Options go in order or as name=value. /help <command> shows them all.');
  });
});

describe('/help', () => {
  it('lists every command with an example', async () => {
    const t = makeApp();
    const reply = await t.run('/help');
    expect(reply.error).toBeUndefined();
    expect(reply.table?.rows).toEqual(registry.commands.map((c) => [`/${c.name}`, c.examples[0]]));
    expect(reply.table?.rows.map((r) => r[0])).toEqual([
      '/condor eval',
      '/condor suggest',
      '/position add',
      '/position list',
      '/position show',
      '/position close',
      '/position history',
      '/position export',
      '/hedge',
      '/market',
      '/signal',
      '/subscribe',
      '/settings',
      '/link',
      '/backtest',
      '/help',
    ]);
    for (const row of reply.table!.rows) expect(row[1]!.startsWith(row[0]!)).toBe(true);
  });

  for (const spelling of [
    '/help "position add"',
    '/help command="position add"',
    '/help "command:/position add"',
    "/help 'POSITION   ADD'",
  ]) {
    it(`${spelling} lists the options of /position add with an example each`, async () => {
      const t = makeApp();
      const reply = await t.run(spelling);
      expect(reply.error).toBeUndefined();
      expect(reply.title).toBe('Help: /position add');
      const lines = reply.lines!;
      const add = registry.get('position add')!;
      for (const [name, schema] of Object.entries(add.options.shape)) {
        const meta = optionMeta(schema as never)!;
        const line = lines.find((l) => l.trimStart().startsWith(`${name}`));
        expect(line, name).toBeDefined();
        expect(line).toContain(`e.g. ${optionSetting('words', name, meta.example)}`);
        expect(line!.includes('(optional)')).toBe(!meta.required);
      }
      expect(lines).toContain('  Example: /position add 5615 5665 6335 6385 2027-01-08 credit=14.2');
    });
  }

  // Was a bug: the words parser split "/help position add" into two values for the one option.
  it('/help position add (the example /help shows) works without quotes', async () => {
    const t = makeApp();
    const reply = await t.run('/help position add');
    expect(reply.error).toBeUndefined();
    expect(reply.title).toBe('Help: /position add');
  });

  it('/help position lists every position subcommand; /help /hedge takes the slash', async () => {
    const t = makeApp();
    const position = await t.run('/help position');
    expect(position.lines?.filter((l) => l.startsWith('/')).map((l) => l.split(':')[0])).toEqual([
      '/position add',
      '/position list',
      '/position show',
      '/position close',
      '/position history',
      '/position export',
    ]);
    expect((await t.run('/help /hedge')).title).toBe('Help: /hedge');
    expect((await t.run('/help market')).lines?.[0]).toBe(`/market: ${registry.get('market')!.description}`);
  });

  it('an unknown command is refused with one line', async () => {
    const t = makeApp();
    expect(errorLine(await t.run('/help frob'))).toBe('Unknown command frob: /help lists them all.');
  });
});

describe('every advertised example parses', () => {
  const examples = registry.commands.flatMap((command) => command.examples.map((example) => ({ command, example })));

  it('each command has at least one example, starting with its own name', () => {
    for (const { command, example } of examples) expect(example.startsWith(`/${command.name}`), example).toBe(true);
    expect(new Set(examples.map((e) => e.command.name)).size).toBe(registry.commands.length);
  });

  for (const { command, example } of examples) {
    it(example, async () => {
      const t = makeApp();
      const reply = await t.run(example);
      if (reply.error) {
        expect(reply.error.kind, `${example}: ${reply.lines?.[0]}`).toBe('user');
        expect(PARSE_REFUSALS, `${example}: ${reply.lines?.[0]}`).not.toContain(reply.error.identifier);
      } else {
        expect(reply.title).toBeTruthy();
      }
      expect(command.name).toBeTruthy();
    });
  }
});
