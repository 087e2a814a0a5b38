// A user's settings: only the keys they changed are stored; get() overlays them on the defaults.
//
// Writing a key's default value deletes its row (so "reset" and "set to the default" agree), and
// null resets a key, with one exception: profitTarget null is a real value, "no profit target"
// (PositionSettings), so it is stored; reset the profit target by setting the default, 0.5.
// accountSize and riskPerTrade default to null (not set), so null simply clears them. New keys need
// no migration: each is a row of the key/value settings table.
// The policy is the other exception: a policy the user picks is kept even when it equals today's
// default, so that when the evidence moves the default (docs/evidence.md) a user who chose keeps
// their choice; only null (reset) removes it. policyChosen() tells the two apart.
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { DEFAULT_SETTINGS } from '../engine/index.ts';
import { POLICY_NAMES, type PolicyName } from '../engine/policies/index.ts';
import { UserError } from '../app/errors.ts';
import type { SettingsRepository, UserSettings } from '../app/ports.ts';
import { writeTransaction } from './transaction.ts';

export const DEFAULT_USER_SETTINGS: Readonly<UserSettings> = Object.freeze({
  ...DEFAULT_SETTINGS,
  summaryTime: null,
  accountSize: null,
  riskPerTrade: null,
});

type Key = keyof UserSettings;

interface Rule {
  /** The name the user types (the /settings option). */
  option: string;
  schema: z.ZodType;
  rule: string;
  example: string;
}

const fraction = z.number().gt(0).lt(1);
const days = z.number().int().min(0).max(365);

const RULES: Record<Key, Rule> = {
  profitTarget: {
    option: 'profit_target',
    schema: z.number().gt(0).lte(1).nullable(),
    rule: 'a share of the credit in (0, 1], or off',
    example: 'profit_target=0.5',
  },
  stopLoss: {
    option: 'stop_loss',
    schema: z.number().gt(0).lte(10),
    rule: 'a multiple of the credit in (0, 10]',
    example: 'stop_loss=2',
  },
  exitDte: { option: 'exit_dte', schema: days, rule: 'whole days from 0 to 365 (0 = off)', example: 'exit_dte=0' },
  minRollDte: { option: 'min_roll_dte', schema: days, rule: 'whole days from 0 to 365', example: 'min_roll_dte=7' },
  thresholdMin: {
    option: 'threshold_min',
    schema: fraction,
    rule: 'a fraction in (0, 1), at most threshold_max',
    example: 'threshold_min=0.15',
  },
  thresholdMax: {
    option: 'threshold_max',
    schema: fraction,
    rule: 'a fraction in (0, 1), at least threshold_min',
    example: 'threshold_max=0.2',
  },
  policy: {
    option: 'policy',
    schema: z.enum(POLICY_NAMES as [PolicyName, ...PolicyName[]]),
    rule: `one of ${POLICY_NAMES.join(', ')}`,
    example: 'policy=delta',
  },
  triggerMoves: {
    option: 'trigger_moves',
    schema: z.number().gt(0).lte(5),
    rule: 'expected moves in (0, 5]',
    example: 'trigger_moves=0.5',
  },
  minAdjustDays: {
    option: 'min_adjust_days',
    schema: days,
    rule: 'whole days from 0 to 365',
    example: 'min_adjust_days=5',
  },
  deltaTrigger: { option: 'delta_trigger', schema: fraction, rule: 'a delta in (0, 1)', example: 'delta_trigger=0.5' },
  maxHedgeLayers: {
    option: 'max_hedge_layers',
    schema: z.number().int().min(1).max(5),
    rule: 'a whole number from 1 to 5',
    example: 'max_hedge_layers=3',
  },
  accountSize: {
    option: 'account',
    schema: z.number().gt(0).lte(1e10).nullable(),
    rule: 'an account size in dollars above 0, or off',
    example: 'account=50000',
  },
  riskPerTrade: {
    option: 'risk',
    schema: z.number().gt(0).lte(1).nullable(),
    rule: 'a share of the account above 0 and up to 100%, or off',
    example: 'risk=2%',
  },
  summaryTime: {
    option: 'summary_time',
    schema: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    rule: 'a New York time HH:MM',
    example: 'summary_time=09:45',
  },
};

const isKey = (key: string): key is Key => Object.hasOwn(RULES, key);

export const SETTING_OPTIONS: Readonly<Record<Key, string>> = Object.freeze(
  Object.fromEntries(Object.entries(RULES).map(([key, rule]) => [key, rule.option])) as Record<Key, string>,
);

