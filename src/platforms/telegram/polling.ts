// Long polling, with the lifecycle we need (telegraf's launch() resolves only when polling ends
// and its stop() throws when called before polling has begun): start() returns once the webhook
// is gone; stop() aborts the pending getUpdates, lets the handled batch finish and confirms the
// offset, so a restart does not run the same commands again. Network errors, 5xx and 429 are
// waited out; 401 (bad token) and 409 (another instance polling, or a webhook set) end the loop.
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../app/ports.ts';
import { apiError } from './errors.ts';

export interface PollingOptions {
  telegram: Telegram;
  allowedUpdates: readonly string[];
  handle(update: Update): Promise<void>;
  logger: Logger;
  /** getUpdates long-poll timeout in seconds (Telegram holds the request this long). */
  timeoutSeconds?: number;
  /** Wait after a failed getUpdates without retry_after (ms). */
  retryDelayMs?: number;
}

export interface Poller {
  /** Settles when the loop has ended (after stop(), or on a fatal error, which it rejects with). */
  readonly done: Promise<void>;
  stop(): void;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export async function startPolling(options: PollingOptions): Promise<Poller> {
  const { telegram, logger } = options;
  await telegram.deleteWebhook({ drop_pending_updates: false });
  const controller = new AbortController();
  const { signal } = controller;
  let offset = 0;

  async function loop(): Promise<void> {
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await telegram.callApi(
          'getUpdates',
          {
            timeout: options.timeoutSeconds ?? 50,
            offset,
            allowed_updates: options.allowedUpdates as never,
            // telegraf types its signal with the abort-controller polyfill; node-fetch takes Node's own.
          },
          { signal: signal as never },
        );
      } catch (error) {
        if (signal.aborted) break;
        const api = apiError(error);
        if (api && (api.code === 401 || api.code === 409)) throw error;
        const waitMs = api?.retryAfter !== undefined ? api.retryAfter * 1000 : (options.retryDelayMs ?? 5_000);
        logger.warn({ err: error, waitMs }, 'getUpdates failed; retrying');
        await pause(waitMs, signal);
        continue;
      }
      for (const update of updates) {
        offset = update.update_id + 1;
        await options.handle(update);
      }
    }
    // Confirm what was handled: Telegram forgets updates below the offset.
    if (offset) await telegram.callApi('getUpdates', { offset, limit: 1, timeout: 0 }).catch(() => {});
  }

  const done = loop();
  done.catch((error: unknown) => logger.error({ err: error }, 'telegram polling ended on an error'));
  return { done, stop: () => controller.abort() };
}
