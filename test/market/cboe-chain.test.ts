import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCboeChain, volAt, type OptionChain } from '../../src/market/parsers/cboe-chain.ts';
import { parseOccSymbol } from '../../src/market/parsers/occ.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseOccSymbol (from the right)', () => {
  it.each([
    ['SPX241220P05600000', { root: 'SPX', expiry: '2024-12-20', type: 'put', strike: 5600, settlement: 'AM' }],
    ['SPXW241122P05700000', { root: 'SPXW', expiry: '2024-11-22', type: 'put', strike: 5700, settlement: 'PM' }],
    ['SPX   241220C05912500', { symbol: 'SPX241220C05912500', root: 'SPX', strike: 5912.5, type: 'call' }],
    ['XSP261218C00591500', { root: 'XSP', expiry: '2026-12-18', strike: 591.5, settlement: 'PM' }],
  ])('%s', (symbol, expected) => {
    const parsed = parseOccSymbol(symbol);
    expect(parsed.ok && parsed.value).toMatchObject(expected);
  });

  it.each([
    ['241220P05600000', /too short/],
    ['SPX241320P05600000', /impossible expiry 241320/],
    ['SPX241220X05600000', /not an OCC option symbol/],
    ['SPX24122P05600000', /not an OCC option symbol/],
    ['SPX-W241220P05600000', /not an OCC option symbol/],
    ['SPX241220P00000000', /zero strike/],
  ])('rejects %s', (symbol, message) => {
    const parsed = parseOccSymbol(symbol);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('parseCboeChain on the format sample', () => {
  const parsed = parseCboeChain(fixture('cboe_delayed_quotes_options__SPX.json'));
  const chain = parsed.ok ? parsed.value : (null as unknown as OptionChain);

  it('keeps the sane rows and drops the deep-ITM iv 4.1223 row', () => {
    expect(parsed.ok).toBe(true);
    expect(chain.underlying.spot).toBe(5917.1099);
    expect(chain.contracts.size).toBe(7);
    expect(chain.dropped).toEqual({ 'iv out of range': 1 });
    expect(chain.contracts.has('SPX241220C00200000')).toBe(false);
  });

  it('groups by expiry and root with strikes ascending', () => {
    expect(
      chain.expiries.map((e) => [
        e.expiry,
        e.root,
        e.settlement,
        e.puts.map((q) => q.strike),
        e.calls.map((q) => q.strike),
      ]),
    ).toEqual([
      ['2024-11-22', 'SPXW', 'PM', [5700], []],
      ['2024-12-20', 'SPX', 'AM', [5575, 5600, 5900], [5900, 6150, 6175]],
    ]);
    expect(chain.expiries[1]!.puts[1]).toEqual({
      symbol: 'SPX241220P05600000',
      strike: 5600,
      iv: 0.1688,
      bid: 15.5,
      ask: 16.1,
      mid: 15.8,
      delta: -0.1117,
      openInterest: 14210,
    });
  });

  it('interpolates the put wing between 5600 and 5900', () => {
    expect(volAt(chain, '2024-12-20', 5650, 'put')).toBeCloseTo(0.1688 + (50 / 300) * (0.1372 - 0.1688), 12);
  });
});

describe('parseCboeChain on junk rows', () => {
  const parsed = parseCboeChain(fixture('cboe_chain_edge.json'));
  const chain = parsed.ok ? parsed.value : (null as unknown as OptionChain);

  it('drops null, zero, negative and >3 IVs, bad or crossed quotes and bad symbols, counting each', () => {
    expect(parsed.ok).toBe(true);
    expect(chain.dropped).toEqual({
      'iv missing': 1,
      'iv out of range': 3,
      'bad bid/ask': 2,
      'crossed bid/ask': 1,
      'bad symbol': 1,
    });
    expect(chain.contracts.size).toBe(9);
  });

  it('keeps SPX and SPXW on the same date and strike apart', () => {
    expect(chain.contracts.get('SPX260320P05900000')).toMatchObject({ root: 'SPX', settlement: 'AM', iv: 0.19 });
    expect(chain.contracts.get('SPXW260320P05900000')).toMatchObject({ root: 'SPXW', settlement: 'PM', iv: 0.18 });
    expect(chain.expiries.map((e) => `${e.expiry} ${e.root}`)).toEqual(['2026-03-20 SPXW', '2026-03-20 SPX']);
  });

  it('reads the out-of-the-money side: puts below spot, calls above', () => {
    expect(volAt(chain, '2026-03-20', 5850, 'put')).toBeCloseTo(0.19, 12);
    // An ITM call at 5850 still reads the puts (the call at 5900 says 0.30 and must not be used).
    expect(volAt(chain, '2026-03-20', 5850, 'call')).toBeCloseTo(0.19, 12);
    expect(volAt(chain, '2026-03-20', 6150, 'put')).toBeCloseTo(0.125, 12);
    // Where both sides span the strike they disagree (ITM quotes are wide): the OTM side wins.
    expect(volAt(chain, '2026-03-20', 5950, 'call')).toBeCloseTo(0.17, 12); // not the calls' 0.225
    expect(volAt(chain, '2026-03-20', 6050, 'put')).toBeCloseTo(0.14, 12); // not the puts' 0.205
    expect(volAt(chain, '2026-03-20', 5900, 'put')).toBe(0.18);
  });

  it('at the spot strike reads the asked type', () => {
    expect(volAt(chain, '2026-03-20', 6000, 'put')).toBe(0.16);
    expect(volAt(chain, '2026-03-20', 6000, 'call')).toBe(0.15);
  });

  it('does not extrapolate', () => {
    expect(volAt(chain, '2026-03-20', 5799, 'put')).toBeNull();
    expect(volAt(chain, '2026-03-20', 6201, 'call')).toBeNull();
    expect(volAt(chain, '2026-03-27', 6000, 'call')).toBeNull();
  });

  it('reads SPX (AM) only when asked', () => {
    expect(volAt(chain, '2026-03-20', 5900, 'put', 'SPX')).toBe(0.19);
    expect(volAt(chain, '2026-03-20', 5850, 'put', 'SPX')).toBeNull();
  });
});

describe('parseCboeChain failures', () => {
  it.each([
    ['the quotes file', fixture('cboe_delayed_quotes_quotes__VIX.json'), /^CBOE chain: data.options is missing/],
    ['an HTML page', fixture('cboe_quote_html.txt'), /^CBOE chain: got an HTML page/],
    ['malformed JSON', fixture('cboe_delayed_quotes_options__SPX.json').slice(0, 500), /^CBOE chain: malformed JSON/],
    ['an underlying without a price', fixture('cboe_quote_nan_prices.json'), /^CBOE chain: no usable price/],
  ])('rejects %s', (_name, body, message) => {
    const parsed = parseCboeChain(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
