// Shared parts of the hardening suite (test/hardening): the size switch, a world to fuzz in (a real
// AppDeps on a temp SQLite file, the caller and another user with real positions), fast-check
// arbitraries built from the command registry, and the property every reply must have.
//
// Size: HARDENING_FULL=1 selects the full size (100,000 fuzz inputs in total, 100 kills ...);
// anything else the modest size that `npm test` runs. HARDENING_SEED=<n> replays a fast-check seed.
import fc from 'fast-check';
import type { AnyCommand } from '../../src/app/command.ts';
import { runLine, type AppDeps, type Identity } from '../../src/app/context.ts';
import { optionMeta, type OptionMeta } from '../../src/app/options.ts';
import type { ChartsPort, Logger } from '../../src/app/ports.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { splitWords } from '../../src/app/words.ts';
import type { Reply } from '../../src/app/reply.ts';
import { renderDiscordMessage } from '../../src/render/discord.ts';
import { renderTelegram } from '../../src/render/telegram.ts';
import { replyToText } from '../../src/render/text.ts';
import { commands } from '../../commands/index.ts';
import { BOB, dataOf, makeApp, replyText, tempDir, type TestApp } from './app.ts';
import { htmlProblems } from './telegram-harness.ts';

export const FULL = process.env.HARDENING_FULL === '1';
/** The modest value under `npm test`, the full one with HARDENING_FULL=1. */
export const bySize = <T>(modest: T, full: T): T => (FULL ? full : modest);

/** fast-check parameters: the run count, and a seed to replay when HARDENING_SEED is set. */
export function fcParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.HARDENING_SEED;
  return { numRuns, ...(seed ? { seed: Number(seed) } : {}) };
}

export const registry = createRegistry(commands);

export interface OptionInfo {
  command: AnyCommand;
  name: string;
  meta: OptionMeta;
}

export const optionsOf = (command: AnyCommand): OptionInfo[] =>
  Object.entries(command.options.shape).map(([name, schema]) => ({
    command,
    name,
    meta: optionMeta(schema as never)!,
  }));

const ALL_OPTIONS = registry.commands.flatMap(optionsOf);
const unique = <T>(values: T[]) => [...new Set(values)];

// ------------------------------------------------------------------ the world

/** Placeholders in generated input, replaced at run time by the world's real position ids. */
export const REFS = ['{own}', '{hedged}', '{closed}', '{other}'] as const;

export interface ErrorLog extends Logger {
  errors: { object: Record<string, unknown>; message?: string }[];
}

/** A Logger port that keeps only warn and error entries (the fuzz makes a line per command). */
export function errorLog(): ErrorLog {
  const errors: ErrorLog['errors'] = [];
  const logger: ErrorLog = {
    errors,
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (object, message) => void errors.push({ object, ...(message === undefined ? {} : { message }) }),
    child: () => logger,
  };
  return logger;
}

// A valid 1x1 PNG: what the charts port answers once the budget of real renders is spent.
const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082',
  'hex',
);

/**
 * The real charts for the first `budget` renders, then a tiny PNG: a payoff chart takes ~100 ms,
 * and the fuzz is about the parsers, not the drawing. The real renders still see fuzzed values.
 */
export function budgetedCharts(real: ChartsPort, budget: { left: number }): ChartsPort {
  return {
    payoff: (input) => (budget.left-- > 0 ? real.payoff(input) : Promise.resolve(TINY_PNG)),
    equity: (input) => (budget.left-- > 0 ? real.equity(input) : Promise.resolve(TINY_PNG)),
  };
}

export const OPEN_LINE = '/position add 5615 5665 6335 6385 45 credit=14.2 note="fuzz world"';
/** Opened at a VIX of 8: at the demo VIX its vol loss passes layers 1 and 2 (see test/commands/hedge). */
export const HEDGE_LINE = '/position add 5850 5900 6100 6150 45 credit=20 spot=6000 vix=8 qty=3';

