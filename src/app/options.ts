// Command options: each helper returns a zod schema (the one validation, done once at the edge)
// and records the metadata the platforms need to present it (Discord option builders, Telegram
// positionals, /help). Platforms hand in typed values (Discord) or words (Telegram, console);
// every helper accepts both, and parses strings explicitly (z.coerce.number() turns '' into 0).
import { z } from 'zod';
import { isIsoDate } from '../engine/dates.ts';

export type OptionKind = 'number' | 'integer' | 'string' | 'boolean' | 'choice' | 'date' | 'expiry' | 'position-id';

export interface OptionMeta {
  kind: OptionKind;
  /** One line, ≤ 100 characters (Discord's limit). */
  description: string;
  required: boolean;
  /** A valid value, shown in errors and /help. */
  example: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  maxLength?: number;
  /** Only as key=value in typed lines, never filled by a positional word (buttons' own options). */
  named?: boolean;
}

const metas = new WeakMap<z.ZodType, OptionMeta>();

/** The metadata of an option schema built by these helpers. */
export function optionMeta(schema: z.ZodType): OptionMeta | undefined {
  return metas.get(schema);
}

type Spec = { description: string; example: string | number | boolean };

function finish<T extends z.ZodType>(schema: T, meta: OptionMeta): T {
  metas.set(schema, meta);
  return schema;
}

/**
 * The dates the calendar and the engine can step around (a few trading days either side) and no
 * trade needs more of: a date near 9999-12-31 would step into a five-digit year and crash them.
 */
export const DATE_RANGE = { first: '1900-01-01', last: '2199-12-31' } as const;
const inDateRange = (text: string) => text >= DATE_RANGE.first && text <= DATE_RANGE.last;

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** '5,615' and '5615.0' are fine; '', '1e3', '12abc' are not. */
function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  return NUMBER_TEXT.test(text) ? Number(text) : value;
}

function numberSchema(spec: Spec & { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean }) {
  const what = spec.integer ? 'a whole number' : 'a number';
  let schema = z.number({ error: `must be ${what}` }).refine(Number.isFinite, { message: `must be ${what}` });
  if (spec.integer) schema = schema.refine(Number.isInteger, { message: 'must be a whole number' });
  if (spec.min !== undefined) {
    const min = spec.min;
    schema = spec.exclusiveMin
      ? schema.refine((n) => n > min, { message: `must be above ${min}` })
      : schema.refine((n) => n >= min, { message: `must be at least ${min}` });
  }
  if (spec.max !== undefined) {
    const max = spec.max;
    schema = schema.refine((n) => n <= max, { message: `must be at most ${max}` });
  }
  return z.preprocess(toNumber, schema);
}

export const option = {
  number(spec: Spec & { min?: number; max?: number; exclusiveMin?: boolean }) {
    return finish(numberSchema(spec), {
      kind: 'number',
      description: spec.description,
      required: true,
      example: String(spec.example),
      min: spec.min,
      max: spec.max,
    });
  },
  integer(spec: Spec & { min?: number; max?: number }) {
    return finish(numberSchema({ ...spec, integer: true }), {
      kind: 'integer',
      description: spec.description,
      required: true,
      example: String(spec.example),
      min: spec.min,
      max: spec.max,
    });
  },
  string(spec: Spec & { maxLength?: number; pattern?: RegExp; patternMessage?: string }) {
    const maxLength = spec.maxLength ?? 200;
    let schema = z
      .string({ error: 'must be text' })
      .trim()
      .min(1, { message: 'must not be empty' })
      .max(maxLength, { message: `must be at most ${maxLength} characters` });
    if (spec.pattern) schema = schema.regex(spec.pattern, { message: spec.patternMessage ?? 'has the wrong form' });
    return finish(schema, {
      kind: 'string',
      description: spec.description,
      required: true,
      example: String(spec.example),
      maxLength,
    });
  },
  boolean(spec: Spec) {
    const schema = z.preprocess(
      (value) => {
        if (typeof value !== 'string') return value;
        const text = value.trim().toLowerCase();
        if (['true', 'yes', 'on', '1', 'y'].includes(text)) return true;
        if (['false', 'no', 'off', '0', 'n'].includes(text)) return false;
        return value;
      },
      z.boolean({ error: 'must be true or false' }),
    );
    return finish(schema, {
      kind: 'boolean',
      description: spec.description,
      required: true,
      example: String(spec.example),
    });
  },
  choice<const T extends readonly [string, ...string[]]>(choices: T, spec: Spec) {
    const schema = z.preprocess(
      (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
      z.enum(choices, { error: `must be one of ${choices.join(', ')}` }),
    );
    return finish(schema, {
      kind: 'choice',
      description: spec.description,
      required: true,
      example: String(spec.example),
      choices,
    });
  },
  date(spec: Spec) {
    const schema = z
      .string({ error: 'must be a date YYYY-MM-DD' })
      .trim()
      .refine(isIsoDate, { message: 'must be a date YYYY-MM-DD', abort: true })
      .refine(inDateRange, { message: `must be a date from ${DATE_RANGE.first} to ${DATE_RANGE.last}` });
    return finish(schema, {
      kind: 'date',
      description: spec.description,
      required: true,
      example: String(spec.example),
    });
  },
  /** A date (YYYY-MM-DD) or a number of days to expiry (45, 45d, 45dte). */
  expiry(spec: Spec) {
    const schema = z.preprocess(
      (value) => {
        if (typeof value === 'number') return { dte: value };
        if (typeof value !== 'string') return value;
        const text = value.trim().toLowerCase();
        if (isIsoDate(text)) return { date: text };
        const days = /^(\d{1,4})\s*(d|dte|days?)?$/.exec(text);
        return days ? { dte: Number(days[1]) } : value;
      },
      z.union(
        [z.object({ date: z.string().refine(inDateRange) }), z.object({ dte: z.number().int().min(0).max(3650) })],
        { error: 'must be a date YYYY-MM-DD or days to expiry (0-3650)' },
      ),
    );
    return finish(schema, {
      kind: 'expiry',
      description: spec.description,
      required: true,
      example: String(spec.example),
    });
  },
  positionId(spec: Spec) {
    const schema = z
      .string({ error: 'must be a position id' })
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9]{4,12}$/, { message: 'must be a position id like k3m9tq (see /position list)' });
    return finish(schema, {
      kind: 'position-id',
      description: spec.description,
      required: true,
      example: String(spec.example),
    });
  },
};

/** Makes an option key=value only in typed lines: positional words never fill it. */
export function named<T extends z.ZodType>(schema: T): T {
  const meta = metas.get(schema);
  if (meta) metas.set(schema, { ...meta, named: true });
  return schema;
}

/** Makes an option optional, keeping its metadata. */
export function optional<T extends z.ZodType>(schema: T) {
  const meta = metas.get(schema);
  const wrapped = schema.optional();
  if (meta) metas.set(wrapped, { ...meta, required: false });
  return wrapped;
}

export type ExpiryInput = { date: string } | { dte: number };
