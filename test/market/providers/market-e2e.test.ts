// `/market` end to end: buildApp (src/compose.ts) with MARKET_DATA=cboe pointed at the loopback
// CBOE, a temp database, and a command line run as the console runs it.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLine } from '../../../src/app/context.ts';
import { buildApp, type App } from '../../../src/compose.ts';
import { createConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logging.ts';
import type { Logger } from '../../../src/app/ports.ts';
import { capturingLogger } from '../../support/logger.ts';
import { replyToText } from '../../../src/render/text.ts';
import { CONSOLE_IDENTITY } from '../../../src/platforms/console/console.ts';
import { writeFileSync } from 'node:fs';
import { cboeOhlcCsv } from '../../support/cboe-fixtures.ts';
import { chainPath, quotePath, startCboeServer, type CboeServer } from '../../support/cboe-server.ts';
import { NOW, quoteRoutes, vixHistoryBars } from '../../support/cboe-market.ts';
import { tempDir } from '../../support/cleanup.ts';

let server: CboeServer;
let temp: { dir: string };
let app: App;

function start(env: Record<string, string> = {}, logger: Logger = silentLogger, nowMs = NOW) {
  const result = createConfig({
    MARKET_DATA: 'cboe',
    CBOE_BASE_URL: server.url,
    DATABASE_PATH: path.join(temp.dir, 'condor.db'),
    MARKET_DATA_DIR: path.join(temp.dir, 'market'),
    ...env,
  });
  if (!result.ok) throw new Error(result.error);
  app = buildApp(result.config, logger, { clock: { now: () => nowMs } });
  return app;
}

async function market(): Promise<string> {
  const { reply } = await runLine(app.deps, CONSOLE_IDENTITY('tester'), '/market');
  expect(reply.error).toBeUndefined();
  return replyToText(reply);
}

beforeEach(async () => {
  server = await startCboeServer(quoteRoutes());
  temp = { dir: tempDir('condor-e2e-') };
});
afterEach(async () => {
  await app?.close();
  await server.close();
});

describe('/market on the loopback CBOE', () => {
  it('shows SPX and VIX from the feed, the data age, and no DEMO label', async () => {
    start();
    const text = await market();
    expect(text).toContain('5,800.10'); // SPX
    expect(text).toContain('16.20'); // VIX
    expect(text).toContain('92.00'); // VVIX
    expect(text).toContain('Data: cboe, as of 15 min ago.');
    expect(text).not.toMatch(/DEMO/);
    expect(text).not.toContain('STALE');
    // The quotes reached the SQLite cache with their as-of time.
    expect(await app.store.quotes.get('VIX')).toMatchObject({ value: 16.2, source: 'cboe' });
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) expect(server.count(quotePath(symbol))).toBe(1);
  });

  it('uses the synced VIX history for the percentile', async () => {
    start();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(app.config.MARKET_DATA_DIR, { recursive: true });
    writeFileSync(path.join(app.config.MARKET_DATA_DIR, 'VIX_History.csv'), cboeOhlcCsv(vixHistoryBars(NOW)));
    const text = await market();
    expect(text).not.toContain('unknown (no history)');
    expect(text).not.toContain('VIX percentile unknown');
  });

  it('without history says the percentile is unknown', async () => {
    start();
    const text = await market();
    expect(text).toContain('VIX percentile unknown');
  });

  it('CBOE down after a good fetch: cached quotes, labelled, STALE once old', async () => {
    start();
    await market();
    await app.close();
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) server.serve(quotePath(symbol), { status: 404 });
    // A new process (fresh memory), same database, two hours later.
    const result = createConfig({
      MARKET_DATA: 'cboe',
      CBOE_BASE_URL: server.url,
      DATABASE_PATH: path.join(temp.dir, 'condor.db'),
      MARKET_DATA_DIR: path.join(temp.dir, 'market'),
    });
    if (!result.ok) throw new Error(result.error);
    app = buildApp(result.config, silentLogger, { clock: { now: () => NOW + 2 * 3_600_000 } });
    const text = await market();
    expect(text).toContain('5,800.10');
    expect(text).toContain('STALE: Data: cache, as of 2 h 15 min ago.');
    expect(text).toContain('CBOE unreachable (HTTP 404 Not Found): cached quotes from 2 h 15 min ago.');
    expect(text).not.toMatch(/DEMO/);
  });

  it('CBOE down on /condor eval (quotes and chain): one warning for the outage, both notes in the reply', async () => {
    const EVAL = '/condor eval 5500 5550 6050 6100 45';
    start();
    expect((await runLine(app.deps, CONSOLE_IDENTITY('tester'), EVAL)).reply.error).toBeUndefined();
    await app.close();
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) server.serve(quotePath(symbol), { status: 404 });
    server.serve(chainPath, { status: 404 });
    const logger = capturingLogger();
    start({}, logger, NOW + 60_000);
    const { reply } = await runLine(app.deps, CONSOLE_IDENTITY('tester'), EVAL);
    expect(reply.error).toBeUndefined();
    const warnings = logger.entries.filter((e) => e.level === 'warn' || e.level === 'error');
    expect(warnings.map((e) => e.message)).toEqual([
      'market data: CBOE unreachable (HTTP 404 Not Found), using cached quotes; ' +
        'option chain unavailable, leg vols from the VIX proxy',
    ]);
    expect(warnings[0]!.object).toMatchObject({ fallback: 'cache', chain: 'vix-proxy' });
    expect(reply.footer).toEqual(
      expect.arrayContaining([
        'CBOE unreachable (HTTP 404 Not Found): cached quotes from 16 min ago.',
        'Option chain unavailable (CBOE unreachable (HTTP 404 Not Found)): leg vols from the VIX proxy.',
      ]),
    );
  });

  it('the chain alone failing is still its own warning', async () => {
    server.serve(chainPath, { status: 404 });
    const logger = capturingLogger();
    start({}, logger);
    await runLine(app.deps, CONSOLE_IDENTITY('tester'), '/condor eval 5500 5550 6050 6100 45');
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'market data: option chain unavailable',
    ]);
  });

  it('CBOE down with nothing cached: demo data, labelled as such', async () => {
    for (const symbol of ['SPX', 'VIX', 'VIX3M', 'VVIX']) server.serve(quotePath(symbol), { status: 404 });
    start();
    const text = await market();
    expect(text).toContain('DEMO DATA');
    expect(text).toContain('CBOE unreachable (HTTP 404 Not Found) and no cached quotes: showing demo data.');
  });
});
