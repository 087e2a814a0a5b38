// The bot as operators run it, for the start-up and shutdown tests: `start` in a real child
// process (node --import tsx src/main.ts, npm start, or the package's bin), its JSON log lines
// collected as they come, waits on them, its health endpoint, and signals with the time to exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface LogLine {
  level: number;
  msg: string;
  pid: number;
  [key: string]: unknown;
}

export interface BotProcess {
  child: ChildProcess;
  /** Every JSON log line so far, parsed. */
  lines: LogLine[];
  /** The raw standard error (JSON lines and anything else). */
  stderr(): string;
  /** Resolves with the first line (past or future) that matches; rejects if the process exits first. */
  waitForLog(test: (line: LogLine) => boolean, what?: string): Promise<LogLine>;
  /** Sends the signal; resolves with the exit code and the time from signal to exit. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; exitSignal: NodeJS.Signals | null; ms: number }>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; exitSignal: NodeJS.Signals | null }>;
}

/** Variables of the developer's shell that must not leak into a test run. */
const OWN_VARIABLES =
  /^(DISCORD_|TELEGRAM_|LOG_LEVEL|DATABASE_PATH|MARKET_DATA|CHARTS_DIR|SUMMARY_|HEALTH_|HEADLESS|PORT$|CONDOR_XYK_NOW$)/;

/**
 * A spawned program's clock starts at this instant (CONDOR_XYK_NOW, test-only: src/test-clock.ts),
 * 2026-11-23 10:00 New York, a Monday and a trading day (app.ts's MONDAY_10_NY): what the program
 * does (today's market, a summary catch-up at start) never depends on the machine's date.
 */
export const PROGRAM_NOW = '2026-11-23T10:00:00-05:00';

export function startBotProcess(
  env: Record<string, string>,
  how: { command?: string; args?: string[] } = {},
): BotProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !OWN_VARIABLES.test(key)));
  const child = spawn(how.command ?? process.execPath, how.args ?? ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...inherited,
      CONDOR_XYK_TEST: '1',
      CONDOR_XYK_NOW: PROGRAM_NOW,
      MARKET_DATA: 'demo',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let raw = '';
  let pending = '';
  let waiters: { test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const text of parts) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.test(line))) waiter.resolve(line);
      waiters = waiters.filter((w) => !w.test(line));
    }
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; exitSignal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, exitSignal) => resolve({ code, exitSignal })),
  );
  return {
    child,
    lines,
    stderr: () => raw,
    exited,
    waitForLog(test, what = 'a log line') {
      const seen = lines.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        void exited.then(({ code }) => reject(new Error(`exited with ${code} before ${what}:\n${raw.slice(-3000)}`)));
      });
    },
    async signal(signal) {
      const sentAt = performance.now();
      child.kill(signal);
      const { code, exitSignal } = await exited;
      return { code, exitSignal, ms: Math.round(performance.now() - sentAt) };
    },
  };
}

/** A free loopback port (for HEALTH_PORT, or an address where nothing listens). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/** A server that accepts connections and never answers a byte (a hung peer). */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const asked = new Set<Socket>();
  const requests: SilentRequest[] = [];
  let count = 0;
  const server = createServer((socket) => {
    count++;
    sockets.add(socket);
    let request: SilentRequest | null = null;
    socket.once('data', (chunk: Buffer) => {
      asked.add(socket);
      request = { line: chunk.toString('latin1').split('\r\n')[0]!, closedAtMs: null };
      requests.push(request);
    });
    socket.on('close', () => {
      sockets.delete(socket);
      asked.delete(socket);
      if (request) request.closedAtMs = performance.now();
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    open: () => sockets.size,
    openRequests: () => asked.size,
    requestLines: () => requests.map((request) => request.line),
    requests: () => requests.map((request) => ({ ...request })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface SilentRequest {
  line: string;
  closedAtMs: number | null;
}

export interface SilentServer {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections the client has not closed yet. */
  open(): number;
  /** Of those, the ones that carried a request (a client may also open a spare connection it never uses). */
  openRequests(): number;
  /** The first line of each request seen ("GET /path HTTP/1.1"). */
  requestLines(): string[];
  /** Each request seen, with when its connection closed (performance.now(); null while open). */
  requests(): SilentRequest[];
  close(): Promise<void>;
}

/** GET /healthz of a running bot: the status and the report. */
export async function health(port: number): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}

export interface HealthBody {
  healthy: boolean;
  mode: string;
  platforms: Record<string, { state: string; since: string; detail: string | null }>;
  scheduler: { lastTick: string | null; secondsSinceTick: number | null };
}

/** Polls the health endpoint until the test holds (a state reached in the background). */
export async function untilHealth(port: number, test: (body: HealthBody) => boolean): Promise<HealthBody> {
  for (;;) {
    // Refused: the process is still starting (the endpoint listens once the database is open).
    const answer = await health(port).catch(() => null);
    if (answer && test(answer.body)) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