export interface World {
  t: TestApp;
  deps: AppDeps;
  logger: ErrorLog;
  ids: Record<(typeof REFS)[number], string>;
  /** Replaces the placeholders ({own}, {OWN} ...) with the ids. */
  resolve(text: string): string;
  /** Re-opens the caller's open and hedged positions if the fuzz closed them. */
  refresh(): Promise<void>;
  counts(): Record<string, number>;
  /** SQLite's count of rows changed on this connection since it opened. */
  changes(): number;
  /** The other user's rows, serialised (they must never change). */
  otherRows(): string;
}

async function added(deps: AppDeps, who: Identity, line: string): Promise<string> {
  const { reply } = await runLine(deps, who, line);
  if (reply.error) throw new Error(`world: ${line} refused: ${reply.lines?.join(' ')}`);
  return dataOf(reply, 'position add').position.id;
}

/** A world for one caller: own open, hedged and closed positions, and another user's open one. */
export async function makeWorld(caller: Identity, options: { chartBudget?: { left: number } } = {}): Promise<World> {
  const logger = errorLog();
  // An empty history folder: /backtest answers "no history" fast instead of replaying 36 years.
  const t = makeApp({ logger, env: { MARKET_DATA_DIR: tempDir('condor-nohistory-') } });
  const deps: AppDeps = {
    ...t.deps,
    limiter: undefined,
    charts: budgetedCharts(t.deps.charts, options.chartBudget ?? { left: 0 }),
  };
  const db = t.app.store.db;
  const ids = {
    '{own}': await added(deps, caller, OPEN_LINE),
    '{hedged}': await added(deps, caller, HEDGE_LINE),
    '{closed}': await added(deps, caller, OPEN_LINE),
    '{other}': await added(deps, BOB.console, OPEN_LINE),
  };
  await runLine(deps, caller, `/hedge ${ids['{hedged}']} adopt=1`);
  await runLine(deps, caller, `/position close ${ids['{closed}']} 3`);
  const status = db.prepare('SELECT status FROM positions WHERE id = ?').pluck();
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const countStatements = tables.map(
    (table) => [table, db.prepare(`SELECT count(*) FROM "${table}"`).pluck()] as const,
  );
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const otherStatements = [
    db.prepare('SELECT * FROM positions WHERE id = ?'),
    db.prepare('SELECT * FROM position_events WHERE position_id = ? ORDER BY id'),
    db.prepare('SELECT * FROM hedge_layers WHERE position_id = ? ORDER BY layer'),
  ];
  const world: World = {
    t,
    deps,
    logger,
    ids,
    resolve(text) {
      let out = text;
      for (const ref of REFS) out = out.split(ref).join(ids[ref]).split(ref.toUpperCase()).join(ids[ref].toUpperCase());
      return out;
    },
    async refresh() {
      if (status.get(ids['{own}']) !== 'open') ids['{own}'] = await added(deps, caller, OPEN_LINE);
      if (status.get(ids['{hedged}']) !== 'open') {
        ids['{hedged}'] = await added(deps, caller, HEDGE_LINE);
        await runLine(deps, caller, `/hedge ${ids['{hedged}']} adopt=1`);
      }
    },
    counts: () => Object.fromEntries(countStatements.map(([table, statement]) => [table, statement.get() as number])),
    changes: () => totalChanges.get() as number,
    otherRows: () => JSON.stringify(otherStatements.map((statement) => statement.all(ids['{other}']))),
  };
  return world;
}

/** A world that is rebuilt every `every` runs, so positions the fuzz adds do not pile up. */
export function rotatingWorld(caller: Identity, every: number, chartBudget: { left: number }) {
  let world: World | null = null;
  let runs = 0;
  return async (): Promise<World> => {
    if (!world || runs++ % every === every - 1) world = await makeWorld(caller, { chartBudget });
    await world.refresh();
    return world;
  };
}

// ------------------------------------------------------------------ the property

