// The daily summaries (docs/decisions.md "Daily summaries"), as pure functions from gathered numbers to
// a platform-neutral Reply; src/render turns it into each platform's message.
import type { MacroEvent, ModelCondor, PositionEvaluation, RegimeReading } from '../engine/index.ts';
import { ACTION_URGENCY } from '../app/positions.ts';
import { strikeList, dollars, percent, points, signedDollars, signedPercent } from '../app/format.ts';
import { dayAfterText } from '../app/market-context.ts';
import { NOT_ADVICE, type Reply } from '../app/reply.ts';

export interface ChannelSummaryInput {
  tradingDay: string;
  kind: 'morning' | 'review';
  spx: { value: number; previousClose: number | null };
  vix: { value: number; previousClose: number | null };
  regime: RegimeReading;
  model: ModelCondor;
  modelExpiryDte: number;
  events: readonly MacroEvent[];
  /** FOMC/CPI/PPI releases of the trading day before (said beside the threshold). */
  dayAfter?: readonly MacroEvent[];
  /** "RSI(14) … · MACD(12,26,9) … (closes to …)" (src/app/market-context.ts). */
  indicators?: string;
  /** The channel's paper position (the model condor it follows), when it has one. */
  channelPosition: { id: string; label: string; evaluation: PositionEvaluation } | null;
  /** Hedge discussions open in this channel ("Hedge k3m9tq L1 VIX 21/26"). */
  discussions: readonly string[];
  footer: readonly string[];
}

/**
 * The engine's HOLD reason ends with the P/L ("…; P/L $120."); a summary line states the P/L
 * itself, so the reason is shown without it rather than saying it twice.
 */
const reasonWithoutPl = (reason: string) => reason.replace(/;\s*P\/L [^;]*\.$/, '.');

/** P/L in whole dollars, as the lines show it: the header total is the sum of these. */
const wholeDollars = (value: number) => Math.round(value);

/** "P/L +$120, CP deviation 1.0%. <reason>" */
const positionState = (evaluation: PositionEvaluation) =>
  `P/L ${signedDollars(wholeDollars(evaluation.unrealizedPl))}, CP deviation ` +
  `${percent(evaluation.invariant.deviation)}. ${reasonWithoutPl(evaluation.reason)}`;

const change = (value: number, previous: number | null) =>
  previous ? ` (${signedPercent(value / previous - 1, 2)})` : '';

/** The day-after-release note that follows the threshold, with its leading space, or ''. */
function thresholdNote(input: ChannelSummaryInput): string {
  const text = dayAfterText(input.dayAfter ?? []);
  return text ? ` ${text}` : '';
}

export function buildChannelSummary(input: ChannelSummaryInput): Reply {
  const { regime, model } = input;
  const { condor, evaluation } = model;
  const percentile =
    regime.percentile === null
      ? 'percentile unknown (no history)'
      : `VIX at the ${Math.round(regime.percentile)}th percentile`;
  const termStructure = regime.termStructure
    ? `, ${regime.termStructure} (VIX/VIX3M ${regime.vixToVix3m!.toFixed(2)})`
    : '';
  const lines = [
    `SPX ${points(input.spx.value)}${change(input.spx.value, input.spx.previousClose)} · VIX ` +
      `${points(input.vix.value)}${change(input.vix.value, input.vix.previousClose)}` +
      (regime.spike ? ' · VIX SPIKE' : ''),
    `Regime ${regime.regime}: ${percentile}${termStructure}. ` +
      `Threshold T ${percent(regime.threshold)}.${thresholdNote(input)}`,
    ...(input.indicators ? [`SPX ${input.indicators}.`] : []),
    `Model condor ${strikeList(condor.strikes)} ${condor.expiry} (${input.modelExpiryDte} DTE): credit ` +
      `${points(condor.credit)} (${dollars(evaluation.maxProfit)}), max loss ${dollars(evaluation.maxLoss)}, PoP ` +
      `${percent(evaluation.probabilityOfProfit, 0)}, k₀ ${points(model.baselineK, 0)}, expected move ` +
      `±${points(evaluation.expectedMove, 0)}.`,
  ];
  if (input.channelPosition) {
    const e = input.channelPosition.evaluation;
    lines.push(
      `Channel position ${input.channelPosition.id} ${input.channelPosition.label}: ${e.action}, ${positionState(e)}`,
    );
  }
  lines.push(
    input.events.length
      ? `Next 3 trading days: ${input.events.map((e) => `${e.kind} ${e.date}`).join(', ')}.`
      : 'No FOMC, CPI or PPI in the next 3 trading days.',
  );
  if (input.discussions.length) lines.push(`Hedge discussions: ${input.discussions.join('; ')}.`);
  return {
    title: `${input.kind === 'morning' ? 'Daily signal' : 'Post-close review'} · ${input.tradingDay}`,
    visibility: 'channel',
    tone: regime.regime === 'extreme' || regime.spike ? 'warn' : 'neutral',
    lines,
    footer: [...input.footer, NOT_ADVICE],
    data: {
      tradingDay: input.tradingDay,
      regime,
      model,
      events: input.events,
      channelPosition: input.channelPosition?.id ?? null,
    },
  };
}

export interface PersonalSummaryInput {
  tradingDay: string;
  kind: 'morning' | 'review';
  positions: readonly { id: string; label: string; evaluation: PositionEvaluation }[];
  regime: RegimeReading;
  footer: readonly string[];
}

export function buildPersonalSummary(input: PersonalSummaryInput): Reply {
  const sorted = [...input.positions].sort(
    (a, b) => ACTION_URGENCY[a.evaluation.action] - ACTION_URGENCY[b.evaluation.action] || a.id.localeCompare(b.id),
  );
  const needing = sorted.filter((p) => p.evaluation.action !== 'HOLD').length;
  const total = sorted.reduce((sum, p) => sum + wholeDollars(p.evaluation.unrealizedPl), 0);
  const actionWords = needing ? `${needing} need${needing === 1 ? 's' : ''} action` : 'all on HOLD';
  const lines = sorted.length
    ? [
        `${sorted.length} open position${sorted.length === 1 ? '' : 's'}, ${actionWords}; ` +
          `P/L ${signedDollars(total)}. ${input.regime.summary}.`,
        ...sorted.map((p) => `${p.evaluation.action} ${p.id} ${p.label}: ${positionState(p.evaluation)}`),
      ]
    : ['No open positions. Record one with /position add.'];
  return {
    title: `Your positions · ${input.tradingDay}`,
    visibility: 'caller',
    tone: needing ? 'warn' : 'neutral',
    lines,
    footer: [...input.footer, NOT_ADVICE],
    data: {
      tradingDay: input.tradingDay,
      positions: sorted.map((p) => ({
        id: p.id,
        action: p.evaluation.action,
        reason: p.evaluation.reason,
        unrealizedPl: p.evaluation.unrealizedPl,
        deviation: p.evaluation.invariant.deviation,
      })),
    },
  };
}
