// `npm run cli -- data sync`: downloads the daily history the percentile and the backtest use into
// MARKET_DATA_DIR under fixed names (HISTORY_FILES): VIX, VIX3M, VVIX and SPX closes from CBOE's
// us_indices/daily_prices CSVs, and FRED's SP500 (last 10 years) as a second SPX source. Each
// download is checked with the history parser (and against the file it would replace) before it
// replaces that file atomically (temp file + rename): a bad download never replaces a good file.
// Exit 0 when the required series arrived (VIX, and SPX from CBOE or FRED), else 1.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../app/ports.ts';
import { asHttpError, createHttpClient, type FetchLike, type HttpClient } from './http.ts';
import { parseHistoryCsv, type DailySeries } from './parsers/history.ts';
import { PLAUSIBLE_LEVEL } from './plausible.ts';
import { describeError } from './parsers/result.ts';

/** The file names in MARKET_DATA_DIR (src/market/history-files.ts and the file provider read these). */
export const VIX_HISTORY_FILE = 'VIX_History.csv';
export const VIX3M_HISTORY_FILE = 'VIX3M_History.csv';
export const VVIX_HISTORY_FILE = 'VVIX_History.csv';
export const SPX_HISTORY_FILE = 'SPX_History.csv';
export const FRED_SP500_FILE = 'fred_SP500.csv';

export const HISTORY_FILES = {
  VIX: VIX_HISTORY_FILE,
  VIX3M: VIX3M_HISTORY_FILE,
  VVIX: VVIX_HISTORY_FILE,
  SPX: SPX_HISTORY_FILE,
  FRED_SP500: FRED_SP500_FILE,
} as const;

export type HistoryKey = keyof typeof HISTORY_FILES;

export const FRED_BASE_URL = 'https://fred.stlouisfed.org';

/** A history file is ~1 MB (SPX since 1928); a download past 16 MiB is stopped and refused. */
export const HISTORY_MAX_BODY_BYTES = 16 * 1024 * 1024;

interface SeriesSpec {
  key: HistoryKey;
  /** Shown in the output. */
  label: string;
  url: (bases: { cboe: string; fred: string }) => string;
  /** Required group: the sync fails when no series of the group arrived. */
  required: 'VIX' | 'SPX' | null;
  /** Closes outside this range mean the wrong file, not a market. */
  plausible: readonly [number, number];
}

const cboeCsv = (name: string) => (bases: { cboe: string }) =>
  `${bases.cboe.replace(/\/+$/, '')}/api/global/us_indices/daily_prices/${name}`;

export const SYNC_SERIES: readonly SeriesSpec[] = [
  { key: 'VIX', label: 'VIX (CBOE)', url: cboeCsv('VIX_History.csv'), required: 'VIX', plausible: PLAUSIBLE_LEVEL.VIX },
  {
    key: 'VIX3M',
    label: 'VIX3M (CBOE)',
    url: cboeCsv('VIX3M_History.csv'),
    required: null,
    plausible: PLAUSIBLE_LEVEL.VIX3M,
  },
  {
    key: 'VVIX',
    label: 'VVIX (CBOE)',
    url: cboeCsv('VVIX_History.csv'),
    required: null,
    plausible: PLAUSIBLE_LEVEL.VVIX,
  },
  { key: 'SPX', label: 'SPX (CBOE)', url: cboeCsv('SPX_History.csv'), required: 'SPX', plausible: PLAUSIBLE_LEVEL.SPX },
  {
    key: 'FRED_SP500',
    label: 'SPX (FRED SP500)',
    url: (bases) => `${bases.fred.replace(/\/+$/, '')}/graph/fredgraph.csv?id=SP500`,
    required: 'SPX',
    plausible: PLAUSIBLE_LEVEL.SPX,
  },
];

export interface SeriesResult {
  key: HistoryKey;
  label: string;
  file: string;
  url: string;
  required: 'VIX' | 'SPX' | null;
  ok: boolean;
  rows?: number;
  from?: string;
  to?: string;
  error?: string;
  /** The file left in place after a failure, if any. */
  kept?: { rows: number; to: string } | null;
}

export interface SyncReport {
  dir: string;
  results: SeriesResult[];
  /** Required groups with no series that arrived. */
  missingRequired: Array<'VIX' | 'SPX'>;
  ok: boolean;
}

export interface SyncOptions {
  dir: string;
  cboeBaseUrl: string;
  /** FRED's base (tests point it at a loopback server); default https://fred.stlouisfed.org. */
  fredBaseUrl?: string;
  http?: HttpClient;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** Only these series (default: all). */
  only?: readonly HistoryKey[];
}

function readExisting(file: string, name: string): DailySeries | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = parseHistoryCsv(text, name);
  return parsed.ok ? parsed.value : null;
}

/** Why a downloaded series must not replace the file, or null when it may. */
export function refuseReason(spec: SeriesSpec, series: DailySeries, existing: DailySeries | null): string | null {
  const [low, high] = spec.plausible;
  const odd = series.bars.find((bar) => bar.close < low || bar.close > high);
  if (odd) return `close ${odd.close} on ${odd.date} is outside ${low}..${high}: not a ${spec.key} file`;
  if (existing && existing.bars.length) {
    const oldLast = existing.bars.at(-1)!.date;
    const newLast = series.bars.at(-1)!.date;
    if (newLast < oldLast) return `ends ${newLast}, before the existing file (${oldLast})`;
    if (series.bars.length < existing.bars.length * 0.9)
      return `${series.bars.length} rows, far fewer than the existing file's ${existing.bars.length}`;
  }
  return null;
}

