// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temp folder, pg_ctl start on
// a free 127.0.0.1 port (its Unix socket in the same folder, trust auth, fsync off: nothing here
// needs to survive a crash), one database per suite, stopped and deleted at the end.
// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { makeTempDir } from './temp-dir.ts';

export interface PostgresServer {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/NAME */
  urlOf(database: string): string;
  /** A new, empty database (from template0); returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /**
   * A new, empty schema in a database, and a URL whose connections see only it (search_path):
   * an empty store per test in milliseconds, where a database per test costs a file copy.
   */
  createSchema(databaseUrl: string): Promise<string>;
  stop(): void;
}

/** The folder holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin; null when neither. */
export function findPostgresBin(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return null;
}

export const POSTGRES_MISSING =
  'PostgreSQL not found (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin): ' +
  'install Debian\'s "postgresql" package to run the PostgreSQL half';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

let counter = 0;

export async function startPostgres(bin = findPostgresBin()): Promise<PostgresServer> {
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = makeTempDir('condor-pg-');
  const data = path.join(dir, 'data');
  const asServerUser = (file: string, args: string[]) => {
    const [command, commandArgs] = isRoot()
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args]]
      : [path.join(bin, file), args];
    execFileSync(command as string, commandArgs as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  try {
    asServerUser('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-locale']);
    const options = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    asServerUser('pg_ctl', ['start', '-D', data, '-w', '-t', '30', '-l', path.join(dir, 'server.log'), '-o', options]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`PostgreSQL did not start: ${stderr || (error as Error).message}`);
  }
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    port,
    urlOf,
    async createDatabase(name = `condor_${process.pid}_${++counter}`) {
      const admin = new pg.Client({ connectionString: urlOf('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
      } finally {
        await admin.end();
      }
      return urlOf(name);
    },
    async createSchema(databaseUrl) {
      const name = `test_${process.pid}_${++counter}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA "${name}"`);
      } finally {
        await admin.end();
      }
      return `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asServerUser('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}
