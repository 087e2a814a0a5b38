// The Discord interactions endpoint over loopback HTTP: how fast a signature is checked, how long
// Discord would wait for the deferral (its limit is 3 s), and how long until the answer reaches the
// webhook route, for /condor eval (engine, chart) on the demo market. The webhook route is a stub
// server on 127.0.0.1 that answers every request at once. Run: npx tsx bench/discord-interactions.ts.
// Prints figures; asserts nothing.
import { generateKeyPairSync, sign } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { REST } from 'discord.js';
import { buildApp } from '../src/compose.ts';
import { createConfig } from '../src/config.ts';
import { silentLogger } from '../src/logging.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import {
  createInteractionsEndpoint,
  discordPublicKey,
  signatureProblem,
} from '../src/platforms/discord/http-interactions.ts';

const APPLICATION_ID = '900000000000000001';
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const CONCURRENT = 20;
const VERIFY_RUNS = 5_000;
// 2026-11-23 10:00 New York, a Monday: the demo market is the same on every run.
const NOW_MS = Date.UTC(2026, 10, 23, 15);
const clock = { now: () => NOW_MS };

/** The load client (plain JavaScript for a worker thread): signs and POSTs, reports when the deferral came back. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const key = createPrivateKey(workerData.privateKey);
const now = () => performance.timeOrigin + performance.now();
parentPort.on('message', async ({ id, body, token }) => {
  const signature = sign(null, Buffer.from(workerData.timestamp + body), key).toString('hex');
  const sentAt = now();
  const response = await fetch(workerData.url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-signature-ed25519': signature,
      'x-signature-timestamp': workerData.timestamp,
    },
  });
  await response.text();
  parentPort.postMessage({ id, token, sentAt, deferredAt: now() });
});
`;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

const keys = generateKeyPairSync('ed25519');
const publicHex = Buffer.from(keys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const timestamp = String(Math.floor(NOW_MS / 1000));

let sequence = 0;
function evalPayload(userIndex: number) {
  const id = String(1_000_000_000_000_000n + BigInt(++sequence));
  const user = { id: `6${String(userIndex).padStart(17, '0')}`, username: `trader${userIndex}`, discriminator: '0' };
  return {
    id,
    application_id: APPLICATION_ID,
    type: 2,
    token: `token-${id}`,
    version: 1,
    channel: { id: '700000000000000001', type: 1 },
    channel_id: '700000000000000001',
    user,
    data: {
      id: '100',
      name: 'condor',
      type: 1,
      options: [
        {
          type: 1,
          name: 'eval',
          options: [
            { name: 'long_put', type: 10, value: 5615 },
            { name: 'short_put', type: 10, value: 5665 },
            { name: 'short_call', type: 10, value: 6335 },
            { name: 'long_call', type: 10, value: 6385 },
            { name: 'expiry', type: 3, value: '45' },
          ],
        },
      ],
    },
  };
}

// The webhook route: records when each interaction's final edit arrived.
const arrived = new Map<string, number>();
const stub = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const token = /\/webhooks\/\d+\/([^/]+)\/messages\/@original/.exec(decodeURIComponent(request.url ?? ''))?.[1];
    if (token && request.method === 'PATCH') arrived.set(token, performance.timeOrigin + performance.now());
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1","channel_id":"0"}');
  });
});
await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
const apiBase = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/api`;

const dir = makeTempDir('condor-bench-interactions-');
try {
  // Signature checks alone, on a 2 KB body.
  const key = discordPublicKey(publicHex);
  const body = Buffer.from(JSON.stringify({ ...evalPayload(0), padding: 'x'.repeat(1500) }));
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), body]), keys.privateKey).toString('hex');
  let started = performance.now();
  for (let i = 0; i < VERIFY_RUNS; i++) signatureProblem(key, signature, timestamp, body, NOW_MS);
  const verifyPerSecond = VERIFY_RUNS / ((performance.now() - started) / 1000);

  const config = createConfig({
    DATABASE_PATH: path.join(dir, 'bench.db'),
    MARKET_DATA: 'demo',
    CHAIN_EVALUATIONS_PER_MINUTE: '1000',
  });
  if (!config.ok) throw new Error(config.error);
  const app = buildApp(config.config, silentLogger, { clock });
  const endpoint = createInteractionsEndpoint({
    publicKey: publicHex,
    host: '127.0.0.1',
    port: 0,
    path: '/interactions',
    deps: app.deps,
    logger: silentLogger,
    rest: new REST({ version: '10', api: apiBase, retries: 0 }).setToken('bench-token-not-a-secret'),
    ...(process.env.BENCH_SLOTS ? { concurrentCommands: Number(process.env.BENCH_SLOTS) } : {}),
  });
  await endpoint.start();
  const url = `http://127.0.0.1:${endpoint.port}/interactions`;

  // The client runs in a worker thread: in the server's own event loop, its timings would include
  // the commands' CPU time. Times are absolute (timeOrigin + now) so both threads compare.
  const client = new Worker(CLIENT, {
    eval: true,
    workerData: { url, timestamp, privateKey: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }) },
  });
  const replies = new Map<number, (sent: { token: string; sentAt: number; deferredAt: number }) => void>();
  client.on('message', (message: { id: number; token: string; sentAt: number; deferredAt: number }) =>
    replies.get(message.id)?.(message),
  );
  let requestId = 0;
  async function one(userIndex: number): Promise<{ deferMs: number; answerMs: number }> {
    const id = ++requestId;
    const payload = evalPayload(userIndex);
    const done = new Promise<{ token: string; sentAt: number; deferredAt: number }>((resolve) =>
      replies.set(id, resolve),
    );
    client.postMessage({ id, body: JSON.stringify(payload), token: payload.token });
    const { sentAt, deferredAt } = await done;
    while (!arrived.has(payload.token)) await new Promise((resolve) => setTimeout(resolve, 1));
    return { deferMs: deferredAt - sentAt, answerMs: arrived.get(payload.token)! - sentAt };
  }

  for (let i = 0; i < 10; i++) await one(i % 5); // warm-up
  const sequential: { deferMs: number; answerMs: number }[] = [];
  for (let i = 0; i < RUNS; i++) sequential.push(await one(i % 50));

  started = performance.now();
  const concurrent = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => one(100 + i)));
  const burstMs = performance.now() - started;
  await client.terminate();
  await endpoint.stop();
  app.close();

  const defer = sequential.map((r) => r.deferMs);
  const answer = sequential.map((r) => r.answerMs);
  console.log(`Ed25519 signature checks (2 KB body): ${Math.round(verifyPerSecond).toLocaleString('en-US')}/s`);
  console.log(
    `/condor eval, one at a time (${RUNS}): ` +
      `deferral p50 ${ms(quantile(defer, 0.5))}, p99 ${ms(quantile(defer, 0.99))}; ` +
      `answer at the webhook p50 ${ms(quantile(answer, 0.5))}, p99 ${ms(quantile(answer, 0.99))}`,
  );
  const burstDefer = concurrent.map((r) => r.deferMs);
  console.log(
    `/condor eval, ${CONCURRENT} at once: deferral max ${ms(Math.max(...burstDefer))} (Discord allows 3,000 ms); ` +
      `all ${CONCURRENT} answered in ${ms(burstMs)}`,
  );
} finally {
  stub.close();
  rmSync(dir, { recursive: true, force: true });
}
