// A loopback fake of the two chat platforms' "send a message" endpoints, counting what each chat
// receives, for the crash test and the fan-out benchmark.
//   Telegram-like: POST /bot<token>/sendMessage {chat_id, text} → {ok, result:{message_id}}; 429
//     answers {ok:false, error_code:429, parameters:{retry_after: seconds}}.
//   Discord-like:  POST /api/v10/channels/<id>/messages {content, nonce, enforce_nonce} → {id};
//     with enforce_nonce, a nonce seen before on that channel returns the first message and
//     creates nothing (Discord's idempotency); 429 answers the Retry-After header and retry_after.
// Limits (optional): `globalPerSecond` over every message, `perChatPerSecond` per chat, counted
// in sliding one-second windows (the literal "N messages per second": never more than N within
// any 1,000 ms); a message beyond them gets 429 and is not delivered.
// `script` can refuse a chat (403 blocked, 400 chat not found, 404 Unknown Channel, 5xx...).
// GET /stats returns the figures as JSON (for a server in another process).
// Run alone (the benchmark starts it in its own process):
//   node --import tsx test/support/scheduler-fake-server.ts '{"globalPerSecond":300,"perChatPerSecond":1}'
// prints `LISTENING <port>` and serves until stdin closes or SIGTERM.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface FakeServerOptions {
  /** At most this many messages in any sliding second, over all chats. */
  globalPerSecond?: number;
  /** At most this many messages to one chat in any sliding second. */
  perChatPerSecond?: number;
  /** Answer delay in ms (network and platform latency). */
  latencyMs?: number;
  /** After this many delivered messages, stop answering (the requests hang until close). */
  holdAfter?: number;
  /** Keep every delivered message's arrival instant in stats().arrivals. */
  recordArrivals?: boolean;
  /** Called with the running count after each delivered message. */
  onDelivered?: (count: number, chatId: string) => void;
  /** Refuse a call: return an answer, or null to proceed. `n` counts calls to that chat, from 1. */
  script?: (call: { platform: 'telegram' | 'discord'; chatId: string; n: number }) => ScriptedAnswer | null;
}

export interface FakeServerStats {
  delivered: number;
  requests: number;
  rateLimited: number;
  refused: number;
  /** Discord: sends answered from an earlier nonce instead of creating a message. */
  deduplicated: number;
  perChat: Record<string, number>;
  firstMs: number | null;
  lastMs: number | null;
  /** Arrival instants of delivered messages (only with recordArrivals). */
  arrivals?: number[];
}

export interface FakeServer {
  url: string;
  port: number;
  stats(): FakeServerStats;
  close(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const perChat = new Map<string, number>();
  const calls = new Map<string, number>();
  const nonces = new Map<string, string>();
  const held: http.ServerResponse[] = [];
  let delivered = 0;
  let requests = 0;
  let rateLimited = 0;
  let refused = 0;
  let deduplicated = 0;
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  let nextMessageId = 1;
  const arrivals: number[] = [];

  const stats = (): FakeServerStats => ({
    delivered,
    requests,
    rateLimited,
    refused,
    deduplicated,
    perChat: Object.fromEntries(perChat),
    firstMs,
    lastMs,
    ...(options.recordArrivals ? { arrivals } : {}),
  });

  const answer = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (options.latencyMs) setTimeout(send, options.latencyMs);
    else send();
  };

  // Sliding one-second windows: the arrival times of the last N accepted messages per key.
  const windows = new Map<string, number[]>();
  const windowWait = (key: string, perSecond: number, at: number): number => {
    const times = windows.get(key) ?? [];
    while (times.length && times[0]! <= at - 1000) times.shift();
    return times.length >= perSecond ? times[0]! + 1000 - at : 0;
  };
  const windowTake = (key: string, at: number) => {
    const times = windows.get(key) ?? [];
    times.push(at);
    windows.set(key, times);
  };

