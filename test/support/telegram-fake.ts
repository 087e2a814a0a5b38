// A small Bot API fake on loopback (node:http). It records every call, answers the methods the
// telegram-test-api emulator lacks (sendPhoto, sendDocument, sendPoll, setMyCommands,
// getChatMember, sendChatAction) and forwards the rest to the emulator when one is given, so
// telegraf talks to a single apiRoot. Tests can intercept any method to return an error.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFile {
  filename: string;
  type: string;
  bytes: Buffer;
}

export interface FakeCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
  files: Record<string, FakeFile>;
  contentType: string;
}

export interface FakeResponse {
  status?: number;
  body: unknown;
}

/** Returns a response to take over the call, or undefined to let it through. */
export type FakeInterceptor = (call: FakeCall) => FakeResponse | undefined;

export interface TelegramFake {
  apiRoot: string;
  calls: FakeCall[];
  callsTo(method: string): FakeCall[];
  intercept(method: string, interceptor: FakeInterceptor): void;
  clearInterceptors(): void;
  /** getChatMember answers: `${chatId}:${userId}` → status (default 'member'). */
  members: Map<string, string>;
  close(): Promise<void>;
}

/** Methods the emulator implements; the others are answered here. */
const EMULATED = new Set([
  'getMe',
  'getUpdates',
  'sendMessage',
  'answerCallbackQuery',
  'setWebhook',
  'deleteWebhook',
  'editMessageText',
  'editMessageReplyMarkup',
  'deleteMessage',
]);

export const apiError = (code: number, description: string, parameters?: Record<string, unknown>): FakeResponse => ({
  status: code,
  body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
});

async function parseBody(
  request: IncomingMessage,
): Promise<{ body: Record<string, unknown>; files: Record<string, FakeFile>; contentType: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const contentType = String(request.headers['content-type'] ?? '');
  const files: Record<string, FakeFile> = {};
  if (!raw.length) return { body: {}, files, contentType };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const body: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') {
        body[key] = value;
      } else {
        files[key] = { filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
      }
    }
    return { body, files, contentType };
  }
  if (contentType.includes('json'))
    return { body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files, contentType };
  return { body: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), files, contentType };
}

const field = (value: unknown) =>
  typeof value === 'string' && /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;

/** The `date` of every message the fake sends (2026-11-23 15:00 UTC): fixed, nothing reads the machine's clock. */
const MESSAGE_DATE_S = Date.UTC(2026, 10, 23, 15) / 1000;

export async function startTelegramFake(
  options: { upstream?: string; botUsername?: string } = {},
): Promise<TelegramFake> {
  const calls: FakeCall[] = [];
  const interceptors = new Map<string, FakeInterceptor[]>();
  const members = new Map<string, string>();
  let messageId = 10_000;
  let pollId = 1;
  const message = (body: Record<string, unknown>, extra: Record<string, unknown>) => ({
    message_id: messageId++,
    date: MESSAGE_DATE_S,
    chat: { id: Number(body.chat_id), type: Number(body.chat_id) < 0 ? 'supergroup' : 'private' },
    ...extra,
  });

  const local = (call: FakeCall): FakeResponse => {
    const { body } = call;
    const ok = (result: unknown): FakeResponse => ({ body: { ok: true, result } });
    switch (call.method) {
      case 'getMe':
        return ok({ id: 666, is_bot: true, first_name: 'Condor', username: options.botUsername ?? 'TestNameBot' });
      case 'getUpdates':
        return ok([]);
      case 'sendMessage':
        return ok(message(body, { text: body.text }));
      case 'sendPhoto':
        return ok(
          message(body, {
            photo: [{ file_id: `photo-${messageId}`, file_unique_id: `p${messageId}`, width: 800, height: 500 }],
            caption: body.caption,
          }),
        );
      case 'sendDocument':
        return ok(
          message(body, {
            document: {
              file_id: `doc-${messageId}`,
              file_unique_id: `d${messageId}`,
              file_name: call.files.document?.filename,
            },
            caption: body.caption,
          }),
        );
      case 'sendPoll': {
        const answers = field(body.options) as string[];
        return ok(
          message(body, {
            poll: {
              id: `poll-${pollId++}`,
              question: body.question,
              options: answers.map((text) => ({ text, voter_count: 0 })),
              total_voter_count: 0,
              is_closed: false,
              is_anonymous: field(body.is_anonymous) !== false,
              type: 'regular',
              allows_multiple_answers: false,
            },
          }),
        );
      }
      case 'getChatMember':
        return ok({
          status: members.get(`${body.chat_id}:${body.user_id}`) ?? 'member',
          user: { id: Number(body.user_id), is_bot: false, first_name: 'Member' },
        });
      case 'setMyCommands':
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'setWebhook':
      case 'deleteWebhook':
        return ok(true);
      default:
        return apiError(404, `Not Found: method ${call.method} is not faked`);
    }
  };

  const server = createServer((request, response) => {
    void (async () => {
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(request.url ?? '/', 'http://x').pathname);
      if (!match) {
        response.writeHead(404).end();
        return;
      }
      const parsed = await parseBody(request);
      const call: FakeCall = { method: match[2]!, token: match[1]!, ...parsed };
      calls.push(call);
      let reply: FakeResponse | undefined;
      for (const interceptor of interceptors.get(call.method) ?? []) {
        reply = interceptor(call);
        if (reply) break;
      }
      if (!reply && options.upstream && EMULATED.has(call.method)) {
        const forwarded = await fetch(`${options.upstream}/bot${call.token}/${call.method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(call.body),
        });
        reply = { status: forwarded.status, body: await forwarded.json() };
      }
      reply ??= local(call);
      const text = JSON.stringify(reply.body);
      response.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error_code: 500, description: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    intercept(method, interceptor) {
      interceptors.set(method, [...(interceptors.get(method) ?? []), interceptor]);
    },
    clearInterceptors: () => interceptors.clear(),
    members,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
