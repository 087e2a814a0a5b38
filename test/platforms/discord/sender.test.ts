// The scheduler's sender against the loopback REST: idempotent posts with nonce + enforce_nonce,
// DMs, 429s waited out (Retry-After header) or surfaced for the scheduler, and typed permanent /
// transient failures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NOT_ADVICE, type Reply } from '../../../src/app/reply.ts';
import { silentLogger } from '../../../src/logging.ts';
import { DiscordDeliveryError } from '../../../src/platforms/discord/errors.ts';
import { createDiscordSender, discordNonce, type DiscordSender } from '../../../src/platforms/discord/sender.ts';
import { discordError, startDiscordRest, type FakeDiscordRest } from '../../support/discord-rest.ts';

const CHANNEL = '700000000000000042';
const summary: Reply = {
  title: 'Daily summary · 2026-03-10',
  visibility: 'channel',
  lines: ['Regime normal @everyone'],
  footer: [NOT_ADVICE],
};

let rest: FakeDiscordRest;
let sender: DiscordSender;

beforeAll(async () => {
  rest = await startDiscordRest();
  sender = createDiscordSender({
    token: 'test-token-not-a-secret',
    apiBase: rest.url,
    logger: silentLogger,
    retries: 0,
    maxRateLimitWaitMs: 2000,
  });
});
afterAll(async () => {
  await rest.close();
});
beforeEach(() => rest.reset());

async function failureOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordDeliveryError);
  return (error as DiscordDeliveryError).failure;
}

describe('sendReply', () => {
  it('posts the rendered reply with nonce and enforce_nonce; a retry gets the original message back', async () => {
    const first = await sender.sendReply(CHANNEL, summary, { nonce: 'sub7-2026-03-10' });
    const retry = await sender.sendReply(CHANNEL, summary, { nonce: 'sub7-2026-03-10' });
    expect(retry.messageId).toBe(first.messageId);
    const posts = rest.find('POST', /\/messages$/);
    expect(posts).toHaveLength(2);
    for (const post of posts) {
      expect(post.path).toBe(`/channels/${CHANNEL}/messages`);
      expect(post.headers.authorization).toBe('Bot test-token-not-a-secret');
      expect(post.body).toMatchObject({
        nonce: 'sub7-2026-03-10',
        enforce_nonce: true,
        allowed_mentions: { parse: [] },
      });
      expect(post.body.embeds[0].description).toBe('Regime normal @\u200beveryone');
    }
    const other = await sender.sendReply(CHANNEL, summary, { nonce: 'sub7-2026-03-11' });
    expect(other.messageId).not.toBe(first.messageId);
  });

  it('sends no nonce without one, and hashes long keys to Discord’s 25 characters', async () => {
    await sender.sendReply(CHANNEL, summary);
    expect(rest.requests[0]!.body.nonce).toBeUndefined();
    expect(rest.requests[0]!.body.enforce_nonce).toBeUndefined();
    const key = 'subscription:123456|2026-03-10|channel-summary';
    expect(discordNonce(key)).toHaveLength(25);
    expect(discordNonce(key)).toBe(discordNonce(key));
    expect(discordNonce(key)).not.toBe(discordNonce(`${key}x`));
    expect(discordNonce('short-key')).toBe('short-key');
  });

  it('uploads attachments as multipart files', async () => {
    await sender.sendReply(CHANNEL, {
      ...summary,
      attachments: [
        {
          filename: 'equity.png',
          contentType: 'image/png',
          data: Buffer.from('89504e470d0a1a0a', 'hex'),
          description: 'equity',
        },
      ],
    });
    const post = rest.requests[0]!;
    expect(post.files).toEqual([
      expect.objectContaining({ field: 'files[0]', filename: 'equity.png', contentType: 'image/png', size: 8 }),
    ]);
    expect(post.body.attachments).toEqual([{ id: 0, filename: 'equity.png', description: 'equity' }]);
  });

  it('waits out a 429 by its Retry-After header, then delivers', async () => {
    // discord.js REST honours the Retry-After header (plus a 50 ms offset); 0.3 s keeps the test short.
    rest.script('POST', /\/messages$/, {
      status: 429,
      headers: { 'retry-after': '0.3' },
      body: { message: 'You are being rate limited.', retry_after: 0.3, global: false },
    });
    const sent = await sender.sendReply(CHANNEL, summary, { nonce: 'n-429' });
    const posts = rest.find('POST', /\/messages$/);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.atMs - posts[0]!.atMs).toBeGreaterThanOrEqual(300);
    expect(sent.messageId).toMatch(/^\d+$/);
  });

  it('hands a long Retry-After back to the scheduler as rate-limited instead of waiting', async () => {
    rest.script('POST', /\/messages$/, {
      status: 429,
      headers: { 'retry-after': '30' },
      body: { message: 'You are being rate limited.', retry_after: 30, global: false },
    });
    // Not waited out: one POST, and the failure comes back at once (waiting 30 s would outlast this test's timeout).
    const failure = await failureOf(sender.sendReply(CHANNEL, summary));
    expect(failure).toEqual({ kind: 'rate-limited', retryAfterMs: 30_050 });
    expect(rest.find('POST', /\/messages$/)).toHaveLength(1);
  }, 10_000);

  it('maps 10003 Unknown Channel to a permanent failure that deactivates', async () => {
    rest.script('POST', /\/messages$/, discordError(404, 10003, 'Unknown Channel'));
    expect(await failureOf(sender.sendReply(CHANNEL, summary))).toEqual({
      kind: 'permanent',
      code: 10003,
      reason: 'the channel no longer exists (Unknown Channel)',
      deactivate: true,
    });
  });

  it('maps 50001 Missing Access to a clear permanent failure', async () => {
    rest.script('POST', /\/messages$/, discordError(403, 50001, 'Missing Access'));
    expect(await failureOf(sender.sendReply(CHANNEL, summary))).toEqual({
      kind: 'permanent',
      code: 50001,
      reason: 'the bot cannot see that channel (Missing Access: View Channel)',
      deactivate: true,
    });
  });

  it('keeps a subscription on 50013 Missing Permissions (an admin can fix it)', async () => {
    rest.script('POST', /\/messages$/, discordError(403, 50013, 'Missing Permissions'));
    expect(await failureOf(sender.sendReply(CHANNEL, summary))).toMatchObject({
      kind: 'permanent',
      code: 50013,
      deactivate: false,
    });
  });

  it('calls a 5xx transient', async () => {
    rest.script('POST', /\/messages$/, { status: 502, body: { message: 'Bad Gateway' } });
    expect(await failureOf(sender.sendReply(CHANNEL, summary))).toMatchObject({ kind: 'transient' });
  });

  it('calls an unreachable Discord transient', async () => {
    const offline = createDiscordSender({
      token: 'test-token-not-a-secret',
      apiBase: 'http://127.0.0.1:9/api',
      logger: silentLogger,
      retries: 0,
    });
    expect(await failureOf(offline.sendReply(CHANNEL, summary))).toMatchObject({ kind: 'transient' });
  });
});

