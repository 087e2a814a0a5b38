// The two ways updates arrive: a webhook server that checks Telegram's secret-token header, and
// long polling against the emulator (kept short: its getUpdates answers at once).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConfig } from '../../../src/config.ts';
import { createTelegramBot } from '../../../src/platforms/telegram/index.ts';
import { WEBHOOK_MAX_CONNECTIONS } from '../../../src/platforms/telegram/bot.ts';
import { secretMatches } from '../../../src/platforms/telegram/webhook.ts';
import {
  buildTestApp,
  memoryLogger,
  messagesIn,
  startHarness,
  TOKEN,
  type Harness,
} from '../../support/telegram-harness.ts';

const SECRET = 'webhook-secret_0123456789abcdef';
let h: Harness;
afterEach(async () => h.close());

const update = (updateId: number, text: string) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: 1,
    text,
    entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }],
    chat: { id: 4242, type: 'private', first_name: 'Hook' },
    from: { id: 4242, is_bot: false, first_name: 'Hook' },
  },
});

describe('webhook mode', () => {
  async function startWebhook() {
    // No host given: the default (127.0.0.1) applies.
    h = await startHarness({
      config: { TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/hook', TELEGRAM_WEBHOOK_SECRET: SECRET },
      extras: { webhookPort: 0, stopDeadlineMs: 2_000 },
    });
    // The emulator would POST updates to the public URL itself: keep it out of setWebhook.
    h.fake.intercept('setWebhook', () => ({ body: { ok: true, result: true } }));
    expect(h.bot.mode).toBe('webhook');
    await h.bot.start();
    const address = h.bot.webhookAddress()!;
    return `http://127.0.0.1:${address.port}`;
  }

  const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('sets the webhook with the secret token on start and deletes it on stop', async () => {
    await startWebhook();
    const [call] = h.fake.callsTo('setWebhook');
    expect(call!.body).toMatchObject({
      url: 'https://bot.example.com/telegram/hook',
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query', 'poll_answer'],
      // Telegram opens at most this many connections at once: a burst arrives a few requests at a time.
      max_connections: WEBHOOK_MAX_CONNECTIONS,
    });
    expect(WEBHOOK_MAX_CONNECTIONS).toBeLessThan(40); // below Telegram's default, or it bounds nothing
    await h.bot.stop();
    expect(h.fake.callsTo('deleteWebhook')).toHaveLength(1);
  });

  it('rejects a wrong or missing secret with 401 and handles nothing', async () => {
    const base = await startWebhook();
    const wrong = await post(base, update(1, '/market'), { 'X-Telegram-Bot-Api-Secret-Token': `${SECRET}x` });
    expect(wrong.status).toBe(401);
    const missing = await post(base, update(2, '/market'));
    expect(missing.status).toBe(401);
    for (let i = 0; i < 40; i++)
      await post(base, update(10 + i, '/market'), { 'X-Telegram-Bot-Api-Secret-Token': 'x' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.fake.callsTo('sendMessage')).toEqual([]);
    // 42 refusals within a minute: one log line, not 42.
    expect(h.logger.entries.filter((entry) => entry.message?.includes('without the right secret'))).toHaveLength(1);
  });

  it('listens on 127.0.0.1 unless HOST says otherwise', async () => {
    await startWebhook();
    expect(h.bot.webhookAddress()!.host).toBe('127.0.0.1');
  });

  it('runs an update delivered twice (same update_id) once, and acknowledges both', async () => {
    const base = await startWebhook();
    const headers = { 'X-Telegram-Bot-Api-Secret-Token': SECRET };
    const first = await post(base, update(77, '/market'), headers);
    const again = await post(base, update(77, '/market'), headers);
    expect([first.status, again.status]).toEqual([200, 200]);
    // A different update afterwards is handled: once it is answered, the duplicate had its chance.
    await post(base, update(78, '/help'), headers);
    await vi.waitFor(() => expect(messagesIn(h.fake.calls).length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    await h.bot.stop();
    expect(messagesIn(h.fake.calls).filter((m) => m.html.startsWith('<b>Market · '))).toHaveLength(1);
    expect(messagesIn(h.fake.calls)).toHaveLength(2);
  });

  it('accepts the right secret, answers 200 at once and handles the update', async () => {
    const base = await startWebhook();
    const response = await post(base, update(3, '/market'), { 'X-Telegram-Bot-Api-Secret-Token': SECRET });
    expect(response.status).toBe(200);
    await vi.waitFor(() => expect(messagesIn(h.fake.calls)).toHaveLength(1), { timeout: 5_000 });
    const [answer] = messagesIn(h.fake.calls);
    expect(answer!.chatId).toBe('4242');
    expect(answer!.html).toMatch(/^<b>Market · /);
  });

  it('refuses bodies that are not updates, other paths and methods; serves /healthz', async () => {
    const base = await startWebhook();
    expect((await post(base, '{not json', { 'X-Telegram-Bot-Api-Secret-Token': SECRET })).status).toBe(400);
    expect((await post(base, { hello: 1 }, { 'X-Telegram-Bot-Api-Secret-Token': SECRET })).status).toBe(400);
    expect((await fetch(`${base}/telegram/hook`)).status).toBe(405);
    expect((await fetch(`${base}/elsewhere`, { method: 'POST' })).status).toBe(404);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      platform: 'telegram',
      mode: 'webhook',
      bot: 'TestNameBot',
      inflight: 0,
    });
  });

  it('stops listening when stopped', async () => {
    const base = await startWebhook();
    await h.bot.stop();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('compares the secret in constant time, whatever the lengths', () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches('short', SECRET)).toBe(false);
    expect(secretMatches(undefined, SECRET)).toBe(false);
    expect(secretMatches([SECRET], SECRET)).toBe(false);
  });
});

describe('choosing the mode from the configuration', () => {
  it("takes main.ts's Config as it is: webhook with TELEGRAM_WEBHOOK_URL and PORT, else polling", async () => {
    const app = buildTestApp();
    try {
      const env = { TELEGRAM_BOT_TOKEN: TOKEN, MARKET_DATA: 'demo', DATABASE_PATH: './data/never-opened.db' };
      const webhook = createConfig({
        ...env,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PORT: '8443',
      });
      const polling = createConfig(env);
      if (!webhook.ok || !polling.ok) throw new Error('configuration refused');
      expect(createTelegramBot({ config: webhook.config, logger: memoryLogger(), deps: app.deps }).mode).toBe(
        'webhook',
      );
      expect(createTelegramBot({ config: polling.config, logger: memoryLogger(), deps: app.deps }).mode).toBe(
        'polling',
      );
      expect(() => createTelegramBot({ config: {}, logger: memoryLogger(), deps: app.deps })).toThrow(
        'TELEGRAM_BOT_TOKEN is not set',
      );
    } finally {
      await app.close();
      app.removeFiles();
    }
  });
});

describe('long polling', () => {
  it('is the default: deletes any webhook, polls the emulator, answers, and stops within the deadline', async () => {
    h = await startHarness({ extras: { stopDeadlineMs: 2_000 } });
    expect(h.bot.mode).toBe('polling');
    await h.bot.start();
    expect(h.fake.callsTo('deleteWebhook')).toHaveLength(1);
    const carol = h.client({ userId: 5151, firstName: 'Carol' });
    await carol.sendCommand(carol.makeCommand('/help'));
    await vi.waitFor(() => expect(messagesIn(h.fake.calls).map((m) => m.chatId)).toEqual(['5151']), { timeout: 5_000 });
    expect(messagesIn(h.fake.calls)[0]!.html).toMatch(/^<b>condor-xyk commands<\/b>/);
    // stop() gives up on a poll in flight at stopDeadlineMs (2 s): elapsed on the monotonic clock.
    const started = performance.now();
    await h.bot.stop('test');
    expect(performance.now() - started).toBeLessThan(2_000);
    const polls = h.fake.callsTo('getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.fake.callsTo('getUpdates').length).toBe(polls);
  });
});
