// Vitest glue for a real PostgreSQL server (postgres-server.ts): one server per test file, started
// in beforeAll and stopped (its folder deleted) in afterAll. Without PostgreSQL on this machine the
// suite is skipped with a line naming what is missing; in CI (CI=true) a missing server fails instead.
import { afterAll, beforeAll, describe } from 'vitest';
import { findPostgresBin, POSTGRES_MISSING, startPostgres, type PostgresServer } from './postgres-server.ts';

export interface PostgresSuite {
  /** The running server (set in beforeAll). */
  server(): PostgresServer;
  /** A new, empty schema in this file's database: a URL for a fresh store (see createSchema). */
  freshUrl(): Promise<string>;
}

/** describe() when PostgreSQL can run here, else describe.skip() with a console line (or a failure in CI). */
export function describePostgres(name: string, body: (suite: PostgresSuite) => void): void {
  const bin = findPostgresBin();
  if (!bin && process.env.CI !== 'true') {
    console.warn(`[skipped] ${name}: ${POSTGRES_MISSING}`);
    describe.skip(name, () => body({ server: () => undefined as never, freshUrl: () => undefined as never }));
    return;
  }
  describe(name, () => {
    let server: PostgresServer | undefined;
    let database: string | undefined;
    beforeAll(async () => {
      // In CI a missing PostgreSQL is an error (startPostgres throws POSTGRES_MISSING), not a skip.
      server = await startPostgres(bin);
      database = await server.createDatabase();
    }, 60_000);
    afterAll(() => server?.stop(), 60_000);
    const running = () => {
      if (!server || !database) throw new Error('PostgreSQL server not started');
      return server;
    };
    body({ server: running, freshUrl: () => running().createSchema(database!) });
  });
}
