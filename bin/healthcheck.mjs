#!/usr/bin/env node
// Docker HEALTHCHECK: healthy while the bot's heartbeat file (next to the database) is fresh.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const database = process.env.DATABASE_PATH ?? './data/condor-xyk.db';
try {
  const age = Date.now() - statSync(join(dirname(database), 'heartbeat')).mtimeMs;
  process.exit(age < 120_000 ? 0 : 1);
} catch {
  process.exit(1);
}
