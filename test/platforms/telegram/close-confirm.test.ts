// Issue 12 §6, through the Telegram adapter (handleUpdate with a captured API): a what-if view has
// no keyboard that records, the live Close button asks first, Confirm records exactly the debit it
// showed, and a stale Confirm (older than the limit, on the harness's clock) records nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIRM_MINUTES } from '../../../src/app/confirm.ts';
import { messagesIn, startHarness, type Harness } from '../../support/telegram-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const ALICE = 202;
const keyboardOf = (calls: Awaited<ReturnType<Harness['say']>>) =>
  (
    (messagesIn(calls)[0]?.body.reply_markup as { inline_keyboard?: { callback_data: string }[][] } | undefined)
      ?.inline_keyboard ?? []
  )
    .flat()
    .map((key) => key.callback_data);

describe('a proposal is never one tap from a real record', () => {
  it('what-if: no record button; live: Close asks, a stale Confirm records nothing, a fresh one does', async () => {
    const me = h.client({ userId: ALICE, firstName: 'Alice' });
    // Short put 6150 above the demo SPX: under the cp policy (the default holds to expiry) the live view
    // proposes CLOSE.
    await h.say(me, '/settings policy=cp');
    const added = await h.say(me, '/position add 6100 6150 6650 6700 2027-01-08 credit=10 spot=6400 vix=16');
    const id = /Position ([a-z0-9]{6}) recorded/.exec(messagesIn(added)[0]!.html)![1]!;
    const store = async () =>
      h.app.store.forUser(await h.app.store.users.resolve('telegram', String(ALICE), 'Alice')).positions;

    const whatIf = await h.say(me, `/position show ${id} spot=5700 vix=22`);
    expect(messagesIn(whatIf)[0]!.html).toContain('CLOSE');
    expect(keyboardOf(whatIf)).toEqual([]);

    const live = await h.say(me, `/position show ${id}`);
    const [close] = keyboardOf(live);
    expect(close).toMatch(new RegExp(`^cx:position close\\|id=${id}\\|debit=[\\d.]+\\|review=true$`));
    const debit = Number(/debit=([\d.]+)/.exec(close!)![1]);

    const review = await h.press(me, close!);
    expect(messagesIn(review)[0]!.html).toContain(`Close ${id} at ${debit.toFixed(2)}?`);
    const [confirm] = keyboardOf(review);
    expect(Buffer.byteLength(confirm!)).toBeLessThanOrEqual(64);
    expect((await (await store()).get(id))!.status).toBe('open');

    h.clock.advance((CONFIRM_MINUTES + 1) * 60_000);
    const stale = await h.press(me, confirm!);
    expect(messagesIn(stale)[0]!.html).toContain(`more than ${CONFIRM_MINUTES} minutes old: nothing recorded`);
    expect((await (await store()).get(id))!.status).toBe('open');

    const again = keyboardOf(await h.press(me, close!))[0]!;
    const done = await h.press(me, again);
    expect(messagesIn(done)[0]!.html).toContain(`Position ${id} closed`);
    expect(await (await store()).get(id)).toMatchObject({ status: 'closed', closeDebit: debit });
  });
});