/** The command a line names, found as parseCommandLine finds it, even when its options are refused. */
export function commandNamedBy(line: string): AnyCommand | null {
  let words: string[];
  try {
    words = splitWords(line.trim());
  } catch {
    return null;
  }
  const head = (words[0] ?? '').replace(/^\//, '').toLowerCase().split('@')[0]!;
  const members = registry.roots.get(head);
  if (!members) return null;
  return (
    members.find((c) => c.name === head) ??
    members.find((c) => c.name === `${head} ${(words[1] ?? '').toLowerCase()}`) ??
    null
  );
}

/** Error identifiers about an option (or the options of a line): the line must name it (or the command). */
const OPTION_ERRORS = new Set(['invalid-option', 'missing-option', 'unknown-option', 'given-twice', 'too-many-values']);
const STACK_MARKS = ['    at ', '.ts:'];
/** A refusal is a sentence, not an echo of a 100,000-character word. */
const MAX_ERROR_LINE = 500;

/** Everything wrong with a reply under the fuzz property (empty: fine). */
export function replyProblems(reply: Reply, command: AnyCommand | null, input: string): string[] {
  const problems: string[] = [];
  if (reply.error?.kind === 'internal') problems.push(`internal error: ${reply.lines?.join(' / ')}`);
  const text = replyText(reply);
  for (const mark of STACK_MARKS)
    if (text.includes(mark) && !input.includes(mark))
      problems.push(`stack trace mark ${JSON.stringify(mark)} in the reply`);
  if (reply.error) {
    const lines = reply.lines ?? [];
    if (lines.length !== 1) problems.push(`${lines.length} lines in an error reply`);
    const line = lines[0] ?? '';
    if (/[\n\r\v\f\u0085\u2028\u2029]/.test(line)) problems.push('a line break in the error line');
    if (line.length > MAX_ERROR_LINE) problems.push(`an error line of ${line.length} characters`);
    if (!line.trim()) problems.push('an empty error line');
    if (command && OPTION_ERRORS.has(reply.error.identifier)) {
      // About one option: "Option <name> ..."; about the line's options: the command and its usage.
      const namesOne = optionsOf(command).some((o) => line.toLowerCase().includes(`option ${o.name} `));
      const namesCommand = ['unknown-option', 'too-many-values'].includes(reply.error.identifier);
      const named = namesCommand ? line.includes(`/${command.name}`) : namesOne;
      if (!named)
        problems.push(
          `${reply.error.identifier} line does not name ${namesCommand ? `/${command.name}` : 'the option'}`,
        );
    }
  }
  // Each platform must be able to show it.
  try {
    const discord = renderDiscordMessage(reply);
    if (JSON.stringify(discord.body.allowed_mentions) !== '{"parse":[]}')
      problems.push('Discord payload without allowed_mentions { parse: [] }');
  } catch (error) {
    problems.push(`renderDiscordMessage threw ${String(error)}`);
  }
  try {
    for (const part of renderTelegram(reply).parts) {
      const html = htmlProblems(part);
      if (html.length) problems.push(`Telegram HTML: ${html.join(', ')}`);
    }
  } catch (error) {
    problems.push(`renderTelegram threw ${String(error)}`);
  }
  try {
    replyToText(reply);
  } catch (error) {
    problems.push(`replyToText threw ${String(error)}`);
  }
  return problems;
}

/** Tables a refusal may still write: wrong /link codes are counted against brute force (by design). */
const REFUSAL_WRITES: Record<string, string[]> = {
  'link-unknown': ['link_failures_by_identity'],
  'link-used': ['link_failures_by_identity'],
  'link-expired': ['link_failures_by_identity'],
  'link-locked': [],
};

export interface FuzzStats {
  inputs: number;
  ok: number;
  refused: number;
  /** Refusals by identifier, for the report. */
  identifiers: Map<string, number>;
  /** Milliseconds and runs by command, for the report. */
  time: Map<string, { ms: number; runs: number }>;
}

export const newStats = (): FuzzStats => ({ inputs: 0, ok: 0, refused: 0, identifiers: new Map(), time: new Map() });

/**
 * Runs one input in a world and checks the property: the reply (problems above), nothing written
 * by a refusal (row counts and SQLite's change count), the other user's rows untouched, nothing
 * logged as an error. Throws with the input on failure (fast-check then shrinks it).
 */
export async function checkRun(
  world: World,
  input: string,
  stats: FuzzStats,
  run: () => Promise<{ reply: Reply | null; command: AnyCommand | null; problems?: string[] }>,
): Promise<void> {
  const counts = world.counts();
  const changes = world.changes();
  const other = world.otherRows();
  const errorsBefore = world.logger.errors.length;
  const started = performance.now();
  const { reply, command, problems: extra = [] } = await run();
  const spent = stats.time.get(command?.name ?? '?') ?? { ms: 0, runs: 0 };
  stats.time.set(command?.name ?? '?', { ms: spent.ms + performance.now() - started, runs: spent.runs + 1 });
  const problems = [...extra];
  if (reply) {
    stats.inputs++;
    problems.push(...replyProblems(reply, command, input));
    if (reply.error) {
      stats.refused++;
      stats.identifiers.set(reply.error.identifier, (stats.identifiers.get(reply.error.identifier) ?? 0) + 1);
      const allowed = REFUSAL_WRITES[reply.error.identifier];
      const after = world.counts();
      for (const table of Object.keys(after)) {
        if (after[table] !== counts[table] && !(allowed ?? []).includes(table))
          problems.push(
            `refused (${reply.error.identifier}) but ${table} went from ${counts[table]} to ${after[table]} rows`,
          );
      }
      if (!allowed && world.changes() !== changes)
        problems.push(`refused (${reply.error.identifier}) but ${world.changes() - changes} row(s) changed`);
    } else {
      stats.ok++;
    }
  }
  if (world.otherRows() !== other) problems.push("the other user's rows changed");
  const logged = world.logger.errors.slice(errorsBefore);
  if (logged.length)
    problems.push(
      `logged errors: ${logged
        .map((e) => `${e.message}: ${String((e.object.err as Error | undefined)?.stack ?? JSON.stringify(e.object))}`)
        .join(' | ')}`,
    );
  if (problems.length) throw new Error(`${problems.join('; ')}\n  input: ${JSON.stringify(input).slice(0, 600)}`);
}

/** Prints the figures of a fuzz run (shown by vitest beside the test). */
export function report(what: string, stats: FuzzStats, ms: number): void {
  const top = [...stats.identifiers.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  const slowest = [...stats.time.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 5)
    .map(([name, t]) => `/${name} ${(t.ms / 1000).toFixed(1)} s/${t.runs}`)
    .join(', ');
  console.log(
    `[hardening] ${what}: ${stats.inputs} inputs (${stats.ok} ok, ${stats.refused} refused: ${top}) ` +
      `in ${(ms / 1000).toFixed(1)} s; most time: ${slowest}`,
  );
}

// ------------------------------------------------------------------ arbitraries

export const BOT_NAME = 'TestNameBot';
const LONG = bySize(6_000, 100_000);

const numberText = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -100_000, max: 10_000_000 }).map(String) },
  { weight: 3, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 10_000, noNaN: true }).map((n) => n.toFixed(2)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'NaN',
      'nan',
      'Infinity',
      '-Infinity',
      '+Infinity',
      'inf',
      '∞',
      '1e309',
      '1e3',
      '1E-7',
      '0x10',
      '0b101',
      '0o7',
      '1_000',
      '5,615',
      '5,615.25',
      '1,2,3',
      ',5',
      '.5',
      '5.',
      '-0',
      '+5',
      '00012',
      '１２３',
      '٣٤',
      '5615abc',
      '5 615',
      '',
      ' ',
      '-',
      '+',
      '9'.repeat(400),
      `0.${'0'.repeat(330)}1`,
      '99999999999999999999',
      '-1',
      '1.5',
      '0',
      '4294967296',
      String(Number.MAX_SAFE_INTEGER + 2),
    ),
  },
);

