// Votes on a hedge poll keep working after a restart: the poll's meaning (which command Adopt runs)
// is in the database, not in memory. The bot is built on a real SQLite file, a poll is opened in a
// group, the bot and its app are closed and a new one is opened on the same file; a vote delivered
// to the new bot then resolves to the poll's position and only its owner's Adopt gets a review.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { messagesIn, startHarness, tempDatabase, type Harness } from '../../support/telegram-harness.ts';

const GROUP = -9002;
const OWNER = 505;
const STRANGER = 606;

let database: ReturnType<typeof tempDatabase>;
const open: Harness[] = [];

beforeEach(() => {
  database = tempDatabase();
});
afterEach(async () => {
  while (open.length) await open.pop()!.close();
  database.remove();
});

async function startOn(path: string): Promise<Harness> {
  const h = await startHarness({ databasePath: path });
  open.push(h);
  return h;
}

async function stop(h: Harness): Promise<void> {
  open.splice(open.indexOf(h), 1);
  await h.close();
}

const vote = (h: Harness, pollId: string, userId: number, options: number[]) =>
  h.deliver({
    update_id: 90_000 + userId,
    poll_answer: {
      poll_id: pollId,
      user: { id: userId, is_bot: false, first_name: userId === OWNER ? 'Dora' : 'Eve' },
      option_ids: options,
    },
  });

const layersOf = async (h: Harness, positionId: string) => {
  const owner = await h.app.store.users.resolve('telegram', String(OWNER), 'Dora');
  return (await h.app.store.forUser(owner).positions.get(positionId))!.hedgeLayers.map((layer) => layer.layer);
};

it('resolves a vote on a poll opened before a restart: the owner is sent a review, a stranger nothing', async () => {
  const before = await startOn(database.path);
  const added = await before.say(
    before.client({ userId: OWNER, firstName: 'Dora' }),
    '/position add 5615 5665 6335 6385 2027-01-08 credit=14.2',
  );
  const positionId = /Position ([a-z0-9]{6}) recorded/.exec(messagesIn(added)[0]!.html)![1]!;
  const shared = await before.say(
    before.client({ userId: OWNER, firstName: 'Dora', chatId: GROUP, type: 'supergroup', chatTitle: 'Condors' }),
    `/hedge ${positionId} share=true`,
  );
  const sendPoll = shared.find((call) => call.method === 'sendPoll')!;
  expect(sendPoll.body.options).toEqual(['Adopt', 'Skip', 'Need more data']);
  const layer = Number(/layer (\d)/.exec(String(sendPoll.body.question))![1]);
  // The fake numbers its polls from 1; a new fake after the restart would reuse the id, so it is
  // taken from the first bot's poll.
  const pollId = 'poll-1';
  await stop(before);

  const after = await startOn(database.path);
  expect(await after.bot.polls.get('telegram', pollId, after.clock.now())).toMatchObject({
    chatId: String(GROUP),
    chatTitle: 'Condors',
    adoptOption: 0,
    adopt: { command: 'hedge', options: { id: positionId, adopt: layer, review: true } },
  });

  // A stranger's Adopt is discussion only: nothing recorded, nobody messaged.
  expect(messagesIn(await vote(after, pollId, STRANGER, [0]))).toEqual([]);
  expect(await layersOf(after, positionId)).toEqual([]);
  // Another answer by the owner does nothing either.
  expect(await vote(after, pollId, OWNER, [1])).toEqual([]);
  expect(await layersOf(after, positionId)).toEqual([]);

  // The owner's Adopt sends the owner, in private, what adopting would record; Confirm records it.
  const [told, ...rest] = messagesIn(await vote(after, pollId, OWNER, [0]));
  expect(rest).toEqual([]);
  expect(told!.chatId).toBe(String(OWNER));
  expect(told!.html).toMatch(
    new RegExp(`^<b>! Adopt hedge layer ${layer} on ${positionId}\\?</b>\nYour Adopt vote in Condors:`),
  );
  expect(await layersOf(after, positionId)).toEqual([]);
  const keyboard = told!.body.reply_markup as { inline_keyboard: { callback_data: string }[][] };
  await after.press(after.client({ userId: OWNER, firstName: 'Dora' }), keyboard.inline_keyboard[0]![0]!.callback_data);
  expect(await layersOf(after, positionId)).toEqual([layer]);
});

it('forgets a poll once its discussion has expired, restart or not', async () => {
  const before = await startOn(database.path);
  const added = await before.say(
    before.client({ userId: OWNER, firstName: 'Dora' }),
    '/position add 5615 5665 6335 6385 2027-01-08 credit=14.2',
  );
  const positionId = /Position ([a-z0-9]{6}) recorded/.exec(messagesIn(added)[0]!.html)![1]!;
  await before.say(
    before.client({ userId: OWNER, firstName: 'Dora', chatId: GROUP, type: 'supergroup', chatTitle: 'Condors' }),
    `/hedge ${positionId} share=true`,
  );
  await stop(before);

  const after = await startOn(database.path);
  // The share runs a 24 h discussion: a vote at 24 h is too late.
  after.clock.advance(24 * 3_600_000);
  expect(await after.bot.polls.get('telegram', 'poll-1', after.clock.now())).toBeNull();
  expect(await vote(after, 'poll-1', OWNER, [0])).toEqual([]);
  expect(await layersOf(after, positionId)).toEqual([]);
});
