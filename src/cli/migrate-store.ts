// `cli migrate-store --to postgres://…`: copies the SQLite database (DATABASE_PATH) into an empty
// PostgreSQL database, all tables in one transaction, then prints the verified row count of each.
// Afterwards set DATABASE_URL to that URL (docs/scaling.md, "PostgreSQL store").
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrateStore, TargetNotEmptyError } from '../compose.ts';
import { isPostgresUrl, type Config } from '../config.ts';

export interface MigrateStoreDeps {
  config: Config;
  out: (text: string) => void;
  err: (text: string) => void;
}

const EXAMPLE = 'migrate-store --to postgres://condor:PASSWORD@db.example:5432/condor';

export async function migrateStoreCli(args: string[], { config, out, err }: MigrateStoreDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { to: { type: 'string' } } });
  if (positionals.length || !values.to) {
    err(`migrate-store takes the target database, e.g. ${EXAMPLE}`);
    return 2;
  }
  if (!isPostgresUrl(values.to)) {
    err(`--to must be a PostgreSQL URL (postgres://… or postgresql://…), e.g. ${EXAMPLE}`);
    return 2;
  }
  const source = config.DATABASE_PATH;
  if (!existsSync(source)) {
    err(`No SQLite database at ${source} (DATABASE_PATH): nothing to copy.`);
    return 2;
  }
  try {
    const { counts, target } = await migrateStore(source, values.to);
    const width = Math.max(...Object.keys(counts).map((table) => table.length));
    for (const [table, n] of Object.entries(counts)) out(`${table.padEnd(width)}  ${n}`);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    out(
      `Copied ${source} into ${target}: ${total} rows in ${Object.keys(counts).length} tables, every count verified. ` +
        'Set DATABASE_URL to use it.',
    );
    return 0;
  } catch (error) {
    if (!(error instanceof TargetNotEmptyError)) throw error;
    err(`migrate-store refused: ${error.message}; point --to at an empty database. Nothing was copied.`);
    return 2;
  }
}