const dateText = fc.oneof(
  fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom(
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-11-23',
    '2026-11-26',
    '2026-11-28',
    '2027-01-08',
    '0000-01-01',
    '9999-12-31',
    '2026-1-5',
    '20261123',
    '2026/11/23',
    'today',
    '2026-11-23T10:00',
  ),
);

const expiryText = fc.oneof(
  fc.nat({ max: 5_000 }).map(String),
  fc
    .tuple(fc.nat({ max: 4_000 }), fc.constantFrom('d', 'dte', 'days', 'day', ' d', 'D', 'w'))
    .map(([n, unit]) => `${n}${unit}`),
  dateText,
);

const idText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...REFS) },
  { weight: 1, arbitrary: fc.constantFrom(...REFS).map((ref) => ref.toUpperCase()) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9]{1,14}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...REFS).map((ref) => ` ${ref} `) },
);

const controlChar = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));

/** Text that a user might type, or a hostile one: unicode, control characters, markup, huge. */
export const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: controlChar, minLength: 1, maxLength: 8 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '\u0000',
      '\u0007',
      '\u001b[31m',
      '\u007f',
      '\u200b',
      '\u202e',
      '\ufeff',
      '\ud800',
      '\udfff',
      '\u2028',
      '\u0085',
      '\u00a0',
      '@everyone',
      '@here',
      '<@123>',
      '<@&456>',
      '<#789>',
      '<b>x</b>',
      '<script>alert(1)</script>',
      '&amp;',
      '**x**',
      '`x`',
      '```',
      '[l](http://x)',
      '||s||',
      '=HYPERLINK("http://x")',
      '"',
      "'",
      '\\',
      '\\"',
      '“',
      '”',
      '@',
      '@bot',
      '/help',
      '=',
      ':',
      'a=b=c',
      'x:y',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 100, max: LONG }),
        fc.constantFrom('x', '9', 'é', '😀', ' a', '"', '\\', '=', '<', '\u0000'),
      )
      .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
  },
);

