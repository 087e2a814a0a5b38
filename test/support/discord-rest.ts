// A loopback HTTP server playing Discord's REST API for tests: discord.js's REST (or a Client with
// rest.api) points at `url`; requests arrive as /api/v10/... and are recorded with their JSON body
// (or multipart payload_json and files). Sensible defaults answer the routes the bot uses; tests
// script other answers (errors, 429s) per method and path.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  text?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path after /api/v10, e.g. /channels/123/messages. */
  path: string;
  query: string;
  headers: IncomingMessage['headers'];
  /** The JSON body, or the multipart payload_json parsed. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  files: RecordedFile[];
  /** When it arrived, on the monotonic clock (performance.now): for spacing between requests, not a date. */
  atMs: number;
}

export interface ScriptedResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Responder = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

interface Script {
  method: string;
  path: RegExp;
  responses: Responder[];
  /** Keep answering with the last response once the list is used up. */
  sticky: boolean;
}

export const BOT_USER = {
  id: '900000000000000001',
  username: 'condor',
  discriminator: '0',
  bot: true,
  global_name: null,
  avatar: null,
};

export interface FakeDiscordRest {
  /** REST base for discord.js: http://127.0.0.1:PORT/api */
  url: string;
  requests: RecordedRequest[];
  /** Scripts the answers to a method and path (regexp on the path after /api/v10). */
  script(method: string, path: RegExp, responses: Responder | Responder[], options?: { sticky?: boolean }): void;
  /** Requests matching a method and path. */
  find(method: string, path: RegExp): RecordedRequest[];
  /** Resolves when a request matching method and path has arrived. */
  waitFor(method: string, path: RegExp): Promise<RecordedRequest>;
  reset(): void;
  close(): Promise<void>;
}

let nextId = 1_000_000_000_000_000n;
export const snowflake = () => String(nextId++);

function message(channelId: string, body: Record<string, unknown> = {}, id = snowflake()) {
  return {
    id,
    channel_id: channelId,
    type: 0,
    content: body.content ?? '',
    author: BOT_USER,
    timestamp: new Date(0).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    pinned: false,
    flags: body.flags ?? 0,
    ...(body.poll ? { poll: body.poll } : {}),
    ...(body.nonce ? { nonce: body.nonce } : {}),
  };
}

async function readBody(request: IncomingMessage): Promise<{ body: unknown; files: RecordedFile[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = request.headers['content-type'] ?? '';
  if (!raw.length) return { body: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    let body: unknown;
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (field === 'payload_json') body = JSON.parse(String(value));
      else if (typeof value !== 'string') {
        const text = value.type.startsWith('text/') || /\.(csv|txt)$/.test(value.name) ? await value.text() : undefined;
        files.push({
          field,
          filename: value.name,
          contentType: value.type,
          size: value.size,
          ...(text !== undefined ? { text } : {}),
        });
      }
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

/** Default answers for the routes the bot and sender use. */
function defaultAnswer(request: RecordedRequest, nonces: Map<string, unknown>): ScriptedResponse {
  const { method, path, body } = request;
  let match: RegExpExecArray | null;
  if (method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return { status: 204 };
  if ((match = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/.exec(path))) {
    if (method === 'DELETE') return { status: 204 };
    return { body: message('0', body, match[3] === '@original' ? '1' : match[3]) };
  }
  if (method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(path)) return { body: message('0', body) };
  if (method === 'POST' && (match = /^\/channels\/(\d+)\/messages$/.exec(path))) {
    // enforce_nonce: the same author and nonce within a few minutes gets the original message back.
    if (body?.enforce_nonce && body.nonce !== undefined) {
      const key = `${match[1]}:${body.nonce}`;
      if (!nonces.has(key)) nonces.set(key, message(match[1]!, body));
      return { body: nonces.get(key) };
    }
    return { body: message(match[1]!, body) };
  }
  if (method === 'POST' && (match = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
    return {
      status: 201,
      body: {
        id: snowflake(),
        type: 11,
        parent_id: match[1],
        name: body?.name,
        owner_id: BOT_USER.id,
        thread_metadata: { archived: false, auto_archive_duration: body?.auto_archive_duration ?? 1440, locked: false },
      },
    };
  }
  if (method === 'POST' && path === '/users/@me/channels')
    return {
      body: {
        id: `7${String(body?.recipient_id ?? '').slice(1)}`,
        type: 1,
        recipients: [{ id: body?.recipient_id, username: 'someone', discriminator: '0' }],
      },
    };
  if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
    return {
      body: (body as { name: string }[]).map((command, index) => ({
        ...command,
        id: String(2_000_000_000_000_000n + BigInt(index)),
        version: '1',
      })),
    };
  }
  return { status: 404, body: { code: 0, message: `fake Discord has no answer for ${method} ${path}` } };
}

export async function startDiscordRest(): Promise<FakeDiscordRest> {
  const requests: RecordedRequest[] = [];
  let scripts: Script[] = [];
  let waiters: { method: string; path: RegExp; resolve: (request: RecordedRequest) => void }[] = [];
  const nonces = new Map<string, unknown>();

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
      const { body, files } = await readBody(request);
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path,
        query: url.search,
        headers: request.headers,
        body,
        files,
        atMs: performance.now(),
      };
      requests.push(recorded);
      const script = scripts.find((s) => s.method === recorded.method && s.path.test(path) && s.responses.length > 0);
      let answer: ScriptedResponse;
      if (script) {
        const responder =
          script.sticky && script.responses.length === 1 ? script.responses[0]! : script.responses.shift()!;
        answer = typeof responder === 'function' ? responder(recorded) : responder;
      } else {
        answer = defaultAnswer(recorded, nonces);
      }
      const status = answer.status ?? 200;
      const headers: Record<string, string> = { ...(answer.headers ?? {}) };
      if (status !== 204 && answer.body !== undefined) headers['content-type'] = 'application/json';
      response.writeHead(status, headers);
      response.end(status === 204 || answer.body === undefined ? undefined : JSON.stringify(answer.body));
      for (const waiter of waiters.filter((w) => w.method === recorded.method && w.path.test(path)))
        waiter.resolve(recorded);
      waiters = waiters.filter((w) => !(w.method === recorded.method && w.path.test(path)));
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 0, message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api`,
    requests,
    script(method, path, responses, options = {}) {
      scripts.push({
        method,
        path,
        responses: Array.isArray(responses) ? [...responses] : [responses],
        sticky: options.sticky ?? false,
      });
    },
    find: (method, path) => requests.filter((r) => r.method === method && path.test(r.path)),
    waitFor(method, path) {
      const seen = requests.find((r) => r.method === method && path.test(r.path));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ method, path, resolve }));
    },
    reset() {
      requests.length = 0;
      scripts = [];
      nonces.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Discord JSON error answer, e.g. discordError(403, 50013, 'Missing Permissions'). */
export const discordError = (status: number, code: number, messageText: string): ScriptedResponse => ({
  status,
  body: { code, message: messageText },
});
