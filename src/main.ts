// condor-xyk's entry point and composition root: `npm start` and `npm run cli -- <command>`.
//   start                       the bots whose tokens are set, plus the scheduler (HEADLESS=true: the
//                               scheduler only); else the console, which needs a terminal or piped input
//   run "<chat command>"        one chat command, as a platform would run it [--user ID] [--json] [--at]
//   summary / backtest / data sync / register / backup FILE / migrate-store --to URL   (see --help)
// Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input (one line on stderr).
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createConfig, secretsOf, type Config } from './config.ts';
import { buildApp, openApp, type AnyApp } from './compose.ts';
import { createLogger, readableLogLine, scrubber } from './logging.ts';
import { parseInstant, runOnce } from './cli/run.ts';
import { testClockFrom } from './test-clock.ts';
import { runsHostDuties, shardOf } from './platforms/discord/shards.ts';

// discord.js and telegraf are loaded only by the commands that use a platform (start, summary, register): the
// console, `run` and the other CLI commands start without them (docs/decisions.md "Start fast"). Each
// subcommand's own module (the console, summary, backtest, data sync, backup, the health server) is imported when
// that subcommand runs: `run "/market"` loads none of them (7 MB less on Node 24, `npm run bench -- startup`).
const loadBots = () => import('./bots.ts');

const USAGE = `Usage: npm run cli -- <command> [options]
  start                                   start the bots (tokens in .env) or the console
  run "<chat command>" [--user ID] [--json] [--at ISO-INSTANT]
                                          run one chat command, e.g. run "/market"; --at values as of
                                          that instant, e.g. --at 2026-12-03T10:00:00-05:00
  summary [--date YYYY-MM-DD] [--send] [--json]
  backtest [--from] [--to] [--policy cp|delta|hold|all] [--spx FILE] [--vix FILE] [--json]
  data sync                               download VIX/VIX3M/VVIX and SPX history
  register                                publish slash commands (Discord) and the menu (Telegram)
  backup FILE                             online backup of the SQLite database (PostgreSQL: pg_dump)
  migrate-store --to postgres://…         copy the SQLite database into an empty PostgreSQL one`;

class UsageError extends Error {}

const PG_DUMP_HINT =
  'backup copies the SQLite file; with DATABASE_URL set, back up PostgreSQL with pg_dump: ' +
  'pg_dump --format=custom "$DATABASE_URL" > condor.dump';

/** Scrubs the configured secrets out of what main prints itself (the logger scrubs its own lines). */
let scrub: (text: string) => string = (text) => text;

/** Set by a run of the bots: main ends the process itself (a peer's pending timer must not keep it). */
let exitWhenDone = false;

function loadConfig(): Config {
  // .env is read at start; variables already in the environment win. Tests never read it.
  if (!process.env.CONDOR_XYK_TEST && existsSync('.env')) process.loadEnvFile('.env');
  const result = createConfig(process.env);
  if (!result.ok) {
    process.stderr.write(`Configuration: ${result.error}\n`);
    process.exit(2);
  }
  return result.config;
}

const localUserName = () => {
  try {
    return userInfo().username || 'you';
  } catch {
    return 'you';
  }
};

