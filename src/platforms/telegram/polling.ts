// Long polling, with the lifecycle we need (telegraf's launch() resolves only when polling ends
// and its stop() throws when called before polling has begun): start() returns once the webhook
// is gone; stop() aborts the pending getUpdates, lets the handled batch finish and confirms the
// offset, so a restart does not run the same commands again. Network errors, 5xx and 429 are
// waited out (retry_after, else capped exponential backoff, one log line each); a getUpdates
// that is never answered is abandoned after its long-poll time plus a margin; 401 (bad token)
// and 409 (another instance polling, or a webhook set) end the loop and report 'stopped'.
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../app/ports.ts';
import { backoffMs, errorText, pause, type Backoff, type ConnectionState } from '../../app/supervise.ts';
import { apiError } from './errors.ts';

export interface PollingOptions {
  telegram: Telegram;
  allowedUpdates: readonly string[];
  handle(update: Update): Promise<void>;
  logger: Logger;
  /** getUpdates long-poll timeout in seconds (Telegram holds the request this long). */
  timeoutSeconds?: number;
  /** Waits after failed getUpdates without retry_after (default 5 s doubling to 60 s). */
  backoff?: Backoff;
  /** Abandons the start (deleteWebhook) when aborted: shutdown, or the start attempt's deadline. */
  signal?: AbortSignal;
  /** The connection as the health report shows it. */
  onState?(state: ConnectionState, detail?: string): void;
}

export interface Poller {
  /** Settles when the loop has ended (after stop(), or on a fatal error, which it rejects with). */
  readonly done: Promise<void>;
  stop(): void;
}

/** Beyond the long-poll time, how long an unanswered getUpdates is given before it is abandoned. */
const ANSWER_MARGIN_MS = 15_000;

export async function startPolling(options: PollingOptions): Promise<Poller> {
  const { telegram, logger } = options;
  const onState = options.onState ?? (() => {});
  // telegraf types its signal with the abort-controller polyfill; node-fetch takes Node's own.
  await telegram.callApi('deleteWebhook', { drop_pending_updates: false }, { signal: options.signal as never });
  const controller = new AbortController();
  const { signal } = controller;
  const timeoutSeconds = options.timeoutSeconds ?? 50;
  let offset = 0;
  let failures = 0;

  async function loop(): Promise<void> {
    while (!signal.aborted) {
      let updates: Update[];
      const request = AbortSignal.any([signal, AbortSignal.timeout(timeoutSeconds * 1000 + ANSWER_MARGIN_MS)]);
      try {
        updates = await telegram.callApi(
          'getUpdates',
          { timeout: timeoutSeconds, offset, allowed_updates: options.allowedUpdates as never },
          { signal: request as never },
        );
      } catch (error) {
        if (signal.aborted) break;
        const api = apiError(error);
        if (api && (api.code === 401 || api.code === 409)) {
          onState('stopped', errorText(error));
          throw error;
        }
        failures++;
        const waitMs =
          api?.retryAfter !== undefined
            ? api.retryAfter * 1000
            : backoffMs(failures, options.backoff ?? { initialMs: 5_000, maxMs: 60_000 });
        logger.warn({ err: error, attempt: failures, waitMs }, 'getUpdates failed; retrying');
        onState('retrying', errorText(error));
        await pause(waitMs, signal);
        continue;
      }
      failures = 0;
      onState('connected');
      for (const update of updates) {
        offset = update.update_id + 1;
        await options.handle(update);
      }
    }
    // Confirm what was handled: Telegram forgets updates below the offset.
    if (offset)
      await telegram
        .callApi('getUpdates', { offset, limit: 1, timeout: 0 }, { signal: AbortSignal.timeout(3_000) as never })
        .catch(() => {});
  }

  const done = loop();
  done.catch((error: unknown) => logger.error({ err: error }, 'telegram polling ended on an error'));
  return { done, stop: () => controller.abort() };
}
