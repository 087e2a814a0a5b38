// Larger capabilities that some commands need and that live outside src/app (the daily summary
// builder, the backtester's history loader, the hedge-discussion poster). Injected like ports;
// a missing one makes the command answer that it is not available here.
import type { Reply } from './reply.ts';
import type { CommandContext } from './command.ts';

export interface SummaryService {
  /** Today's channel summary, on demand (/signal). */
  channelSummary(context: CommandContext): Promise<Reply>;
}

export interface BacktestRequest {
  from?: string;
  to?: string;
  policy: 'cp' | 'delta' | 'hold' | 'all';
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
