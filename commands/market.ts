// /market: SPX, VIX, percentile, regime, term structure, threshold (and the day after a release),
// SPX RSI and MACD from the daily closes, next events, data age. `/market parity`: the financing
// rate and dividend yield the delayed SPX chain implies, and the strike pairs quoted off parity
// beyond their bid/ask (docs/engine.md, "Parity").
import { z } from 'zod';
import { defineCommand, type CommandContext } from '../src/app/command.ts';
import { marketView, type MarketView } from '../src/app/market-view.ts';
import { newYorkClockTime, percent, points, signedPercent, strike } from '../src/app/format.ts';
import { option, optional } from '../src/app/options.ts';
import type { ChainParity, ExpiryParity, MarketSnapshot } from '../src/app/ports.ts';
import { NOT_ADVICE, type Reply } from '../src/app/reply.ts';
import { dayAfterText, indicatorsText } from '../src/app/market-context.ts';
import { marketIndicators, type MacroEvent, type RegimeReading } from '../src/engine/index.ts';

export default defineCommand({
  name: 'market',
  description: 'SPX, VIX, percentile, regime, term structure, threshold T, events; parity: chain-implied r, q',
  options: z
    .object({
      view: optional(
        option.choice(['summary', 'parity'] as const, {
          description: 'summary (default), or parity: rate, yield and off-parity strikes of the SPX chain',
          example: 'parity',
        }),
      ),
    })
    .strict(),
  visibility: 'channel',
  examples: ['/market', '/market parity'],
  async run(input, context): Promise<Reply<MarketData>> {
    if (input.view === 'parity') return parityReply(await marketView(context, {}, { chain: true }), context);
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
          value:
            `${points(snapshot.vix.value)}${change(snapshot.vix.value, snapshot.vix.previousClose)}` +
            (regime.spike ? ' SPIKE' : ''),
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

/** Flagged strike pairs listed one a line; the rest are counted. */
const FLAGGED_SHOWN = 10;
/** Expiries in the table, nearest first. */
const EXPIRIES_SHOWN = 12;

const DELAYED = 'SPX chain from CBOE, delayed at least 15 minutes.';

/** What /market's summary carries: the snapshot (the chain by its time only), regime, events, indicators. */
export interface MarketSummaryData {
  snapshot: Omit<MarketSnapshot, 'chain'> & { chain: { asOfMs: number } | null };
  regime: RegimeReading;
  events: MacroEvent[];
  indicators: ReturnType<typeof marketIndicators>;
}

export type MarketData = MarketSummaryData | ParityData;

/** What /market parity's reply carries: the chain's reading and the r and q the replies price with. */
export interface ParityData {
  parity: ChainParity | null | undefined;
  rate: number;
  dividendYield: number;
  ratesFrom: MarketView['snapshot']['ratesFrom'];
}

function parityReply(view: MarketView, context: CommandContext): Reply<ParityData> {
  const parity = view.snapshot.chain?.parity;
  if (!parity?.expiries.length) {
    return {
      title: 'SPX put-call parity',
      visibility: 'channel',
      tone: 'warn',
      lines: [
        parity
          ? 'The SPX chain has too few strikes quoted on both sides near the money to read parity.'
          : 'No SPX option chain right now, so no parity reading (the notes below say why).',
        `Replies price with the configured r ${percent(view.snapshot.rate, 2)}, ` +
          `q ${percent(view.snapshot.dividendYield, 2)}.`,
      ],
      footer: [...view.footer, NOT_ADVICE],
    };
  }
  const asOf = `${context.calendar.newYorkDate(parity.asOfMs)} ${newYorkClockTime(parity.asOfMs)} ET`;
  const flagged = parity.expiries.flatMap((e) => e.beyondSpread.map((d) => ({ expiry: e, deviation: d })));
  flagged.sort((a, b) => b.deviation.beyondSpread - a.deviation.beyondSpread);
  const pairs = parity.expiries.reduce((sum, e) => sum + e.strikesUsed, 0);
  const lines = [pricingSentence(parity, view)];
  if (!flagged.length) {
    lines.push(
      `None beyond the spread: on all ${parity.expiries.length} expiries read, ` +
        "every strike pair's parity lies within its bid/ask.",
    );
  } else {
    lines.push(`${flagged.length} strike pair${flagged.length === 1 ? '' : 's'} beyond the bid/ask:`);
    for (const { expiry, deviation } of flagged.slice(0, FLAGGED_SHOWN)) {
      lines.push(
        `${expiry.expiry} ${expiry.root} ${strike(deviation.strike)}: ` +
          `C−P quoted ${points(deviation.sell)} / ${points(deviation.buy)}, parity ${points(deviation.parity)} ` +
          `(${points(deviation.beyondSpread)} beyond the spread).`,
      );
    }
    if (flagged.length > FLAGGED_SHOWN) lines.push(`… and ${flagged.length - FLAGGED_SHOWN} more.`);
  }
  return {
    title: `SPX put-call parity · chain as of ${asOf} (delayed)`,
    visibility: 'channel',
    tone: flagged.length ? 'warn' : 'neutral',
    lines,
    table: {
      columns: [
        { label: 'Expiry' },
        { label: 'Days', align: 'right' },
        { label: 'r', align: 'right' },
        { label: 'q', align: 'right' },
        { label: 'Pairs', align: 'right' },
        { label: 'Off parity', align: 'right' },
      ],
      rows: parity.expiries
        .slice(0, EXPIRIES_SHOWN)
        .map((e) => [
          `${e.expiry} ${e.root}`,
          String(Math.round(e.days)),
          percent(e.rate, 2),
          percent(e.dividendYield, 2),
          String(e.strikesUsed),
          String(e.beyondSpread.length),
        ]),
    },
    footer: [
      `${DELAYED} Fit over ${pairs} strike pairs within 10% of spot; r and q continuously compounded.`,
      ...view.footer,
      NOT_ADVICE,
    ],
    data: {
      parity,
      rate: view.snapshot.rate,
      dividendYield: view.snapshot.dividendYield,
      ratesFrom: view.snapshot.ratesFrom,
    },
  };
}

/** Which expiry's r and q price the replies, or why the configured ones do. */
function pricingSentence(parity: ChainParity, view: MarketView): string {
  const implied = parity.implied;
  const { snapshot } = view;
  const configured = `r ${percent(snapshot.rate, 2)}, q ${percent(snapshot.dividendYield, 2)}`;
  if (!implied) return `No expiry 14 days or more out could be read: replies price with the configured ${configured}.`;
  const reading = parity.expiries.find((e) => e.expiry === implied.expiry && e.root === implied.root) as ExpiryParity;
  const source =
    `the ${implied.expiry} ${implied.root} expiry ` +
    `(${Math.round(reading.days)} days, ${reading.strikesUsed} strike pairs)`;
  const rate = `financing rate r ${percent(implied.rate, 2)}`;
  const values = `${rate} and dividend yield q ${percent(implied.dividendYield, 2)}`;
  if (snapshot.ratesFrom?.from === 'chain')
    return `The chain implies a ${values} from ${source}; replies price with them.`;
  const why = implied.implausible ? `outside plausible bounds (${implied.implausible})` : 'the chain is stale';
  return `The chain implies a ${values} from ${source}, ${why}: replies price with the configured ${configured}.`;
}
