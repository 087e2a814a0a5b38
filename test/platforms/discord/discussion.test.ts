// /hedge share=true: the proposal posted to the channel, a thread from it, a native poll and an
// Adopt button in the thread; adopting runs as the presser and goes review → Confirm; missing
// permissions degrade to one plain message that says what was missing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, CHANNEL_ID, button } from '../../support/discord-interactions.ts';
import { BOT_USER, discordError } from '../../support/discord-rest.ts';
import { answerTo, botFixture, slash, textOf, type BotFixture } from './fixture.ts';

let f: BotFixture;
let positionId = '';

beforeAll(async () => {
  f = await botFixture();
  const added = await slash(f, 'position add', {
    long_put: 5615,
    short_put: 5665,
    short_call: 6335,
    long_call: 6385,
    expiry: '2026-04-24',
    credit: 14.2,
  });
  positionId = /^Position ([a-z0-9]+) recorded$/.exec(added.final.embeds[0].title)![1]!;
});

afterAll(async () => {
  await f.close();
});

beforeEach(() => {
  f.rest.reset();
  f.logs.length = 0;
});

const channelPosts = () => f.rest.find('POST', /^\/channels\/\d+\/messages$/);

describe('/hedge share=true', () => {
  it('posts the proposal, opens a thread named after it, posts a 24 h poll and an Adopt button', async () => {
    const answer = await slash(f, 'hedge', { id: positionId, share: true });
    const [proposal, poll, adopt] = channelPosts();
    // The proposal in the channel, public (a bot message, not the ephemeral deferral).
    expect(proposal!.path).toBe(`/channels/${CHANNEL_ID}/messages`);
    expect(proposal!.body.embeds[0].title).toMatch(new RegExp(`^alice shares: ALVH for ${positionId}`));
    expect(proposal!.body.allowed_mentions).toEqual({ parse: [] });
    expect(proposal!.body.embeds[0].footer.text).toContain('Educational tool, not investment advice.');
    // The thread, from that message.
    const [thread] = f.rest.find('POST', /\/threads$/);
    const messageId = thread!.path.split('/')[4];
    expect(thread!.path).toBe(`/channels/${CHANNEL_ID}/messages/${messageId}/threads`);
    expect(thread!.body).toEqual({
      name: expect.stringMatching(new RegExp(`^Hedge ${positionId} L\\d VIX [\\d.]+/[\\d.]+$`)),
      auto_archive_duration: 1440,
    });
    expect(thread!.body.name.length).toBeLessThanOrEqual(100);
    // The poll in the thread.
    expect(poll!.path).not.toBe(`/channels/${CHANNEL_ID}/messages`);
    expect(poll!.body.poll).toEqual({
      question: {
        // Says it is for discussion, and that Adopt acts only for the position's owner.
        text: expect.stringMatching(
          /^For discussion \(Adopt records only for the position's owner\): Adopt ALVH layer \d \(VIX [\d.]+\/[\d.]+ call spread, \d{4}-\d{2}-\d{2}\)\?$/,
        ),
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
    expect(poll!.body.allowed_mentions).toEqual({ parse: [] });
    // The Adopt button in the thread runs hedge adopt on this position.
    expect(adopt!.path).toBe(poll!.path);
    expect(adopt!.body.components[0].components[0]).toEqual({
      type: 2,
      style: 3,
      label: 'Adopt',
      custom_id: expect.stringMatching(new RegExp(`^cx:hedge\\|id=${positionId}\\|adopt=\\d\\|review=true$`)),
    });
    // The caller is told privately where it went.
    expect(answer.ephemeral).toBe(true);
    expect(answer.final.content).toMatch(
      new RegExp(`^Shared in <#${CHANNEL_ID}> with a discussion thread <#\\d+> and a poll\\.$`),
    );
    expect(answer.final.allowed_mentions).toEqual({ parse: [] });
    expect(f.logs).toEqual([]);
  });

  it('Adopt shows the owner a review, records only on Confirm, once; others are told it is not theirs', async () => {
    await slash(f, 'hedge', { id: positionId, share: true });
    const customId = channelPosts()[2]!.body.components[0].components[0].custom_id as string;
    const threadId = channelPosts()[2]!.path.split('/')[2];
    const press = async (id: string, who = ALICE) => {
      const interaction = button(f.client, id, who, { channelId: threadId });
      await f.bot.handleInteraction(interaction);
      return answerTo(f.rest, interaction);
    };

    const bobAnswer = await press(customId, BOB);
    expect(bobAnswer.ephemeral).toBe(true);
    expect(bobAnswer.final.embeds[0].description).toBe(
      `No position ${positionId} in your positions; see /position list.`,
    );

    const userId = await f.app.store.users.resolve('discord', ALICE.id, 'alice');
    const layers = async () => (await f.app.store.forUser(userId).positions.get(positionId))!.hedgeLayers;
    const review = await press(customId);
    expect(review.ephemeral).toBe(true);
    expect(review.final.embeds[0].title).toMatch(new RegExp(`^Adopt hedge layer \\d on ${positionId}\\?$`));
    expect(review.final.embeds[0].description).toMatch(
      /\nRecords: VIX \d{4}-\d\d-\d\d [\d.]+\/[\d.]+ call spread x\d+ at /,
    );
    expect(await layers()).toEqual([]);
    const confirmId = review.final.components[0].components[0].custom_id as string;
    expect(confirmId).toMatch(new RegExp(`^cx:hedge\\|id=${positionId}\\|adopt=\\d\\|confirm=[0-9a-z]{6}[\\w-]{8}$`));

    // Bob pressing Alice's Confirm: not his position; an edited code: refused, nothing recorded.
    expect((await press(confirmId, BOB)).final.embeds[0].description).toBe(
      `No position ${positionId} in your positions; see /position list.`,
    );
    const forged = confirmId.replace(
      /confirm=(\w{6})(\w)/,
      (_, minute: string, c: string) => `confirm=${minute}${c === 'A' ? 'B' : 'A'}`,
    );
    expect((await press(forged)).final.embeds[0].description).toMatch(/^This Confirm button is not for layer \d on /);
    expect(await layers()).toEqual([]);

    // Recorded on Alice's own position on Confirm, and only once.
    expect((await press(confirmId)).final.embeds[0].title).toMatch(
      new RegExp(`^Hedge layer \\d recorded on ${positionId}$`),
    );
    expect(await layers()).toHaveLength(1);
    expect((await press(confirmId)).final.embeds[0].description).toMatch(/^Layer \d is already active on /);
    expect(await layers()).toHaveLength(1);
  });

  it('without Create Public Threads, says so in the channel and to the caller', async () => {
    f.rest.script('POST', /\/threads$/, discordError(403, 50013, 'Missing Permissions'));
    const answer = await slash(f, 'hedge', { id: positionId, share: true });
    const posts = channelPosts();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.path).toBe(`/channels/${CHANNEL_ID}/messages`);
    expect(posts[1]!.body.content).toMatch(
      /^I could not open a thread here: missing Create Public Threads permission\. /,
    );
    expect(posts[1]!.body.allowed_mentions).toEqual({ parse: [] });
    expect(answer.final.content).toBe(
      `Shared in <#${CHANNEL_ID}>. I could not open a thread here: missing Create Public Threads permission.`,
    );
    expect(answer.ephemeral).toBe(true);
  });

  it('without Send Polls, posts the Adopt button and says the poll was refused', async () => {
    f.rest.script(
      'POST',
      /^\/channels\/(?!700000000000000001)\d+\/messages$/,
      discordError(403, 50013, 'Missing Permissions'),
    );
    const answer = await slash(f, 'hedge', { id: positionId, share: true });
    const inThread = channelPosts().filter((r) => !r.path.includes(CHANNEL_ID));
    expect(inThread.map((r) => (r.body.poll ? 'poll' : r.body.components ? 'adopt' : 'notice'))).toEqual([
      'poll',
      'adopt',
      'notice',
    ]);
    expect(inThread[2]!.body.content).toMatch(
      /^I could not post the poll in the thread: missing Send Polls permission\. /,
    );
    expect(answer.final.content).toMatch(
      /with a discussion thread <#\d+>\. I could not post the poll in the thread: missing Send Polls permission\.$/,
    );
  });

  it('without Send Messages in Threads, says so in the channel', async () => {
    f.rest.script(
      'POST',
      /^\/channels\/(?!700000000000000001)\d+\/messages$/,
      discordError(403, 50013, 'Missing Permissions'),
      { sticky: true },
    );
    const answer = await slash(f, 'hedge', { id: positionId, share: true });
    const notice = channelPosts().at(-1)!;
    expect(notice.path).toBe(`/channels/${CHANNEL_ID}/messages`);
    expect(notice.body.content).toContain(
      'I could not post in the thread: missing Send Messages in Threads permission',
    );
    expect(notice.body.content).toContain(
      'I could not post the poll in the thread: missing Send Polls (and Send Messages in Threads) permission',
    );
    expect(answer.final.content).toContain('missing Send Messages in Threads permission');
  });

  it('with no access to the channel, tells the caller exactly that (50001 Missing Access)', async () => {
    f.rest.script('POST', /^\/channels\/700000000000000001\/messages$/, discordError(403, 50001, 'Missing Access'));
    const answer = await slash(f, 'hedge', { id: positionId, share: true });
    expect(f.rest.find('POST', /\/threads$/)).toEqual([]);
    expect(answer.ephemeral).toBe(true);
    expect(answer.final.content).toBe(
      'I could not post in this channel: missing access to the channel (View Channel).',
    );
  });

  it('in a DM, share is refused with the rule', async () => {
    const answer = await slash(f, 'hedge', { id: positionId, share: true }, ALICE, { guildId: null });
    expect(answer.final.embeds[0].description).toBe(
      'Option share works in a channel or group: run /hedge there with share:True.',
    );
    expect(channelPosts()).toEqual([]);
  });
});

describe('adopting through the poll', () => {
  /**
   * Shares a hedge, then makes the fake answer the reads a vote triggers (the poll, the messages
   * after it, the voter).
   */
  async function sharedPoll(id = positionId) {
    await slash(f, 'hedge', { id, share: true });
    const [, pollPost, adoptPost] = channelPosts();
    const threadId = pollPost!.path.split('/')[2]!;
    const pollId = '1500000000000000001';
    const poll = {
      id: pollId,
      channel_id: threadId,
      author: BOT_USER,
      content: '',
      poll: {
        ...pollPost!.body.poll,
        answers: pollPost!.body.poll.answers.map((a: object, i: number) => ({ answer_id: i + 1, ...a })),
      },
    };
    const adopt = {
      id: '1500000000000000002',
      channel_id: threadId,
      author: BOT_USER,
      content: adoptPost!.body.content,
      components: adoptPost!.body.components,
    };
    f.rest.script('GET', new RegExp(`^/channels/${threadId}/messages/${pollId}$`), { body: poll }, { sticky: true });
    f.rest.script('GET', new RegExp(`^/channels/${threadId}/messages$`), { body: [adopt] }, { sticky: true });
    f.rest.script(
      'GET',
      /^\/users\/\d+$/,
      (request) => ({
        body: {
          id: request.path.split('/')[2],
          username: request.path.endsWith(ALICE.id) ? 'alice' : 'bob',
          discriminator: '0',
          global_name: null,
        },
      }),
      { sticky: true },
    );
    f.rest.requests.length = 0;
    return { threadId, pollId };
  }

  it("the owner's Adopt vote sends a review by DM, nothing recorded; another member's vote shows nothing", async () => {
    // A fresh position, so no layer is active yet.
    const added = await slash(f, 'position add', {
      long_put: 5615,
      short_put: 5665,
      short_call: 6335,
      long_call: 6385,
      expiry: '2026-04-24',
      credit: 14.2,
    });
    const freshId = /^Position ([a-z0-9]+) recorded$/.exec(added.final.embeds[0].title)![1]!;
    const { threadId, pollId } = await sharedPoll(freshId);
    const userId = await f.app.store.users.resolve('discord', ALICE.id, 'alice');
    const layers = async () => (await f.app.store.forUser(userId).positions.get(freshId))!.hedgeLayers;

    await f.bot.handlePollVote({ userId: BOB.id, channelId: threadId, messageId: pollId, answerId: 1 });
    expect(f.rest.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    await f.bot.handlePollVote({ userId: ALICE.id, channelId: threadId, messageId: pollId, answerId: 1 });
    const reads = f.rest.requests.filter((r) => r.method === 'GET');
    expect(reads.find((r) => r.path === `/channels/${threadId}/messages`)!.query).toBe(`?after=${pollId}&limit=5`);
    const dms = f.rest.find('POST', /^\/users\/@me\/channels$/);
    expect(dms.map((r) => r.body.recipient_id)).toEqual([ALICE.id]);
    const told = f.rest.find('POST', /^\/channels\/\d+\/messages$/);
    expect(told).toHaveLength(1);
    expect(told[0]!.path).not.toBe(`/channels/${threadId}/messages`);
    expect(told[0]!.body.embeds[0].title).toMatch(new RegExp(`^Adopt hedge layer \\d on ${freshId}\\?$`));
    expect(told[0]!.body.embeds[0].description).toMatch(/^You voted Adopt in a hedge discussion poll:\n/);
    expect(told[0]!.body.allowed_mentions.parse).toEqual([]);
    expect(await layers()).toEqual([]);

    // The Confirm button in the DM records the layer.
    const confirmId = told[0]!.body.components[0].components[0].custom_id as string;
    const press = button(f.client, confirmId, ALICE);
    await f.bot.handleInteraction(press);
    expect(answerTo(f.rest, press).final.embeds[0].title).toMatch(
      new RegExp(`^Hedge layer \\d recorded on ${freshId}$`),
    );
    expect(await layers()).toHaveLength(1);
    expect(f.logs.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('Skip and Need more data votes do nothing', async () => {
    const { threadId, pollId } = await sharedPoll();
    await f.bot.handlePollVote({ userId: ALICE.id, channelId: threadId, messageId: pollId, answerId: 2 });
    await f.bot.handlePollVote({ userId: ALICE.id, channelId: threadId, messageId: pollId, answerId: 3 });
    expect(f.rest.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

describe('buttons', () => {
  it('a payload that is not ours is answered privately, without running anything', async () => {
    const press = button(f.client, 'someone-else:thing', BOB);
    await f.bot.handleInteraction(press);
    const answer = answerTo(f.rest, press);
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer.final)).toMatch(/not one of mine/);
  });
});
