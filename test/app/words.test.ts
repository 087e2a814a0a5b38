// The words parser (src/app/words.ts): how a typed line (Telegram, console, CLI) becomes a command
// and a raw option record. Parsing the values stays with the command's schema; here only words.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/app/errors.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { parseCommandLine, splitWords, wordsToRecord } from '../../src/app/words.ts';
import { commands } from '../../commands/index.ts';

const registry = createRegistry(commands);
const parse = (line: string, botName?: string) => parseCommandLine(registry, line, botName);

function refusal(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('splitWords', () => {
  it('splits on any run of whitespace', () => {
    expect(splitWords('  /market \t  now  ')).toEqual(['/market', 'now']);
  });

  it('keeps spaces inside double, single and typographic quotes, and drops the quotes', () => {
    expect(splitWords(`note="Dec cycle" b='two words' c=“curly one”`)).toEqual([
      'note=Dec cycle',
      'b=two words',
      'c=curly one',
    ]);
  });

  it('honours backslash escapes of the quote and of the backslash inside quotes', () => {
    expect(splitWords(String.raw`note="say \"hi\" \\ ok"`)).toEqual([String.raw`note=say "hi" \ ok`]);
  });

  it('keeps an empty quoted word', () => {
    expect(splitWords(`a "" b`)).toEqual(['a', '', 'b']);
  });

  it('refuses an unclosed quote with one line and an example', () => {
    const error = refusal(() => splitWords('note="never closed'));
    expect(error.identifier).toBe('unclosed-quote');
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/e\.g\./);
  });
});

describe('parseCommandLine', () => {
  it('finds a group command by its two words and fills positionals in the schema order', () => {
    const parsed = parse('/position add 5615 5665 6335 6385 2027-01-08 14.2');
    expect(parsed.command.name).toBe('position add');
    expect(parsed.raw).toEqual({
      long_put: '5615',
      short_put: '5665',
      short_call: '6335',
      long_call: '6385',
      expiry: '2027-01-08',
      credit: '14.2',
    });
  });

  it('reads key=value and key:value alike, in any order, and leaves values as text', () => {
    const parsed = parse('/position add credit:14.2 5615 5665 expiry=45 6335 6385 note="Dec cycle" qty:2');
    expect(parsed.raw).toEqual({
      long_put: '5615',
      short_put: '5665',
      short_call: '6335',
      long_call: '6385',
      expiry: '45',
      credit: '14.2',
      note: 'Dec cycle',
      qty: '2',
    });
  });

  it('lower-cases the command words and the keys, not the values', () => {
    const parsed = parse('/POSITION Add 5615 5665 6335 6385 45 CREDIT=14.2 NOTE=KeepCase');
    expect(parsed.command.name).toBe('position add');
    expect(parsed.raw.credit).toBe('14.2');
    expect(parsed.raw.note).toBe('KeepCase');
  });

  it('works without the leading slash (console)', () => {
    expect(parse('market').command.name).toBe('market');
  });

  it("drops '@botname' after the command, and accepts it for this bot", () => {
    expect(parse('/market@condor_xyk_bot').command.name).toBe('market');
    expect(parse('/market@Condor_XYK_Bot', 'condor_xyk_bot').command.name).toBe('market');
    expect(parse('/position@condor_xyk_bot list status=all', 'condor_xyk_bot').raw).toEqual({ status: 'all' });
  });

  it('refuses a command addressed to another bot', () => {
    const error = refusal(() => parse('/market@other_bot', 'condor_xyk_bot'));
    expect(error.identifier).toBe('other-bot');
    expect(error.message).toContain('@other_bot');
  });

  it('takes a time like 09:45 as a positional value, not as key:value', () => {
    const parsed = parse('/subscribe personal 09:45');
    expect(parsed.raw).toEqual({ kind: 'personal', time: '09:45' });
    // An optional choice a word does not match is skipped: the time fills `time`.
    expect(parse('/subscribe 16:15').raw).toEqual({ time: '16:15' });
    expect(parse('/subscribe time=09:45 channel').raw).toEqual({ kind: 'channel', time: '09:45' });
  });

  it('keeps a colon or equals sign inside a value', () => {
    expect(parse('/position add 5615 5665 6335 6385 45 14.2 note="a=b: c"').raw.note).toBe('a=b: c');
    expect(parse('/subscribe time=09:45').raw.time).toBe('09:45');
  });

  it('refuses too many positionals, naming the options and giving an example', () => {
    const error = refusal(() => parse('/position close k3m9tq 6.1 extra'));
    expect(error.identifier).toBe('too-many-values');
    expect(error.message).toContain('id, debit');
    expect(error.message).toContain('1 value(s) too many');
    expect(error.message).toContain('/position close k3m9tq 6.10');
    expect(error.message).not.toContain('\n');
  });

  it('joins trailing words into a last option that takes text', () => {
    expect(parse('/help position add').raw).toEqual({ command: 'position add' });
    expect(parse('/help /position   add').raw).toEqual({ command: '/position add' });
    // A last option that is not text still refuses them.
    expect(refusal(() => parse('/position list open closed')).identifier).toBe('too-many-values');
  });

  it('counts positionals against the options still free after key=value', () => {
    const error = refusal(() => parse('/position close debit=1 k3m9tq 6.1'));
    expect(error.identifier).toBe('too-many-values');
    expect(refusal(() => parse('/market parity now')).identifier).toBe('too-many-values');
  });

  it('refuses an option given twice, by key or by key and by alias', () => {
    const error = refusal(() => parse('/position close k3m9tq debit=1 debit=2'));
    expect(error.identifier).toBe('given-twice');
    expect(error.message).toContain('debit');
    expect(error.message).toMatch(/e\.g\. \/position close/);
    expect(refusal(() => parse('/position close id=k3m9tq ID:k3m9tq')).identifier).toBe('given-twice');
  });

  it('refuses an unknown key=value option, listing the options', () => {
    const error = refusal(() => parse('/position close k3m9tq 6.1 price=3'));
    expect(error.identifier).toBe('unknown-option');
    expect(error.message).toContain('price');
    expect(error.message).toContain('options: id, debit');
  });

  it('refuses an unknown command and an unknown or missing subcommand, naming the choices', () => {
    expect(refusal(() => parse('/frobnicate')).identifier).toBe('unknown-command');
    const unknownSub = refusal(() => parse('/position delete k3m9tq'));
    expect(unknownSub.identifier).toBe('unknown-subcommand');
    expect(unknownSub.message).toContain('add, list, show, close, history, export');
    expect(unknownSub.message).toMatch(/e\.g\. \/position add/);
    expect(refusal(() => parse('/condor')).identifier).toBe('unknown-subcommand');
  });

  it('refuses an empty line', () => {
    expect(refusal(() => parse('   ')).identifier).toBe('empty');
  });

  it('wordsToRecord with no words gives an empty record (the schema decides what is missing)', () => {
    expect(wordsToRecord(registry.get('position add')!, [])).toEqual({});
  });
});
