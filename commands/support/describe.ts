// Reply fields for a condor evaluation, shared by /condor eval, /condor suggest and /position show.
import type { CondorEvaluation, Condor } from '../../src/engine/index.ts';
import { dollars, percent, points, strike } from '../../src/app/format.ts';
import type { ReplyField, ReplyTable } from '../../src/app/reply.ts';

/** Both break-evens, or the one there is: a side whose wing is narrower than the credit cannot lose. */
export function breakEvenText({ breakEvenLow: low, breakEvenHigh: high }: CondorEvaluation): string {
  if (low !== null && high !== null) return `${points(low)} – ${points(high)}`;
  if (low !== null) return `${points(low)} (no loss above it)`;
  return `${points(high ?? 0)} (no loss below it)`;
}

export function condorFields(condor: Condor, evaluation: CondorEvaluation): ReplyField[] {
  const g = evaluation.greeks;
  return [
    { label: 'Max profit', value: dollars(evaluation.maxProfit), inline: true },
    { label: 'Max loss', value: dollars(evaluation.maxLoss), inline: true },
    { label: 'Return on risk', value: percent(evaluation.returnOnRisk), inline: true },
    {
      label: 'Break-evens',
      value: breakEvenText(evaluation),
      inline: true,
    },
    { label: 'Cushion', value: `${points(evaluation.cushion, 1)} pts to the nearer break-even`, inline: true },
    {
      label: 'Expected move',
      value: `±${points(evaluation.expectedMove, 0)} pts (${percent(evaluation.atmVol)} vol, ${evaluation.dte} d)`,
      inline: true,
    },
    { label: 'Probability of profit', value: percent(evaluation.probabilityOfProfit), inline: true },
    { label: 'P(max profit)', value: percent(evaluation.probabilityOfMaxProfit), inline: true },
    {
      label: 'P(touch) put / call',
      value: `${percent(evaluation.touchProbabilityShortPut, 0)} / ${percent(evaluation.touchProbabilityShortCall, 0)}`,
      inline: true,
    },
    {
      label: `Greeks (position, $)`,
      value:
        `Δ ${points(g.deltaPerPoint)}/pt · Γ ${points(g.gammaPerPoint2, 3)}/pt² · Θ ` +
        `${dollars(g.thetaPerDay)}/trading day · Vega ${dollars(g.vegaPerVolPoint)}/vol pt`,
    },
    {
      label: 'Width',
      value:
        `put wing ${strike(evaluation.widthPut)}, call wing ${strike(evaluation.widthCall)} pts; ` +
        `x${condor.quantity}`,
      inline: true,
    },
  ];
}

export function legsTable(evaluation: CondorEvaluation): ReplyTable {
  const names = { longPut: 'long put', shortPut: 'short put', shortCall: 'short call', longCall: 'long call' } as const;
  return {
    columns: [
      { label: 'leg' },
      { label: 'strike', align: 'right' },
      { label: 'vol', align: 'right' },
      { label: 'source' },
      { label: 'price', align: 'right' },
      { label: 'delta', align: 'right' },
    ],
    rows: evaluation.legs.map((leg) => [
      names[leg.role],
      strike(leg.strike),
      percent(leg.vol),
      leg.volSource,
      points(leg.value.price),
      leg.value.delta.toFixed(3),
    ]),
  };
}

const SOURCE_WORDS = { chain: 'option chain IV', 'vix-proxy': 'VIX proxy (VIX/100)', user: 'your vol' } as const;

/** Which vol priced the legs: "option chain IV at each strike", or a mix with the VIX proxy. */
export function volSourceField(evaluation: CondorEvaluation): ReplyField {
  const counts = new Map<string, number>();
  for (const leg of evaluation.legs) counts.set(leg.volSource, (counts.get(leg.volSource) ?? 0) + 1);
  const value =
    counts.size === 1
      ? `${SOURCE_WORDS[evaluation.legs[0]!.volSource]} for all four legs`
      : [...counts]
          .map(
            ([source, n]) => `${SOURCE_WORDS[source as keyof typeof SOURCE_WORDS]} for ${n} leg${n === 1 ? '' : 's'}`,
          )
          .join(', ');
  return { label: 'Vol source', value, inline: true };
}
