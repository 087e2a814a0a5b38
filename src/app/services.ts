// Larger capabilities that some commands need and that live outside src/app (the daily summary
// builder, the backtester's history loader, the hedge-discussion poster). Injected like ports;
// a missing one makes the command answer that it is not available here.
import type { Reply } from './reply.ts';
import type { CommandContext } from './command.ts';
import type { PolicyName } from '../engine/policies/index.ts';

export interface SummaryService {
  /** Today's channel summary, on demand (/signal). */
  channelSummary(context: CommandContext): Promise<Reply>;
}

export interface BacktestRequest {
  from?: string;
  to?: string;
  /** 'all' = cp, delta and hold over one range. */
  policy: PolicyName | 'all';
  /** The walk-forward evidence of every policy instead of one range (from, to and the entry options unused). */
  walkForward?: boolean;
  dte?: number;
  delta?: number;
  wings?: number;
}

export interface BacktestService {
  run(request: BacktestRequest, context: CommandContext): Promise<Reply>;
}

export interface Services {
  summaries?: SummaryService;
  backtests?: BacktestService;
}
