// Issue 12 §6 for hedges: a proposed ALVH layer is never one tap from a record. Its Adopt button
// (and a hedge poll's Adopt vote, which runs the same payload) shows what would be recorded and a
// signed Confirm; only Confirm records, once; an edited, foreign or stale Confirm records nothing.
// Through the command layer, the button payloads as the platforms decode them, and the console.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton } from '../../src/app/buttons.ts';
import { CONFIRM_MINUTES } from '../../src/app/confirm.ts';
import { runConsole } from '../../src/platforms/console/console.ts';
import type { ReplyButton } from '../../src/app/reply.ts';
import { ALICE, BOB, dataOf, errorLine, makeApp, type TestApp } from '../support/app.ts';

/** A 3-lot opened when VIX was 8: at the demo VIX layers 1 and 2 fire (see hedge.test.ts). */
const HEDGE_LINE = '/position add 5850 5900 6100 6150 45 credit=20 spot=6000 vix=8 qty=3';

/** What a platform runs when the button is pressed: its payload, decoded. */
const press = (t: TestApp, button: ReplyButton, who = ALICE.console) => {
  const decoded = decodeButton(encodeButton(button))!;
  return t.runFor(decoded.command, decoded.options, who);
};

async function reviewed(t: TestApp) {
  const id = await t.addPosition(HEDGE_LINE);
  const shown = await t.run(`/hedge ${id}`);
  const review = await press(t, shown.buttons![0]!);
  return { id, proposal: dataOf(shown, 'hedge', 'hedge').hedge, review, confirm: review.buttons![0]! };
}

describe('adopting a hedge layer from a button', () => {
  it('Adopt shows what will be recorded and records nothing; Confirm records it once', async () => {
    const t = makeApp();
    const before = t.rowCounts();
    const { id, proposal, review, confirm } = await reviewed(t);
    const layer = proposal.layers[0]!;
    expect(review.error).toBeUndefined();
    expect(review.title).toBe(`Adopt hedge layer 1 on ${id}?`);
    // Layer, VIX expiry, strikes, debit, contracts, total cost and coverage, as /hedge quoted them:
    // the 3-lot's max loss is (50 − 20) × 100 × 3 = $9,000; each spread pays $500 at the upper strike.
    const { longStrike, shortStrike, contracts } = layer;
    const usd = (value: number) => `$${Math.round(value).toLocaleString('en-US')}`;
    expect(review.lines).toContain(
      `Records: VIX ${proposal.vixExpiry} ${longStrike}/${shortStrike} call spread ` +
        `x${contracts} at ${layer.debit.toFixed(2)}: ` +
        `${contracts} spreads VIX ${longStrike}/${shortStrike} for ${usd(contracts * layer.debit * 100)}, ` +
        `pays ${usd(contracts * 500)} at VIX ${shortStrike}+ = ` +
        `${Math.round((contracts * 500 * 100) / 9000)}% of max loss.`,
    );
    expect(review.footer).toContain('Educational tool, not investment advice.');
    expect(t.rowCounts().hedge_layers).toBe(before.hedge_layers);
    expect(confirm.label).toBe('Confirm layer 1');
    expect(Buffer.byteLength(encodeButton(confirm))).toBeLessThanOrEqual(64);

    t.clock.advance(60_000);
    const done = await press(t, confirm);
    expect(done.title).toBe(`Hedge layer 1 recorded on ${id}`);
    const recorded = dataOf(done, 'hedge', 'position').layer;
    expect(recorded).toEqual(layer);
    expect(t.rows('hedge_layers')).toMatchObject([
      { position_id: id, layer: 1, contracts: layer.contracts, debit: layer.debit, vix_expiry: proposal.vixExpiry },
    ]);

    // The same signed Confirm again: one line, nothing recorded twice.
    const counts = t.rowCounts();
    const twice = await press(t, confirm);
    expect(errorLine(twice)).toBe(`Layer 1 is already active on ${id}.`);
    expect(t.rowCounts()).toEqual(counts);
  });

  it('an edited, foreign or stale Confirm records nothing, each in one line', async () => {
    const t = makeApp();
    const { id, confirm } = await reviewed(t);
    const code = String(confirm.options.confirm);
    const records = () => t.rows('hedge_layers').length + t.rows('position_events').length;
    const before = records();

    // Another byte of MAC, or the code of another layer: refused.
    const tampered = {
      ...confirm,
      options: { ...confirm.options, confirm: code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A') },
    };
    const otherLayer = { ...confirm, options: { ...confirm.options, adopt: 2 } };
    for (const forged of [tampered, otherLayer]) {
      const refused = await press(t, forged);
      expect(refused.error?.identifier).toBe('confirm-mismatch');
      expect(refused.lines).toHaveLength(1);
      expect(errorLine(refused)).toMatch(
        new RegExp(
          `^This Confirm button is not for layer \\d on ${id} as quoted now \\(VIX .*\\) by you: nothing recorded\\.`,
        ),
      );
    }
    // Bob pressing Alice's Confirm: not his position.
    expect((await press(t, confirm, BOB.console)).error?.identifier).toBe('position-not-found');
    // Older than the limit: refused.
    t.clock.advance((CONFIRM_MINUTES + 1) * 60_000);
    const stale = await press(t, confirm);
    expect(errorLine(stale)).toBe(
      `This Confirm button is more than ${CONFIRM_MINUTES} minutes old: nothing recorded. ` +
        `Press Adopt again, or type /hedge ${id} adopt=1.`,
    );
    expect(records()).toBe(before);
  });

  it('a payload without review or code (an old message) only reviews', async () => {
    const t = makeApp();
    const id = await t.addPosition(HEDGE_LINE);
    const legacy = await press(t, { label: 'Adopt', style: 'primary', command: 'hedge', options: { id, adopt: 1 } });
    expect(legacy.title).toBe(`Adopt hedge layer 1 on ${id}?`);
    expect(t.rowCounts().hedge_layers).toBe(0);
  });
});

describe('in the console', () => {
  it('the Adopt line reviews, the Confirm line it prints records', async () => {
    const t = makeApp();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    const waitFor = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve) => {
        const check = () => {
          const found = pattern.exec(text);
          if (found) {
            output.off('data', check);
            resolve(found);
          }
        };
        output.on('data', check);
        check();
      });
    output.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const done = runConsole({
      deps: t.deps,
      input,
      output,
      attachmentsDir: t.dir,
      interactive: false,
      userName: 'alice',
    });

    // The console is its own local user: it records the position it then hedges.
    input.write(`${HEDGE_LINE}\n`);
    const id = (await waitFor(/Position ([a-z0-9]{6}) recorded/))[1]!;
    input.write(`/hedge ${id}\n`);
    const adoptLine = (await waitFor(/\[Adopt layer 1\] → (\/hedge .*)\n/))[1]!;
    expect(adoptLine).toBe(`/hedge id=${id} adopt=1 review=true`);
    input.write(`${adoptLine}\n`);
    const confirmLine = (await waitFor(/\[Confirm layer 1\] → (\/hedge .*)\n/))[1]!;
    expect(text).toContain(`Adopt hedge layer 1 on ${id}?`);
    expect(t.rowCounts().hedge_layers).toBe(0);
    input.end(`${confirmLine}\n${confirmLine}\n`);
    await done;
    expect(text).toContain(`Hedge layer 1 recorded on ${id}`);
    expect(text).toContain(`Layer 1 is already active on ${id}.`);
    expect(t.rowCounts().hedge_layers).toBe(1);
  });
});
