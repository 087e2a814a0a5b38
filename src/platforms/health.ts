// The health report: each configured platform's connection and the scheduler's last tick, served
// as JSON on GET /healthz when HEALTH_PORT is set (bound to HEALTH_HOST, 127.0.0.1 by default), in
// every mode. 200 when every platform is connected and the scheduler ticked recently, else 503:
// the container's HEALTHCHECK (bin/healthcheck.mjs) reads it. docs/self-hosting.md §6 explains it.
import { createServer, type Server } from 'node:http';
import type { Clock, Logger } from '../app/ports.ts';
import type { ConnectionState } from '../app/supervise.ts';

export interface PlatformHealth {
  state: ConnectionState;
  /** When it entered this state (ISO). */
  since: string;
  /** Why it is retrying or stopped. */
  detail: string | null;
}

export interface HealthReport {
  healthy: boolean;
  mode: 'bots' | 'headless';
  platforms: Record<string, PlatformHealth>;
  scheduler: { lastTick: string | null; secondsSinceTick: number | null };
}

export interface Health {
  setPlatform(platform: string, state: ConnectionState, detail?: string): void;
  schedulerTicked(): void;
  report(): HealthReport;
}

/** The scheduler ticks every minute: three missed ticks is a stuck process. */
export const SCHEDULER_STALE_MS = 3 * 60_000;

export function createHealth(clock: Clock, mode: HealthReport['mode'] = 'bots'): Health {
  const startedAt = clock.now();
  const platforms: Record<string, PlatformHealth> = {};
  let lastTick: number | null = null;
  return {
    setPlatform(platform, state, detail) {
      const current = platforms[platform];
      const since = current?.state === state ? current.since : new Date(clock.now()).toISOString();
      platforms[platform] = {
        state,
        since,
        detail: detail ?? (state === 'connected' ? null : (current?.detail ?? null)),
      };
    },
    schedulerTicked() {
      lastTick = clock.now();
    },
    report() {
      const now = clock.now();
      const schedulerFresh = now - (lastTick ?? startedAt) < SCHEDULER_STALE_MS;
      const connected = Object.values(platforms).every((p) => p.state === 'connected');
      return {
        healthy: connected && schedulerFresh,
        mode,
        platforms: { ...platforms },
        scheduler: {
          lastTick: lastTick === null ? null : new Date(lastTick).toISOString(),
          secondsSinceTick: lastTick === null ? null : Math.round((now - lastTick) / 1000),
        },
      };
    },
  };
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: {
  health: Health;
  port: number;
  host: string;
  logger: Logger;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || (path !== '/healthz' && path !== '/health')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const report = options.health.report();
    response
      .writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(`${JSON.stringify(report)}\n`);
  });
  // A health probe must never keep the process alive at shutdown.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  options.logger.info({ host: options.host, port }, 'health endpoint listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