/** Writes next to the target, flushes, then renames over it: readers see the old file or the new one, never half. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function syncOne(spec: SeriesSpec, options: SyncOptions, http: HttpClient): Promise<SeriesResult> {
  const name = HISTORY_FILES[spec.key];
  const file = path.join(options.dir, name);
  const url = spec.url({ cboe: options.cboeBaseUrl, fred: options.fredBaseUrl ?? FRED_BASE_URL });
  const base = { key: spec.key, label: spec.label, file, url, required: spec.required };
  const existing = readExisting(file, name);
  const kept = existing?.bars.length ? { rows: existing.bars.length, to: existing.bars.at(-1)!.date } : null;
  let text: string;
  try {
    text = (await http.getText(url, { timeoutMs: 60_000, maxBodyBytes: HISTORY_MAX_BODY_BYTES })).text;
  } catch (thrown) {
    const error = asHttpError(thrown, url);
    options.logger?.warn(
      { url, reason: error.reason, detail: error.detail ?? undefined },
      `data sync: ${spec.label} download failed`,
    );
    return { ...base, ok: false, error: error.reason, kept };
  }
  const parsed = parseHistoryCsv(text, name);
  if (!parsed.ok) {
    options.logger?.warn({ url, reason: parsed.error }, `data sync: ${spec.label} download refused`);
    return { ...base, ok: false, error: parsed.error, kept };
  }
  const refused = refuseReason(spec, parsed.value, existing);
  if (refused) {
    options.logger?.warn({ url, reason: refused }, `data sync: ${spec.label} download refused`);
    return { ...base, ok: false, error: refused, kept };
  }
  try {
    await writeFileAtomic(file, text);
  } catch (thrown) {
    return { ...base, ok: false, error: `could not write ${file}: ${describeError(thrown)}`, kept };
  }
  const bars = parsed.value.bars;
  options.logger?.info(
    { file, rows: bars.length, from: bars[0]!.date, to: bars.at(-1)!.date },
    `data sync: ${spec.label} saved`,
  );
  return { ...base, ok: true, rows: bars.length, from: bars[0]!.date, to: bars.at(-1)!.date };
}

/** Downloads, checks and saves every series; never throws for a source's failure. */
export async function syncHistory(options: SyncOptions): Promise<SyncReport> {
  await mkdir(options.dir, { recursive: true });
  const http =
    options.http ??
    createHttpClient({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      timeoutMs: 60_000,
    });
  const specs = SYNC_SERIES.filter((spec) => !options.only || options.only.includes(spec.key));
  const results = await Promise.all(specs.map((spec) => syncOne(spec, options, http)));
  const groups = [
    ...new Set(specs.map((spec) => spec.required).filter((group): group is 'VIX' | 'SPX' => group !== null)),
  ];
  const missingRequired = groups.filter((group) => !results.some((result) => result.required === group && result.ok));
  return { dir: options.dir, results, missingRequired, ok: missingRequired.length === 0 };
}

const count = (n: number) => n.toLocaleString('en-US');

/** One line per series, then a verdict. */
export function formatSyncReport(report: SyncReport): string[] {
  const width = Math.max(...report.results.map((result) => result.label.length));
  const lines = report.results.map((result) => {
    const label = result.label.padEnd(width);
    if (result.ok) return `${label}  ${count(result.rows!)} rows ${result.from}..${result.to} → ${result.file}`;
    const kept = result.kept
      ? `kept the existing file, ${count(result.kept.rows)} rows to ${result.kept.to}`
      : 'no file saved';
    const optional = result.required ? '' : ' (optional)';
    return `${label}  FAILED${optional}: ${result.error} (${kept}) ← ${result.url}`;
  });
  const missingGroupWords = (group: string) => (group === 'SPX' ? 'SPX (CBOE and FRED both failed)' : group);
  if (report.ok) lines.push(`History saved in ${report.dir}.`);
  else lines.push(`Required history missing: ${report.missingRequired.map(missingGroupWords).join(', ')}.`);
  return lines;
}

export interface DataSyncDeps {
  /** The configuration (only these two variables are read). */
  config: { CBOE_BASE_URL: string; MARKET_DATA_DIR: string };
  logger: Logger;
  /** Standard output: a function taking a line, or a stream. */
  out: ((line: string) => void) | { write(text: string): unknown };
  /** Where a usage error goes (default: out). */
  err?: ((line: string) => void) | { write(text: string): unknown };
  fredBaseUrl?: string;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
}

const printer = (target: DataSyncDeps['out']) => (line: string) =>
  typeof target === 'function' ? target(line) : target.write(`${line}\n`);

/**
 * `data sync` for main.ts: args are what follows `data` (['sync']). Returns the exit code: 0, 1 (a required source
 * failed) or 2 (usage).
 */
export async function dataSyncCli(args: readonly string[], deps: DataSyncDeps): Promise<number> {
  const print = printer(deps.out);
  const words = args[0] === 'data' ? args.slice(1) : args;
  if (words.length !== 1 || words[0] !== 'sync') {
    printer(deps.err ?? deps.out)(
      'Usage: npm run cli -- data sync   (downloads VIX, VIX3M, VVIX and SPX history into MARKET_DATA_DIR)' +
        (words.length ? `; got '${words.join(' ')}'` : ''),
    );
    return 2;
  }
  let report: SyncReport;
  try {
    report = await syncHistory({
      dir: deps.config.MARKET_DATA_DIR,
      cboeBaseUrl: deps.config.CBOE_BASE_URL,
      logger: deps.logger,
      ...(deps.fredBaseUrl ? { fredBaseUrl: deps.fredBaseUrl } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  } catch (thrown) {
    // Only the folder itself can fail here (permissions, a file in the way).
    print(`data sync failed: ${describeError(thrown)}`);
    return 1;
  }
  for (const line of formatSyncReport(report)) print(line);
  return report.ok ? 0 : 1;
}
