// The webhook endpoint: a plain node:http server. Telegram sends the secret given to setWebhook
// back in X-Telegram-Bot-Api-Secret-Token on every update; anything without it is refused with
// 401 before the body is read. The update is acknowledged at once and handled in the background
// (Telegram re-sends an update that is not answered in time, which would run a command twice).
// GET /healthz answers 200 with a small JSON status, for load balancers and container checks.
// An update delivered twice (same update_id: Telegram retries when it missed our answer) is
// acknowledged and run once. Refused requests are logged at a bounded rate (one line per minute,
// with the count), so a flood of them cannot fill the disk.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../app/ports.ts';
import { boundedRefusalLog } from '../../app/refusal-log.ts';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const MAX_BODY_BYTES = 1024 * 1024;
/** update_ids remembered for the duplicate check: far more than Telegram re-sends in its 24 h window. */
const SEEN_UPDATES = 10_000;

/** Constant-time comparison of the header with the secret (hashing first evens out the lengths). */
export function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}

export interface WebhookServerOptions {
  /** The path Telegram posts to (the path of TELEGRAM_WEBHOOK_URL). */
  path: string;
  secret: string;
  onUpdate(update: Update): void;
  health(): Record<string, unknown>;
  logger: Logger;
  /** For the refused-request log's rate (defaults to Date.now). */
  now?: () => number;
}

/** Remembers the last `capacity` update_ids; true the first time an id is seen. */
export function createUpdateDeduplicator(capacity = SEEN_UPDATES): (updateId: number) => boolean {
  const seen = new Set<number>();
  return (updateId) => {
    if (seen.has(updateId)) return false;
    seen.add(updateId);
    // A Set iterates in insertion order: the first one is the oldest.
    if (seen.size > capacity) seen.delete(seen.values().next().value!);
    return true;
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const isUpdate = (value: unknown): value is Update =>
  typeof value === 'object' && value !== null && typeof (value as { update_id?: unknown }).update_id === 'number';

export function createWebhookServer(options: WebhookServerOptions): Server {
  const { logger } = options;
  const firstDelivery = createUpdateDeduplicator();
  const logRefused = boundedRefusalLog(
    logger,
    options.now ?? Date.now,
    'webhook request without the right secret token: refused (at most one such line a minute)',
  );
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) {
      json(response, 200, { ok: true, ...options.health() });
      return;
    }
    if (url.pathname !== options.path) {
      json(response, 404, { ok: false, error: 'not found' });
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      json(response, 405, { ok: false, error: 'POST only' });
      return;
    }
    if (!secretMatches(request.headers[SECRET_HEADER], options.secret)) {
      logRefused(request.socket.remoteAddress);
      json(response, 401, { ok: false, error: 'unauthorized' });
      request.resume();
      return;
    }
    readBody(request).then(
      (body) => {
        if (!body) return json(response, 413, { ok: false, error: 'too large' });
        let update: unknown;
        try {
          update = JSON.parse(body.toString('utf8'));
        } catch {
          return json(response, 400, { ok: false, error: 'not JSON' });
        }
        if (!isUpdate(update)) return json(response, 400, { ok: false, error: 'not an update' });
        json(response, 200, { ok: true });
        if (firstDelivery(update.update_id)) options.onUpdate(update);
        else logger.debug({ updateId: update.update_id }, 'webhook update delivered again: ignored');
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'webhook request failed while reading');
        if (!response.headersSent) json(response, 400, { ok: false, error: 'bad request' });
      },
    );
  });
}