const choiceText = fc.constantFrom(
  ...unique(ALL_OPTIONS.flatMap((o) => [...(o.meta.choices ?? [])])),
  'CP',
  ' Channel ',
  'chan',
  'none',
);
const booleanText = fc.constantFrom(
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  '1',
  '0',
  'y',
  'n',
  'TRUE',
  ' yes ',
  'maybe',
  '2',
  '',
);
const exampleText = fc.constantFrom(...unique(ALL_OPTIONS.map((o) => o.meta.example)));
const linkCodeText = fc.constantFrom('K7QM-2XPA', 'k7qm2xpa', 'AAAA-BBBB', 'ABCD-EFG1');

/** Any value a word might hold. */
export const valueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: numberText },
  { weight: 2, arbitrary: dateText },
  { weight: 2, arbitrary: expiryText },
  { weight: 3, arbitrary: idText },
  { weight: 2, arbitrary: choiceText },
  { weight: 1, arbitrary: booleanText },
  { weight: 3, arbitrary: exampleText },
  { weight: 4, arbitrary: hostileText },
  // Rarely: a well-formed link code (each costs a ~60 ms scrypt hash in /link).
  { weight: 1, arbitrary: fc.oneof({ weight: 1, arbitrary: linkCodeText }, { weight: 29, arbitrary: exampleText }) },
);

// fast-check builds arbitraries eagerly: every one below is made once (per option, per command),
// never inside .chain(), which would rebuild them (and recompile their regular expressions) per run.
const memo = <K extends object, V>(make: (key: K) => V) => {
  const made = new WeakMap<K, V>();
  return (key: K): V => {
    if (!made.has(key)) made.set(key, make(key));
    return made.get(key)!;
  };
};

/** A value as the option's kind would want it (a good share of runs get past the schema). */
export const valueFor = memo((meta: OptionMeta): fc.Arbitrary<string> => {
  switch (meta.kind) {
    case 'number':
    case 'integer':
      return fc.oneof(
        numberText,
        fc
          .integer({ min: Math.floor((meta.min ?? 0) - 2), max: Math.ceil(Math.min(meta.max ?? 10_000, 10_000) + 2) })
          .map(String),
      );
    case 'boolean':
      return booleanText;
    case 'choice':
      return fc.oneof(fc.constantFrom(...(meta.choices ?? ['x'])), choiceText);
    case 'date':
      return dateText;
    case 'expiry':
      return expiryText;
    case 'position-id':
      return idText;
    case 'string':
      return fc.oneof(fc.constant(meta.example), hostileText);
  }
});

