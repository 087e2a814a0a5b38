// A loopback Discord gateway (ws) for tests: HELLO, records IDENTIFY, answers READY with no
// guilds, acknowledges heartbeats, and can push dispatches (INTERACTION_CREATE ...). The REST fake
// must answer GET /gateway/bot with this server's URL (see gatewayBotAnswer).
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ScriptedResponse } from './discord-rest.ts';

export interface FakeGateway {
  url: string;
  /** IDENTIFY payloads received (d: token, intents, properties ...). */
  identifies: { token: string; intents: number }[];
  /** The [shard id, shard count] each IDENTIFY asked for, in arrival order. */
  shards: [number, number][];
  /** Resolves once a client has identified and been sent READY. */
  ready: Promise<void>;
  /** Sends a dispatch (op 0) to every connected client, or only to the one that identified as `shard`. */
  dispatch(type: string, data: unknown, shard?: number): void;
  /** Resolves when every client has disconnected. */
  closed(): Promise<void>;
  close(): Promise<void>;
}

export async function startDiscordGateway(
  bot: { id: string; username: string },
  applicationId: string,
): Promise<FakeGateway> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  const identifies: { token: string; intents: number }[] = [];
  const shards: [number, number][] = [];
  const shardOfSocket = new Map<WebSocket, number>();
  let sequence = 0;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const send = (socket: WebSocket, payload: unknown) => socket.send(JSON.stringify(payload));

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    send(socket, { op: 10, d: { heartbeat_interval: 45_000 } });
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as {
        op: number;
        d: { token: string; intents: number; shard?: [number, number] };
      };
      if (packet.op === 1) send(socket, { op: 11 });
      if (packet.op === 2) {
        identifies.push({ token: packet.d.token, intents: packet.d.intents });
        const shard = packet.d.shard ?? [0, 1];
        shards.push(shard);
        shardOfSocket.set(socket, shard[0]);
        send(socket, {
          op: 0,
          s: ++sequence,
          t: 'READY',
          d: {
            v: 10,
            user: { ...bot, discriminator: '0', bot: true, avatar: null, global_name: null },
            guilds: [],
            session_id: 'session-1',
            resume_gateway_url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
            application: { id: applicationId, flags: 0 },
            shard,
          },
        });
        markReady();
      }
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    identifies,
    shards,
    ready,
    dispatch(type, data, shard) {
      for (const socket of sockets)
        if (shard === undefined || shardOfSocket.get(socket) === shard)
          send(socket, { op: 0, s: ++sequence, t: type, d: data });
    },
    async closed() {
      while (sockets.size) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        server.close(() => resolve());
      }),
  };
}

/** The REST fake's answer to GET /gateway/bot, pointing at the loopback gateway. */
export const gatewayBotAnswer = (gatewayUrl: string, shards = 1): ScriptedResponse => ({
  body: {
    url: gatewayUrl,
    shards,
    session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
  },
});