export function prepareSettingsStatements(db: Database) {
  return {
    all: db.prepare('SELECT key, value_json FROM settings WHERE user_id = ?'),
    put: db.prepare(`INSERT INTO settings (user_id, key, value_json) VALUES (?, ?, ?)
      ON CONFLICT (user_id, key) DO UPDATE SET value_json = excluded.value_json`),
    remove: db.prepare('DELETE FROM settings WHERE user_id = ? AND key = ?'),
  };
}

export type SettingsStatements = ReturnType<typeof prepareSettingsStatements>;

const invalid = (key: Key, value: unknown) => {
  const { option, rule, example } = RULES[key];
  return new UserError(
    'setting-invalid',
    `${option} must be ${rule}, e.g. ${example} (got ${JSON.stringify(value)}).`,
    { setting: option },
  );
};

export type SettingsPatch = Parameters<SettingsRepository['update']>[0];

export interface SettingRow {
  key: string;
  value_json: string;
}

/** The user's effective settings from their stored rows: defaults overlaid with what they changed. */
export function readSettings(rows: readonly SettingRow[]): UserSettings {
  const settings: Record<string, unknown> = { ...DEFAULT_USER_SETTINGS };
  for (const row of rows) {
    // A stored value that today's rules refuse (a key renamed or narrowed) falls back to the default.
    if (!isKey(row.key)) continue;
    const parsed = RULES[row.key].schema.safeParse(JSON.parse(row.value_json));
    if (parsed.success) settings[row.key] = parsed.data;
  }
  return settings as unknown as UserSettings;
}

/** A row to write: the value's JSON, or null to delete the key's row. */
export interface SettingWrite {
  key: Key;
  valueJson: string | null;
}

/**
 * What a patch writes, checked against the current effective settings (read inside the write
 * transaction, so a concurrent change of threshold_max cannot slip between the check and the
 * write). Throws a UserError, writing nothing, for an unknown key or a value the rules refuse.
 * The one home of these rules for both stores (SQLite here, PostgreSQL in src/store/postgres).
 */
export function settingsWrites(patch: SettingsPatch, current: UserSettings): SettingWrite[] {
  const writes: SettingWrite[] = [];
  const changes: [Key, unknown][] = [];
  const effective: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (!isKey(key)) {
      throw new UserError(
        'setting-unknown',
        `There is no setting ${key}; settings are ${Object.values(SETTING_OPTIONS).join(', ')}.`,
        { setting: key },
      );
    }
    if (value === undefined) continue;
    if (value === null && key !== 'profitTarget') {
      if (key === 'policy') {
        writes.push({ key, valueJson: null });
        effective[key] = DEFAULT_USER_SETTINGS[key];
      } else changes.push([key, DEFAULT_USER_SETTINGS[key]]);
      continue;
    }
    const parsed = RULES[key].schema.safeParse(value);
    if (!parsed.success) throw invalid(key, value);
    changes.push([key, parsed.data]);
  }
  const after = { ...effective, ...Object.fromEntries(changes) } as unknown as UserSettings;
  if (after.thresholdMin > after.thresholdMax) {
    throw new UserError(
      'setting-invalid',
      `threshold_min (${after.thresholdMin}) must be at most threshold_max (${after.thresholdMax}), ` +
        'e.g. threshold_min=0.15 threshold_max=0.2.',
      { setting: 'threshold_min' },
    );
  }
  for (const [key, value] of changes) {
    writes.push({
      key,
      valueJson: value === DEFAULT_USER_SETTINGS[key] && key !== 'policy' ? null : JSON.stringify(value),
    });
  }
  return writes;
}

/** True when the user picked their policy (a valid stored row), false when they have the default. */
export const policyChosenIn = (rows: readonly SettingRow[]): boolean =>
  rows.some((row) => row.key === 'policy' && RULES.policy.schema.safeParse(JSON.parse(row.value_json)).success);

export function createSettingsRepository(
  db: Database,
  statements: SettingsStatements,
  userId: string,
): SettingsRepository {
  const s = statements;
  const rows = () => s.all.all(userId) as SettingRow[];
  const get = (): UserSettings => readSettings(rows());

  const update = writeTransaction(db, (patch: SettingsPatch): UserSettings => {
    for (const write of settingsWrites(patch, get())) {
      if (write.valueJson === null) s.remove.run(userId, write.key);
      else s.put.run(userId, write.key, write.valueJson);
    }
    return get();
  });

  return {
    get: async () => get(),
    update: async (patch) => update(patch),
    policyChosen: async () => policyChosenIn(rows()),
  };
}
