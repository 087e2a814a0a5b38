// ChatSenders over HTTP for the fake server (scheduler-fake-server.ts): a plain POST per
// message, with the platforms' answers mapped to the scheduler's outcomes — 429 → rate-limited
// (retry_after / Retry-After), 403 and "chat not found" / Discord 10003 and 50001 → permanent,
// 5xx and network errors → transient.
import http from 'node:http';
import type { Reply } from '../../src/app/reply.ts';
import { replyToText } from '../../src/render/text.ts';
import {
  discordBuckets,
  discordPacing,
  telegramBuckets,
  telegramPacing,
  type ChatSender,
  type SendOutcome,
} from '../../src/scheduler/senders.ts';

const transient = (reason: string): SendOutcome => ({ ok: false, kind: 'transient', reason });

// node:http with a keep-alive agent rather than fetch: on loopback fetch (undici) costs several
// times more CPU per request, which a 300 messages/s fan-out on two cores notices.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  status: number;
  json: Record<string, unknown>;
  retryAfterHeader: string | null;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer | { error: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => resolve({ error: error.message }));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            json = { description: text.slice(0, 200) };
          }
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            json,
            retryAfterHeader: typeof retryAfter === 'string' ? retryAfter : null,
          });
        });
      },
    );
    request.on('error', (error) => resolve({ error: error.message }));
    request.end(payload);
  });
}

const TELEGRAM_CHAT_GONE = /chat not found|bot was blocked|bot was kicked|user is deactivated|PEER_ID_INVALID/i;

export function telegramHttpSender(options: {
  baseUrl: string;
  token?: string;
  perSecond: number;
  render?: (reply: Reply) => string;
}): ChatSender {
  const url = `${options.baseUrl}/bot${options.token ?? '123456:TEST-TOKEN-abcdefghijklmnop'}/sendMessage`;
  const render = options.render ?? ((reply: Reply) => replyToText(reply));
  return {
    platform: 'telegram',
    idempotent: false,
    buckets: telegramBuckets(options.perSecond),
    pacing: telegramPacing(options.perSecond),
    async send(target, reply) {
      const answer = await post(url, { chat_id: target.chatId, text: render(reply) });
      if ('error' in answer) return transient(answer.error);
      const { status, json } = answer;
      if (status === 200 && json.ok)
        return { ok: true, messageId: String((json.result as { message_id?: number } | undefined)?.message_id ?? '') };
      const description = String(json.description ?? `HTTP ${status}`);
      if (status === 429) {
        const retryAfter = Number((json.parameters as { retry_after?: number } | undefined)?.retry_after ?? 1);
        return { ok: false, kind: 'rate-limited', retryAfterMs: Math.max(1, retryAfter) * 1000 };
      }
      if (status === 403 || (status === 400 && TELEGRAM_CHAT_GONE.test(description)))
        return { ok: false, kind: 'permanent', code: String(status), reason: description };
      return transient(`${status} ${description}`);
    },
  };
}

const DISCORD_GONE = new Set([10003, 50001, 10004, 50007]);

export function discordHttpSender(options: {
  baseUrl: string;
  perSecond: number;
  render?: (reply: Reply) => string;
}): ChatSender {
  const render = options.render ?? ((reply: Reply) => replyToText(reply));
  return {
    platform: 'discord',
    idempotent: true,
    buckets: discordBuckets(options.perSecond),
    pacing: discordPacing(options.perSecond),
    async send(target, reply, nonce) {
      const answer = await post(
        `${options.baseUrl}/api/v10/channels/${target.chatId}/messages`,
        { content: render(reply).slice(0, 2000), nonce, enforce_nonce: true },
        { authorization: 'Bot TEST' },
      );
      if ('error' in answer) return transient(answer.error);
      const { status, json, retryAfterHeader } = answer;
      if (status >= 200 && status < 300) return { ok: true, messageId: String(json.id ?? '') };
      if (status === 429) {
        const header = Number(retryAfterHeader);
        const seconds = Number.isFinite(header) && header > 0 ? header : Number(json.retry_after ?? 1);
        return { ok: false, kind: 'rate-limited', retryAfterMs: Math.ceil(seconds * 1000) };
      }
      const code = Number(json.code ?? 0);
      if (DISCORD_GONE.has(code))
        return { ok: false, kind: 'permanent', code: String(code), reason: String(json.message ?? '') };
      return transient(`${status} ${String(json.message ?? '')}`);
    },
  };
}
