// Online backup of the live database (`backup FILE`). SQLite's backup API overwrites its target:
// pointed at the live file (by any path, link or case) it would replace the database with itself
// mid-write, so the destination must be another file.
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { isInMemoryPath } from './paths.ts';

export class BackupRefusedError extends Error {
  override readonly name = 'BackupRefusedError';
}

const realPath = (file: string) => {
  const resolved = path.resolve(file);
  return existsSync(resolved) ? realpathSync(resolved) : resolved;
};

const sameFile = (a: string, b: string): boolean => {
  if (realPath(a) === realPath(b)) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  const [sa, sb] = [statSync(a), statSync(b)];
  return sa.dev === sb.dev && sa.ino === sb.ino;
};

/** Why `destination` cannot take a backup of `db`, or null when it can. */
export function backupRefusal(db: Database, destination: string): string | null {
  if (destination.trim() === '' || isInMemoryPath(destination)) {
    return 'backup needs a file to write, e.g. backup ./backups/condor.db (":memory:" would keep nothing)';
  }
  const live = db.name;
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (sameFile(destination, `${live}${suffix}`)) {
      const which = suffix ? ` (its ${suffix.slice(1)} file)` : '';
      return (
        `backup refused: ${destination} is the live database${which}; ` +
        'choose another file, e.g. backup ./backups/condor.db'
      );
    }
  }
  return null;
}

export async function backupDatabase(db: Database, destination: string): Promise<void> {
  const refusal = backupRefusal(db, destination);
  if (refusal) throw new BackupRefusedError(refusal);
  await db.backup(destination);
}
