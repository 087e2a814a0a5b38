import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.ts';
import { openTestStore, tempDbPath } from './support.ts';

describe('quote cache', () => {
  it('answers null for a symbol never stored', () => {
    expect(openTestStore().quotes.get('SPX')).toBeNull();
  });

  it('keeps the last quote per symbol with its times, source and extras, across a restart', () => {
    const path = tempDbPath();
    const store = createStore({ path });
    store.quotes.put({
      symbol: 'VIX',
      value: 16.73,
      asOfMs: 1000,
      fetchedMs: 1200,
      source: 'cboe',
      extra: { previousClose: 17.01 },
    });
    store.quotes.put({ symbol: 'SPX', value: 5987.12, asOfMs: 1000, fetchedMs: 1200, source: 'cboe' });
    store.quotes.put({ symbol: 'SPX', value: 5990.5, asOfMs: 2000, fetchedMs: 2100, source: 'demo' });
    store.close();
    const reopened = createStore({ path });
    try {
      expect(reopened.quotes.get('SPX')).toEqual({
        symbol: 'SPX',
        value: 5990.5,
        asOfMs: 2000,
        fetchedMs: 2100,
        source: 'demo',
      });
      expect(reopened.quotes.get('VIX')).toEqual({
        symbol: 'VIX',
        value: 16.73,
        asOfMs: 1000,
        fetchedMs: 1200,
        source: 'cboe',
        extra: { previousClose: 17.01 },
      });
    } finally {
      reopened.close();
    }
  });

  it('refuses a value that is not a finite number', () => {
    const store = openTestStore();
    expect(() =>
      store.quotes.put({ symbol: 'SPX', value: Number.NaN, asOfMs: 1, fetchedMs: 1, source: 'cboe' }),
    ).toThrow(/finite/);
    expect(store.quotes.get('SPX')).toBeNull();
  });
});
