// A flood of /link updates through the webhook: 300 updates of a wrong code, from one user (the
// issue's case: rate limit and lockout stop it after a few hashes) and from 300 users (each one
// hashed: the worst case). Behaviour only: every update acknowledged and answered with a refusal,
// the hashes counted, and /healthz answering 200 throughout. How fast /healthz answers under the
// flood is a figure, measured by `npm run bench -- link-flood` (bench/link-flood.ts) with the bot
// alone in its process; docs/hardening.md keeps the figures.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { messagesIn, startHarness, type Harness } from '../support/telegram-harness.ts';

const SECRET = 'webhook-secret_0123456789abcdef';
const UPDATES = 300;
let h: Harness;
afterEach(async () => h.close());

const linkUpdate = (updateId: number, userId: number) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: 1,
    text: '/link ABCD-EFGH',
    entities: [{ type: 'bot_command', offset: 0, length: 5 }],
    chat: { id: userId, type: 'private', first_name: 'Flood' },
    from: { id: userId, is_bot: false, first_name: 'Flood' },
  },
});

describe('/link flood through the webhook', () => {
  it.each([1, UPDATES])(
    `answers ${UPDATES} wrong codes from %i user(s) while /healthz keeps answering`,
    { timeout: 150_000 },
    async (users) => {
      h = await startHarness({
        config: { TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/hook', TELEGRAM_WEBHOOK_SECRET: SECRET },
        extras: { webhookPort: 0, stopDeadlineMs: 60_000 },
      });
      h.fake.intercept('setWebhook', () => ({ body: { ok: true, result: true } }));
      await h.bot.start();
      const base = `http://127.0.0.1:${h.bot.webhookAddress()!.port}`;

      // Health probes, one after another, for as long as the flood lasts.
      const healthStatuses: number[] = [];
      let flooding = true;
      const probing = (async () => {
        while (flooding) {
          const response = await fetch(`${base}/healthz`);
          await response.arrayBuffer();
          healthStatuses.push(response.status);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();

      const posts = Array.from({ length: UPDATES }, (_, i) =>
        fetch(`${base}/telegram/hook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
          body: JSON.stringify(linkUpdate(1000 + i, 5000 + (i % users))),
        }).then((response) => response.status),
      );
      expect(new Set(await Promise.all(posts))).toEqual(new Set([200]));
      await vi.waitFor(() => expect(messagesIn(h.fake.calls)).toHaveLength(UPDATES), {
        timeout: 110_000,
        interval: 50,
      });
      flooding = false;
      await probing;

      const answers = messagesIn(h.fake.calls).map((message) => message.html);
      const refusals = /No such code|Too many wrong codes|limited to protect the bot/;
      expect(answers.every((html) => refusals.test(html))).toBe(true);
      // Hashes run: one per user up to the lockout (5) and the per-minute limit.
      const hashed = answers.filter((html) => html.includes('No such code')).length;
      expect(hashed).toBe(users === 1 ? 5 : UPDATES);
      // /healthz answered during the flood, every time.
      expect(healthStatuses.length).toBeGreaterThan(0);
      expect(new Set(healthStatuses)).toEqual(new Set([200]));
    },
  );
});
