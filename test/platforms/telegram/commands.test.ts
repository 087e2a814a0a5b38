// Every command typed into the telegram-test-api emulator, answered by the bot through the Bot
// API: the happy path and one bad input each, the exact /position add line, HTML escaping
// of what a user typed, /start, and the command menu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuCommands } from '../../../src/platforms/telegram/register.ts';
import { htmlProblems, messagesIn, startHarness, type Harness } from '../../support/telegram-harness.ts';

let h: Harness;
let alice: ReturnType<Harness['client']>;
let positionId: string;

beforeAll(async () => {
  h = await startHarness();
  alice = h.client({ userId: 101, firstName: 'Alice' });
});
afterAll(async () => h.close());

/** The bot's text answers to a line, as HTML. */
async function answers(line: string): Promise<string[]> {
  const calls = await h.say(alice, line);
  return messagesIn(calls).map((m) => m.html);
}

describe("the issue's line", () => {
  it('records /position add 5615 5665 6335 6385 2027-01-08 credit=14.2 exactly as written', async () => {
    const calls = await h.say(alice, '/position add 5615 5665 6335 6385 2027-01-08 credit=14.2');
    const [message, ...rest] = messagesIn(calls);
    expect(rest).toEqual([]);
    expect(message!.chatId).toBe('101');
    expect(message!.body.parse_mode).toBe('HTML');
    expect(message!.html).toMatch(
      /^<b>✓ Position ([a-z0-9]{6}) recorded<\/b>\nSPX 5,615\/5,665\/6,335\/6,385 · 2027-01-08 x1 for 14.20 credit/,
    );
    positionId = /Position ([a-z0-9]{6}) recorded/.exec(message!.html)![1]!;
    // The same zod schema as Discord stored it: the user's store has it with these numbers.
    const userId = await h.app.store.users.resolve('telegram', '101', 'Alice');
    const stored = (await h.app.store.forUser(userId).positions.get(positionId))!;
    expect(stored.strikes).toEqual({ longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 });
    expect(stored.credit).toBe(14.2);
    expect(stored.expiry).toBe('2027-01-08');
    // The emulator received the answer for the user's chat.
    const history = await alice.getUpdatesHistory();
    expect(
      history.some(
        (update) =>
          'message' in update &&
          String((update.message as { text?: string }).text).includes(`Position ${positionId} recorded`),
      ),
    ).toBe(true);
  });
});

