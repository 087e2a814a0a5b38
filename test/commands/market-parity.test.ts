// `/market parity` end to end: buildApp with MARKET_DATA=cboe on the loopback CBOE serving a chain
// priced at known r and q: the implied rate and yield, "none beyond the spread" on a clean chain, a
// strike pair quoted off parity flagged, labelled with the chain's as-of time and "delayed"; and the
// same r and q pricing /condor eval, labelled.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLine } from '../../src/app/context.ts';
import type { ChainParity } from '../../src/app/ports.ts';
import { buildApp, type App } from '../../src/compose.ts';
import { createConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logging.ts';
import { CONSOLE_IDENTITY } from '../../src/platforms/console/console.ts';
import { renderDiscordMessage } from '../../src/render/discord.ts';
import { renderTelegram } from '../../src/render/telegram.ts';
import { replyToText } from '../../src/render/text.ts';
import { chainPath, startCboeServer, type CboeServer } from '../support/cboe-server.ts';
import { NOW, quoteRoutes } from '../support/cboe-market.ts';
import { tempDir } from '../support/cleanup.ts';
import { parityChainJson } from '../support/parity-chain.ts';

let server: CboeServer;
let temp: { dir: string };
let app: App;

afterEach(async () => {
  await app?.close();
  await server?.close();
});

async function start(chain: string | null, env: Record<string, string> = {}) {
  server = await startCboeServer({ ...quoteRoutes(), ...(chain ? { [chainPath]: chain } : {}) });
  temp = { dir: tempDir('condor-parity-') };
  const result = createConfig({
    MARKET_DATA: 'cboe',
    CBOE_BASE_URL: server.url,
    DATABASE_PATH: path.join(temp.dir, 'condor.db'),
    MARKET_DATA_DIR: path.join(temp.dir, 'market'),
    ...env,
  });
  if (!result.ok) throw new Error(result.error);
  app = buildApp(result.config, silentLogger, { clock: { now: () => NOW } });
}

const run = async (line: string) => (await runLine(app.deps, CONSOLE_IDENTITY('tester'), line)).reply;

describe('/market parity', () => {
  it('a clean chain: the implied r and q, none beyond the spread, as of the chain and delayed', async () => {
    await start(parityChainJson());
    const reply = await run('/market parity');
    expect(reply.error).toBeUndefined();
    const { parity, rate, dividendYield } = reply.data as { parity: ChainParity; rate: number; dividendYield: number };
    expect(rate).toBeCloseTo(0.043, 3);
    expect(dividendYield).toBeCloseTo(0.0135, 3);
    // 2 days out is too short to read; 30, 43 and 72 days are read.
    expect(parity.expiries.map((e) => `${e.expiry} ${e.root}`)).toEqual([
      '2026-12-18 SPX',
      '2026-12-31 SPXW',
      '2027-01-29 SPXW',
    ]);
    const text = replyToText(reply);
    expect(reply.title).toBe('SPX put-call parity · chain as of 2026-11-18 10:44 ET (delayed)');
    expect(text).toMatch(
      /The chain implies a financing rate r 4\.3\d% and dividend yield q 1\.3\d% from the 2026-12-31 SPXW expiry \(43 days, \d+ strike pairs\); replies price with them\./,
    );
    expect(text).toContain(
      "None beyond the spread: on all 3 expiries read, every strike pair's parity lies within its bid/ask.",
    );
    expect(text).toContain('SPX chain from CBOE, delayed at least 15 minutes.');
    expect(text).toContain('not investment advice');
    // Typed as on Discord (the option by name) it is the same command.
    const slash = await app.deps.registry.get('market')!.options.safeParseAsync({ view: 'parity' });
    expect(slash.success).toBe(true);
  });

  it('flags the one strike pair whose call is quoted 1.5 points off parity with a 0.6-point spread', async () => {
    await start(parityChainJson({ callShift: { '2026-12-31|6100': 1.5 } }));
    const reply = await run('/market parity');
    const { parity } = reply.data as { parity: ChainParity };
    const flagged = parity.expiries.flatMap((e) => e.beyondSpread.map((d) => `${e.expiry} ${d.strike}`));
    expect(flagged).toEqual(['2026-12-31 6100']);
    const deviation = parity.expiries[1]!.beyondSpread[0]!;
    // Parity sits near the unshifted mid; selling the synthetic brings mid + 1.5 − 0.6: ~0.9 beyond.
    expect(deviation.sell - deviation.parity).toBeCloseTo(0.9, 1);
    // The odd quote does not move the reading: the fit drops it and reads the chain's 4.3%.
    expect(parity.expiries[1]!.rate).toBeCloseTo(0.043, 3);
    expect(reply.tone).toBe('warn');
    expect(replyToText(reply)).toMatch(
      /1 strike pair beyond the bid\/ask:\n2026-12-31 SPXW 6,100: C−P quoted -[\d.]+ \/ -[\d.]+, parity -[\d.]+ \(0\.9\d beyond the spread\)\./,
    );
  });

  it('without a chain it says so and names the configured rates; nothing is flagged', async () => {
    await start(null);
    const reply = await run('/market parity');
    expect(reply.error).toBeUndefined();
    const text = replyToText(reply);
    expect(text).toContain('No SPX option chain right now, so no parity reading (the notes below say why).');
    expect(text).toContain('Replies price with the configured r 4.00%, q 1.30%.');
    expect(text).toMatch(/Option chain unavailable \(CBOE unreachable \(HTTP 404/);
  });

  it('the chain-implied r and q then price /condor eval, labelled in its footer', async () => {
    await start(parityChainJson());
    await run('/market parity');
    const reply = await run('/condor eval 5615 5665 6335 6385 45');
    expect(reply.error).toBeUndefined();
    expect(replyToText(reply)).toMatch(/\nr 4\.3\d%, q 1\.3\d% implied by the SPX chain at 10:44 ET \(delayed\)\.\n/);
  });

  it('reads as native messages on Discord and Telegram (mentions off, HTML escaped)', async () => {
    await start(parityChainJson({ callShift: { '2026-12-31|6100': 1.5 } }));
    const reply = await run('/market parity');
    const discord = renderDiscordMessage(reply).body;
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(discord)).toContain('SPX put-call parity · chain as of 2026-11-18 10:44 ET (delayed)');
    const telegram = renderTelegram(reply);
    expect(telegram.parts.join('\n')).toContain(
      '<b>! SPX put-call parity · chain as of 2026-11-18 10:44 ET (delayed)</b>',
    );
  });
});