async function main(argv: string[]): Promise<number> {
  const [command = 'start', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  scrub = scrubber(secretsOf(config));
  // In the terminal (console, one-off CLI commands) JSON logs would bury the answers: warn and
  // above unless LOG_LEVEL asks otherwise. The bots log at LOG_LEVEL.
  const botsRun = command === 'start' && (config.discordEnabled || config.telegramEnabled || config.HEADLESS);
  const level = process.env.LOG_LEVEL || botsRun ? config.LOG_LEVEL : 'warn';
  // The bots write JSON lines for log collectors; a person at a terminal gets one readable line.
  const write =
    botsRun || process.env.LOG_LEVEL
      ? (line: string) => process.stderr.write(line)
      : (line: string) => process.stderr.write(readableLogLine(line));
  const logger = createLogger({ level, secrets: secretsOf(config), write });
  const testClock = testClockFrom(process.env);
  if (!testClock.ok) throw new UsageError(testClock.error);
  // The store the configuration names: PostgreSQL with DATABASE_URL, else the SQLite file.
  const build = () => openApp(config, logger, { clock: testClock.clock });
  switch (command) {
    case 'start': {
      if (rest.length) throw new UsageError(`start takes no arguments; got ${rest.join(' ')}`);
      const app = await build();
      if (botsRun) return runBots(app, logger);
      try {
        const interactive = Boolean(process.stdin.isTTY);
        // Piped into a reader that stops early (`| head`): the end of the pipe is the end of the session.
        process.stdout.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'EPIPE') process.exit(0);
          throw error;
        });
        const { runConsole } = await import('./platforms/console/console.ts');
        const { failures, commands } = await runConsole({
          deps: app.deps,
          input: process.stdin,
          output: process.stdout,
          attachmentsDir: config.CHARTS_DIR,
          interactive,
          userName: localUserName(),
        });
        if (!interactive && commands === 0) {
          // A container with no token and no terminal: say so, rather than exit 0 in a silent restart loop.
          process.stderr.write(
            'Nothing to run: no DISCORD_TOKEN or TELEGRAM_BOT_TOKEN is set and there is no terminal for the console. ' +
              'Set a token, or HEADLESS=true to run the scheduler only (docs/self-hosting.md).\n',
          );
          return 2;
        }
        // Piped input: a failed command is a bad-input exit for scripts.
        return !interactive && failures === commands ? 2 : 0;
      } finally {
        await app.close();
      }
    }
    case 'run': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { user: { type: 'string' }, json: { type: 'boolean' }, at: { type: 'string' } },
      });
      if (positionals.length !== 1)
        throw new UsageError('run takes one chat command in quotes, e.g. run "/condor eval 5615 5665 6335 6385 45"');
      const atMs = values.at === undefined ? undefined : parseInstant(values.at);
      if (atMs === null)
        throw new UsageError(
          `--at takes an ISO instant with its UTC offset, e.g. --at 2026-12-03T10:00:00-05:00; got ` +
            `${JSON.stringify(values.at)}`,
        );
      const app = await build();
      try {
        return await runOnce(app, positionals[0]!, {
          user: values.user,
          json: values.json,
          userName: localUserName(),
          atMs,
        });
      } finally {
        await app.close();
      }
    }
    case 'summary': {
      const app = await build();
      try {
        const { createSenders, plannerOptions } = await loadBots();
        const senders = createSenders(app, logger);
        const { summaryCli } = await import('./cli/summary.ts');
        return await summaryCli(rest, {
          app,
          planner: senders.size ? plannerOptions(app, senders) : null,
          out: (text) => process.stdout.write(`${text}\n`),
          err: (text) => process.stderr.write(`${text}\n`),
        });
      } finally {
        await app.close();
      }
    }
    case 'backtest': {
      const { backtestCli } = await import('./cli/backtest.ts');
      return backtestCli(rest, { config, logger, out: process.stdout, err: process.stderr });
    }
    case 'register': {
      const { registerCli } = await import('./cli/register.ts');
      return registerCli(rest, {
        config,
        app: build,
        logger,
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
      });
    }
    case 'data': {
      const { dataSyncCli } = await import('./market/sync.ts');
      return dataSyncCli(rest, { config, logger, out: process.stdout, err: process.stderr });
    }
    case 'backup': {
      // PostgreSQL has its own tool for this; a copy by this program would be neither online nor complete.
      if (config.DATABASE_URL) throw new UsageError(PG_DUMP_HINT);
      if (rest.length !== 1) throw new UsageError('backup takes the destination file, e.g. backup ./backups/condor.db');
      const { backupDatabase, backupRefusal } = await import('./store/backup.ts');
      const app = buildApp(config, logger, { clock: testClock.clock });
      try {
        const refusal = backupRefusal(app.store.db, rest[0]!);
        if (refusal) throw new UsageError(refusal);
        await backupDatabase(app.store.db, rest[0]!);
        process.stdout.write(`Backed up ${config.DATABASE_PATH} to ${rest[0]}\n`);
        return 0;
      } finally {
        await app.close();
      }
    }
    case 'migrate-store': {
      const { migrateStoreCli } = await import('./cli/migrate-store.ts');
      return migrateStoreCli(rest, {
        config,
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${scrub(text)}\n`),
      });
    }
    default:
      throw new UsageError(
        `Unknown command ${command}: npm run cli -- --help lists them ` +
          '(start, run, summary, backtest, data sync, register, backup, migrate-store).',
      );
  }
}

/** A stop that takes longer than this is cut short: SIGTERM always ends the process within 10 s. */
const STOP_DEADLINE_MS = 8_000;
const EXIT_DEADLINE_MS = 9_500;

/**
 * Runs the bots and the scheduler until SIGINT or SIGTERM, then stops in order and exits 0. If
 * every configured platform stopped for good (a revoked token), stops and fails with their reasons.
 */
async function runBots(app: AnyApp, logger: ReturnType<typeof createLogger>): Promise<number> {
  exitWhenDone = true;
  const { config } = app;
  // Listen before starting: a signal that arrives while the bots connect still stops them cleanly.
  let signalled = false;
  const stopRequested = new Promise<string>((resolve) => {
    const onSignal = (signal: string) => {
      if (signalled) {
        logger.warn({ signal }, 'second signal; exiting now');
        process.exit(0);
      }
      signalled = true;
      // Whatever is still pending (a peer that never answers), the process ends in time.
      setTimeout(() => {
        logger.warn({ deadlineMs: EXIT_DEADLINE_MS }, 'shutdown took too long; exiting');
        process.exit(0);
      }, EXIT_DEADLINE_MS).unref();
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const { startBots } = await loadBots();
  // Under the ShardingManager, only shard 0's process runs the scheduler and the endpoints.
  const shard = shardOf(process.env);
  const hostDuties = runsHostDuties(shard);
  if (shard) logger.info({ shards: shard.ids, shardCount: shard.count, hostDuties }, 'discord shard process');
  const running = startBots(app, logger, { headless: config.HEADLESS, hostDuties });
  const startHealth = async (port: number) => {
    const { startHealthServer } = await import('./platforms/health.ts');
    return startHealthServer({ health: running.health, port, host: config.HEALTH_HOST, logger });
  };
  const health = config.HEALTH_PORT && hostDuties ? await startHealth(config.HEALTH_PORT) : null;
  const outcome = await Promise.race([
    stopRequested.then((signal) => ({ signal, failure: null })),
    running.allStopped.then((failure) => ({ signal: null, failure })),
  ]);
  logger.info(outcome.signal ? { signal: outcome.signal } : {}, 'shutting down');
  await running.stop(STOP_DEADLINE_MS);
  await health?.close();
  await app.close();
  if (outcome.failure) throw new Error(`no platform could start (${outcome.failure})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    if (exitWhenDone) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(scrub(`${(error as Error).message}\n`));
      process.exitCode = 2;
    } else {
      process.stderr.write(scrub(`condor-xyk failed: ${(error as Error)?.message ?? error}\n`));
      process.exitCode = 1;
      if (exitWhenDone) process.exit(1);
    }
  },
);
