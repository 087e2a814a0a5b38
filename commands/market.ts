// /market: SPX, VIX, percentile, regime, term structure, threshold (and the day after a release),
// SPX RSI and MACD from the daily closes, next events, data age.
import { z } from 'zod';
import { defineCommand } from '../src/app/command.ts';
import { marketView } from '../src/app/market-view.ts';
import { percent, points, signedPercent } from '../src/app/format.ts';
import { NOT_ADVICE } from '../src/app/reply.ts';
import { dayAfterText, indicatorsText } from '../src/app/market-context.ts';
import { marketIndicators } from '../src/engine/index.ts';

export default defineCommand({
  name: 'market',
  description: 'SPX, VIX, percentile, regime, term structure, threshold T and next events',
  options: z.object({}).strict(),
  visibility: 'channel',
  examples: ['/market'],
  async run(_input, context) {
    const view = await marketView(context);
    const { snapshot, regime } = view;
    const today = view.state.valuationDate;
    const events = context.calendar.eventsWithin(today, 3);
    const change = (value: number, previous: number | null | undefined) =>
      previous ? ` (${signedPercent(value / previous - 1, 2)})` : '';
    return {
      title: `Market · ${today}`,
      visibility: 'channel',
      tone: regime.regime === 'extreme' || regime.spike ? 'warn' : 'neutral',
      lines: [`${regime.summary}.`, `SPX ${indicatorsText(snapshot)}.`],
      fields: [
        {
          label: 'SPX',
          value: `${points(snapshot.spot.value)}${change(snapshot.spot.value, snapshot.spot.previousClose)}`,
          inline: true,
        },
        {
          label: 'VIX',
          value: `${points(snapshot.vix.value)}${change(snapshot.vix.value, snapshot.vix.previousClose)}${regime.spike ? ' SPIKE' : ''}`,
          inline: true,
        },
        {
          label: 'Percentile / rank',
          value:
            regime.percentile === null
              ? 'unknown (no history)'
              : `${percent(regime.percentile / 100, 0)} / ${percent((regime.rank ?? 0) / 100, 0)}`,
          inline: true,
        },
        { label: 'Regime', value: regime.regime, inline: true },
        {
          label: 'Term structure',
          value: regime.termStructure
            ? `${regime.termStructure} (VIX/VIX3M ${regime.vixToVix3m!.toFixed(3)})`
            : 'unknown (no VIX3M)',
          inline: true,
        },
        {
          label: 'Threshold T',
          value: [percent(regime.threshold), dayAfterText(context.calendar.eventsDayBefore(today))]
            .filter(Boolean)
            .join(' · '),
          inline: true,
        },
        ...(snapshot.vvix ? [{ label: 'VVIX', value: points(snapshot.vvix.value), inline: true }] : []),
        {
          label: 'Next 3 trading days',
          value: events.length
            ? events.map((e) => `${e.date} ${e.kind}: ${e.title}`).join('; ')
            : 'no FOMC, CPI or PPI',
        },
      ],
      footer: [...view.footer, NOT_ADVICE],
      data: {
        snapshot: { ...snapshot, chain: snapshot.chain ? { asOfMs: snapshot.chain.asOfMs } : null },
        regime,
        events,
        indicators: marketIndicators(snapshot.spxCloses ?? []),
      },
    };
  },
});
