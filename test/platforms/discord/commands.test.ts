// Every command through the interaction handler, as a real discord.js interaction whose answers go
// to the loopback REST: the happy path and one bad input each, with the visibility Discord shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_ADVICE, type Reply } from '../../../src/app/reply.ts';
import { BOB } from '../../support/discord-interactions.ts';
import { botFixture, slash, textOf, type Answer, type BotFixture } from './fixture.ts';

let f: BotFixture;

const backtestReply: Reply = {
  title: 'Backtest 2008-01-02 to 2012-12-31',
  visibility: 'caller',
  lines: ['cp beats delta on 3 of 5 measures.'],
  table: {
    columns: [{ label: 'policy' }, { label: 'P/L', align: 'right' }],
    rows: [
      ['cp', '+$12,340'],
      ['delta', '+$9,870'],
    ],
  },
  footer: [NOT_ADVICE],
};

beforeAll(async () => {
  f = await botFixture({
    services: {
      summaries: {
        channelSummary: async () => ({
          title: 'Daily summary · 2026-03-10',
          visibility: 'channel',
          lines: ['Regime normal; threshold T 17.5%.'],
          footer: [NOT_ADVICE],
        }),
      },
      backtests: { run: async () => backtestReply },
    },
  });
});

afterAll(async () => {
  await f.close();
});

const STRIKES = { long_put: 5615, short_put: 5665, short_call: 6335, long_call: 6385 };

function expectPrivateAnswer(answer: Answer, title: RegExp) {
  expect(answer.ephemeral, textOf(answer.final)).toBe(true);
  expect(answer.final.embeds[0].title).toMatch(title);
}

function expectRefusal(answer: Answer, line: RegExp) {
  expect(answer.ephemeral).toBe(true);
  expect(answer.final.embeds[0].title).toBe('Not done');
  expect(answer.final.embeds[0].description).toMatch(line);
  expect(answer.final.embeds[0].color).toBe(0xed4245);
}