describe('every command: happy path and one bad input', () => {
  // In the order of the registry; {id} is the position recorded above.
  const cases: { happy: string; shows: RegExp; bad: string; error: RegExp }[] = [
    {
      happy: '/condor eval 5615 5665 6335 6385 45',
      shows: /<b>Max profit<\/b>: \$/,
      bad: '/condor eval 5615 5665 6335 6385 45 qty=0',
      error: /^Option qty must be at least 1 \(e\.g\. qty=2\)\. Usage: \/condor eval/,
    },
    {
      happy: '/condor suggest dte=30',
      shows: /^<b>Model condor: SPX /,
      bad: '/condor suggest delta=2',
      error: /^Option delta must be at most .*e\.g\./,
    },
    {
      happy: '/position list',
      shows: /<pre>id +strikes/,
      bad: '/position list status=bogus',
      error: /^Option status must be one of open, closed, all \(e\.g\. status=open\)/,
    },
    {
      happy: '/position show {id}',
      shows: /^<b>{id}: [A-Z_]+ · SPX 5,615/,
      bad: '/position show !!',
      error: /^Option id must be a position id like k3m9tq/,
    },
    {
      happy: '/hedge {id}',
      shows: /^<b>ALVH for {id}/,
      bad: '/hedge {id} adopt=9',
      error: /^Option adopt must be at most 5 \(e\.g\. adopt=1\)/,
    },
    {
      happy: '/market',
      shows: /^<b>Market · 2026-11-20<\/b>/,
      bad: '/market now',
      error: /^Option view must be one of summary, parity \(e\.g\. view=parity\)\. Usage: \/market parity/,
    },
    {
      happy: '/signal',
      shows: /^<b>Daily summary 2026-11-20<\/b>/,
      bad: '/signal today',
      error: /^\/signal takes no options/,
    },
    {
      happy: '/subscribe personal 16:15',
      shows: /^<b>✓ Subscribed<\/b>\nDaily personal summary at 16:15/,
      bad: '/subscribe weekly',
      error: /^Option kind must be one of channel, personal \(e\.g\. kind=channel\)/,
    },
    {
      happy: '/settings profit_target=50%',
      shows: /<b>Profit target<\/b>: 50%/,
      bad: '/settings profit_target=abc',
      error: /^Option profit_target must be .*e\.g\. profit_target=50%/,
    },
    {
      happy: '/link',
      shows: /Your one-time code: [A-Z0-9]{4}-[A-Z0-9]{4} \(valid 10 minutes, single use\)/,
      bad: '/link 12',
      error: /^Option code must be a code like K7QM-2XPA/,
    },
    {
      happy: '/backtest policy=cp',
      shows: /^<b>Backtest cp<\/b>\n\n<pre>policy/,
      bad: '/backtest from=2020-13-01',
      error: /^Option from must be a date YYYY-MM-DD \(e\.g\. from=2000-01-03\)/,
    },
    {
      happy: '/help "position add"',
      shows: /^<b>Help: \/position add<\/b>/,
      bad: '/help nosuchcommand',
      error: /^Unknown command nosuchcommand: \/help lists them all\./,
    },
    {
      happy: '/position history',
      shows: /^<b>Your history/,
      bad: '/position history extra',
      error: /^\/position history takes no options/,
    },
    {
      happy: '/position export',
      shows: /^<b>Export: 1 position<\/b>/,
      bad: '/position export now',
      error: /^\/position export takes no options/,
    },
    {
      happy: '/position close {id} 6.10',
      shows: /^<b>✓ Position {id} closed<\/b>/,
      bad: '/position close {id}',
      error: /^Option debit is required \(e\.g\. debit=6\.1\)\. Usage: \/position close/,
    },
    {
      happy: '/position add 5615 5665 6335 6385 45 credit=14.2 qty=2',
      shows: /^<b>✓ Position [a-z0-9]{6} recorded<\/b>/,
      bad: '/position add 5615 5665 6335 6385 2027-01-08',
      error:
        /^Option credit is required \(e\.g\. credit=14\.2\)\. Usage: \/position add 5615 5665 6335 6385 2027-01-08 credit=14\.2$/,
    },
  ];
  const fill = (text: string) => text.replaceAll('{id}', positionId);
  const fillPattern = (pattern: RegExp) => new RegExp(fill(pattern.source), pattern.flags);

  it('covers every command of the registry', () => {
    const covered = new Set(
      cases.map(
        (c) =>
          h.app.deps.registry.commands.find(
            (command) => c.happy.startsWith(`/${command.name} `) || c.happy === `/${command.name}`,
          )?.name,
      ),
    );
    expect([...covered].sort()).toEqual(h.app.deps.registry.commands.map((command) => command.name).sort());
  });

  for (const testCase of cases) {
    const command = testCase.happy.split(' ').slice(0, 2).join(' ');
    it(`${command}: answers, and refuses ${testCase.bad.replace('{id}', 'ID')} in one line`, async () => {
      const bad = await answers(fill(testCase.bad));
      expect(bad).toHaveLength(1);
      const [title, line, ...more] = bad[0]!.split('\n');
      expect(title).toBe('<b>✗ Not done</b>');
      expect(more).toEqual([]);
      expect(line).toMatch(fillPattern(testCase.error));

      const happy = await answers(fill(testCase.happy));
      expect(happy.length).toBeGreaterThanOrEqual(1);
      expect(happy[0]).not.toContain('Not done');
      expect(happy.join('\n')).toMatch(fillPattern(testCase.shows));
      for (const html of happy) expect(htmlProblems(html)).toEqual([]);
    });
  }

  it('sends charts as photos and the CSV export as a document (multipart)', async () => {
    const evalCalls = await h.say(alice, '/condor eval 5615 5665 6335 6385 45');
    const photo = evalCalls.find((call) => call.method === 'sendPhoto')!;
    expect(photo.files.photo!.filename).toBe('payoff.png');
    expect(photo.files.photo!.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(photo.body.parse_mode).toBe('HTML');
    expect(String(photo.body.caption).length).toBeLessThanOrEqual(1024);

    const exportCalls = await h.say(alice, '/position export');
    const document = exportCalls.find((call) => call.method === 'sendDocument')!;
    expect(document.files.document!.filename).toBe('condor-positions.csv');
    expect(document.files.document!.bytes.toString('utf8')).toMatch(/^id,status,underlying/);
  });

  it('answers an unknown subcommand with the choices', async () => {
    const [html] = await answers('/position frobnicate');
    expect(html).toBe(
      '<b>✗ Not done</b>\n/position needs one of: add, list, show, close, history, export; ' +
        'e.g. /position add 5615 5665 6335 6385 2027-01-08 credit=14.2',
    );
  });
});

describe('escaping what users type', () => {
  it('shows a note with <b>, & and @everyone as text, never as markup', async () => {
    await h.say(alice, '/position add 5615 5665 6335 6385 2027-01-08 credit=14.2 note="<b>big</b> & @everyone"');
    const exported = await h.say(alice, '/position export');
    expect(exported.find((call) => call.method === 'sendDocument')!.files.document!.bytes.toString('utf8')).toContain(
      '<b>big</b> & @everyone',
    );
    const [html] = await answers('/help "<b>x</b> & @everyone"');
    expect(html).toBe('<b>✗ Not done</b>\nUnknown command &lt;b&gt;x&lt;/b&gt; &amp; @everyone: /help lists them all.');
    expect(htmlProblems(html!)).toEqual([]);
  });

  it('escapes a display name with markup in a group note', async () => {
    const mallory = h.client({
      userId: 666_001,
      firstName: '<i>Mal</i> & co',
      chatId: -9001,
      type: 'group',
      chatTitle: 'Traders',
    });
    const calls = await h.say(mallory, '/position list');
    const note = messagesIn(calls).find((m) => m.chatId === '-9001')!;
    expect(note.html).toBe('&lt;i&gt;Mal&lt;/i&gt; &amp; co: answered you in private.');
  });
});

describe('/start and the menu', () => {
  it('greets and points to /help', async () => {
    const [html] = await answers('/start hi');
    expect(html).toMatch(/^<b>Hello Alice!<\/b>\n/);
    expect(html).toContain('Type /help for the commands');
  });

  it('publishes the roots of the registry with setMyCommands', async () => {
    await h.bot.register();
    const call = h.fake.callsTo('setMyCommands').at(-1)!;
    const commands = call.body.commands as { command: string; description: string }[];
    expect(commands.map((c) => c.command)).toEqual([
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
    for (const command of commands) {
      expect(command.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(256);
    }
    expect(commands.find((c) => c.command === 'position')!.description).toBe(
      'add, list, show, close, history, export. E.g. /position add 5615 5665 6335 6385 2027-01-08 credit=14.2',
    );
    expect(call.body.scope).toEqual({ type: 'default' });
    expect(menuCommands(h.app.deps.registry)).toMatchSnapshot();
  });
});