const OPTION_NAMES = unique(ALL_OPTIONS.map((o) => o.name));
const optionName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...OPTION_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...OPTION_NAMES).map((n) => n.toUpperCase()) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/) },
);
const quoteText = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

const anyToken = fc.oneof(
  { weight: 6, arbitrary: valueText },
  {
    weight: 4,
    arbitrary: fc.tuple(optionName, fc.constantFrom('=', ':'), valueText).map(([k, sep, v]) => `${k}${sep}${v}`),
  },
  { weight: 6, arbitrary: valueText.map(quoteText) },
  { weight: 2, arbitrary: valueText.map((v) => `“${v}”`) },
  // Unbalanced quotes.
  { weight: 1, arbitrary: valueText.map((v) => `'${v}`) },
  { weight: 1, arbitrary: fc.tuple(optionName, valueText).map(([k, v]) => `${k}="${v}`) },
);

/** One word of a command line: a positional, key=value, key:value, quoted or not. */
const tokenFor = memo((command: AnyCommand): fc.Arbitrary<string> => {
  const own = optionsOf(command);
  if (!own.length) return anyToken;
  const ownPair = fc.oneof(
    ...own.map((o) =>
      fc
        .tuple(fc.constantFrom('=', ':', '='), valueFor(o.meta), fc.boolean())
        .map(([sep, value, quoted]) => `${o.name}${sep}${quoted ? quoteText(value) : value}`),
    ),
  );
  const ownValue = fc.oneof(...own.map((o) => valueFor(o.meta)));
  return fc.oneof(
    { weight: 16, arbitrary: ownValue },
    { weight: 20, arbitrary: ownPair },
    { weight: 20, arbitrary: anyToken },
  );
});

const SPACES = [' ', ' ', ' ', '  ', '\t', '\u00a0', '\u3000', '\u2003'];
const separators = { lines: fc.constantFrom(...SPACES, '\n', '\r\n'), line: fc.constantFrom(...SPACES) };
const separator = (allowNewline: boolean) => (allowNewline ? separators.lines : separators.line);

/** The head of a line: /root, root, /root@bot, /root@other, upper case ... */
function headFor(root: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    `/${root}`,
    `/${root}`,
    `/${root}`,
    root,
    `/${root}@${BOT_NAME}`,
    `/${root}@${BOT_NAME.toLowerCase()}`,
    `/${root}@OtherBot`,
    `/${root}@`,
    `/${root.toUpperCase()}`,
    `//${root}`,
    `/${root}@bot@bot`,
  );
}

/** A command line for one command, from its words and option values. */
function lineFor(command: AnyCommand, allowNewline: boolean): fc.Arbitrary<string> {
  const [root, sub] = command.name.split(' ') as [string, string | undefined];
  const subWord = sub
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constant(sub) },
        { weight: 1, arbitrary: fc.constant(sub.toUpperCase()) },
        { weight: 1, arbitrary: valueText },
      )
    : fc.constant(null);
  return fc
    .tuple(
      headFor(root),
      subWord,
      fc.array(fc.tuple(separator(allowNewline), tokenFor(command)), { maxLength: 9 }),
      separator(allowNewline),
    )
    .map(([head, word, args, sep]) => [head, ...(word === null ? [] : [sep, word]), ...args.flat()].join(''));
}

