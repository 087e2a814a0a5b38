#!/usr/bin/env node
// Docker HEALTHCHECK: asks the running bot's health endpoint (HEALTH_PORT, on loopback inside the
// container) and succeeds only on 200: every platform connected and the scheduler ticking.
const port = process.env.HEALTH_PORT;
if (!port) {
  process.stderr.write('HEALTH_PORT is not set: the health endpoint is off\n');
  process.exit(1);
}
// An endpoint on every interface is also on loopback.
const configured = process.env.HEALTH_HOST || '127.0.0.1';
const host = configured === '0.0.0.0' ? '127.0.0.1' : configured === '::' ? '::1' : configured;
try {
  const response = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`, {
    signal: AbortSignal.timeout(4_000),
  });
  process.stdout.write(`${(await response.text()).trim()}\n`);
  process.exit(response.status === 200 ? 0 : 1);
} catch (error) {
  process.stderr.write(`health endpoint unreachable: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
