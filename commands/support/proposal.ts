// The engine's proposal in a trader's words, shared by /position show and the summaries.
import { hedgeSummary, type PositionEvaluation } from '../../src/engine/index.ts';
import { strikeList, dollars, hedgeLayerFigures, percent, points } from '../../src/app/format.ts';

export function proposalLines(evaluation: PositionEvaluation): string[] {
  const proposal = evaluation.proposal;
  switch (proposal.kind) {
    case 'close':
      return [
        `Close now: estimated debit ${points(proposal.debit)} pts, realized P/L ${dollars(proposal.realizedPl)}.`,
      ];
    case 'roll':
    case 'tighten': {
      const r = proposal.restrike;
      const net =
        `${r.netCredit >= 0 ? 'net credit' : 'net debit'} ${points(Math.abs(r.netCredit))} pts ` +
        `(${dollars(Math.abs(r.netCreditDollars))})`;
      return [
        `${proposal.kind === 'roll' ? 'Roll' : 'Tighten'} to ${strikeList(r.strikes)}: close at ` +
          `${points(r.closeDebit)}, open at ${points(r.newCredit)}, ${net}.`,
        `New break-evens ${points(r.breakEvenLow)} – ${points(r.breakEvenHigh)}, new k₀ ` +
          `${points(r.newBaselineK, 1)} (shorts at the entry distance in expected moves, ` +
          `±${points(r.expectedMove, 0)} pts now).`,
      ];
    }
    case 'hedge':
      return [
        hedgeSummary(proposal.hedge) + '.',
        ...proposal.hedge.proposed.map(
          (q) =>
            `Layer ${q.layer}: ${hedgeLayerFigures(q)} (budget ${percent(q.budgetShare)} = ${dollars(q.budget)})` +
            `${q.note ? `; ${q.note}` : ''}.`,
        ),
      ];
    default:
      return [];
  }
}
