// The payoff chart attachment shared by /condor eval and /position show.
import { payoffCurve, type Condor, type CondorEvaluation, type MarketState } from '../../src/engine/index.ts';
import type { CommandContext } from '../../src/app/command.ts';
import { condorLabel } from '../../src/app/format.ts';
import type { ReplyAttachment } from '../../src/app/reply.ts';

export async function payoffAttachment(
  context: CommandContext,
  condor: Condor,
  evaluation: CondorEvaluation,
  state: MarketState,
  demo: boolean,
): Promise<ReplyAttachment> {
  const points = payoffCurve(condor, evaluation, state);
  const png = await context.charts.payoff({
    title: `${condor.underlying.symbol} ${condorLabel(condor.strikes)} ${condor.expiry} x${condor.quantity}`,
    points,
    breakEvens: [evaluation.breakEvenLow, evaluation.breakEvenHigh].filter((level) => level !== null),
    spot: state.spot,
    strikes: [condor.strikes.longPut, condor.strikes.shortPut, condor.strikes.shortCall, condor.strikes.longCall],
    maxProfit: evaluation.maxProfit,
    maxLoss: -evaluation.maxLoss,
    footer: `Dashed: model P/L today at ${(evaluation.atmVol * 100).toFixed(1)}% vol · educational, not investment advice`,
    demo,
  });
  return { filename: 'payoff.png', contentType: 'image/png', data: png, description: 'P/L at expiry and today' };
}
