// /position add: records a fill with its entry snapshot (spot, per-leg vols, VIX, credit,
// baseline k₀, calibration) so every later evaluation reads the invariant against it.
import { z } from 'zod';
import { assertValidCondor, entryCalibration, strikeScaleViolation, type Condor } from '../src/engine/index.ts';
import { defineCommand } from '../src/app/command.ts';
import { UserError } from '../src/app/errors.ts';
import { marketView, resolveExpiry } from '../src/app/market-view.ts';
import { marketFor, openPosition } from '../src/app/positions.ts';
import { strikeList, dollars, points, signedPercent } from '../src/app/format.ts';
import { option, optional } from '../src/app/options.ts';
import { NOT_ADVICE } from '../src/app/reply.ts';
import {
  chosenUnderlying,
  expiryOption,
  quantityOption,
  settlementOption,
  strikeOptions,
  underlyingOption,
} from './support/options.ts';

/** The trading calendar's rules and the history the bot knows start here. */
const FIRST_OPENED = '1990-01-01';

export default defineCommand({
  name: 'position add',
  description: 'Record an iron condor you opened, with its entry snapshot',
  options: z
    .object({
      ...strikeOptions,
      expiry: expiryOption,
      credit: option.number({
        description: 'Net credit of your fill, per share in points',
        example: 14.2,
        min: 0,
        exclusiveMin: true,
      }),
      qty: quantityOption,
      opened: optional(
        option.date({
          description: 'Date you opened it (default today); the snapshot uses the spot and vix options if given',
          example: '2026-11-20',
        }),
      ),
      note: optional(
        option.string({
          description: 'A note for yourself (up to 200 characters)',
          example: 'earnings week',
          maxLength: 200,
        }),
      ),
      spot: optional(
        option.number({
          description: 'Spot at entry (default: the market now)',
          example: 5800,
          min: 1,
          max: 1_000_000,
        }),
      ),
      vix: optional(
        option.number({ description: 'VIX at entry (default: the market now)', example: 16.4, min: 1, max: 200 }),
      ),
      underlying: underlyingOption,
      settlement: settlementOption,
    })
    .strict(),
  visibility: 'caller',
  expensive: 'chain',
  examples: [
    '/position add 5615 5665 6335 6385 2027-01-08 credit=14.2',
    '/position add 5615 5665 6335 6385 45 credit=14.2 qty=2 note="Dec cycle"',
  ],
  async run(input, context) {
    const underlying = chosenUnderlying(input.underlying, input.spot);
    const today = context.calendar.newYorkDate(context.clock.now());
    if (input.opened && input.opened > today)
      throw new UserError(
        'opened-future',
        `Option opened ${input.opened} is in the future (today is ${today}); e.g. opened=${today}.`,
      );
    if (input.opened && input.opened < FIRST_OPENED)
      throw new UserError(
        'opened-too-early',
        `Option opened ${input.opened} is before ${FIRST_OPENED}, where the calendar and the data start; e.g. ` +
          `opened=${today}.`,
      );
    const openedPast = input.opened !== undefined && input.opened < today;
    if (openedPast && (input.spot === undefined || input.vix === undefined)) {
      throw new UserError(
        'entry-market-required',
        `A position opened on ${input.opened} needs its entry market: give spot= and vix= of that day, e.g. ` +
          `spot=5800 vix=16.4.`,
      );
    }
    const view = await marketView(
      context,
      { spot: input.spot, vix: input.vix, date: openedPast ? input.opened : undefined },
      { chain: !openedPast },
    );
    const { expiry, settlement, settlementMs } = resolveExpiry(context, input.expiry, view.state.valuationDate, {
      settlement: input.settlement,
      // Opened now: an expiry that has settled cannot be opened. Opened earlier: checked against that date below.
      valuationMs: openedPast ? undefined : view.state.valuationMs,
    });
    if (input.opened && input.opened > expiry)
      throw new UserError(
        'opened-after-expiry',
        `Option opened ${input.opened} is after the expiry ${expiry}: a condor is opened on or before its expiry, ` +
          `e.g. opened=${expiry}.`,
      );
    const state = openedPast
      ? { ...marketFor(underlying.symbol, view, expiry), vol: view.state.vol }
      : marketFor(underlying.symbol, view, expiry);
    const strikes = {
      longPut: input.long_put,
      shortPut: input.short_put,
      shortCall: input.short_call,
      longCall: input.long_call,
    };
    const condor: Condor = { underlying, strikes, expiry, quantity: input.qty ?? 1, credit: input.credit };
    assertValidCondor(condor, view.state.valuationDate);
    const tooFar = strikeScaleViolation(strikes, state.spot);
    if (tooFar) throw tooFar;
    const clock = context.calendar.clockAt(state.valuationMs, expiry, settlement);
    const source =
      input.spot !== undefined || input.vix !== undefined
        ? 'user'
        : view.snapshot.demo
          ? 'demo'
          : view.snapshot.spot.source;
    const stored = await openPosition(context.user.positions, {
      condor,
      settlement,
      settlementMs,
      market: state,
      clock,
      vix: view.vix,
      note: input.note ?? null,
      source,
      // SPX at entry lets a position on another underlying follow SPX afterwards (see marketFor);
      // known only for a position opened now (the market's SPX is today's).
      ...(underlying.symbol !== 'SPX' && !openedPast ? { spxAtEntry: view.snapshot.spot.value } : {}),
    });
    const entry = stored.entry;
    const calibration = entryCalibration(strikes, entry);
    const fill = calibration.explained
      ? `your fill is ${signedPercent(entry.calibration - 1)} vs the model's ${points(entry.modelMark)}; later ` +
        `marks scale the model's time value by ${calibration.timeValueFactor.toFixed(3)}, fading to nothing at ` +
        `settlement.`
      : `your fill is ${points(condor.credit)} against the model's ${points(entry.modelMark)}.`;
    return {
      title: `Position ${stored.id} recorded`,
      visibility: 'caller',
      tone: calibration.explained ? 'good' : 'warn',
      lines: [
        `${underlying.symbol} ${strikeList(strikes)} · ${expiry}${settlement === 'AM' ? ' AM-settled' : ''} ` +
          `x${condor.quantity} for ${points(condor.credit)} credit ` +
          `(${dollars(condor.credit * underlying.multiplier * condor.quantity)}).`,
        `Entry: spot ${points(entry.spot)}, VIX ${points(entry.vix)}, cushion y₀ ${points(entry.cushion, 1)} pts, ` +
          `baseline k₀ ${points(entry.baselineK, 1)}; ${fill}`,
        ...(calibration.warning ? [calibration.warning] : []),
        `See it with /position show ${stored.id}.`,
      ],
      footer: [...view.footer, NOT_ADVICE],
      data: { position: stored },
    };
  },
});