/** Examples of the commands with one word replaced, inserted or dropped. */
function mutatedExample(allowNewline: boolean): fc.Arbitrary<string> {
  const examples = registry.commands.flatMap((c) =>
    c.examples.map((e) => ({ command: c, words: e.replace(/k3m9tq/g, '{own}').split(' ') })),
  );
  return fc.oneof(
    ...examples.map(({ command, words }) =>
      fc
        .tuple(
          fc.nat({ max: words.length }),
          fc.constantFrom('replace', 'insert', 'drop'),
          tokenFor(command),
          separator(allowNewline),
          fc.constantFrom(...REFS),
        )
        .map(([at, how, token, sep, ref]) => {
          const out = words.map((w) => (w === '{own}' ? ref : w));
          if (how === 'replace' && at < out.length && at > 0) out[at] = token;
          else if (how === 'insert') out.splice(Math.max(1, at), 0, token);
          else if (how === 'drop' && at > 0) out.splice(at, 1);
          return out.join(sep);
        }),
    ),
  );
}

/** Command lines as typed in Telegram (newlines allowed) or in the console (one line each). */
export function commandLine(options: { allowNewline: boolean }): fc.Arbitrary<string> {
  const { allowNewline } = options;
  return fc.oneof(
    { weight: 20, arbitrary: fc.oneof(...registry.commands.map((c) => lineFor(c, allowNewline))) },
    { weight: 14, arbitrary: mutatedExample(allowNewline) },
    { weight: 1, arbitrary: fc.array(anyToken, { maxLength: 6 }).map((words) => words.join(' ')) },
    { weight: 1, arbitrary: hostileText.map((text) => (allowNewline ? text : text.replace(/[\r\n]/g, ' '))) },
  );
}

export type DiscordValue = string | number | boolean;

const wrongTyped: fc.Arbitrary<DiscordValue> = fc.oneof(
  fc.double(),
  fc.boolean(),
  valueText,
  fc.integer(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2),
);

/** A typed value as Discord would deliver one (its registered type), or one of a wrong type. */
const typedFor = memo((meta: OptionMeta): fc.Arbitrary<DiscordValue> => {
  let right: fc.Arbitrary<DiscordValue>;
  switch (meta.kind) {
    case 'number':
      right = fc.oneof(
        fc.double({ min: (meta.min ?? 0) - 10, max: Math.min(meta.max ?? 20_000, 20_000) + 10, noNaN: true }),
        fc.double(),
        fc.integer({ min: -10, max: 10_000 }),
        fc.constantFrom(meta.min ?? 0, meta.max ?? 1e6, Number(meta.example)),
      );
      break;
    case 'integer':
      right = fc.oneof(
        fc.integer({ min: (meta.min ?? 0) - 3, max: (meta.max ?? 10_000) + 3 }),
        fc.integer(),
        fc.constantFrom(2 ** 53, -(2 ** 53), Number(meta.example)),
      );
      break;
    case 'boolean':
      right = fc.boolean();
      break;
    default:
      right = valueFor(meta);
  }
  return fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrongTyped });
});

export interface DiscordInput {
  command: AnyCommand;
  options: Record<string, DiscordValue>;
  where: 'dm' | 'guild' | 'guild-manager';
}

const unknownOption = fc.oneof(
  { weight: 9, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/), fc.oneof(valueText, wrongTyped)) },
);
const places = fc.constantFrom<DiscordInput['where']>('dm', 'guild', 'guild-manager');

/** A command and its typed option record, some options missing, some of a wrong type, maybe an unknown one. */
export const discordInput: fc.Arbitrary<DiscordInput> = fc.oneof(
  ...registry.commands.map((command) => {
    const entries = optionsOf(command).map((o) =>
      fc
        .option(typedFor(o.meta), { nil: undefined, freq: o.meta.required ? 6 : 2 })
        .map((value) => [o.name, value] as const),
    );
    return fc.tuple(fc.tuple(...entries), unknownOption, places).map(([pairs, extra, where]) => {
      const options: Record<string, DiscordValue> = {};
      for (const [name, value] of pairs) if (value !== undefined) options[name] = value;
      if (extra && !(extra[0] in options)) options[extra[0]] = extra[1];
      return { command, options, where };
    });
  }),
);

/** Resolves the placeholders in the string values of a typed record. */
export function resolveOptions(world: World, options: Record<string, DiscordValue>): Record<string, DiscordValue> {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [key, typeof value === 'string' ? world.resolve(value) : value]),
  );
}
