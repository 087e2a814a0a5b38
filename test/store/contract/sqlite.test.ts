// The store contract (contract.ts) on SQLite: a new file in a temp folder per test.
import type { Store } from '../../../src/app/ports.ts';
import { createStore } from '../../../src/store/index.ts';
import { tempDbPath } from '../support.ts';
import { describeStoreContract, type ContractDatabase } from './contract.ts';

describeStoreContract('sqlite', () => ({
  async newDatabase(): Promise<ContractDatabase> {
    const path = tempDbPath();
    // Opened once here so the file exists for direct reads; closed after the test with the others.
    const reader = createStore({ path });
    const sql = (text: string) => text.replace(/\$\d+/g, '?');
    return {
      open: async (options = {}) => {
        const store = createStore({ path, ...options });
        return {
          ...store,
          close: async () => {
            await reader.close();
            await store.close();
          },
        } as Store;
      },
      count: async (table) => reader.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number,
      row: async (text, ...params) =>
        reader.db.prepare(sql(text)).get(...params) as Record<string, unknown> | undefined,
    };
  },
}));