describe('/condor', () => {
  it('eval: deferred privately, then the metrics, the legs table and the payoff chart', async () => {
    const answer = await slash(f, 'condor eval', { ...STRIKES, expiry: '45' });
    expect(answer.deferred).toBe(true);
    expect(answer.requests[0]!.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(answer.via).toBe('edit');
    expectPrivateAnswer(answer, /^SPX 5,615\/5,665\/6,335\/6,385 · 2026-04-24 \(45 DTE\)$/);
    const embed = answer.final.embeds[0];
    expect(embed.fields.map((field: { name: string }) => field.name)).toContain('Probability of profit');
    expect(embed.description).toContain('```\nleg ');
    expect(embed.image).toEqual({ url: 'attachment://payoff.png' });
    const edit = answer.requests.at(-1)!;
    expect(edit.files).toEqual([expect.objectContaining({ filename: 'payoff.png', contentType: 'image/png' })]);
    expect(edit.files[0]!.size).toBeGreaterThan(10_000);
  });

  it('eval refuses strikes out of order with the rule, privately', async () => {
    expectRefusal(
      await slash(f, 'condor eval', { ...STRIKES, long_put: 5700, expiry: '45' }),
      /^Strikes must rise.*E\.g\. \/condor eval long\\_put:5615 short\\_put:5665/,
    );
  });

  it('suggest: the model condor, privately', async () => {
    const answer = await slash(f, 'condor suggest', { dte: 30 });
    expect(answer.via).toBe('reply');
    expectPrivateAnswer(answer, /^Model condor: SPX /);
  });

  it('suggest refuses a delta above its maximum', async () => {
    expectRefusal(
      await slash(f, 'condor suggest', { delta: 0.9 }),
      /^Option delta must be at most 0\.5 \(e\.g\. delta:0\.16\)\. Usage: \/condor suggest dte:30 delta:0\.10 wings:25$/,
    );
  });
});

describe('/position', () => {
  // One position's life in order, in one test: each step reads what the one before recorded
  // (a test no longer reads state another test left behind).
  it('add, list, show, hedge, close, history and export one position, each answered privately', async () => {
    const added = await slash(f, 'position add', {
      ...STRIKES,
      expiry: '2026-04-24',
      credit: 14.2,
      note: 'first one',
    });
    expectPrivateAnswer(added, /^Position [a-z0-9]+ recorded$/);
    const positionId = /^Position ([a-z0-9]+) recorded$/.exec(added.final.embeds[0].title)![1]!;
    expect(positionId).toMatch(/^[a-z0-9]{4,12}$/);

    // list shows a table of the caller’s positions, privately; another user's list does not show it.
    const listed = await slash(f, 'position list');
    expectPrivateAnswer(listed, /^Your open positions \(1\)$/);
    expect(listed.final.embeds[0].description).toContain(positionId);
    const bobs = await slash(f, 'position list', {}, BOB);
    expect(textOf(bobs.final)).not.toContain(positionId);
    expect(textOf(bobs.final)).toContain('No open positions');

    // show is deferred privately and shows the evaluation with its chart; not to another user.
    const shown = await slash(f, 'position show', { id: positionId });
    expect(shown.deferred).toBe(true);
    expectPrivateAnswer(shown, new RegExp(`^${positionId}: [A-Z_]+ · SPX`));
    expect(shown.final.embeds[0].image).toEqual({ url: 'attachment://payoff.png' });
    expectRefusal(
      await slash(f, 'position show', { id: positionId }, BOB),
      new RegExp(`^No position ${positionId} in your positions`),
    );

    // hedge shows the layers privately.
    const hedge = await slash(f, 'hedge', { id: positionId });
    expect(hedge.deferred).toBe(true);
    expectPrivateAnswer(hedge, new RegExp(`^ALVH for ${positionId}`));
    expect(hedge.final.embeds[0].description).toContain('of max loss');

    // close refuses a debit above the wing width, then records the realized P/L.
    expectRefusal(
      await slash(f, 'position close', { id: positionId, debit: 80 }),
      /^Option debit 80\.00 is above the widest wing 50/,
    );
    const closed = await slash(f, 'position close', { id: positionId, debit: 6.1 });
    expectPrivateAnswer(closed, new RegExp(`^Position ${positionId} closed$`));
    expect(closed.final.embeds[0].description).toContain('Realized P/L +$810');

    // history lists the closed position, privately.
    const history = await slash(f, 'position history');
    expectPrivateAnswer(history, /^Your history: 1 closed$/);
    expect(history.final.embeds[0].description).toContain(positionId);

    // export attaches a CSV, privately.
    const exported = await slash(f, 'position export');
    expectPrivateAnswer(exported, /^Export: 1 position$/);
    const request = exported.requests[0]!;
    // discord.js sends non-image files as octet-stream; Discord goes by the file name.
    expect(request.files).toEqual([expect.objectContaining({ filename: 'condor-positions.csv' })]);
    expect(request.files[0]!.text).toContain(positionId);
    expect(exported.final.attachments).toEqual([
      {
        id: '0',
        description: expect.stringMatching(
          /^Positions, open and closed, as of \d{4}-\d\d-\d\d; opens in any spreadsheet$/,
        ),
      },
    ]);
  });

  it('add refuses an expiry that is neither a date nor days', async () => {
    expectRefusal(
      await slash(f, 'position add', { ...STRIKES, expiry: 'soon', credit: 14.2 }),
      /^Option expiry must be a date YYYY-MM-DD or days to expiry/,
    );
  });

  it('list refuses an unknown status', async () => {
    expectRefusal(
      await slash(f, 'position list', { status: 'pending' }),
      /^Option status must be one of open, closed, all/,
    );
  });

  it('hedge refuses an unknown id', async () => {
    expectRefusal(await slash(f, 'hedge', { id: 'zzzzzz' }), /^No position zzzzzz in your positions/);
  });

  it('history refuses an option it does not have', async () => {
    expectRefusal(await slash(f, 'position history', { since: 'x' }), /^Unknown option since for \/position history/);
  });

  it('export refuses an option it does not have', async () => {
    expectRefusal(await slash(f, 'position export', { format: 'xlsx' }), /^Unknown option format/);
  });
});

describe('channel commands', () => {
  it('/market answers in the channel (not ephemeral)', async () => {
    const answer = await slash(f, 'market');
    expect(answer.via).toBe('reply');
    expect(answer.ephemeral).toBe(false);
    expect(answer.final.flags ?? 0).toBe(0);
    expect(answer.final.embeds[0].title).toBe('Market · 2026-03-10');
    expect(answer.final.embeds[0].footer.text).toContain('DEMO DATA');
  });

  it('/market refuses an option, privately', async () => {
    expectRefusal(await slash(f, 'market', { when: 'now' }), /^Unknown option when for \/market/);
  });

  it('/signal defers in public and edits the summary in', async () => {
    const answer = await slash(f, 'signal');
    expect(answer.requests[0]!.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(answer.via).toBe('edit');
    expect(answer.ephemeral).toBe(false);
    expect(answer.final.embeds[0].title).toBe('Daily summary · 2026-03-10');
  });

  it('/signal with a bad option replaces the public deferral with a private refusal', async () => {
    const answer = await slash(f, 'signal', { day: 'today' });
    expect(answer.requests.map((r) => r.method)).toEqual(['POST', 'DELETE', 'POST']);
    expect(answer.via).toBe('follow-up');
    expectRefusal(answer, /^Unknown option day/);
  });
});

describe('personal commands', () => {
  it('/settings saves and shows the caller’s settings privately', async () => {
    const answer = await slash(f, 'settings', { profit_target: '60%' });
    expectPrivateAnswer(answer, /^Settings saved$/);
    expect(answer.final.embeds[0].fields).toContainEqual({ name: 'Profit target', value: '60%', inline: true });
  });

  it('/settings refuses a malformed band', async () => {
    expectRefusal(await slash(f, 'settings', { thresholds: 'abc' }), /^Option thresholds must be a band like 15-20/);
  });

  it('/link gives a one-time code privately', async () => {
    const answer = await slash(f, 'link');
    expectPrivateAnswer(answer, /^Link code$/);
    expect(answer.final.embeds[0].description).toMatch(/Your one-time code: [A-Z0-9]{4}-[A-Z0-9]{4}/);
  });

  it('/link refuses a malformed code', async () => {
    expectRefusal(await slash(f, 'link', { code: 'nope' }), /^Option code must be a code like K7QM-2XPA/);
  });

  it('/backtest is deferred privately and shows the service’s table', async () => {
    const answer = await slash(f, 'backtest', { from: '2008-01-02', to: '2012-12-31' });
    expect(answer.deferred).toBe(true);
    expectPrivateAnswer(answer, /^Backtest 2008-01-02 to 2012-12-31$/);
    expect(answer.final.embeds[0].description).toContain('+$12,340');
  });

  it('/backtest refuses from after to', async () => {
    expectRefusal(
      await slash(f, 'backtest', { from: '2012-01-03', to: '2008-01-02' }),
      /^Option from 2012-01-03 must be before to 2008-01-02/,
    );
  });

  it('/help lists the commands privately', async () => {
    const answer = await slash(f, 'help');
    expectPrivateAnswer(answer, /^condor-xyk commands$/);
    expect(answer.final.embeds[0].description).toContain('/position add');
  });

  it('/help refuses an unknown command', async () => {
    expectRefusal(await slash(f, 'help', { command: 'fly' }), /^Unknown command fly: \/help lists them all\./);
  });
});

describe('every message', () => {
  it('carries allowed_mentions { parse: [] } and nothing failed unexpectedly', () => {
    const messages = f.rest.requests.filter(
      (r) =>
        (r.path.endsWith('/callback') && r.body.type === 4) ||
        r.method === 'PATCH' ||
        (r.method === 'POST' && !r.path.endsWith('/callback')),
    );
    expect(messages.length).toBeGreaterThan(30);
    for (const request of messages) {
      const body = request.path.endsWith('/callback') ? request.body.data : request.body;
      expect(body.allowed_mentions, `${request.method} ${request.path}`).toEqual({ parse: [] });
    }
    expect(f.logs.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
