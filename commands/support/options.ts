// Options several commands share, so their wording and examples are the same everywhere.
import { UserError } from '../../src/app/errors.ts';
import { named, option, optional } from '../../src/app/options.ts';
import { UNDERLYINGS, type Underlying, type UnderlyingSymbol } from '../../src/engine/index.ts';

export const strikeOptions = {
  long_put: option.number({
    description: 'Long put strike (the lowest), index points',
    example: 5615,
    min: 0,
    exclusiveMin: true,
  }),
  short_put: option.number({
    description: 'Short put strike, index points',
    example: 5665,
    min: 0,
    exclusiveMin: true,
  }),
  short_call: option.number({
    description: 'Short call strike, index points',
    example: 6335,
    min: 0,
    exclusiveMin: true,
  }),
  long_call: option.number({
    description: 'Long call strike (the highest), index points',
    example: 6385,
    min: 0,
    exclusiveMin: true,
  }),
};

export const expiryOption = option.expiry({
  description: 'Expiry date YYYY-MM-DD, or days to expiry (nearest listed)',
  example: '2027-01-08',
});

export const settlementOption = optional(
  option.choice(['pm', 'am'] as const, {
    description: 'Settlement: pm (default, SPXW, at the close) or am (the standard monthly, at the open)',
    example: 'pm',
  }),
);

export const whatIfSpot = optional(
  option.number({
    description: "What-if: this spot of the condor's underlying instead of the market",
    example: 5800,
    min: 1,
    max: 1_000_000,
  }),
);
export const whatIfVix = optional(
  option.number({ description: 'What-if: value with this VIX level (vol = VIX/100)', example: 18.5, min: 1, max: 200 }),
);
export const quantityOption = optional(
  option.integer({ description: 'Number of condors (default 1)', example: 2, min: 1, max: 10_000 }),
);
export const underlyingOption = optional(
  option.choice(['spx', 'xsp', 'spy'] as const, {
    description: 'Underlying: spx (default), xsp or spy',
    example: 'spx',
  }),
);
/**
 * The underlying the option names (SPX when not given). SPY needs spot=: the market data is SPX's
 * and SPY is not SPX/10 (see marketFor), so its spot is the trader's to give.
 */
export function chosenUnderlying(choice: 'spx' | 'xsp' | 'spy' | undefined, spot: number | undefined): Underlying {
  // The option's choices are the symbols in lower case.
  const underlying = UNDERLYINGS[(choice ?? 'spx').toUpperCase() as UnderlyingSymbol];
  if (underlying.symbol === 'SPY' && spot === undefined)
    throw new UserError('spot-required', 'Option spot is required for SPY (the market data is SPX): e.g. spot=580.');
  return underlying;
}

export const positionIdOption = option.positionId({
  description: 'Position id (see /position list)',
  example: 'k3m9tq',
});

/** The first step of a record proposed by a button: show what would be recorded (src/app/confirm.ts). */
export const reviewOption = named(
  optional(
    option.boolean({
      description: 'Show what would be recorded and ask to confirm; records nothing',
      example: true,
    }),
  ),
);
/** The second step: the code a Confirm button carries (src/app/confirm.ts). */
export const confirmOption = named(
  optional(
    option.string({
      description: 'The code of a Confirm button (buttons fill it in)',
      example: '0hqz3kAbCdEfGh',
      maxLength: 32,
      pattern: /^[0-9a-z]{6}[A-Za-z0-9_-]{8}$/,
      patternMessage: 'must be the code of a Confirm button',
    }),
  ),
);
