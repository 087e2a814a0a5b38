// The store contract (contract.ts) on PostgreSQL: a real server started for this file, a new
// schema per test (its own empty store). Skipped with a message when PostgreSQL is not installed (failed in CI).
import pg from 'pg';
import { createPool } from '../../../src/store/postgres/database.ts';
import { createPostgresStore } from '../../../src/store/postgres/index.ts';
import { describePostgres } from '../../support/postgres.ts';
import { describeStoreContract, type ContractDatabase } from './contract.ts';

describePostgres('store contract on PostgreSQL', ({ freshUrl }) => {
  describeStoreContract('postgres', () => ({
    async newDatabase(): Promise<ContractDatabase> {
      const url = await freshUrl();
      let reader: pg.Pool | null = null;
      const read = async () => (reader ??= createPool(url, { max: 1 }));
      return {
        open: async (options = {}) => {
          const store = await createPostgresStore({ url, ...options });
          return {
            ...store,
            close: async () => {
              await store.close();
              await reader?.end();
              reader = null;
            },
          };
        },
        count: async (table) => Number((await (await read()).query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
        row: async (text, ...params) => (await (await read()).query(text, params)).rows[0],
      };
    },
  }));
});