describe('openDm', () => {
  it('opens the DM channel with a user', async () => {
    const channelId = await sender.openDm('600000000000000001');
    expect(channelId).toMatch(/^\d+$/);
    expect(rest.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/users/@me/channels', { recipient_id: '600000000000000001' }],
    ]);
  });

  it('a user who accepts no DMs (50007) is a permanent failure that deactivates', async () => {
    const dm = await sender.openDm('600000000000000001');
    rest.script(
      'POST',
      new RegExp(`/channels/${dm}/messages$`),
      discordError(403, 50007, 'Cannot send messages to this user'),
    );
    expect(await failureOf(sender.sendReply(dm, summary))).toEqual({
      kind: 'permanent',
      code: 50007,
      reason: 'the user does not accept direct messages from the bot',
      deactivate: true,
    });
  });
});

describe('openHedgeDiscussion', () => {
  const shared: Reply = {
    title: 'Hedge layer 1 fires for k3m9tq',
    visibility: 'channel',
    lines: ['Premium breach 18%.'],
    discussion: {
      threadName: 'Hedge k3m9tq L1 VIX 20/30',
      question: 'Adopt ALVH layer 1 (VIX 20/30 call spread, 2026-04-15)?',
      answers: ['Adopt', 'Skip', 'Need more data'],
      durationHours: 24,
      adopt: { command: 'hedge', options: { id: 'k3m9tq', adopt: 1 } },
    },
  };

  it('posts the proposal, thread, poll and Adopt button', async () => {
    const result = await sender.openHedgeDiscussion(CHANNEL, shared);
    expect(result.missing).toEqual([]);
    expect(rest.requests.map((r) => `${r.method} ${r.path.replace(/\d{16,}/g, 'ID')}`)).toEqual([
      'POST /channels/ID/messages',
      'POST /channels/ID/messages/ID/threads',
      'POST /channels/ID/messages',
      'POST /channels/ID/messages',
    ]);
    expect(rest.requests[1]!.path).toBe(`/channels/${CHANNEL}/messages/${result.messageId}/threads`);
    expect(rest.requests[2]!.path).toBe(`/channels/${result.threadId}/messages`);
    expect(rest.requests[2]!.body.poll.duration).toBe(24);
    expect(rest.requests[3]!.body.components[0].components[0].custom_id).toBe('cx:hedge|id=k3m9tq|adopt=1');
  });

  it('a deleted channel is a permanent failure (10003)', async () => {
    rest.script('POST', /\/messages$/, discordError(404, 10003, 'Unknown Channel'));
    expect(await failureOf(sender.openHedgeDiscussion(CHANNEL, shared))).toMatchObject({
      kind: 'permanent',
      code: 10003,
      reason: 'I could not post in this channel: the channel no longer exists',
    });
  });
});