  /** ms to wait when a limit is reached; else 0, and the message is counted in every window. */
  const limited = (platform: 'telegram' | 'discord', chatId: string, at: number): number => {
    const windows: [string, number][] = [];
    if (options.globalPerSecond) windows.push(['global', options.globalPerSecond]);
    if (options.perChatPerSecond) windows.push([`chat:${platform}:${chatId}`, options.perChatPerSecond]);
    const wait = Math.max(0, ...windows.map(([key, perSecond]) => windowWait(key, perSecond, at)));
    if (wait > 0) return wait;
    for (const [key] of windows) windowTake(key, at);
    return 0;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      const url = req.url ?? '';
      if (req.method === 'GET' && url === '/stats') return answer(res, 200, stats());
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
      }
      const telegram = /^\/bot[^/]+\/sendMessage$/.exec(url);
      const discord = /^\/api\/v10\/channels\/([^/]+)\/messages$/.exec(url);
      if (req.method !== 'POST' || (!telegram && !discord))
        return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const platform = telegram ? 'telegram' : 'discord';
      const chatId = telegram ? String(body.chat_id) : discord![1]!;
      const n = (calls.get(`${platform}:${chatId}`) ?? 0) + 1;
      calls.set(`${platform}:${chatId}`, n);

      const scripted = options.script?.({ platform, chatId, n });
      if (scripted) {
        if (scripted.status === 429) rateLimited++;
        else refused++;
        return answer(res, scripted.status, scripted.body, scripted.headers);
      }
      // Discord's idempotency: the same nonce on the same channel returns the first message.
      const nonceKey =
        discord && body.enforce_nonce && typeof body.nonce === 'string' ? `${chatId}/${body.nonce}` : null;
      if (nonceKey && nonces.has(nonceKey)) {
        deduplicated++;
        return answer(res, 200, { id: nonces.get(nonceKey), channel_id: chatId, nonce: body.nonce });
      }
      const at = now();
      const wait = limited(platform, chatId, at);
      if (wait > 0) {
        rateLimited++;
        if (telegram) {
          const seconds = Math.max(1, Math.ceil(wait / 1000));
          return answer(res, 429, {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${seconds}`,
            parameters: { retry_after: seconds },
          });
        }
        const seconds = Math.max(0.001, wait / 1000);
        return answer(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: seconds, global: false },
          { 'retry-after': String(Math.ceil(seconds)) },
        );
      }
      delivered++;
      perChat.set(chatId, (perChat.get(chatId) ?? 0) + 1);
      firstMs ??= at;
      lastMs = at;
      if (options.recordArrivals) arrivals.push(at);
      const id = nextMessageId++;
      if (nonceKey) nonces.set(nonceKey, String(id));
      options.onDelivered?.(delivered, chatId);
      if (options.holdAfter !== undefined && delivered > options.holdAfter) {
        held.push(res);
        return;
      }
      if (telegram)
        return answer(res, 200, {
          ok: true,
          result: { message_id: id, chat: { id: Number(chatId) }, date: Math.floor(at / 1000), text: body.text },
        });
      return answer(res, 200, { id: String(id), channel_id: chatId, nonce: body.nonce ?? null });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FakeServerProcess {
  url: string;
  stats(): Promise<FakeServerStats>;
  stop(): Promise<void>;
}

/** The fake in its own Node process, so its clock does not share the sender's event loop. */
export async function startFakeServerProcess(options: Omit<FakeServerOptions, 'onDelivered' | 'script'>) {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, JSON.stringify(options)], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`fake server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const server: FakeServerProcess = {
    url,
    stats: async () => (await (await fetch(`${url}/stats`)).json()) as FakeServerStats,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.on('close', () => resolve());
        child.stdin.end();
      }),
  };
  return server;
}

// Run alone: a server in its own process, so its timing does not share an event loop with the sender.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const options = JSON.parse(process.argv[2] ?? '{}') as FakeServerOptions;
  const server = await startFakeServer(options);
  process.stdout.write(`LISTENING ${server.port}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}
