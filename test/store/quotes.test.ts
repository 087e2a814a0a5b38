import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';
import { openTestStore, tempDbPath } from './support.ts';

describe('quote cache', () => {
  it('answers null for a symbol never stored', async () => {
    expect(await openTestStore().quotes.get('SPX')).toBeNull();
  });

  it('keeps the last quote per symbol with its times, source and extras, across a restart', async () => {
    const path = tempDbPath();
    const store = createStore({ path });
    await store.quotes.put({
      symbol: 'VIX',
      value: 16.73,
      asOfMs: 1000,
      fetchedMs: 1200,
      source: 'cboe',
      extra: { previousClose: 17.01 },
    });
    await store.quotes.put({ symbol: 'SPX', value: 5987.12, asOfMs: 1000, fetchedMs: 1200, source: 'cboe' });
    await store.quotes.put({ symbol: 'SPX', value: 5990.5, asOfMs: 2000, fetchedMs: 2100, source: 'demo' });
    await store.close();
    const reopened = createStore({ path });
    try {
      expect(await reopened.quotes.get('SPX')).toEqual({
        symbol: 'SPX',
        value: 5990.5,
        asOfMs: 2000,
        fetchedMs: 2100,
        source: 'demo',
      });
      expect(await reopened.quotes.get('VIX')).toEqual({
        symbol: 'VIX',
        value: 16.73,
        asOfMs: 1000,
        fetchedMs: 1200,
        source: 'cboe',
        extra: { previousClose: 17.01 },
      });
    } finally {
      await reopened.close();
    }
  });

  it('refuses a value that is not a finite number', async () => {
    const store = openTestStore();
    await expect(
      store.quotes.put({ symbol: 'SPX', value: Number.NaN, asOfMs: 1, fetchedMs: 1, source: 'cboe' }),
    ).rejects.toThrow(/finite/);
    expect(await store.quotes.get('SPX')).toBeNull();
  });
});
